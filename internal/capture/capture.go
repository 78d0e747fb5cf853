// Package capture saves every envelope a sidecar receives to a file, as
// upstream Spotlight does with SPOTLIGHT_CAPTURE: to make fixtures from real
// SDKs, or to look at exactly what an SDK sent.
package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// EnvVar turns capturing on: "1" or "true" saves into the working directory
// (upstream's behaviour), any other value names the folder to save into.
const EnvVar = "SPOTLIGHT_CAPTURE"

// Dir is a folder envelopes are saved into.
type Dir struct {
	path string
	now  func() time.Time
}

// FromEnv returns the capture folder SPOTLIGHT_CAPTURE names (relative to
// cwd), created 0700 if missing, or nil when capturing is off.
func FromEnv(getenv func(string) string, cwd string) (*Dir, error) {
	v := strings.TrimSpace(getenv(EnvVar))
	switch strings.ToLower(v) {
	case "", "0", "false", "no", "off":
		return nil, nil
	case "1", "true", "yes", "on":
		v = "."
	}
	path := v
	if !filepath.IsAbs(path) {
		path = filepath.Join(cwd, path)
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("%s=%s: cannot create the capture folder: %w", EnvVar, getenv(EnvVar), err)
	}
	return &Dir{path: path, now: time.Now}, nil
}

// Path is the folder's absolute path.
func (d *Dir) Path() string { return d.path }

// Save writes body to a new file named as upstream names them,
// <content type with non-alphanumerics as _>-<Unix time in ns>.txt (e.g.
// application_x_sentry_envelope-1706290053204000000.txt), never overwriting
// one, and returns its path.
func (d *Dir) Save(contentType string, body []byte) (string, error) {
	prefix := strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, contentType)
	if prefix == "" {
		prefix = "no_content_type"
	}
	ns := d.now().UnixNano()
	for range 1000 { // two envelopes in the same nanosecond take the next one
		name := filepath.Join(d.path, prefix+"-"+strconv.FormatInt(ns, 10)+".txt")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			ns++
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(body)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return name, werr
	}
	return "", fmt.Errorf("no free file name in %s", d.path)
}
