// Package editor opens a file at a line and column in the user's editor:
// which editor (SPOTLIGHT_EDITOR, then VISUAL and EDITOR, then a GUI editor
// found running), the arguments each editor understands, and running it
// directly (never through a shell, so nothing in a path is interpreted).
package editor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoEditor means no editor could be chosen; the UI shows its message.
var ErrNoEditor = errors.New("no editor configured: set SPOTLIGHT_EDITOR")

// Target is what to open. Line and Column are 1-based; 0 means unknown.
type Target struct {
	File         string
	Line, Column int
}

// Env is what choosing an editor looks at (os.Getenv, exec.LookPath and
// the running processes in production; fakes in tests).
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	// Running lists the names of running processes of this user (nil: none).
	Running func() []string
}

// Choice is a chosen editor: the program and the arguments the user gave
// with it, and where the choice came from (for messages).
type Choice struct {
	Argv []string
	From string // "SPOTLIGHT_EDITOR", "VISUAL", "EDITOR" or "running"
	// server is Neovim's RPC address ($NVIM inside a Neovim terminal,
	// $NVIM_LISTEN_ADDRESS for `nvim --listen`).
	server string
}

// Choose picks the editor. An editor that needs a terminal (vim, nano, ...)
// named by VISUAL or EDITOR is passed over for a running GUI editor, since
// the sidecar has no terminal to show it in; named by SPOTLIGHT_EDITOR it
// is an error that says so.
func Choose(env Env) (Choice, error) {
	server := firstSet(env.Getenv, "NVIM", "NVIM_LISTEN_ADDRESS")
	var terminal string
	for _, name := range []string{"SPOTLIGHT_EDITOR", "VISUAL", "EDITOR"} {
		v := strings.TrimSpace(env.Getenv(name))
		if v == "" {
			continue
		}
		c := Choice{Argv: split(v), From: name, server: server}
		if !c.needsTerminal() {
			return c, nil
		}
		if name == "SPOTLIGHT_EDITOR" {
			return Choice{}, c.terminalError()
		}
		if terminal == "" {
			terminal = fmt.Sprintf("%s=%s", name, v)
		}
	}
	if env.Running != nil {
		if prog := detect(env.Running(), env.LookPath); prog != "" {
			return Choice{Argv: []string{prog}, From: "running"}, nil
		}
	}
	if terminal != "" {
		return Choice{}, fmt.Errorf("%w to a GUI editor (%s runs in a terminal, and no GUI editor is running)", ErrNoEditor, terminal)
	}
	return Choice{}, ErrNoEditor
}

func firstSet(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// split breaks an editor setting into words: "code --wait" is a program and
// a flag. A value that is an existing file is one word, so a program path
// with spaces works without quoting.
func split(v string) []string {
	if fi, err := os.Stat(v); err == nil && !fi.IsDir() {
		return []string{v}
	}
	return strings.Fields(v)
}

// kind is an editor's base name without extension, lowercased.
func (c Choice) kind() string {
	base := strings.ToLower(filepath.Base(c.Argv[0]))
	for _, ext := range []string{".exe", ".cmd", ".bat", ".sh"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// terminalEditors run inside a terminal only.
var terminalEditors = map[string]bool{
	"vi": true, "vim": true, "nvim": true, "nano": true, "pico": true, "micro": true,
	"hx": true, "helix": true, "kak": true, "ne": true, "joe": true, "mcedit": true, "ed": true,
}

func (c Choice) needsTerminal() bool {
	k := c.kind()
	if k == "nvim" && c.server != "" {
		return false
	}
	if k == "emacs" && hasArg(c.Argv, "-nw", "-t", "--no-window-system") {
		return true
	}
	return terminalEditors[k]
}

func (c Choice) terminalError() error {
	if c.kind() == "nvim" {
		return fmt.Errorf("SPOTLIGHT_EDITOR=%s runs in a terminal: start Neovim with --listen and set NVIM_LISTEN_ADDRESS, or set SPOTLIGHT_EDITOR to a GUI editor (code, zed, subl, idea, ...)", strings.Join(c.Argv, " "))
	}
	return fmt.Errorf("SPOTLIGHT_EDITOR=%s runs in a terminal, which Spotlight cannot open from the browser: set SPOTLIGHT_EDITOR to a GUI editor (code, zed, subl, idea, ...)", strings.Join(c.Argv, " "))
}

func hasArg(argv []string, flags ...string) bool {
	for _, a := range argv[1:] {
		for _, f := range flags {
			if a == f {
				return true
			}
		}
	}
	return false
}

// Placeholders a SPOTLIGHT_EDITOR template may use, for an editor this
// package does not know: SPOTLIGHT_EDITOR='myedit --goto {file}:{line}'.
const (
	fileVar   = "{file}"
	lineVar   = "{line}"
	columnVar = "{column}"
)

// Command is the argument list that opens t: the program first. The
// caller runs it as is (exec.Command(argv[0], argv[1:]...)).
func (c Choice) Command(t Target) []string {
	line, col := max(t.Line, 1), max(t.Column, 1)
	l, cl := strconv.Itoa(line), strconv.Itoa(col)
	if c.isTemplate() {
		out := make([]string, len(c.Argv))
		r := strings.NewReplacer(fileVar, t.File, lineVar, l, columnVar, cl)
		for i, a := range c.Argv {
			out[i] = r.Replace(a)
		}
		return out
	}
	prog, flags := c.Argv[0], withoutWait(c.Argv[1:])
	argv := append([]string{prog}, flags...)
	switch k := c.kind(); {
	case vscodeLike[k]:
		return append(argv, "-g", t.File+":"+l+":"+cl)
	case k == "zed" || k == "zeditor" || k == "zed-editor" || k == "subl" || k == "sublime_text" || k == "lapce":
		return append(argv, t.File+":"+l+":"+cl)
	case jetbrains[k]:
		return append(argv, "--line", l, "--column", cl, t.File)
	case k == "nvim": // with a server, or Choose would have refused it
		// One RPC call, no keystrokes: :drop switches to the file's window
		// if it is open; strings are Vim literals ('' escapes ').
		expr := fmt.Sprintf("execute(['drop '..fnameescape('%s'), 'call cursor(%d, %d)'])", strings.ReplaceAll(t.File, "'", "''"), line, col)
		return []string{prog, "--server", c.server, "--remote-expr", expr}
	case k == "gvim" || k == "mvim":
		return append(argv, "--remote-silent", "+call cursor("+l+", "+cl+")", t.File)
	case k == "emacs":
		return append(argv, "+"+l+":"+cl, t.File)
	case k == "emacsclient":
		if !hasArg(c.Argv, "-n", "--no-wait") {
			argv = append(argv, "-n")
		}
		return append(argv, "+"+l+":"+cl, t.File)
	case k == "mate":
		return append(argv, "--line", l+":"+cl, t.File)
	case k == "kate":
		return append(argv, "--line", l, "--column", cl, t.File)
	case k == "gedit" || k == "gnome-text-editor" || k == "pluma" || k == "xed":
		return append(argv, "+"+l+":"+cl, t.File)
	}
	// An editor we do not know gets the file alone: every editor accepts
	// that, while a made-up position syntax could open a file named
	// "app.go:12:5". A template gives the position to any editor.
	return append(argv, t.File)
}

func (c Choice) isTemplate() bool {
	for _, a := range c.Argv[1:] {
		if strings.Contains(a, fileVar) {
			return true
		}
	}
	return false
}

// withoutWait drops the "wait until closed" flags people put in EDITOR for
// git (code --wait, subl -w): the sidecar does not wait for the editor.
func withoutWait(flags []string) []string {
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		if f != "--wait" && f != "-w" {
			out = append(out, f)
		}
	}
	return out
}

// vscodeLike editors take -g file:line:column.
var vscodeLike = map[string]bool{
	"code": true, "code-insiders": true, "codium": true, "vscodium": true, "cursor": true,
	"windsurf": true, "positron": true, "trae": true,
}

// jetbrains IDEs take --line and --column.
var jetbrains = map[string]bool{
	"idea": true, "idea64": true, "webstorm": true, "goland": true, "pycharm": true, "phpstorm": true,
	"rubymine": true, "clion": true, "rider": true, "rustrover": true, "studio": true, "datagrip": true,
}

// runningEditors maps the process name of a GUI editor to its command-line
// launcher, in order of preference when several are running.
var runningEditors = []struct{ process, command string }{
	{"cursor", "cursor"},
	{"code", "code"},
	{"code-insiders", "code-insiders"},
	{"codium", "codium"},
	{"windsurf", "windsurf"},
	{"zed-editor", "zed"},
	{"zed", "zed"},
	{"sublime_text", "subl"},
	{"idea", "idea"},
	{"webstorm", "webstorm"},
	{"goland", "goland"},
	{"pycharm", "pycharm"},
	{"phpstorm", "phpstorm"},
	{"rubymine", "rubymine"},
	{"clion", "clion"},
	{"rider", "rider"},
	{"rustrover", "rustrover"},
}

// detect returns the launcher of the first running GUI editor whose
// launcher is on PATH ("" if none).
func detect(running []string, lookPath func(string) (string, error)) string {
	names := make(map[string]bool, len(running))
	for _, n := range running {
		n = strings.ToLower(strings.TrimSuffix(n, ".exe"))
		names[n] = true
	}
	for _, e := range runningEditors {
		if !names[e.process] {
			continue
		}
		if lookPath == nil {
			continue
		}
		if p, err := lookPath(e.command); err == nil {
			return p
		}
	}
	return ""
}
