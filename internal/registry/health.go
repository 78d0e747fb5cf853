package registry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/peer"
	"github.com/spotlight-dev/spotlight/internal/proc"
)

// InstanceIDHeader carries the instance id on GET /health of a sidecar
// started by `spotlight run`.
const InstanceIDHeader = "X-Spotlight-Instance-Id"

// Health checks one instance, within the health-check time-out:
//   - its sidecar answers GET /health with 2xx and its own instance id → healthy;
//   - else spotlight's process (PID and start time) is alive → unresponsive;
//   - else its child is alive → orphaned;
//   - else dead.
func (r *Registry) Health(ctx context.Context, m Metadata) Status {
	if r.answers(ctx, m) {
		return StatusHealthy
	}
	switch {
	case proc.Alive(ctx, m.PID, m.PIDStartTime):
		return StatusUnresponsive
	case ChildAlive(ctx, m):
		return StatusOrphaned
	}
	return StatusDead
}

// ChildAlive reports whether the instance's child, or anything left in its
// process group (a dev server's workers after npm exited), still runs. The
// child leads its group (spotlight run starts it so), and the OS does not
// hand out a PID that still names a group: while the group lives, its id is
// the child's, unless a process with that PID but another start time leads
// it (the child's group ended and the PID was reused).
func ChildAlive(ctx context.Context, m Metadata) bool {
	if m.ChildPID <= 0 {
		return false
	}
	if proc.Alive(ctx, m.ChildPID, m.ChildPIDStartTime) {
		return true
	}
	return leaderWas(ctx, m) && ownGroupAlive(ctx, m.ChildPID)
}

// leaderWas: no process has the child's PID any more, or the one that has
// it is the child itself (exited, not yet reaped).
func leaderWas(ctx context.Context, m Metadata) bool {
	start, err := proc.StartTime(ctx, m.ChildPID)
	if err != nil {
		return errors.Is(err, proc.ErrNoProcess)
	}
	return proc.SameStart(start, m.ChildPIDStartTime)
}

// ownGroupAlive: the group has live processes, and all of them are ours.
func ownGroupAlive(ctx context.Context, pgid int) bool {
	members := proc.GroupMembers(pgid)
	for _, pid := range members {
		if !proc.OwnedByCurrentUser(ctx, pid) {
			return false
		}
	}
	return len(members) > 0
}

// answers reports whether the instance's own sidecar answers /health. The
// id check tells it from another process that took the port over later, and
// the check of who owns the answering socket from another user's process
// that took the port over and replays the id.
func (r *Registry) answers(ctx context.Context, m Metadata) bool {
	ctx, cancel := context.WithTimeout(ctx, r.healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL()+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	return resp.StatusCode/100 == 2 && resp.Header.Get(InstanceIDHeader) == m.InstanceID
}

// ownSidecarsOnly is the transport of health checks: a connection whose
// other end belongs to another user (peer.CheckOwn) is refused.
func ownSidecarsOnly() http.RoundTripper {
	return &http.Transport{DialContext: peer.DialOwn(&net.Dialer{}), DisableKeepAlives: true}
}
