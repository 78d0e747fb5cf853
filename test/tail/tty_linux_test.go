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
// inside the payload never reaches the terminal. `script` gives tail a pty.
func TestTailColourOnTerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatalf("this test needs util-linux script(1) to give tail a terminal: %v", err)
	}
	side := testutil.StartSidecar(t, bin, testEnv(t))
	post(t, side.Port, "envelope_with_ansi_logs.txt")
	sgr := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	for _, noColor := range []string{"", "1"} {
		cmd := fmt.Sprintf("exec %s tail logs -p %d", bin, side.Port)
		tail := testutil.Start(t, "script", append(testEnv(t), "NO_COLOR="+noColor), "-qfec", cmd, "/dev/null")
		testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stdout.String(), "Successfully connected") }, "the log line (NO_COLOR=%q); stdout:\n%q", noColor, tail.Stdout)
		out := tail.Stdout.String()
		coloured := strings.Contains(out, "\x1b[32m[INFO]\x1b[0m")
		if coloured != (noColor == "") {
			t.Errorf("NO_COLOR=%q: coloured=%v:\n%q", noColor, coloured, out)
		}
		if rest := sgr.ReplaceAllString(out, ""); strings.ContainsRune(rest, 0x1b) {
			t.Errorf("escape sequences besides colour reached the terminal: %q", rest)
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
