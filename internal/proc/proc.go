// Package proc identifies processes by PID plus start time (so a reused PID is
// never mistaken for the original) and signals process groups.
package proc

import (
	"context"
	"errors"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// StartTimeTolerance is how far a recorded start time may differ from the
// operating system's and still name the same process.
const StartTimeTolerance = time.Second

// ErrNoProcess means no process with that PID exists.
var ErrNoProcess = errors.New("no such process")

// StartTime returns the process's start time in ms since the epoch, as the
// operating system recorded it.
func StartTime(ctx context.Context, pid int) (int64, error) {
	if !ValidPID(pid) {
		return 0, ErrNoProcess
	}
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return 0, ErrNoProcess
	}
	ms, err := p.CreateTimeWithContext(ctx)
	if err != nil {
		return 0, err
	}
	return ms, nil
}

// Alive reports whether a process with this PID exists, started at startMs
// (within StartTimeTolerance), and has not exited: a zombie (exited, not yet
// reaped, which lasts forever under an init that does not reap, as in some
// containers) counts as dead.
func Alive(ctx context.Context, pid int, startMs int64) bool {
	got, err := StartTime(ctx, pid)
	if err != nil {
		return false
	}
	return SameStart(got, startMs) && !zombie(ctx, pid)
}

// SameStart reports whether two start times (ms) name the same process.
func SameStart(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= StartTimeTolerance.Milliseconds()
}

// zombie reports whether pid has exited but not been reaped yet.
func zombie(ctx context.Context, pid int) bool {
	p, err := process.NewProcessWithContext(ctx, int32(pid))
	if err != nil {
		return true
	}
	st, err := p.StatusWithContext(ctx)
	if err != nil {
		return false
	}
	return len(st) > 0 && st[0] == process.Zombie
}
