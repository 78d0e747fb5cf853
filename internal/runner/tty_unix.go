//go:build unix

package runner

import (
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"unsafe"
)

// foregroundTerminal returns stdin when it is a terminal whose foreground
// process group is spotlight's own, else nil.
func foregroundTerminal(stdin io.Reader) *os.File {
	f, ok := stdin.(*os.File)
	if !ok {
		return nil
	}
	pgrp, err := tcgetpgrp(f)
	if err != nil || pgrp != syscall.Getpgrp() {
		return nil
	}
	return f
}

// giveForeground makes the child's new process group the terminal's
// foreground group as it starts.
func giveForeground(cmd *exec.Cmd, tty *os.File) {
	cmd.SysProcAttr.Foreground = true
	cmd.SysProcAttr.Ctty = int(tty.Fd())
}

// waitJob waits for a child that owns the terminal the way a shell waits
// for a foreground job. When Ctrl-Z stops the child's group, spotlight takes
// the terminal back and stops its own group, so the developer's shell gets
// its prompt; when continued in the foreground (`fg`), it hands the terminal
// back to the child's group and continues it. On exit the terminal is
// spotlight's again, as the shell left it.
func (c *child) waitJob() int {
	defer func() { _ = c.cmd.Process.Release() }()
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	defer signal.Stop(cont)
	pid := c.cmd.Process.Pid
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || !ws.Stopped() {
			setForeground(c.tty, syscall.Getpgrp())
			switch {
			case err != nil:
				return 1
			case ws.Signaled():
				return 128 + int(ws.Signal())
			}
			return ws.ExitStatus()
		}
		setForeground(c.tty, syscall.Getpgrp())
		select { // a stale SIGCONT must not end the stop below at once
		case <-cont:
		default:
		}
		// SIGSTOP, not SIGTSTP: the kernel discards SIGTSTP for an orphaned
		// process group, and spotlight would never stop.
		_ = syscall.Kill(-syscall.Getpgrp(), syscall.SIGSTOP)
		<-cont
		// After `fg` the shell has given spotlight the terminal; after `bg`
		// it has not, and the child continues in the background.
		if fg, err := tcgetpgrp(c.tty); err == nil && fg == syscall.Getpgrp() {
			setForeground(c.tty, c.pgid)
		}
		_ = syscall.Kill(-c.pgid, syscall.SIGCONT)
	}
}

// setForeground makes pgrp the terminal's foreground group. Doing so from a
// background group raises SIGTTOU, hence it is ignored meanwhile.
func setForeground(tty *os.File, pgrp int) {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	p := int32(pgrp)
	_, _, _ = syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), uintptr(syscall.TIOCSPGRP), uintptr(unsafe.Pointer(&p)))
}

func tcgetpgrp(f *os.File) (int, error) {
	var pgrp int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGPGRP), uintptr(unsafe.Pointer(&pgrp)))
	if errno != 0 {
		return 0, errno
	}
	return int(pgrp), nil
}
