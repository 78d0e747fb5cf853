package runner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
)

// Exit codes for a command that could not be started, as shells use them.
const (
	ExitNotFound      = 127
	ExitNotExecutable = 126
)

// StartError is a command that could not be started; Code is 126 or 127.
type StartError struct {
	Code int
	Err  error
}

func (e *StartError) Error() string { return e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// child is the started command with the read ends of its output pipes.
type child struct {
	cmd    *exec.Cmd
	pgid   int
	stdout *os.File
	stderr *os.File
	// tty is the terminal whose foreground the child was given, or nil.
	tty *os.File
}

// startChild starts argv in a process group of its own with pipes for stdout
// and stderr. When stdin is the terminal and spotlight is in its foreground,
// the child's group takes the foreground, as a shell's job would: only the
// foreground group may read the terminal (others are stopped by SIGTTIN),
// and Ctrl-C then reaches the dev server directly.
func startChild(argv, env []string, dir string, stdin io.Reader) (*child, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	if cmd.Err != nil {
		return nil, startError(argv[0], cmd.Err)
	}
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdin = stdin
	proc.NewGroup(cmd)
	tty := foregroundTerminal(stdin)
	if tty != nil {
		giveForeground(cmd, tty)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	// The child has its own copies; closing ours lets the reads end at EOF.
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, startError(argv[0], err)
	}
	return &child{cmd: cmd, pgid: cmd.Process.Pid, stdout: outR, stderr: errR, tty: tty}, nil
}

// startError turns exec's error into a message that names the problem and the
// fix, with the exit code a shell would use.
func startError(name string, err error) error {
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return &StartError{Code: ExitNotFound, Err: fmt.Errorf("command not found: %s; check the spelling, install it, or give its path", name)}
	case errors.Is(err, syscall.EISDIR):
		return &StartError{Code: ExitNotExecutable, Err: fmt.Errorf("cannot execute %s: it is a directory; give the program to run", name)}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOEXEC):
		return &StartError{Code: ExitNotExecutable, Err: fmt.Errorf("cannot execute %s: %v; make sure it is an executable file (chmod +x %s)", name, errors.Unwrap(err), name)}
	}
	return &StartError{Code: ExitNotExecutable, Err: fmt.Errorf("cannot start %s: %w", name, err)}
}

// wait waits for the child and returns its exit code: 128+signal when a
// signal ended it. A child that owns the terminal is waited for as a job
// (see waitJob).
func (c *child) wait() int {
	if c.tty != nil {
		return c.waitJob()
	}
	_ = c.cmd.Wait() // the exit status is in ProcessState
	st := c.cmd.ProcessState
	if st == nil {
		return 1
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// drain bounds how long the output pipes may stay open after the child
// exited: a grandchild that outlives it (a daemonised watcher) may hold them
// forever.
func (c *child) drain(d time.Duration) {
	deadline := time.Now().Add(d)
	_ = c.stdout.SetReadDeadline(deadline)
	_ = c.stderr.SetReadDeadline(deadline)
}
