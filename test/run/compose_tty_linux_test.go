package run

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// composeAndPackageJSON makes a folder with both a compose project and a
// package.json dev script (which runs `child args from-npm`).
func composeAndPackageJSON(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"compose.yml":  "services:\n  web:\n    image: nginx\n",
		"package.json": `{"name":"shop","scripts":{"dev":"child args from-npm"}}`,
	})
	binDir := filepath.Join(dir, "node_modules", ".bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bins.child, filepath.Join(binDir, "child")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// On a terminal, `spotlight run` asks which to run; Ctrl+C then reaches
// compose directly, as it would without spotlight.
func TestComposeOrPackageJSONIsAskedOnATerminal(t *testing.T) {
	prompt := []string{"has a Docker Compose project (compose.yml) and a package.json script (dev)",
		"1) docker compose up", "2) npm run dev  (child args from-npm)", "Run which? [1-2]: "}
	t.Run("compose", func(t *testing.T) {
		dir := composeAndPackageJSON(t)
		env, _, rec := composeEnv(t)
		port := testutil.FreePort(t)
		_, screen, master, exited := startOnTerminalIn(t, dir, env, "-p", strconv.Itoa(port))
		testutil.Eventually(t, wait, func() bool { return strings.Contains(screen.String(), "Run which?") }, "no prompt:\n%s", screen)
		for _, want := range prompt {
			if !strings.Contains(screen.String(), want) {
				t.Errorf("prompt lacks %q:\n%s", want, screen)
			}
		}
		if _, err := master.Write([]byte("1\n")); err != nil {
			t.Fatal(err)
		}
		testutil.Eventually(t, wait, func() bool { _, err := os.Stat(filepath.Join(rec, "ready")); return err == nil }, "compose did not start:\n%s", screen)
		if _, err := master.Write([]byte{3}); err != nil { // ^C
			t.Fatal(err)
		}
		if code := waitExit(t, exited, screen); code != 130 {
			t.Errorf("exit %d, want compose's 130; terminal:\n%s", code, screen)
		}
		if sigs, _ := os.ReadFile(filepath.Join(rec, "signals")); string(sigs) != "SIGINT\n" {
			t.Errorf("compose got signals %q, want one SIGINT", sigs)
		}
		checkOverrideGone(t, overridePath(t, readInvocation(t, rec, nil).Argv))
	})
	t.Run("package.json", func(t *testing.T) {
		dir := composeAndPackageJSON(t)
		env, _, rec := composeEnv(t)
		_, screen, master, exited := startOnTerminalIn(t, dir, env)
		testutil.Eventually(t, wait, func() bool { return strings.Contains(screen.String(), "Run which?") }, "no prompt:\n%s", screen)
		if _, err := master.Write([]byte("2\n")); err != nil {
			t.Fatal(err)
		}
		if code := waitExit(t, exited, screen); code != 0 || !strings.Contains(screen.String(), "from-npm") {
			t.Errorf("exit %d; terminal:\n%s", code, screen)
		}
		if _, err := os.Stat(filepath.Join(rec, "invocation.json")); !os.IsNotExist(err) {
			t.Errorf("compose ran although npm's script was chosen (%v)", err)
		}
	})
}

// Without a terminal there is no one to ask: the error names both ways.
func TestComposeOrPackageJSONWithoutATerminal(t *testing.T) {
	dir := composeAndPackageJSON(t)
	env, regDir, rec := composeEnv(t)
	p := startRunIn(t, dir, env)
	if code := p.Wait(t, wait); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"`spotlight run docker compose up`", "`spotlight run npm run dev`", "compose.yml", "package.json"} {
		if !strings.Contains(p.Stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, p.Stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(rec, "invocation.json")); !os.IsNotExist(err) || p.Stdout.String() != "" {
		t.Errorf("something ran (%v); stdout %q", err, p.Stdout)
	}
	checkGone(t, regDir)
}
