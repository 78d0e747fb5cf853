// Package controlcenter serves the instances API (/api/instances...) over the
// registry, and announces instances that register or vanish to the stream.
package controlcenter

// CONTRACT (to be implemented by the Control Center work).

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// Options configures the API of one sidecar.
type Options struct {
	// Registry is nil when the registry directory is unusable; the API then
	// lists nothing and says why in errors.
	Registry *registry.Registry
	// Buffer is where pings are broadcast (buffer.EventInstancePing), never stored.
	Buffer *buffer.Buffer
	// Self is the metadata of the instance this sidecar belongs to (nil for a
	// plain `spotlight` server); Port and PID describe this process.
	Self   func() *registry.Metadata
	Port   func() int
	PID    int
	Logger *slog.Logger
}

// NewHandler serves GET /api/instances, POST /api/instances/ping,
// POST /api/instances/{id}/terminate and GET /api/instances/current.
func NewHandler(opts Options) http.Handler {
	return http.NotFoundHandler()
}

// Watch announces registry changes (fsnotify) on the stream until ctx ends.
func Watch(ctx context.Context, opts Options) error {
	<-ctx.Done()
	return nil
}
