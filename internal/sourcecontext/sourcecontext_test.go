package sourcecontext

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// devServer serves what a dev server would, under /src: Vite's real output
// for testdata/main.ts (an inline source map), the same map as a separate
// file (webpack's way), and a few broken cases.
func devServer(t testing.TB) *httptest.Server {
	t.Helper()
	vite := read(t, "testdata/vite-main.js")
	smap := read(t, "testdata/main.js.map")
	code, _, _ := strings.Cut(vite, "//# sourceMappingURL=")
	mux := http.NewServeMux()
	mux.HandleFunc("/src/main.ts", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, vite) })
	mux.HandleFunc("/assets/main.js", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, code+"//# sourceMappingURL=main.js.map\n")
	})
	mux.HandleFunc("/assets/main.js.map", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, smap) })
	mux.HandleFunc("/assets/header.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("SourceMap", "/assets/main.js.map")
		fmt.Fprint(w, code)
	})
	mux.HandleFunc("/assets/nomap.js", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, code) })
	mux.HandleFunc("/assets/remote.js", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, code+"//# sourceMappingURL=http://192.0.2.1/main.js.map\n")
	})
	mux.HandleFunc("/assets/redirect.js", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://192.0.2.1/main.js", http.StatusFound)
	})
	mux.HandleFunc("/assets/huge.js", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", maxGenerated+1)))
	})
	srv := httptest.NewServer(mux) // 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func read(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// project is a directory with src/main.ts (the original of the dev server's
// file) and a Go file.
func project(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "src", "main.ts"), []byte(read(t, "testdata/main.ts")), 0o644); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	if err := os.WriteFile(filepath.Join(root, "app.go"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	root, _ = filepath.EvalSymlinks(root)
	return root
}

func resolve(t *testing.T, root string, frames ...Frame) []Result {
	t.Helper()
	r := New()
	res, err := r.Resolve(context.Background(), localfile.Roots{root}, frames)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFromDisk(t *testing.T) {
	root := project(t)
	res := resolve(t, root, Frame{File: "app.go", Line: 10}, Frame{File: filepath.Join(root, "app.go"), Line: 2}, Frame{File: "app.go", Line: 20})
	got := res[0].Context
	if got == nil || got.Line != "line 10" || strings.Join(got.Pre, ",") != "line 5,line 6,line 7,line 8,line 9" ||
		strings.Join(got.Post, ",") != "line 11,line 12,line 13,line 14,line 15" {
		t.Fatalf("line 10: %+v (%s)", got, res[0].Error)
	}
	if res[0].AbsPath != filepath.Join(root, "app.go") {
		t.Errorf("abs path %q", res[0].AbsPath)
	}
	if got := res[1].Context; got == nil || strings.Join(got.Pre, ",") != "line 1" || got.Line != "line 2" {
		t.Fatalf("line 2: %+v", got)
	}
	if got := res[2].Context; got == nil || got.Line != "line 20" || len(got.Post) != 0 {
		t.Fatalf("last line: %+v", got)
	}
}

func TestFromDiskRefuses(t *testing.T) {
	root := project(t)
	outside := filepath.Join(t.TempDir(), "secret.go")
	if err := os.WriteFile(outside, []byte("token\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".env"), []byte("TOKEN=secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := resolve(t, root,
		Frame{File: ".env", Line: 1},
		Frame{File: outside, Line: 1},
		Frame{File: "app.go", Line: 99},
		Frame{File: "app.go"},
		Frame{File: "https://example.com/app.js", Line: 1},
	)
	for i, want := range []string{"hidden file", "outside the project", "no such line", "no line number", "is a URL"} {
		if res[i].Context != nil || !strings.Contains(res[i].Error, want) {
			t.Errorf("frame %d: %+v; want an error with %q", i, res[i], want)
		}
	}
}

func TestLongLinesAreCut(t *testing.T) {
	long := strings.Repeat("é", 100_000)
	lines, err := around(strings.NewReader("a\n"+long+"\nb"), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := []rune(lines.Line); len(got) != maxLineRunes+1 || got[maxLineRunes] != '…' {
		t.Fatalf("line of %d runes", len(got))
	}
	if lines.Pre[0] != "a" || lines.Post[0] != "b" {
		t.Fatalf("%+v", lines)
	}
}

func TestSourceMaps(t *testing.T) {
	root := project(t)
	srv := devServer(t)
	// Line 3, column 9 of Vite's output is `new Error("empty cart")`, which
	// is line 5, column 11 of main.ts.
	for _, path := range []string{"/src/main.ts", "/assets/main.js", "/assets/header.js"} {
		t.Run(path, func(t *testing.T) {
			res := resolve(t, root, Frame{File: srv.URL + path, Line: 3, Column: 9, Function: "total"})[0]
			m := res.Mapped
			if m == nil {
				t.Fatalf("not mapped: %s", res.Error)
			}
			if m.Line != 5 || m.Column != 11 || m.Function != "total" {
				t.Errorf("mapped to %+v", m)
			}
			if m.Generated != (Location{File: srv.URL + path, Line: 3, Column: 9}) {
				t.Errorf("generated %+v", m.Generated)
			}
			if res.Context == nil || res.Context.Line != "    throw new Error('empty cart');" || res.Context.Pre[0] != "interface Cart { items: number[] }" {
				t.Errorf("context %+v (%s)", res.Context, res.Error)
			}
		})
	}
	// Vite's source is the file under the project: the editor can open it.
	res := resolve(t, root, Frame{File: srv.URL + "/src/main.ts", Line: 3, Column: 9})[0]
	if res.Mapped.File != "src/main.ts" || res.Mapped.AbsPath != filepath.Join(root, "src", "main.ts") {
		t.Errorf("file %q, abs path %q", res.Mapped.File, res.Mapped.AbsPath)
	}
}

func TestSourceMapsRefused(t *testing.T) {
	root := project(t)
	srv := devServer(t)
	for _, tc := range []struct{ path, want string }{
		{"/assets/nomap.js", "names no source map"},
		{"/assets/remote.js", "not a loopback URL"},
		{"/assets/redirect.js", "not a loopback address"},
		{"/assets/huge.js", "over the limit"},
		{"/missing.js", "404"},
	} {
		res := resolve(t, root, Frame{File: srv.URL + tc.path, Line: 1, Column: 1})[0]
		if res.Mapped != nil || !strings.Contains(res.Error, tc.want) {
			t.Errorf("%s: %+v; want an error with %q", tc.path, res, tc.want)
		}
	}
}

func TestLoopbackURL(t *testing.T) {
	for s, want := range map[string]bool{
		"http://localhost:5173/src/main.ts": true,
		"http://127.0.0.1:3000/_next/x.js":  true,
		"http://[::1]:8080/a.js":            true,
		"http://app.localhost/a.js":         true,
		"https://example.com/a.js":          false,
		"http://192.168.1.2:5173/a.js":      false,
		"http://user@localhost/a.js":        false,
		"file:///a.js":                      false,
		"/src/a.js":                         false,
	} {
		if _, got := loopbackURL(s); got != want {
			t.Errorf("loopbackURL(%q) = %v", s, got)
		}
	}
}

func TestTooManyFrames(t *testing.T) {
	r := New()
	if _, err := r.Resolve(context.Background(), nil, make([]Frame, MaxFrames+1)); err != ErrTooManyFrames {
		t.Fatalf("got %v", err)
	}
}
