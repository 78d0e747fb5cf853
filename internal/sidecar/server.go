// Package sidecar is the HTTP server: envelope ingestion, the SSE stream, the
// origin/Host guard, and the mount points for the instances API, MCP and UI.
package sidecar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/capture"
	"github.com/spotlight-dev/spotlight/internal/editor"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
	"github.com/spotlight-dev/spotlight/internal/sourcecontext"
)

// DefaultPort is where SDKs and the Control Center expect the sidecar.
const DefaultPort = 8969

// Defaults for Config fields left zero.
const (
	DefaultMaxBodyBytes int64 = 20 << 20
	DefaultKeepAlive          = 15 * time.Second
)

// PoweredBy is the X-Powered-By value every response carries; existing
// Spotlight clients look for it to tell a sidecar from another server.
const PoweredBy = "spotlight-by-sentry"

const (
	// shutdownTimeout bounds how long in-flight requests may take to finish.
	shutdownTimeout = 5 * time.Second
	// probeTimeout bounds Probe when the caller's context has no deadline.
	probeTimeout = 2 * time.Second
)

// ErrPortInUse is wrapped by Listen when the port is taken.
var ErrPortInUse = errors.New("port in use")

// Config configures a Server. Zero values get documented defaults.
type Config struct {
	Host           string   // listen address; "" = loopback only (127.0.0.1 and ::1)
	Port           int      // 0 = a free port
	AllowedOrigins []string // -A values: full origins or plain domains (commas allowed)
	Logger         *slog.Logger
	Buffer         *buffer.Buffer // required
	// Events serves the event API (/api/errors, /api/feed, ...) over the
	// decoded model; optional (it must be Buffer's Model).
	Events       *event.Store
	MaxBodyBytes int64 // decompressed envelope limit, default 20 MiB
	// MaxReceivingBytes bounds the body bytes held by all requests being
	// received at once (default DefaultMaxReceivingBytes, at least
	// MaxBodyBytes+1 so one body at the limit always fits); past it, 503.
	MaxReceivingBytes int64
	// KeepAlive is the interval of the SSE comment that keeps proxies from
	// closing an idle stream (default 15 s).
	KeepAlive time.Duration
	// IngestHosts are more addresses to listen on, on the same port, that
	// accept envelopes only (see ingestOnly).
	IngestHosts []string
	// Secret returns the per-user secret (registry.Secret) that lets a
	// client in where the OS cannot name the user of its connection ("" or
	// nil: none). It is asked only for requests that present one.
	// SecretPath is where it is kept, for messages.
	Secret     func() string
	SecretPath string
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

	// KeepTwinsOnce keeps one copy of an envelope an SDK sends to both
	// /stream and its DSN (duplicates.go): `spotlight run`, which sets
	// SENTRY_DSN, turns it on.
	KeepTwinsOnce bool
	// Capture, when set, saves every envelope received (SPOTLIGHT_CAPTURE).
	Capture *capture.Dir
	// ProjectOf names the directories whose files POST /open opens and
	// source context reads, for an instance id: "" for this sidecar's own
	// events, else the instance a record of the merged copy came from
	// (nil, or no directories: every file is refused).
	ProjectOf func(instance string) localfile.Roots
	// Editor is what POST /open chooses the editor from (default: this
	// process's environment and running editors).
	Editor func() editor.Env
	// RunEditor runs the editor's argument list (default editor.Run).
	RunEditor func(ctx context.Context, argv []string) error
	// All is the Control Center's merged copy of every instance's events,
	// read with ?instance=all or ?instance=<id> (nil elsewhere).
	All AllInstances
}

// Server is one sidecar.
type Server struct {
	cfg     Config
	log     *slog.Logger
	origins *originPolicy
	sources *sourcecontext.Resolver
	handler http.Handler
	// receiving bounds the bytes of bodies being received at once.
	receiving *receiving
	// recent finds an envelope sent twice (see duplicates.go); nil unless
	// Config.KeepTwinsOnce.
	recent *recentBodies
	http   *http.Server

	// closing is closed when shutdown starts, ending SSE streams.
	closing     chan struct{}
	closeOnce   sync.Once
	listeners   []net.Listener
	ingest      []ingestListener
	port        int
	serveCalled bool

	mu        sync.Mutex
	followers map[*buffer.Subscription]struct{} // streams opened with ?follower=1
}

// New checks cfg and builds the server; it binds nothing until Listen.
func New(cfg Config) (*Server, error) {
	if cfg.Buffer == nil {
		return nil, errors.New("sidecar: Config.Buffer is required")
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("port %d is out of range: use 1-65535, or 0 for a free port", cfg.Port)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Editor == nil {
		cfg.Editor = func() editor.Env { return editor.SystemEnv(context.Background()) }
	}
	if cfg.RunEditor == nil {
		cfg.RunEditor = editor.Run
	}
	if cfg.MaxReceivingBytes <= 0 {
		cfg.MaxReceivingBytes = DefaultMaxReceivingBytes
	}
	cfg.MaxReceivingBytes = max(cfg.MaxReceivingBytes, cfg.MaxBodyBytes+1)
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	origins, err := newOriginPolicy(cfg.AllowedOrigins, cfg.Host)
	if err != nil {
		return nil, err
	}
	origins.local = systemLocalNames()
	s := &Server{cfg: cfg, log: cfg.Logger, origins: origins, closing: make(chan struct{}), port: cfg.Port,
		receiving: &receiving{max: cfg.MaxReceivingBytes}}
	s.sources = sourcecontext.New()
	if cfg.KeepTwinsOnce {
		s.recent = newRecentBodies()
	}
	s.handler = s.guard(s.routes())
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies up to MaxBodyBytes from a local SDK; the SSE handler lifts
		// both deadlines for its own connection.
		ReadTimeout:  2 * time.Minute,
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
		ConnContext:  withConnOwner,
	}
	s.http.RegisterOnShutdown(s.startClosing)
	return s, nil
}

// ingestListener is an IngestHosts address with its own server: its
// handler serves nothing but ingestion.
type ingestListener struct {
	l    net.Listener
	http *http.Server
}

func (s *Server) startClosing() { s.closeOnce.Do(func() { close(s.closing) }) }

// Listen binds the port(s). A port in use returns an error wrapping
// ErrPortInUse.
func (s *Server) Listen() error {
	if s.listeners != nil {
		return nil
	}
	ls, err := listen(s.cfg.Host, s.cfg.Port, s.log)
	if err != nil {
		return err
	}
	port := ls[0].Addr().(*net.TCPAddr).Port
	extra, err := listenIngest(s.cfg.IngestHosts, port)
	if err != nil {
		for _, l := range ls {
			l.Close()
		}
		return err
	}
	s.listeners, s.port = ls, port
	for i, l := range extra {
		srv := &http.Server{
			Handler:           s.ingestOnly(s.cfg.IngestHosts[i]),
			ReadHeaderTimeout: s.http.ReadHeaderTimeout,
			ReadTimeout:       s.http.ReadTimeout,
			WriteTimeout:      s.http.WriteTimeout,
			IdleTimeout:       s.http.IdleTimeout,
			ErrorLog:          s.http.ErrorLog,
		}
		s.ingest = append(s.ingest, ingestListener{l: l, http: srv})
	}
	return nil
}

// Port is the bound port (valid after Listen).
func (s *Server) Port() int { return s.port }

// URL is http://localhost:<port> (or the --host address when it is not a
// loopback or wildcard address).
func (s *Server) URL() string {
	host := "localhost"
	if h := s.cfg.Host; h != "" && !isLoopbackHost(h) {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			host = h
		}
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(s.port))
}

// Handler is the full guarded handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves until ctx ends, then shuts down gracefully (SSE streams
// closed, in-flight requests finished within a few seconds). It calls
// Listen if that has not been done.
func (s *Server) Serve(ctx context.Context) error {
	if s.serveCalled {
		return errors.New("sidecar: Serve called twice")
	}
	s.serveCalled = true
	if err := s.Listen(); err != nil {
		return err
	}
	errc := make(chan error, len(s.listeners)+len(s.ingest))
	for _, l := range s.listeners {
		go func() { errc <- s.http.Serve(l) }()
	}
	for _, in := range s.ingest {
		go func() { errc <- in.http.Serve(in.l) }()
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.startClosing()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	for _, srv := range append([]*http.Server{s.http}, s.ingestServers()...) {
		if err := srv.Shutdown(sctx); err != nil {
			s.log.Warn("requests still running at shutdown were cut off", "err", err)
			_ = srv.Close()
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}

func (s *Server) ingestServers() []*http.Server {
	out := make([]*http.Server, len(s.ingest))
	for i, in := range s.ingest {
		out[i] = in.http
	}
	return out
}

// Probe reports whether a Spotlight sidecar answers GET /health on
// http://localhost:<port> (checks X-Powered-By: spotlight-by-sentry).
func Probe(ctx context.Context, port int) bool {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://localhost:%d/health", port), nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1024))
	return resp.StatusCode == http.StatusOK && resp.Header.Get("X-Powered-By") == PoweredBy
}
