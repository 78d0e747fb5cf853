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

// reclaimTerminal makes spotlight's group the foreground again, so the shell
// finds its terminal as it left it. A background group changing the
// foreground gets SIGTTOU, hence it is ignored meanwhile.
func reclaimTerminal(tty *os.File) {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	pgrp := int32(syscall.Getpgrp())
	_, _, _ = syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), uintptr(syscall.TIOCSPGRP), uintptr(unsafe.Pointer(&pgrp)))
}

func tcgetpgrp(f *os.File) (int, error) {
	var pgrp int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGPGRP), uintptr(unsafe.Pointer(&pgrp)))
	if errno != 0 {
		return 0, errno
	}
	return int(pgrp), nil
}
