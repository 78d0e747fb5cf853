// Package daemon assembles a complete sidecar (buffer, instances API, MCP
// tools, web UI, registry watch) the same way for every command that runs
// one: `spotlight`, `spotlight run`, `spotlight mcp` and `spotlight tail`.
package daemon

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/capture"
	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
	"github.com/spotlight-dev/spotlight/internal/mcp"
	"github.com/spotlight-dev/spotlight/internal/memlimit"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
	"github.com/spotlight-dev/spotlight/internal/webui"
)

// Options configures one sidecar.
type Options struct {
	Host           string // "" = loopback only
	Port           int    // 0 = a free port
	AllowedOrigins []string
	Logger         *slog.Logger
	Getenv         func(string) string // finds the registry directory
	// Buffer and Events are the envelope buffer and the event model decoded
	// from it (Events must be Buffer's Model). Both nil: new ones with the
	// default bounds; Buffer alone: served without the event API.
	Buffer *buffer.Buffer
	Events *event.Store
	// Bounds are --buffer-size and --buffer-bytes (zero: the defaults).
	// MaxBytes bounds every envelope byte the sidecar holds (see budget):
	// those being received, its buffer (made from Bounds when Buffer is
	// nil; a given Buffer should come from NewBuffer with the same Bounds)
	// and, with WatchRegistry, the Control Center's merged copy.
	Bounds  buffer.Options
	Version string // reported to MCP clients

	// InstanceID and Self describe the `spotlight run` instance this sidecar
	// belongs to (empty and nil for a plain sidecar).
	InstanceID string
	Self       func() *registry.Metadata

	// Dir is the directory the sidecar started in (default: the current
	// one); with the instance's working directory it bounds which files the
	// UI may open in an editor or read source lines from.
	Dir string

	// IngestHosts are more addresses to listen on (same port) that accept
	// envelopes only (the docker bridge address under `spotlight run`).
	IngestHosts []string

	// KeepTwinsOnce: see sidecar.Config.
	KeepTwinsOnce bool

	// WatchRegistry announces instances that appear or vanish on the stream
	// (what the Control Center on port 8969 does).
	WatchRegistry bool
}

// Daemon is an assembled sidecar, not yet listening.
type Daemon struct {
	Buffer *buffer.Buffer
	Events *event.Store // nil when built over a buffer without it
	Server *sidecar.Server
	// Registry is nil when the registry directory is unusable; RegistryErr
	// then says why.
	Registry    *registry.Registry
	RegistryErr error

	cc      controlcenter.Options
	tools   mcp.Options
	logger  *slog.Logger
	watch   bool
	hub     *controlcenter.Hub // with watch: the merged copy of every instance's events
	capture *capture.Dir       // nil: SPOTLIGHT_CAPTURE off
}

// New assembles a sidecar. An unusable registry directory is not an error:
// the sidecar still serves envelopes, and RegistryErr says why instances
// cannot be listed.
func New(o Options) (*Daemon, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	plan := budget(o.Bounds, o.WatchRegistry)
	if o.Buffer == nil {
		o.Events = event.NewStore(nil)
		o.Buffer = buffer.New(withRelease(plan.home, o.Events))
	}
	if o.Self == nil {
		o.Self = func() *registry.Metadata { return nil }
	}
	if o.Dir == "" {
		o.Dir, _ = os.Getwd() // no directory: no project files are opened
	}
	dir := registry.DirFromEnv(o.Getenv)
	d := &Daemon{Buffer: o.Buffer, Events: o.Events, logger: o.Logger, watch: o.WatchRegistry}
	var err error
	if d.capture, err = capture.FromEnv(o.Getenv, o.Dir); err != nil {
		return nil, err
	}
	d.Registry, d.RegistryErr = registry.Open(dir, registry.WithLogger(o.Logger))
	// The per-user secret lets the user's clients in where the OS cannot
	// tell the user of a connection (see sidecar's sameUser).
	var secret func() string
	var secretPath string
	if reg := d.Registry; reg != nil {
		secret = func() string { s, _ := reg.ExistingSecret(); return s }
		secretPath = reg.SecretPath()
	}
	var all sidecar.AllInstances
	if o.WatchRegistry {
		d.hub = controlcenter.NewHub(controlcenter.HubOptions{Home: o.Buffer, HomePort: d.Port, Bounds: withRelease(plan.hub, nil), Logger: o.Logger, Secret: secret})
		all = d.hub
	}
	d.cc = controlcenter.Options{
		Hub:           d.hub,
		Registry:      d.Registry,
		RegistryError: d.RegistryErr,
		Buffer:        o.Buffer,
		Self:          o.Self,
		Port:          d.Port,
		PID:           os.Getpid(),
		Logger:        o.Logger,
	}
	d.tools = mcp.Options{
		Source:           &mcp.Local{Buffer: o.Buffer, Port: d.Port},
		ControlCenterURL: controlcenter.URLFromEnv(o.Getenv),
		Registry:         mcp.OpenRegistry(dir, o.Logger),
		Version:          o.Version,
		Logger:           o.Logger,
	}
	if d.hub != nil {
		keep, _ := d.hub.View(controlcenter.ViewAll) // cannot fail: a known view
		d.tools.All = &mcp.Local{Buffer: d.hub.Buffer(), Port: d.Port, Keep: keep}
	}
	srv, err := sidecar.New(sidecar.Config{
		Host:              o.Host,
		Port:              o.Port,
		AllowedOrigins:    o.AllowedOrigins,
		Logger:            o.Logger,
		Buffer:            o.Buffer,
		Events:            o.Events,
		MaxReceivingBytes: plan.receiving,
		InstanceID:        o.InstanceID,
		IngestHosts:       o.IngestHosts,
		Secret:            secret,
		SecretPath:        secretPath,
		Instances:         controlcenter.NewHandler(d.cc),
		MCP:               mcp.NewHandler(d.tools),
		UI:                webui.Handler(),
		ProjectOf:         d.projectOf(o.Self, o.Dir),
		All:               all,
		Capture:           d.capture,
		KeepTwinsOnce:     o.KeepTwinsOnce,
	})
	if err != nil {
		return nil, err
	}
	d.Server = srv
	return d, nil
}

// CaptureNotice says where every envelope received is saved
// (SPOTLIGHT_CAPTURE), for the command to print; "" when capturing is off.
func (d *Daemon) CaptureNotice() string {
	if d.capture == nil {
		return ""
	}
	return fmt.Sprintf("saving every envelope received into %s (%s)", d.capture.Path(), capture.EnvVar)
}

// NewBuffer makes the buffer of a sidecar without a merged copy (`spotlight
// run`), bounded by its share of bounds (see budget), decoding into events
// (may be nil) and handing the memory that packing frees back to the OS.
func NewBuffer(bounds buffer.Options, events *event.Store) *buffer.Buffer {
	return buffer.New(withRelease(budget(bounds, false).home, events))
}

// withRelease sets o's model and the hook that hands memory freed by
// packing back to the OS.
func withRelease(o buffer.Options, events *event.Store) buffer.Options {
	if events != nil {
		o.Model = events
	}
	o.Packed = (&memlimit.Releaser{}).Freed
	return o
}

// shares is how a sidecar divides --buffer-bytes.
type shares struct {
	home, hub buffer.Options // its buffer's bounds and the merged copy's
	receiving int64          // bytes of envelopes being received at once
}

// budget divides bounds.MaxBytes so that it bounds every envelope byte the
// sidecar holds: an eighth (at least one body at the size limit, at most
// the sidecar's default) for bodies being received, the rest for the buffer,
// halved between it and the merged copy when the sidecar keeps one.
func budget(bounds buffer.Options, mergedCopy bool) shares {
	total := cmp.Or(bounds.MaxBytes, buffer.DefaultMaxBytes)
	receiving := min(max(total/8, sidecar.DefaultMaxBodyBytes+1), sidecar.DefaultMaxReceivingBytes)
	held := max(total-receiving, total/4) // a small budget still holds something
	sh := shares{home: buffer.Options{MaxEntries: bounds.MaxEntries, MaxBytes: held}, receiving: receiving}
	if mergedCopy {
		sh.home.MaxBytes = held / 2
		sh.hub = buffer.Options{MaxEntries: bounds.MaxEntries, MaxBytes: held / 2}
	}
	return sh
}

// Listen binds the port; see sidecar.Server.Listen.
func (d *Daemon) Listen() error { return d.Server.Listen() }

// Port is the bound port (valid after Listen).
func (d *Daemon) Port() int { return d.Server.Port() }

// URL is http://localhost:<port>.
func (d *Daemon) URL() string { return d.Server.URL() }

// MCPOptions are the options of this sidecar's MCP tools, for serving the
// same tools over stdio.
func (d *Daemon) MCPOptions() mcp.Options { return d.tools }

// Serve serves (and, on the Control Center, watches the registry and
// follows the instances) until ctx ends, then shuts down gracefully.
func (d *Daemon) Serve(ctx context.Context) error {
	if err := d.Listen(); err != nil { // the merged copy labels by port
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var bg sync.WaitGroup
	if d.watch {
		bg.Go(func() { d.hub.Run(ctx) })
		bg.Go(func() {
			if err := controlcenter.Watch(ctx, d.cc); err != nil && ctx.Err() == nil {
				d.logger.Warn("the Control Center stopped watching the registry", "err", err)
			}
		})
	}
	err := d.Server.Serve(ctx)
	cancel()
	bg.Wait()
	if d.hub != nil {
		d.hub.Wait() // its followers, started by Watch
	}
	return err
}

// projectOf is the directories whose files the UI may open for an
// instance: for this sidecar's own events ("", or "home" in the Control
// Center's merged copy) the instance's working directory (once registered)
// and the sidecar's own; for another instance's, the working directory it
// registered (none once its registration is gone).
func (d *Daemon) projectOf(self func() *registry.Metadata, dir string) func(string) localfile.Roots {
	return func(instance string) localfile.Roots {
		if instance == "" || instance == controlcenter.HomeInstance {
			if m := self(); m != nil && m.CWD != "" && m.CWD != dir {
				return localfile.Roots{m.CWD, dir}
			}
			return localfile.Roots{dir}
		}
		if d.Registry == nil {
			return nil
		}
		m, err := d.Registry.Get(instance)
		if err != nil || m.CWD == "" {
			return nil
		}
		return localfile.Roots{m.CWD}
	}
}
