//go:build !windows

// Package proctest starts real processes for tests and tells their identity
// (PID and start time), the way the registry records them.
package proctest

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/proc"
)

// Process is a process started in a process group of its own.
type Process struct {
	PID   int
	Start int64 // ms since epoch, as the OS records it
	Done  chan struct{}
	State *os.ProcessState // set once Done is closed
}

// Start runs name with args (env appended to the test's own). Its group is
// killed and reaped when the test ends.
func Start(t testing.TB, env []string, name string, args ...string) *Process {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	proc.NewGroup(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{PID: cmd.Process.Pid, Done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		p.State = cmd.ProcessState
		close(p.Done)
	}()
	t.Cleanup(func() {
		_ = proc.SignalGroup(p.PID, syscall.SIGKILL)
		<-p.Done
	})
	var err error
	if p.Start, err = proc.StartTime(context.Background(), p.PID); err != nil {
		t.Fatal(err)
	}
	return p
}

// Sleeper is a `sleep 300`.
func Sleeper(t testing.TB) *Process { return Start(t, nil, "sleep", "300") }

// Dead returns the identity of a process that has exited.
func Dead(t testing.TB) *Process {
	p := Sleeper(t)
	p.Kill()
	return p
}

// Kill SIGKILLs the group and waits until the process is reaped.
func (p *Process) Kill() {
	_ = proc.SignalGroup(p.PID, syscall.SIGKILL)
	<-p.Done
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.Done:
		return true
	default:
		return false
	}
}
