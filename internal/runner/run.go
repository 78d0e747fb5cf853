// Package runner supervises the child of `spotlight run`: it starts a
// sidecar, runs the developer's command with the environment its Sentry SDK
// needs, relays the child's output to the terminal and (as logs) to the
// sidecar, registers the instance for the Control Center, forwards signals
// to the child's process group and exits with the child's code.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/daemon"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
)

// DefaultGrace is how long the child's group has to exit after a forwarded
// signal before it is killed.
const DefaultGrace = 5 * time.Second

// Time limits of the shutdown steps, so a stuck part never keeps
// `spotlight run` from exiting with the child's code.
const (
	drainTimeout    = time.Second
	shutdownTimeout = 3 * time.Second
	// followWait bounds how long an exiting run waits for the Control
	// Center to read its last envelopes (it follows every instance).
	followWait = 2 * time.Second
	groupPoll  = 20 * time.Millisecond
)

// Options configures Run. Zero values get the defaults noted.
type Options struct {
	Args    []string // the command and its arguments; empty = detect
	Dir     string   // working directory (required)
	Environ []string // the child's base environment
	Getenv  func(string) string
	Stdin   io.Reader
	Stdout  io.Writer // the child's stdout goes here unchanged
	Stderr  io.Writer // the child's stderr, spotlight's messages and SDK events
	Port    int       // 0 = a free port
	// Format and Color are how SDK events are printed, to Events (default
	// Stderr; --events puts them in a file of their own).
	Format format.Format // default human
	Color  bool
	Events io.Writer
	// Keep keeps the sidecar serving after the child exits, until a signal.
	Keep   bool
	Open   bool          // open the UI in a browser
	Grace  time.Duration // default DefaultGrace
	Logger *slog.Logger
	// Version is reported as the SDK version of stdio logs.
	Version string
	Now     func() time.Time
	// Bounds bound the sidecar's buffer (MaxEntries, MaxBytes; zero: the
	// defaults).
	Bounds buffer.Options
}

func (o *Options) defaults() {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.Format == "" {
		o.Format = format.Human
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Events == nil {
		o.Events = o.Stderr
	}
}

// Run runs the command under a sidecar and returns the exit code for
// `spotlight run`: the child's, 128+signal when a signal ended it, 126/127
// when it could not be started. err, when set, is for the user to read.
func Run(ctx context.Context, o Options) (int, error) {
	o.defaults()
	cmd, err := resolve(&o)
	if err != nil {
		return 1, err
	}
	// A typo is found before a sidecar is started for nothing.
	if _, err := exec.LookPath(cmd.Argv[0]); err != nil {
		return startFailure(startError(cmd.Argv[0], err))
	}
	id, err := uuid.NewV7()
	if err != nil {
		return 1, err
	}
	if c := cmd.compose; c != nil {
		if err := c.prepare(o.Getenv); err != nil {
			return 1, err
		}
	}
	events := event.NewStore(nil)
	r := &run{o: o, cmd: cmd, id: id.String(), events: events, buf: daemon.NewBuffer(o.Bounds, events)}
	if err := r.startSidecar(); err != nil {
		return 1, err
	}
	defer r.stopSidecar()
	if c := cmd.compose; c != nil {
		defer c.remove(o.Stderr)
		if err := c.wire(&r.cmd, r.srv.Port()); err != nil {
			return 1, err
		}
	}
	return r.supervise(ctx)
}

// startFailure is the exit code and error of a command that did not start.
func startFailure(err error) (int, error) {
	var se *StartError
	if errors.As(err, &se) {
		return se.Code, err
	}
	return 1, err
}

// run is one `spotlight run`.
type run struct {
	o      Options
	cmd    Command
	id     string
	buf    *buffer.Buffer
	events *event.Store // buf's Model

	srv      *sidecar.Server
	srvStop  context.CancelFunc
	served   chan struct{} // closed when Serve returned
	serveErr error         // Serve's error, set before served is closed
	stopOnce sync.Once
	reg      *registry.Registry
	self     atomic.Pointer[registry.Metadata]
	pinged   atomic.Bool // a Control Center accepted the ping
}

func (r *run) startSidecar() error {
	d, err := daemon.New(daemon.Options{
		Port:       r.o.Port,
		Logger:     r.o.Logger,
		Getenv:     r.o.Getenv,
		Buffer:     r.buf,
		Events:     r.events,
		Bounds:     r.o.Bounds,
		Version:    r.o.Version,
		InstanceID: r.id,
		// The DSN run sets makes SDKs with Spotlight support send twice.
		KeepTwinsOnce: r.setsDSN(),
		Self:          r.self.Load,
		Dir:           r.o.Dir,
		// Containers on Linux reach the host at the docker bridge address.
		IngestHosts: r.cmd.compose.ingestHosts(),
	})
	if err != nil {
		return err
	}
	if d.RegistryErr != nil {
		fmt.Fprintf(r.o.Stderr, "spotlight: warning: this instance will not appear in the Control Center: %v\n", d.RegistryErr)
	}
	r.reg = d.Registry
	if err := d.Listen(); err != nil {
		if r.o.Port != 0 {
			return fmt.Errorf("cannot start the sidecar: %w; choose another port with -p, or leave -p out to use a free one", err)
		}
		return fmt.Errorf("cannot start the sidecar: %w", err)
	}
	r.srv = d.Server
	if n := d.CaptureNotice(); n != "" {
		fmt.Fprintf(r.o.Stderr, "spotlight: %s\n", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.srvStop, r.served = cancel, make(chan struct{})
	go func() {
		defer close(r.served)
		r.serveErr = d.Serve(ctx)
	}()
	return nil
}

// stopSidecar shuts the sidecar down, waiting a bounded time.
func (r *run) stopSidecar() {
	r.stopOnce.Do(func() {
		r.srvStop()
		select {
		case <-r.served:
		case <-time.After(shutdownTimeout):
			r.o.Logger.Debug("sidecar shutdown timed out")
		}
	})
}

// awaitFollowers lets the Control Center read the last envelopes before the
// sidecar stops, waiting at most followWait.
func (r *run) awaitFollowers() {
	ctx, cancel := context.WithTimeout(context.Background(), followWait)
	defer cancel()
	r.srv.AwaitFollowers(ctx, r.pinged.Load())
}

func (r *run) supervise(ctx context.Context) (int, error) {
	// The caller's ctx ends on SIGINT/SIGTERM, but `spotlight run` forwards
	// those to the child and ends when the child does: what follows must
	// outlive ctx.
	caller := ctx
	ctx = context.WithoutCancel(ctx)
	o := r.o
	url := r.srv.URL()
	fmt.Fprintf(o.Stderr, "spotlight: UI at %s for %s (%s)\n", url, r.cmd.ProjectName, r.cmd.Display)
	if r.setsDSN() {
		fmt.Fprintf(o.Stderr, "spotlight: SENTRY_DSN=%s for SDKs without Spotlight support (set SENTRY_DSN to use your own)\n", DSN(r.srv.Port()))
	}
	if o.Open {
		openBrowser(url, o.Logger)
	}
	relayOpts := RelayOptions{Buffer: r.buf, Now: o.Now, Logger: o.Logger, Version: o.Version, TraceID: strings.ReplaceAll(uuid.NewString(), "-", ""), Hold: holdFor}
	env := ChildEnv(o.Environ, r.srv.Port(), r.cmd.BinDir)
	stderr := Stderr()
	if c := r.cmd.compose; c != nil {
		c.announce(o.Stderr, r.srv.Port())
		relayOpts.Label = c.label
		// What compose itself runs with: a service that passes
		// SENTRY_SPOTLIGHT through from the host gets the same URL.
		env = childEnv(o.Environ, streamURL(r.srv.Port()), "")
		// Compose reports progress on stderr: not errors.
		stderr.Level, stderr.Severity = Stdout().Level, Stdout().Severity
	}

	relay := NewRelay(relayOpts)
	watchCtx, stopWatch := context.WithCancel(ctx)
	w := &watcher{sub: r.buf.Subscribe(""), out: o.Events, relay: relay, catchUps: make(chan chan struct{}), logger: o.Logger,
		format: o.Format, formatOpts: format.Options{Color: o.Color, Location: time.Local}}
	watched := make(chan struct{})
	go func() { defer close(watched); w.run(watchCtx) }()
	defer func() {
		// After the sidecar stopped nothing new arrives: print what is left.
		r.stopSidecar()
		stopWatch()
		<-watched
		w.sub.Close()
	}()

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	// A closed stdout (`| head`) must not kill spotlight (Go dies of SIGPIPE
	// on fd 1 and 2 unless SIGPIPE is notified): Pump sees EPIPE instead and
	// passes the closed pipe on to the child. Notify, not Ignore: an ignored
	// signal would stay ignored in the child.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	defer signal.Stop(pipes)
	// A signal that came before ours were caught (while the sidecar started)
	// ended the caller's ctx instead: there is no child to pass it to, so
	// none is started.
	if caller.Err() != nil {
		relay.Close()
		return 1, fmt.Errorf("stopped (%v) before the command started; nothing was run", context.Cause(caller))
	}

	c, err := startChild(r.cmd.Argv, env, o.Dir, o.Stdin)
	if err != nil {
		relay.Close()
		return startFailure(err)
	}
	var pumps sync.WaitGroup
	pump := func(src *os.File, term io.Writer, s Stream) {
		defer pumps.Done()
		defer src.Close()
		if err := relay.Pump(src, term, s); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			o.Logger.Debug("relaying the child's "+s.Name+" stopped", "err", err)
		}
	}
	pumps.Add(2)
	go pump(c.stdout, o.Stdout, Stdout())
	go pump(c.stderr, o.Stderr, stderr)

	r.register(ctx, c)
	defer r.unregister()
	code, sidecarErr := r.wait(c, sigs)
	c.drain(drainTimeout)
	pumps.Wait()
	w.catchUp(time.Second) // the SDK's last logs decide which held lines were doubled
	relay.Close()
	if o.Keep && sidecarErr == nil {
		r.keepServing(code, sigs)
	}
	r.awaitFollowers()
	if sidecarErr != nil {
		return 1, fmt.Errorf("the sidecar failed, so the command was stopped: %w", sidecarErr)
	}
	return code, nil
}

// wait waits for the child, forwarding signals to its group and killing the
// group when it outlives the grace period. A failing sidecar stops the child
// too: `spotlight run` without its sidecar is of no use.
func (r *run) wait(c *child, sigs <-chan os.Signal) (code int, sidecarErr error) {
	exited := make(chan int, 1)
	go func() { exited <- c.wait() }()
	var deadline time.Time
	var kill <-chan time.Time
	stop := func(sig syscall.Signal) {
		if c := r.cmd.compose; c != nil {
			sig = c.stopSignal()
		}
		if err := proc.SignalGroup(c.pgid, sig); err != nil {
			r.o.Logger.Debug("cannot signal the child's group", "signal", sig, "err", err)
		}
		if kill == nil {
			deadline = time.Now().Add(r.o.Grace)
			kill = time.After(r.o.Grace)
		}
	}
	served := r.served
	for {
		select {
		case code = <-exited:
			if !deadline.IsZero() {
				r.finishGroup(c.pgid, deadline)
			}
			return code, sidecarErr
		case sig := <-sigs:
			r.announceStop()
			r.o.Logger.Debug("forwarding signal to the child's process group", "signal", sig, "pgid", c.pgid)
			stop(sig.(syscall.Signal))
		case <-kill:
			r.o.Logger.Debug("the child's group outlived the grace period; killing it", "grace", r.o.Grace)
			_ = proc.SignalGroup(c.pgid, syscall.SIGKILL)
		case <-served:
			served = nil
			err := r.serveErr
			if err == nil {
				err = errors.New("it stopped serving")
			}
			sidecarErr = err
			fmt.Fprintf(r.o.Stderr, "spotlight: the sidecar failed (%v); stopping the command\n", err)
			stop(syscall.SIGTERM)
		}
	}
}

// setsDSN reports whether the child gets run's SENTRY_DSN (see ChildEnv).
func (r *run) setsDSN() bool { return r.cmd.compose == nil && !has(r.o.Environ, "SENTRY_DSN") }

// announceStop says who stopped this instance, when `spotlight terminate`
// or the Control Center left a note saying so before its signal.
func (r *run) announceStop() {
	if r.reg == nil {
		return
	}
	if by := r.reg.TakeStopNote(r.id); by != "" {
		fmt.Fprintf(r.o.Stderr, "spotlight: stopped by %s\n", by)
	}
}

// keepServing is --keep: the child has exited, but its events and the UI
// stay until spotlight gets a signal (Ctrl+C, terminate) or the sidecar fails.
func (r *run) keepServing(code int, sigs <-chan os.Signal) {
	fmt.Fprintf(r.o.Stderr, "spotlight: %s exited with code %d; still serving %s (--keep); press Ctrl+C to stop\n", r.cmd.Display, code, r.srv.URL())
	select {
	case sig := <-sigs:
		r.announceStop()
		r.o.Logger.Debug("stopping the kept sidecar", "signal", sig)
	case <-r.served:
	}
}

// finishGroup waits for what remains of the child's group after a forwarded
// signal (grandchildren such as node under npm) until deadline, then kills it.
func (r *run) finishGroup(pgid int, deadline time.Time) {
	for proc.GroupAlive(pgid) {
		if time.Now().After(deadline) {
			_ = proc.SignalGroup(pgid, syscall.SIGKILL)
			return
		}
		time.Sleep(groupPoll)
	}
}

// register writes the instance's registry file and pings the Control
// Center in the background. Both are best effort.
func (r *run) register(ctx context.Context, c *child) {
	pid := os.Getpid()
	pidStart, err := proc.StartTime(ctx, pid)
	if err != nil {
		r.o.Logger.Debug("cannot read spotlight's start time", "err", err)
	}
	childStart, err := proc.StartTime(ctx, c.cmd.Process.Pid)
	if err != nil {
		r.o.Logger.Debug("cannot read the child's start time", "err", err)
	}
	m := registry.Metadata{
		InstanceID:        r.id,
		Port:              r.srv.Port(),
		PID:               pid,
		PIDStartTime:      pidStart,
		ChildPID:          c.cmd.Process.Pid,
		ChildPIDStartTime: childStart,
		Command:           r.cmd.Display,
		CmdArgs:           r.cmd.CmdArgs,
		CWD:               r.o.Dir,
		StartTime:         r.o.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		ProjectName:       r.cmd.ProjectName,
		DetectedType:      r.cmd.DetectedType,
	}
	r.self.Store(&m)
	if r.reg == nil {
		return
	}
	if err := r.reg.Register(m); err != nil {
		fmt.Fprintf(r.o.Stderr, "spotlight: warning: this instance will not appear in the Control Center: %v\n", err)
		r.reg = nil
		return
	}
	secret, _ := r.reg.ExistingSecret()
	go func() { r.pinged.Store(ping(ctx, controlcenter.URLFromEnv(r.o.Getenv), secret, m, r.o.Logger)) }()
}

func (r *run) unregister() {
	if r.reg == nil {
		return
	}
	if err := r.reg.Unregister(r.id); err != nil {
		fmt.Fprintf(r.o.Stderr, "spotlight: warning: %v\n", err)
	}
}
