// Package mcp serves Spotlight's Model Context Protocol tools: coding agents
// search the errors, logs and traces that the developer's running apps sent
// to a sidecar, and list the running Spotlight instances. The tools read a
// Source (this process's buffer or another sidecar over HTTP) and render with
// the md format of package format, the same text `spotlight tail -f md` shows.
package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// Options configures the tools of one MCP server.
type Options struct {
	// Source is what the tools read when no `instance` is given (an
	// `instance` naming its port reads it too). Required.
	Source Source
	// Registry opens the instance registry (list_instances, and `instance`
	// ids). Called per request, so a directory created later is found and a
	// broken one is reported to the agent rather than at start-up.
	Registry func() (*registry.Registry, error)
	// All is the Control Center's merged copy of every instance's events
	// when it is in this process (`instance: "all"`); nil otherwise, and
	// the tools read it from ControlCenterURL.
	All              Source
	ControlCenterURL string
	Now              func() time.Time // default time.Now
	Version          string           // reported to clients
	Logger           *slog.Logger     // default: discard
}

// tools holds what the tool handlers share.
type tools struct {
	opts    Options
	decoded decoded // of opts.Source
	remotes remotes // other sidecars named by `instance`
}

// NewServer returns an MCP server with Spotlight's tools.
func NewServer(opts Options) *sdk.Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	srv := sdk.NewServer(&sdk.Implementation{Name: "spotlight", Title: "Spotlight", Version: opts.Version}, &sdk.ServerOptions{
		Instructions: instructions,
		Logger:       slog.New(quietInfo{opts.Logger.Handler()}),
		// No logging capability: the tools report through their results.
		Capabilities: &sdk.ServerCapabilities{},
	})
	srv.AddReceivingMiddleware(guardToolCalls(opts.Logger))
	(&tools{opts: opts}).register(srv)
	return srv
}

// guardToolCalls makes tool calls robust to what agents send: null or
// missing arguments become {} (the SDK fills in schema defaults by writing
// into the decoded arguments, which panics on null), and a panic inside a
// tool becomes a tool error instead of ending the process.
func guardToolCalls(log *slog.Logger) sdk.Middleware {
	return func(next sdk.MethodHandler) sdk.MethodHandler {
		return func(ctx context.Context, method string, req sdk.Request) (res sdk.Result, err error) {
			call, ok := req.(*sdk.CallToolRequest)
			if !ok || call.Params == nil {
				return next(ctx, method, req)
			}
			if a := bytes.TrimSpace(call.Params.Arguments); len(a) == 0 || string(a) == "null" {
				call.Params.Arguments = json.RawMessage("{}")
			}
			defer func() {
				if v := recover(); v != nil {
					log.Error("MCP tool panicked", "tool", call.Params.Name, "panic", v, "stack", string(debug.Stack()))
					r := &sdk.CallToolResult{}
					r.SetError(fmt.Errorf("internal error in %s: %v (please report it)", call.Params.Name, v))
					res, err = r, nil
				}
			}()
			return next(ctx, method, req)
		}
	}
}

// instructions tell the agent what the server is for as a whole.
const instructions = "Spotlight receives what the developer's running apps send to Sentry SDKs " +
	"(errors, logs, traces) on this machine. Use search_errors first when something fails, " +
	"search_logs and search_traces for context, get_traces for one request end to end, " +
	"and list_instances when several apps run under `spotlight run`."

// NewHandler serves MCP over streamable HTTP (for the sidecar's /mcp).
//
// The handler is stateless: every request gets a fresh session, so no
// per-client state piles up in a long-running sidecar, and the tools need no
// server-to-client requests. The SDK's own localhost (DNS rebinding) check
// is off because the sidecar's Host/Origin guard, which this handler is
// mounted behind, already applies the same rule plus the hosts the developer
// allowed with -A (the SDK's would refuse those).
func NewHandler(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv := NewServer(opts)
	return sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return srv }, &sdk.StreamableHTTPOptions{
		Stateless:                  true,
		JSONResponse:               true,
		DisableLocalhostProtection: true,
		Logger:                     slog.New(quietInfo{opts.Logger.Handler()}),
	})
}

// NewSidecarHandler is the /mcp handler of a sidecar in this process whose
// buffer is buf and whose port port returns once it listens; the instance
// tools use the registry in registryDir.
func NewSidecarHandler(buf *buffer.Buffer, port func() int, registryDir string, logger *slog.Logger) http.Handler {
	return NewHandler(Options{
		Source:   &Local{Buffer: buf, Port: port},
		Registry: OpenRegistry(registryDir, logger),
		Logger:   logger,
	})
}

// OpenRegistry returns an Options.Registry that opens dir.
func OpenRegistry(dir string, logger *slog.Logger) func() (*registry.Registry, error) {
	var opts []registry.Option
	if logger != nil {
		opts = append(opts, registry.WithLogger(logger))
	}
	return func() (*registry.Registry, error) { return registry.Open(dir, opts...) }
}

// ServeStdio serves MCP over newline-delimited JSON on in and out until the
// client closes in (or ctx ends, e.g. on SIGTERM: both are a normal end).
// Nothing else may write to out.
//
// Malformed frames are answered with a JSON-RPC error and serving goes on
// (see frameFilter); a frame over MaxFrameBytes is refused.
func ServeStdio(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	pr, pw := io.Pipe()
	w := &lockedWriter{w: out}
	filter := &frameFilter{in: bufio.NewReaderSize(in, 64<<10), out: w, to: pw}
	go filter.run(ctx)
	t := &sdk.IOTransport{Reader: pr, Writer: w, MaxLineLength: MaxFrameBytes + 1}
	ss, err := NewServer(opts).Connect(ctx, t, nil)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = ss.Close() })
	defer stop()
	err = ss.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// quietInfo turns the SDK's Info records (every session starting and ending)
// into Debug ones, so they show only with --debug; its warnings and errors
// keep their level.
type quietInfo struct{ slog.Handler }

func demote(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}

func (q quietInfo) Enabled(ctx context.Context, l slog.Level) bool {
	return q.Handler.Enabled(ctx, demote(l))
}

func (q quietInfo) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return q.Handler.Handle(ctx, r)
}

func (q quietInfo) WithAttrs(as []slog.Attr) slog.Handler { return quietInfo{q.Handler.WithAttrs(as)} }
func (q quietInfo) WithGroup(name string) slog.Handler    { return quietInfo{q.Handler.WithGroup(name)} }
