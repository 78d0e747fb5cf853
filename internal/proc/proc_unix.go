//go:build !windows

package proc

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"

	"github.com/shirou/gopsutil/v4/process"
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
	if !ValidPID(pgid) {
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
	if !ValidPID(pid) {
		return ErrNoProcess
	}
	err := syscall.Kill(pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// GroupAlive reports whether any process that has not exited remains in the
// group (zombies, which only wait to be reaped, do not count).
func GroupAlive(pgid int) bool { return len(GroupMembers(pgid)) > 0 }

// GroupMembers lists the processes of the group that have not exited.
func GroupMembers(pgid int) []int {
	if !ValidPID(pgid) || syscall.Kill(-pgid, 0) != nil {
		return nil
	}
	ctx := context.Background()
	pids, err := process.PidsWithContext(ctx)
	if err != nil {
		return nil
	}
	var out []int
	for _, pid := range pids {
		if g, err := syscall.Getpgid(int(pid)); err == nil && g == pgid && !zombie(ctx, int(pid)) {
			out = append(out, int(pid))
		}
	}
	return out
}

// OwnedByCurrentUser reports whether pid runs as the user running this
// program (its real uid), the only processes spotlight may signal.
func OwnedByCurrentUser(ctx context.Context, pid int) bool {
	if !ValidPID(pid) {
		return false
	}
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return false
	}
	uids, err := p.UidsWithContext(ctx)
	return err == nil && len(uids) > 0 && int(uids[0]) == os.Getuid()
}

// Resume continues a stopped process (SIGCONT), so that a signal sent to it
// is handled now rather than when someone else continues it.
func Resume(pid int) error { return Signal(pid, syscall.SIGCONT) }
