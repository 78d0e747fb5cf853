// Package webui serves the web UI that `make ui` builds into dist/, embedded
// in the binary.
package webui

import (
	"bytes"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// dist holds the Vite build; `all:` keeps the committed .gitkeep so the
// package compiles before the UI is built.
//
//go:embed all:dist
var dist embed.FS

// Handler serves the embedded UI at / with client-side routes (unknown paths
// without a file extension get index.html), cache headers for hashed assets,
// and a page that says how to build the UI when the binary was built without it.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // only if the embed directive changes
		panic(err)
	}
	return NewHandler(sub)
}

// NewHandler serves the UI build in fsys (index.html and assets/ at its root).
func NewHandler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys}
}

type handler struct {
	fsys fs.FS
}

const (
	// Vite names files under assets/ by content hash: they never change.
	immutable = "public, max-age=31536000, immutable"
	// index.html names the current hashes, so it must be revalidated.
	revalidate = "no-cache"
	// contentSecurityPolicy is defence in depth for a page that shows
	// whatever apps send: only the UI's own scripts run, data goes only to
	// loopback sidecars (the Control Center connects to other ports), and no
	// other site may frame the page (its Terminate buttons stop processes).
	// Images are data: or blob: URLs (attachments fetched through the API).
	contentSecurityPolicy = "default-src 'self'; script-src 'self'; " +
		"connect-src 'self' http://localhost:* http://127.0.0.1:*; img-src 'self' data: blob:; " +
		"style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the UI is read-only (use GET)", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if hidden(name) {
		http.NotFound(w, r)
		return
	}
	if name != "" && name != "index.html" {
		if h.serveFile(w, r, name) {
			return
		}
		// A missing file (a path with an extension, or under assets/) is a
		// real 404: answering index.html would hide broken asset links.
		if fileLike(name) || strings.HasPrefix(name, "assets/") {
			http.NotFound(w, r)
			return
		}
	}
	h.serveIndex(w, r)
}

// fileLike reports a path that ends in a file extension (.js, .png). An
// all-digit suffix is not one: event ids end in ".<n>" (/errors/<uuid>.0),
// and those are client routes.
func fileLike(name string) bool {
	ext := strings.TrimPrefix(path.Ext(name), ".")
	return ext != "" && strings.Trim(ext, "0123456789") != ""
}

// hidden reports dot-files such as .gitkeep, which are not part of the UI.
func hidden(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	data, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		return false
	}
	if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", immutable)
	} else {
		w.Header().Set("Cache-Control", revalidate)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
	return true
}

func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(h.fsys, "index.html")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte(notBuiltPage)
	case err != nil:
		http.Error(w, "reading the embedded UI: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", revalidate)
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// notBuiltPage answers / when the binary was built without `make ui`: the
// sidecar still works (SDKs, stream, tail, MCP), only the UI is missing.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spotlight: the web UI is not built</title>
<meta name="color-scheme" content="light dark">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{font-family:ui-monospace,monospace}</style>
</head><body>
<h1>Spotlight is running, but its web UI was not built into this binary</h1>
<p>The sidecar works: SDKs can send events, and <code>spotlight tail</code> and <code>spotlight mcp</code> show them.</p>
<p>To get the web UI, build it and then the binary, from the repository root:</p>
<pre><code>make ui
make go-build</code></pre>
<p>(or just <code>make build</code>), then restart Spotlight.</p>
</body></html>
`
