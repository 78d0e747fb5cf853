package editor

import (
	"os/exec"
	"syscall"
)

// detach starts the editor in a new process group, so Ctrl-C in the
// sidecar's console does not reach it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
