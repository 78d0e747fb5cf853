//go:build !windows

package editor

import (
	"os/exec"
	"syscall"
)

// detach puts the editor in a new session: no controlling terminal, no
// signals from the sidecar's process group.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
