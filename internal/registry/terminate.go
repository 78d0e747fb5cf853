package registry

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
)

// Outcomes of Terminate.
const (
	Terminated  = "terminated"   // everything exited after SIGTERM
	Killed      = "killed"       // something needed SIGKILL after the grace period
	AlreadyDead = "already-dead" // nothing of ours was running; the stale file was removed
)

// TerminateResult says what Terminate did.
type TerminateResult struct {
	InstanceID string `json:"instanceId"`
	Result     string `json:"result"`
	Message    string `json:"message"`
}

// pollInterval is how often Terminate checks whether the processes are gone.
const pollInterval = 25 * time.Millisecond

// Terminate stops an instance. Only a process whose PID and start time match
// the registry and that belongs to the current user is ever signalled:
// SIGTERM to spotlight (which stops its child and unregisters), or, when
// spotlight is dead, to the child's process group; whatever remains after
// the grace period gets SIGKILL. The registry file is removed in every case.
// The error wraps fs.ErrNotExist for an unknown instance.
//
// by says who asks ("`spotlight terminate` (pid 123)"); a live spotlight
// prints it when it stops (see TakeStopNote). "" leaves no note.
func (r *Registry) Terminate(ctx context.Context, id, by string) (TerminateResult, error) {
	m, err := r.Get(id)
	if err != nil {
		return TerminateResult{}, err
	}
	res := TerminateResult{InstanceID: id}
	spot := r.ours(ctx, m.PID, m.PIDStartTime)
	child := r.childOurs(ctx, m)
	if !spot && !child {
		if err := r.Unregister(id); err != nil {
			return res, err
		}
		res.Result = AlreadyDead
		res.Message = fmt.Sprintf("%s was not running (pid %d and child pid %d are gone, reused or not yours); removed its stale registry file", m.ProjectName, m.PID, m.ChildPID)
		return res, nil
	}
	// Every signal is preceded by its own check: a PID that died (and was
	// reused) during the grace period is never signalled.
	signalSpot := func(sig syscall.Signal) error {
		if !r.ours(ctx, m.PID, m.PIDStartTime) {
			return nil
		}
		return proc.Signal(m.PID, sig)
	}
	signalGroup := func(sig syscall.Signal) error {
		if !r.childOurs(ctx, m) {
			return nil
		}
		return proc.SignalGroup(m.ChildPID, sig)
	}
	gone := func() bool {
		return (!spot || !proc.Alive(ctx, m.PID, m.PIDStartTime)) && (!child || !ChildAlive(ctx, m))
	}
	var sigErr error
	if spot {
		if by != "" {
			if err := r.writeStopNote(id, by); err != nil {
				r.logger.Debug("cannot leave a stop note", "id", id, "err", err)
			}
			// Read by spotlight when the signal arrives; gone if it never did.
			defer r.removeStopNote(id)
		}
		sigErr = signalSpot(syscall.SIGTERM)
		// A stopped (SIGSTOP, ^Z) spotlight would only see SIGTERM once
		// continued: continue it so it can stop its child cleanly.
		// (proc.Resume: there is no SIGCONT on Windows, where make dist
		// builds too.)
		if r.ours(ctx, m.PID, m.PIDStartTime) {
			_ = proc.Resume(m.PID)
		}
	} else {
		sigErr = signalGroup(syscall.SIGTERM)
	}
	if sigErr != nil {
		return res, fmt.Errorf("cannot stop %s (pid %d): %w", m.ProjectName, m.PID, sigErr)
	}
	if r.waitUntil(ctx, gone) {
		res.Result = Terminated
		res.Message = fmt.Sprintf("%s stopped after SIGTERM", describe(m, spot))
	} else {
		_ = signalSpot(syscall.SIGKILL)
		if child {
			_ = signalGroup(syscall.SIGKILL)
		}
		res.Result = Killed
		res.Message = fmt.Sprintf("%s did not stop within %s of SIGTERM; sent SIGKILL", describe(m, spot), r.grace)
	}
	return res, r.Unregister(id)
}

func describe(m Metadata, spot bool) string {
	if spot {
		return fmt.Sprintf("%s (spotlight pid %d)", m.ProjectName, m.PID)
	}
	return fmt.Sprintf("orphaned %s (process group %d)", m.ProjectName, m.ChildPID)
}

// ours reports whether pid is the recorded process and runs as this user.
func (r *Registry) ours(ctx context.Context, pid int, startMs int64) bool {
	return proc.Alive(ctx, pid, startMs) && proc.OwnedByCurrentUser(ctx, pid)
}

// childOurs reports whether the child (start time checked) or, once it
// exited, its process group still runs as this user (see ChildAlive).
func (r *Registry) childOurs(ctx context.Context, m Metadata) bool {
	return m.ChildPID > 0 && (r.ours(ctx, m.ChildPID, m.ChildPIDStartTime) || (leaderWas(ctx, m) && ownGroupAlive(ctx, m.ChildPID)))
}

// waitUntil polls cond until it holds (true) or the grace period or ctx ends.
func (r *Registry) waitUntil(ctx context.Context, cond func() bool) bool {
	deadline := time.NewTimer(r.grace)
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-ctx.Done():
			return cond()
		case <-tick.C:
		}
	}
	return true
}
