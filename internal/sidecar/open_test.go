//go:build !windows

package sidecar

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/editor"
	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// openServer is a sidecar whose project is a temporary directory with
// src/app.go, and whose editor is a script named code that writes its
// arguments, one a line, to the returned file.
func openServer(t *testing.T, editorVar string) (ts *testServer, root, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	root = filepath.Join(dir, "proj")
	if err := os.MkdirAll(filepath.Join(root, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "src", "app.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "outside.go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	argsFile = filepath.Join(dir, "args")
	prog := filepath.Join(dir, "code")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argsFile+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"SPOTLIGHT_EDITOR": strings.ReplaceAll(editorVar, "$PROG", prog)}
	ts = start(t, Config{
		// This sidecar's project; another instance named here has none.
		ProjectOf: func(instance string) localfile.Roots {
			if instance == "" {
				return localfile.Roots{root}
			}
			return nil
		},
		Editor: func() editor.Env { return editor.Env{Getenv: func(k string) string { return vars[k] }} },
	})
	root, _ = filepath.EvalSymlinks(root)
	return ts, root, argsFile
}

func TestOpenRunsTheEditor(t *testing.T) {
	ts, root, argsFile := openServer(t, "$PROG")
	r := do(t, ts, http.MethodPost, "/open", []byte(`{"file":"src/app.go","line":12,"column":5}`),
		"Content-Type", "application/json", "Origin", "http://localhost:8969")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	got, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := "-g\n" + filepath.Join(root, "src", "app.go") + ":12:5\n"; string(got) != want {
		t.Fatalf("editor args %q; want %q", got, want)
	}
}

func TestOpenRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, editor, body, origin string
		status                     int
		reason, msg                string
	}{
		{"outside the project", "$PROG", `{"file":"../outside.go","line":1}`, "", http.StatusForbidden, reasonOutside, "outside the project"},
		{"another instance's project", "$PROG", `{"file":"src/app.go","line":1,"instance":"7d9c1a52-1d7e-4b8e-9a51-3c4f2f1f0e11"}`, "", http.StatusForbidden, reasonOutside, "outside the project"},
		{"missing file", "$PROG", `{"file":"src/nope.go","line":1}`, "", http.StatusNotFound, reasonNotFound, "no such file"},
		{"directory", "$PROG", `{"file":"src","line":1}`, "", http.StatusUnprocessableEntity, reasonNotFile, "not a regular file"},
		{"URL", "$PROG", `{"file":"http://localhost:5173/src/main.ts","line":1}`, "", http.StatusBadRequest, reasonBadRequest, "is a URL"},
		{"no editor", "", `{"file":"src/app.go","line":1}`, "", http.StatusUnprocessableEntity, reasonNoEditor, "no editor configured: set SPOTLIGHT_EDITOR"},
		{"not JSON", "$PROG", `file=src/app.go`, "", http.StatusBadRequest, reasonBadRequest, "must be JSON"},
		{"negative line", "$PROG", `{"file":"src/app.go","line":-1}`, "", http.StatusBadRequest, reasonBadRequest, "positive"},
		{"failing editor", "/bin/false", `{"file":"src/app.go","line":1}`, "", http.StatusBadGateway, reasonFailed, "exit status 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, _, argsFile := openServer(t, tc.editor)
			r := do(t, ts, http.MethodPost, "/open", []byte(tc.body), "Content-Type", "application/json")
			var body struct{ Error, Reason string }
			if err := json.Unmarshal([]byte(r.body), &body); err != nil {
				t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
			}
			if r.status != tc.status || body.Reason != tc.reason || !strings.Contains(body.Error, tc.msg) {
				t.Fatalf("got %d %+v; want %d %s containing %q", r.status, body, tc.status, tc.reason, tc.msg)
			}
			if _, err := os.Stat(argsFile); err == nil {
				t.Fatal("the editor ran")
			}
		})
	}
}

// A page on another site cannot make the sidecar launch programs.
func TestOpenRefusesCrossSite(t *testing.T) {
	ts, _, argsFile := openServer(t, "$PROG")
	r := do(t, ts, http.MethodPost, "/open", []byte(`{"file":"src/app.go","line":1}`), "Content-Type", "text/plain", "Origin", "https://evil.example")
	if r.status != http.StatusForbidden {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if _, err := os.Stat(argsFile); err == nil {
		t.Fatal("the editor ran")
	}
}
