//go:build !windows

package proc

import (
	"errors"
	"os/exec"
	"syscall"
)

// NewGroup makes cmd start in a process group of its own, so that signals to
// the group reach its grandchildren (npm → node) too.
func NewGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// SignalGroup sends sig to the process group led by pgid. A group that no
// longer exists is not an error.
func SignalGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 0 {
		return ErrNoProcess
	}
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// Signal sends sig to one process. A process that no longer exists is not
// an error.
func Signal(pid int, sig syscall.Signal) error {
	if pid <= 0 {
		return ErrNoProcess
	}
	err := syscall.Kill(pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// GroupAlive reports whether any process remains in the group.
func GroupAlive(pgid int) bool {
	return pgid > 0 && syscall.Kill(-pgid, 0) == nil
}
