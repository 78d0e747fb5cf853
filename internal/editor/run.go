package editor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// settle is how long Run waits for the launcher to fail: editor launchers
// (code, zed, subl) hand the file to the running editor and exit at once,
// so an exit within this time with a non-zero status is a real error
// worth showing; a launcher still running after it (a new editor window)
// has started fine.
const settle = 3 * time.Second

// maxOutput bounds what is kept of a failing launcher's output.
const maxOutput = 4 << 10

// Run starts argv (no shell) detached from the sidecar's terminal and
// process group, so Ctrl-C in `spotlight run` does not close the editor.
// It returns the launcher's error if it fails within a few seconds.
func Run(ctx context.Context, argv []string) error {
	if len(argv) == 0 {
		return ErrNoEditor
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	out := &limitedBuffer{max: maxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	detach(cmd)
	if err := cmd.Start(); err != nil {
		var notFound *exec.Error
		if errors.As(err, &notFound) || errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("editor %q not found: %w (set SPOTLIGHT_EDITOR to the editor's command)", argv[0], err)
		}
		return fmt.Errorf("starting %s: %w", argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // also reaps a long-running editor
	timer := time.NewTimer(settle)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			msg := strings.TrimSpace(out.String())
			if msg != "" {
				return fmt.Errorf("%s failed: %w: %s", argv[0], err, msg)
			}
			return fmt.Errorf("%s failed: %w", argv[0], err)
		}
		return nil
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return nil // started; the request went away
	}
}

// limitedBuffer keeps the first max bytes written (a launcher's error).
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// RunningProcesses lists the names of this user's running processes, for
// Env.Running. Errors give an empty list: detection is a convenience.
func RunningProcesses(ctx context.Context) []string {
	ps, err := process.ProcessesWithContext(ctx)
	if err != nil {
		return nil
	}
	uid := os.Getuid()
	var names []string
	for _, p := range ps {
		if uid >= 0 {
			if uids, err := p.UidsWithContext(ctx); err != nil || len(uids) == 0 || int(uids[0]) != uid {
				continue
			}
		}
		if n, err := p.NameWithContext(ctx); err == nil {
			names = append(names, n)
		}
	}
	return names
}

// SystemEnv is Env for this process.
func SystemEnv(ctx context.Context) Env {
	return Env{
		Getenv:   os.Getenv,
		LookPath: exec.LookPath,
		Running:  func() []string { return RunningProcesses(ctx) },
	}
}
