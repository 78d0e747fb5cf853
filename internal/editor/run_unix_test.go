//go:build !windows

package editor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Run executes the program itself with the argument list: shell syntax in a
// file name stays literal.
func TestRunPassesArgumentsVerbatim(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "args")
	prog := filepath.Join(dir, "code")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + log + "\n"
	if err := os.WriteFile(prog, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "$(touch pwned); x.go")
	argv := Choice{Argv: []string{prog}}.Command(Target{File: file, Line: 7, Column: 3})
	if err := Run(context.Background(), argv); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if want := "-g\n" + file + ":7:3\n"; string(got) != want {
		t.Fatalf("editor got %q; want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a shell interpreted the file name")
	}
}

func TestRunReportsFailure(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "code")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Run(context.Background(), []string{prog, "x"})
	if err == nil || !strings.Contains(err.Error(), "exit status 3: cannot open display") {
		t.Fatalf("got %v", err)
	}
	err = Run(context.Background(), []string{filepath.Join(t.TempDir(), "no-such-editor")})
	if err == nil || !strings.Contains(err.Error(), "not found") || !strings.Contains(err.Error(), "SPOTLIGHT_EDITOR") {
		t.Fatalf("got %v", err)
	}
}
