package sourcecontext

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/go-sourcemap/sourcemap"
)

// generated is a fetched dev-server file's source map (or why there is none).
type generated struct {
	smap *sourcemap.Consumer
	err  error
}

// mapped resolves a browser frame through its file's source map.
func (c *call) mapped(ctx context.Context, u *url.URL, f Frame) Result {
	key := u.String()
	g, ok := c.maps[key]
	if !ok {
		smap, err := c.sourceMap(ctx, u)
		g = &generated{smap: smap, err: err}
		c.maps[key] = g
	}
	if g.err != nil {
		return Result{Error: g.err.Error()}
	}
	// Source maps count columns from 0, Sentry frames from 1.
	source, name, line, col, ok := g.smap.Source(f.Line, max(f.Column-1, 0))
	if !ok || source == "" {
		return Result{Error: fmt.Sprintf("the source map of %s has no mapping for line %d", u.Redacted(), f.Line)}
	}
	m := &Mapped{
		File:      source,
		Line:      line,
		Column:    col + 1,
		Function:  f.Function,
		Generated: Location{File: f.File, Line: f.Line, Column: f.Column},
	}
	// Dev servers do not minify, so the SDK's function name is the
	// original one; the map's name is used only when the SDK had none.
	if m.Function == "" {
		m.Function = name
	}
	if p := c.localSource(source); p != "" {
		m.AbsPath = p
		if rel := c.roots.Rel(p); rel != "" {
			m.File = rel
		}
	} else if su, err := url.Parse(source); err == nil && su.Scheme != "" && su.Path != "" {
		m.File = strings.TrimPrefix(su.Path, "/")
	}
	res := Result{Mapped: m}
	var lines *Lines
	var err error
	if content := g.smap.SourceContent(source); content != "" {
		lines, err = linesOf(content, line)
	} else if m.AbsPath != "" && c.roots.Hidden(m.AbsPath) {
		err = errHidden
	} else if m.AbsPath != "" {
		lines, err = fromDisk(m.AbsPath, line)
	} else {
		err = errors.New("the source map has no sourcesContent and the file is not in the project")
	}
	res.Context = lines
	if err != nil {
		res.Error = err.Error()
	}
	return res
}

// sourceMap fetches the generated file and the map it names: an inline
// data: URL (Vite) or a URL next to it (webpack, Next.js), found in the
// SourceMap header or the last sourceMappingURL comment.
func (c *call) sourceMap(ctx context.Context, u *url.URL) (*sourcemap.Consumer, error) {
	body, header, err := c.fetch(ctx, u, maxGenerated)
	if err != nil {
		return nil, err
	}
	ref := header.Get("SourceMap")
	if ref == "" {
		ref = header.Get("X-SourceMap")
	}
	if ref == "" {
		ref = sourceMappingURL(body)
	}
	if ref == "" {
		return nil, fmt.Errorf("%s names no source map (no sourceMappingURL comment)", u.Redacted())
	}
	var raw []byte
	mapURL := u.String()
	if strings.HasPrefix(ref, "data:") {
		raw, err = decodeDataURL(ref)
		if err != nil {
			return nil, fmt.Errorf("the inline source map of %s: %w", u.Redacted(), err)
		}
		if len(raw) > maxSourceMap {
			return nil, fmt.Errorf("the inline source map of %s is over the limit of %d bytes", u.Redacted(), maxSourceMap)
		}
	} else {
		mu, err := u.Parse(ref)
		if err != nil {
			return nil, fmt.Errorf("source map URL %q of %s: %w", ref, u.Redacted(), err)
		}
		if !isLoopbackHost(mu.Hostname()) || (mu.Scheme != "http" && mu.Scheme != "https") {
			return nil, fmt.Errorf("the source map of %s is at %s, which is not a loopback URL: not fetched", u.Redacted(), mu.Redacted())
		}
		raw, _, err = c.fetch(ctx, mu, maxSourceMap)
		if err != nil {
			return nil, err
		}
		mapURL = mu.String()
	}
	smap, err := sourcemap.Parse(mapURL, raw)
	if err != nil {
		return nil, fmt.Errorf("the source map of %s cannot be read: %w", u.Redacted(), err)
	}
	return smap, nil
}

// sourceMappingURL is the value of the last "//# sourceMappingURL=" (or
// the older "//@") comment of a generated file.
func sourceMappingURL(body []byte) string {
	for _, marker := range [][]byte{[]byte("//# sourceMappingURL="), []byte("//@ sourceMappingURL=")} {
		i := bytes.LastIndex(body, marker)
		if i < 0 {
			continue
		}
		rest := body[i+len(marker):]
		if end := bytes.IndexAny(rest, "\r\n \t"); end >= 0 {
			rest = rest[:end]
		}
		return string(rest)
	}
	return ""
}

// decodeDataURL decodes a data: URL's payload (base64 or percent-encoded).
func decodeDataURL(s string) ([]byte, error) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(s, "data:"), ",")
	if !ok {
		return nil, errors.New("malformed data: URL")
	}
	if strings.HasSuffix(meta, ";base64") {
		if base64.StdEncoding.DecodedLen(len(data)) > maxSourceMap {
			return nil, fmt.Errorf("over the limit of %d bytes", maxSourceMap)
		}
		return base64.StdEncoding.DecodeString(data)
	}
	d, err := url.PathUnescape(data)
	return []byte(d), err
}

// localSource is the project file an original source names, if any: Vite
// serves project files by their path from its root (/src/main.ts) or, for
// files elsewhere, under /@fs/<absolute path>; webpack names them
// webpack://<app>/./src/x.ts; plain paths and file:// URLs are paths.
func (c *call) localSource(source string) string {
	candidates := []string{source}
	if u, err := url.Parse(source); err == nil {
		switch u.Scheme {
		case "http", "https":
			p := u.Path
			if rest, ok := strings.CutPrefix(p, "/@fs/"); ok {
				candidates = []string{"/" + rest}
			} else {
				candidates = []string{strings.TrimPrefix(path.Clean(p), "/")}
			}
		case "webpack", "webpack-internal":
			p := strings.TrimPrefix(u.Path, "/")
			candidates = []string{p, strings.TrimPrefix(path.Clean(u.Host+"/"+p), "/")}
		}
	}
	for _, cand := range candidates {
		if cand == "" {
			continue
		}
		if p, err := c.roots.Resolve(cand); err == nil {
			return p
		}
	}
	return ""
}
