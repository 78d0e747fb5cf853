//go:build windows

package proc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"

	"github.com/shirou/gopsutil/v4/process"
)

// NewGroup starts cmd in a new process group (the nearest Windows has to a
// POSIX one); SignalGroup then ends its whole process tree.
func NewGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// SignalGroup ends the process tree rooted at pgid. Windows console
// processes have no SIGTERM to honour, so every signal ends the tree at once
// (taskkill /T /F). A tree that no longer exists is not an error.
func SignalGroup(pgid int, sig syscall.Signal) error {
	if !ValidPID(pgid) {
		return ErrNoProcess
	}
	if ok, _ := process.PidExists(int32(pgid)); !ok {
		return nil
	}
	out, err := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(pgid)).CombinedOutput()
	if err != nil {
		if ok, _ := process.PidExists(int32(pgid)); !ok {
			return nil
		}
		return fmt.Errorf("taskkill %d: %w: %s", pgid, err, out)
	}
	return nil
}

// Signal ends one process (Windows has no signals to deliver).
func Signal(pid int, sig syscall.Signal) error {
	if !ValidPID(pid) {
		return ErrNoProcess
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	if err := p.Kill(); err != nil {
		if ok, _ := process.PidExists(int32(pid)); !ok {
			return nil
		}
		return err
	}
	return nil
}

// GroupAlive reports whether the tree's root process still runs.
func GroupAlive(pgid int) bool {
	ok, _ := process.PidExists(int32(pgid))
	return pgid > 0 && ok
}

// OwnedByCurrentUser reports whether pid runs as the current user.
func OwnedByCurrentUser(ctx context.Context, pid int) bool {
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return false
	}
	name, err := p.UsernameWithContext(ctx)
	u, uerr := user.Current()
	return err == nil && uerr == nil && name == u.Username
}

// Resume is a no-op: Windows processes are not stopped by signals.
func Resume(int) error { return nil }

// GroupMembers lists the tree's root process while it runs.
func GroupMembers(pgid int) []int {
	if GroupAlive(pgid) {
		return []int{pgid}
	}
	return nil
}
