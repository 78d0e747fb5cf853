package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func built() fstest.MapFS {
	return fstest.MapFS{
		"index.html":           {Data: []byte(`<!doctype html><div id="root"></div>`)},
		"assets/index-abc1.js": {Data: []byte(`console.log(1)`)},
		"favicon.svg":          {Data: []byte(`<svg/>`)},
		".gitkeep":             {Data: nil},
	}
}

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestServesIndexForClientRoutes(t *testing.T) {
	h := NewHandler(built())
	for _, target := range []string{"/", "/errors", "/errors/0190c3f0-aaaa", "/errors/01a23344-c989-7e93-97a9-49a198a72578.0", "/traces/abc?span=1", "/logs", "/instances?instance=5000", "/index.html"} {
		rec := get(t, h, http.MethodGet, target)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="root"`) {
			t.Fatalf("GET %s: %d %q, want index.html", target, rec.Code, rec.Body.String())
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Fatalf("GET %s: Cache-Control %q, want no-cache", target, cc)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: Content-Type %q", target, ct)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' http://localhost:*"} {
			if !strings.Contains(csp, want) {
				t.Fatalf("GET %s: Content-Security-Policy %q lacks %q", target, csp, want)
			}
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET %s: no X-Content-Type-Options: nosniff", target)
		}
	}
}

func TestHashedAssetsAreCachedForever(t *testing.T) {
	rec := get(t, NewHandler(built()), http.MethodGet, "/assets/index-abc1.js")
	if rec.Code != http.StatusOK || rec.Body.String() != "console.log(1)" {
		t.Fatalf("asset: %d %q", rec.Code, rec.Body.String())
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("asset Cache-Control %q", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Fatalf("asset Content-Type %q", ct)
	}
	rec = get(t, NewHandler(built()), http.MethodGet, "/favicon.svg")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("unhashed file: %d Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

func TestMissingFilesAre404(t *testing.T) {
	h := NewHandler(built())
	for _, target := range []string{"/assets/index-gone.js", "/assets/nothing", "/missing.png", "/.gitkeep", "/assets/../.gitkeep"} {
		rec := get(t, h, http.MethodGet, target)
		if rec.Code != http.StatusNotFound {
			t.Fatalf("GET %s: %d, want 404", target, rec.Code)
		}
	}
}

func TestHeadAndMethods(t *testing.T) {
	h := NewHandler(built())
	rec := get(t, h, http.MethodHead, "/errors")
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
		t.Fatalf("HEAD: %d body %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
	rec = get(t, h, http.MethodPost, "/errors")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestWithoutBuildSaysHowToBuild(t *testing.T) {
	h := NewHandler(fstest.MapFS{".gitkeep": {}})
	for _, target := range []string{"/", "/errors/1"} {
		rec := get(t, h, http.MethodGet, target)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "make ui") {
			t.Fatalf("GET %s without a build: %d %q", target, rec.Code, rec.Body.String())
		}
	}
}

// The embedded FS works whether or not `make ui` ran: either the UI or the
// page explaining how to build it.
func TestEmbeddedHandler(t *testing.T) {
	rec := get(t, Handler(), http.MethodGet, "/")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !(strings.Contains(body, `id="root"`) || strings.Contains(body, "make ui")) {
		t.Fatalf("embedded /: %d %q", rec.Code, body)
	}
}
