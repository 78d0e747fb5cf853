package run

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/shirou/gopsutil/v4/process"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// openPTY opens a pseudo-terminal pair (Linux /dev/ptmx).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if err := ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	var n uint32
	if err := ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatalf("pty number: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

func ioctl(f *os.File, req uint, arg unsafe.Pointer) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(req), uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

// startOnTerminal runs `spotlight run args...` as a shell would in a
// terminal: a new session whose controlling terminal is a pty, spotlight's
// group in its foreground. It returns what the terminal shows.
func startOnTerminal(t *testing.T, args ...string) (*exec.Cmd, *testutil.SafeBuffer, *os.File, chan int) {
	t.Helper()
	env, _ := runEnv(t)
	return startOnTerminalIn(t, "", env, args...)
}

// startOnTerminalIn is startOnTerminal in directory dir ("" = this one)
// with env added.
func startOnTerminalIn(t *testing.T, dir string, env []string, args ...string) (*exec.Cmd, *testutil.SafeBuffer, *os.File, chan int) {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command(bins.spotlight, append([]string{"run"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	screen := &testutil.SafeBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan int, 1)
	go func() {
		_ = cmd.Wait()
		exited <- cmd.ProcessState.ExitCode()
	}()
	return cmd, screen, master, exited
}

func waitExit(t *testing.T, exited chan int, screen *testutil.SafeBuffer) int {
	t.Helper()
	testutil.Eventually(t, wait, func() bool { return len(exited) > 0 }, "spotlight run did not exit; terminal:\n%s", screen)
	return <-exited
}

// The dev server reads the terminal (vite's keyboard shortcuts): a
// background process group reading it would be stopped by SIGTTIN.
func TestChildReadsTheTerminal(t *testing.T) {
	_, screen, master, exited := startOnTerminal(t, bins.child, "readline")
	if _, err := master.Write([]byte("typed by the developer\n")); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, exited, screen); code != 4 || !strings.Contains(screen.String(), "got typed by the developer") {
		t.Fatalf("exit %d; terminal:\n%s", code, screen)
	}
}

// Ctrl-C in the terminal reaches the dev server, which decides how to exit.
func TestCtrlCReachesTheChild(t *testing.T) {
	_, screen, master, exited := startOnTerminal(t, bins.child, "trap")
	testutil.Eventually(t, wait, func() bool { return strings.Contains(screen.String(), "ready") }, "child not ready:\n%s", screen)
	if _, err := master.Write([]byte{3}); err != nil { // ^C
		t.Fatal(err)
	}
	if code := waitExit(t, exited, screen); code != 7 || !strings.Contains(screen.String(), "interrupted") {
		t.Fatalf("exit %d, want the child's 7; terminal:\n%s", code, screen)
	}
}

// Ctrl-Z stops the dev server and hands the terminal back (spotlight stops
// too, so a shell would show its prompt); continuing spotlight (`fg`) gives
// the terminal back to the dev server, which then reads it again.
func TestCtrlZStopsAndContinueResumes(t *testing.T) {
	cmd, screen, master, exited := startOnTerminal(t, bins.child, "readline")
	testutil.Eventually(t, wait, func() bool { return strings.Contains(screen.String(), "ready") }, "child not ready:\n%s", screen)
	if _, err := master.Write([]byte{26}); err != nil { // ^Z
		t.Fatal(err)
	}
	spotlight, err := process.NewProcess(int32(cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, wait, func() bool {
		st, err := spotlight.Status()
		return err == nil && len(st) > 0 && st[0] == process.Stop
	}, "spotlight did not stop with its child on Ctrl-Z; terminal:\n%s", screen)

	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if _, err := master.Write([]byte("after fg\n")); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, exited, screen); code != 4 || !strings.Contains(screen.String(), "got after fg") {
		t.Fatalf("exit %d; terminal:\n%s", code, screen)
	}
}
