package editor

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func env(vars map[string]string, running ...string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		LookPath: func(name string) (string, error) {
			if name == "subl" || name == "code" || name == "zed" {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		},
		Running: func() []string { return running },
	}
}

func TestCommandShapes(t *testing.T) {
	target := Target{File: "/p/src/app.ts", Line: 12, Column: 5}
	for _, tc := range []struct {
		editor string
		server string
		want   []string
	}{
		{"code", "", []string{"code", "-g", "/p/src/app.ts:12:5"}},
		{"code --wait", "", []string{"code", "-g", "/p/src/app.ts:12:5"}},
		{"/opt/cursor/bin/cursor", "", []string{"/opt/cursor/bin/cursor", "-g", "/p/src/app.ts:12:5"}},
		{"codium.cmd", "", []string{"codium.cmd", "-g", "/p/src/app.ts:12:5"}},
		{"zed", "", []string{"zed", "/p/src/app.ts:12:5"}},
		{"subl -w", "", []string{"subl", "/p/src/app.ts:12:5"}},
		{"idea", "", []string{"idea", "--line", "12", "--column", "5", "/p/src/app.ts"}},
		{"goland", "", []string{"goland", "--line", "12", "--column", "5", "/p/src/app.ts"}},
		{"nvim", "/tmp/nvim.sock", []string{"nvim", "--server", "/tmp/nvim.sock", "--remote-expr",
			"execute(['drop '..fnameescape('/p/src/app.ts'), 'call cursor(12, 5)'])"}},
		{"gvim", "", []string{"gvim", "--remote-silent", "+call cursor(12, 5)", "/p/src/app.ts"}},
		{"emacs", "", []string{"emacs", "+12:5", "/p/src/app.ts"}},
		{"emacsclient", "", []string{"emacsclient", "-n", "+12:5", "/p/src/app.ts"}},
		{"emacsclient -n", "", []string{"emacsclient", "-n", "+12:5", "/p/src/app.ts"}},
		{"mate", "", []string{"mate", "--line", "12:5", "/p/src/app.ts"}},
		{"kate", "", []string{"kate", "--line", "12", "--column", "5", "/p/src/app.ts"}},
		{"gedit", "", []string{"gedit", "+12:5", "/p/src/app.ts"}},
		{"unknown-editor --flag", "", []string{"unknown-editor", "--flag", "/p/src/app.ts"}},
		{"myedit --goto {file}@{line},{column}", "", []string{"myedit", "--goto", "/p/src/app.ts@12,5"}},
	} {
		c, err := Choose(env(map[string]string{"SPOTLIGHT_EDITOR": tc.editor, "NVIM": tc.server}))
		if err != nil {
			t.Errorf("%s: %v", tc.editor, err)
			continue
		}
		if got := c.Command(target); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.editor, got, tc.want)
		}
	}
}

func TestCommandQuotesNvimPath(t *testing.T) {
	c := Choice{Argv: []string{"nvim"}, server: "s"}
	got := c.Command(Target{File: "/p/it's here.go", Line: 1})
	if want := "execute(['drop '..fnameescape('/p/it''s here.go'), 'call cursor(1, 1)'])"; got[4] != want {
		t.Fatalf("got %s; want %s", got[4], want)
	}
}

func TestCommandWithoutPosition(t *testing.T) {
	c := Choice{Argv: []string{"code"}}
	if got := c.Command(Target{File: "/a.go"}); !slices.Equal(got, []string{"code", "-g", "/a.go:1:1"}) {
		t.Fatalf("got %q", got)
	}
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		name    string
		vars    map[string]string
		running []string
		want    string // argv[0] and From, or the error's text
	}{
		{"SPOTLIGHT_EDITOR first", map[string]string{"SPOTLIGHT_EDITOR": "zed", "VISUAL": "code", "EDITOR": "subl"}, []string{"cursor"}, "zed SPOTLIGHT_EDITOR"},
		{"VISUAL before EDITOR", map[string]string{"VISUAL": "code", "EDITOR": "subl"}, nil, "code VISUAL"},
		{"EDITOR", map[string]string{"EDITOR": "subl"}, nil, "subl EDITOR"},
		{"terminal EDITOR gives way to a running GUI editor", map[string]string{"EDITOR": "vim"}, []string{"bash", "sublime_text"}, "/usr/bin/subl running"},
		{"running editor preference", nil, []string{"zed-editor", "code"}, "/usr/bin/code running"},
		{"running editor without its launcher on PATH", nil, []string{"webstorm"}, "error: no editor configured: set SPOTLIGHT_EDITOR"},
		{"terminal EDITOR and nothing running", map[string]string{"EDITOR": "nano"}, nil, "error: no editor configured: set SPOTLIGHT_EDITOR to a GUI editor (EDITOR=nano runs in a terminal, and no GUI editor is running)"},
		{"nothing", nil, nil, "error: no editor configured: set SPOTLIGHT_EDITOR"},
		{"emacs -nw is a terminal editor", map[string]string{"VISUAL": "emacs -nw"}, nil, "error: no editor configured: set SPOTLIGHT_EDITOR to a GUI editor (VISUAL=emacs -nw runs in a terminal, and no GUI editor is running)"},
		{"nvim with a server", map[string]string{"EDITOR": "nvim", "NVIM_LISTEN_ADDRESS": "/tmp/s"}, nil, "nvim EDITOR"},
		{"SPOTLIGHT_EDITOR in a terminal", map[string]string{"SPOTLIGHT_EDITOR": "vim"}, []string{"code"}, "error: SPOTLIGHT_EDITOR=vim runs in a terminal, which Spotlight cannot open from the browser: set SPOTLIGHT_EDITOR to a GUI editor (code, zed, subl, idea, ...)"},
		{"SPOTLIGHT_EDITOR nvim without a server", map[string]string{"SPOTLIGHT_EDITOR": "nvim"}, nil, "error: SPOTLIGHT_EDITOR=nvim runs in a terminal: start Neovim with --listen and set NVIM_LISTEN_ADDRESS, or set SPOTLIGHT_EDITOR to a GUI editor (code, zed, subl, idea, ...)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Choose(env(tc.vars, tc.running...))
			got := ""
			if err != nil {
				got = "error: " + err.Error()
			} else {
				got = c.Argv[0] + " " + c.From
			}
			if got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			if err != nil && !strings.HasPrefix(tc.want, "error: SPOTLIGHT_EDITOR=") && !errors.Is(err, ErrNoEditor) {
				t.Fatalf("%v does not wrap ErrNoEditor", err)
			}
		})
	}
}

// An editor setting that is the path of a program with a space in it is
// one word.
func TestChooseProgramPathWithSpace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Editors")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(dir, "code")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Choose(env(map[string]string{"SPOTLIGHT_EDITOR": prog}))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Command(Target{File: "/a b/c.go", Line: 3, Column: 2}); !slices.Equal(got, []string{prog, "-g", "/a b/c.go:3:2"}) {
		t.Fatalf("got %q", got)
	}
}
