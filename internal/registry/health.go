package registry

import (
	"context"
	"io"
	"net/http"

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
	case m.ChildPID > 0 && proc.Alive(ctx, m.ChildPID, m.ChildPIDStartTime):
		return StatusOrphaned
	}
	return StatusDead
}

// answers reports whether the instance's own sidecar answers /health. The
// id check tells it from another process that took the port over later.
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
