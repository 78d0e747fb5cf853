package tail

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// On a terminal, human output is coloured unless NO_COLOR is set; ANSI
// inside the payload (colour, but also clear-screen, cursor movement, OSC
// title and clipboard, terminal reset) never reaches the terminal. `script`
// gives tail a pty.
func TestTailColourOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatalf("this test needs util-linux script(1) to give tail a terminal: %v", err)
	}
	side := testutil.StartSidecar(t, bin, testEnv(t))
	post(t, side.Port, "envelope_with_ansi_logs.txt")
	post(t, side.Port, "hostile_escapes.txt")
	sgr := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	for _, noColor := range []string{"", "1"} {
		cmd := fmt.Sprintf("exec %s tail -p %d", bin, side.Port)
		tail := testutil.Start(t, "script", append(testEnv(t), "NO_COLOR="+noColor), "-qfec", cmd, "/dev/null")
		testutil.Eventually(t, wait, func() bool {
			out := tail.Stdout.String()
			return strings.Contains(out, "Successfully connected") && strings.Contains(out, "evil.txt")
		}, "the log lines and the hostile envelope (NO_COLOR=%q); stdout:\n%q", noColor, tail.Stdout)
		out := tail.Stdout.String()
		coloured := strings.Contains(out, "\x1b[32m[INFO]\x1b[0m")
		if coloured != (noColor == "") {
			t.Errorf("NO_COLOR=%q: coloured=%v:\n%q", noColor, coloured, out)
		}
		if rest := sgr.ReplaceAllString(out, ""); strings.ContainsAny(rest, "\x1b\x07\x08\u009b") {
			t.Errorf("control sequences besides colour reached the terminal: %q", rest)
		}
		if strings.Contains(out, "pwned-title") || strings.Contains(out, "\x1b[2J") {
			t.Errorf("a payload's OSC title or clear-screen reached the terminal: %q", out)
		}
		if strings.Contains(out, "\x1b[31mred") {
			t.Errorf("the payload's own colour reached the terminal: %q", out)
		}
		stopUnderScript(t, tail)
	}
}

// stopUnderScript ends tail itself (script would wait 2 s before killing
// it), then waits for script to follow.
func stopUnderScript(t *testing.T, script *testutil.Process) {
	t.Helper()
	pid := script.Cmd.Process.Pid
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		t.Fatalf("children of script: %v", err)
	}
	for _, f := range strings.Fields(string(children)) {
		var child int
		if _, err := fmt.Sscan(f, &child); err == nil {
			_ = syscall.Kill(child, syscall.SIGTERM)
		}
	}
	script.Wait(t, wait)
}
