// Package localfile decides which files on this machine the sidecar may open
// in an editor or read source lines from: existing regular files under the
// project directories (the instance's working directory and the sidecar's
// own start directory), after symlinks are followed.
//
// Events come from any process that can reach the sidecar, so a frame's path
// is untrusted input: without these rules a crafted event could make the
// sidecar read ~/.ssh or launch an editor on /etc.
package localfile

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Errors of Resolve; the UI shows them as the reason a file was not opened.
var (
	ErrOutside    = errors.New("outside the project")
	ErrNotFound   = errors.New("no such file")
	ErrNotRegular = errors.New("not a regular file")
	ErrNoPath     = errors.New("no file path")
)

// Roots are the project directories, most specific first; the first one is
// what relative paths are resolved against. Empty entries are ignored.
type Roots []string

// Resolve turns a frame's path (absolute, relative to the first root, or a
// file:// URL) into the real path of an existing regular file under one of
// the roots. Symlinks are followed before the check, so a link inside the
// project that points outside it is refused.
func (r Roots) Resolve(name string) (string, error) {
	p, err := localPath(name)
	if err != nil {
		return "", err
	}
	roots := r.real()
	if len(roots) == 0 {
		return "", fmt.Errorf("%s: %w (no project directory is known)", name, ErrOutside)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(roots[0], p)
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(p))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s: %w", p, ErrNotFound)
		}
		return "", fmt.Errorf("%s: %w", p, err)
	}
	if !r.contains(roots, real) {
		return "", fmt.Errorf("%s is %w (%s)", p, ErrOutside, strings.Join(roots, ", "))
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %w", p, ErrNotRegular)
	}
	return real, nil
}

// Rel is path relative to the first root that holds it ("" if none does).
func (r Roots) Rel(path string) string {
	for _, root := range r.real() {
		if rel, ok := under(root, path); ok {
			return filepath.ToSlash(rel)
		}
	}
	return ""
}

// Hidden reports whether path (a result of Resolve) is, or is inside, a
// dot-file or dot-directory of its project (.env, .git/, .ssh/): places of
// secrets, whose lines must not be shown from an event anyone could send.
func (r Roots) Hidden(path string) bool {
	rel := r.Rel(path)
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") && part != "." && part != ".." {
			return true
		}
	}
	return false
}

// real is the roots with symlinks resolved (a project under a symlinked
// home directory must still contain its own files).
func (r Roots) real() []string {
	out := make([]string, 0, len(r))
	for _, root := range r {
		if root == "" {
			continue
		}
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
		if real, err := filepath.EvalSymlinks(root); err == nil {
			root = real
		}
		out = append(out, root)
	}
	return out
}

func (r Roots) contains(roots []string, path string) bool {
	for _, root := range roots {
		if _, ok := under(root, path); ok {
			return true
		}
	}
	return false
}

// under reports whether path is root or below it, and the relative path.
func under(root, path string) (string, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// localPath accepts a plain path or a file:// URL (Node's ESM frames);
// other URLs (http://, app://, webpack://) name no local file.
func localPath(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", ErrNoPath
	}
	if strings.HasPrefix(name, "file:") {
		u, err := url.Parse(name)
		if err != nil || (u.Host != "" && u.Host != "localhost") {
			return "", fmt.Errorf("%s is not a local file URL", name)
		}
		p := u.Path
		if runtime.GOOS == "windows" {
			p = strings.TrimPrefix(p, "/")
		}
		return filepath.FromSlash(p), nil
	}
	if i := strings.Index(name, "://"); i > 0 && !strings.ContainsAny(name[:i], `/\`) && (runtime.GOOS != "windows" || i > 1) {
		return "", fmt.Errorf("%s is a URL, not a local file", name)
	}
	return name, nil
}
