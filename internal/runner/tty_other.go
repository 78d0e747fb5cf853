//go:build !unix

package runner

import (
	"io"
	"os"
	"os/exec"
)

// Outside Unix there is no terminal foreground process group to hand over:
// the child shares the console, and Ctrl-C reaches it through the console.

func foregroundTerminal(io.Reader) *os.File { return nil }

func giveForeground(*exec.Cmd, *os.File) {}

// waitJob is never called without a terminal (see foregroundTerminal).
func (c *child) waitJob() int { return 1 }
