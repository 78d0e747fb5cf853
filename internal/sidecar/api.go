// Package sidecar is the HTTP server: envelope ingestion, the SSE stream, the
// origin/Host guard, and the mount points for the instances API, MCP and UI.
package sidecar

// CONTRACT (to be implemented by the sidecar work).

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// DefaultPort is where SDKs and the Control Center expect the sidecar.
const DefaultPort = 8969

// Config configures a Server. Zero values get documented defaults.
type Config struct {
	Host           string   // listen address; "" = loopback only (127.0.0.1 and ::1)
	Port           int      // 0 = a free port
	AllowedOrigins []string // -A values: full origins or plain domains
	Logger         *slog.Logger
	Buffer         *buffer.Buffer // required
	MaxBodyBytes   int64          // decompressed envelope limit, default 20 MiB
	// InstanceID, when set (under `spotlight run`), is sent as the
	// X-Spotlight-Instance-Id header of GET /health.
	InstanceID string
	// Instances serves /api/instances and everything below it (optional).
	Instances http.Handler
	// MCP serves /mcp (optional).
	MCP http.Handler
	// UI serves / and client-side routes (optional; a built-in page says how
	// to build the UI when nil).
	UI http.Handler
}

// Server is one sidecar.
type Server struct{}

func New(cfg Config) (*Server, error) { panic("not implemented") }

// Listen binds the port(s). A port in use returns an error wrapping
// ErrPortInUse.
func (s *Server) Listen() error { panic("not implemented") }

// Port is the bound port (valid after Listen).
func (s *Server) Port() int { panic("not implemented") }

// URL is http://localhost:<port>.
func (s *Server) URL() string { panic("not implemented") }

// Handler is the full guarded handler (for tests and embedding).
func (s *Server) Handler() http.Handler { panic("not implemented") }

// Serve serves until ctx ends, then shuts down gracefully (SSE streams
// closed, in-flight requests finished).
func (s *Server) Serve(ctx context.Context) error { panic("not implemented") }

// Probe reports whether a Spotlight sidecar answers GET /health on
// http://localhost:<port> (checks X-Powered-By: spotlight-by-sentry).
func Probe(ctx context.Context, port int) bool { panic("not implemented") }
