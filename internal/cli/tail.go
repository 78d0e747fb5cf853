package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
	"github.com/spotlight-dev/spotlight/internal/streamclient"
)

type tailOptions struct {
	port   portValue
	format string
	all    bool        // --all-instances
	buf    bufferFlags // for the sidecar tail starts when none runs
}

func newTailCmd(env *Env) *cobra.Command {
	opts := &tailOptions{port: portValue{port: sidecar.DefaultPort}}
	cmd := &cobra.Command{
		Use:   "tail [errors|logs|traces|attachments|all]...",
		Short: "Print what SDKs send to the sidecar, as it arrives",
		Long: `Print the events the sidecar has received, then new ones as they arrive:
errors (events with an exception or a message), logs (one line per log
record), traces (transactions and standalone spans) and attachments. With no
type, or all, everything, or *, all of them. Types may also be given
comma-separated (errors,logs).

It connects to the sidecar on --port; when none runs there, it starts one and
says so on stderr. When the sidecar goes away, tail waits for it to come back
and carries on where it left off, printing nothing twice.

With --all-instances it prints the Control Center's merged stream instead:
the events of every instance it follows (and its own), each with the
instance it came from (project@port) in a column of its own.

Formats: human (one line each, coloured on a terminal unless NO_COLOR is
set), json (one object per line), logfmt, md (Markdown).`,
		Example: `  spotlight tail
  spotlight tail errors logs
  spotlight tail errors,logs
  spotlight tail logs -f json | jq .message
  spotlight tail traces -f md -p 3001
  spotlight tail errors --all-instances`,
		ValidArgs: event.TypeNames(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTail(cmd.Context(), env, opts, args)
		},
	}
	cmd.Flags().VarP(&opts.port, "port", "p", "port of the sidecar to tail")
	cmd.Flags().StringVarP(&opts.format, "format", "f", string(format.Human), "output format: human, json, logfmt or md")
	opts.buf.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.all, "all-instances", false, "every instance's events, from the Control Center on --port, with an instance column")
	return cmd
}

func runTail(ctx context.Context, env *Env, opts *tailOptions, args []string) error {
	if _, err := opts.buf.options(env.Getenv); err != nil {
		return err // said now, not only once a sidecar must be started
	}
	kinds, err := event.ParseTypes(args)
	if err != nil {
		return err
	}
	f, err := format.ParseFormat(opts.format)
	if err != nil {
		return err
	}
	port := opts.port.port
	if port == 0 {
		return errors.New("tail needs the port of a sidecar: use --port with a number from 1 to 65535 (default 8969)")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !sidecar.Probe(ctx, port) {
		done, err := startOwnSidecar(ctx, env, port, opts.buf)
		if err != nil {
			return err
		}
		defer func() {
			cancel()
			<-done
		}()
	}

	fopts := format.Options{Color: colorEnabled(env), Location: time.Local}
	client := &streamclient.Client{
		// userAgent=1: each event names its sender, which tells a browser
		// SDK's events from a server's (source inference).
		URL:    fmt.Sprintf("http://localhost:%d/stream?userAgent=1", port) + map[bool]string{true: "&instance=all"}[opts.all],
		Secret: registry.ReadSecret(registry.DirFromEnv(env.Getenv)),
		OnConnect: func(reconnect bool) {
			if reconnect {
				fmt.Fprintf(env.Err, "spotlight: reconnected to the sidecar on port %d\n", port)
			}
		},
		OnDisconnect: func(err error) {
			fmt.Fprintf(env.Err, "spotlight: lost the sidecar on port %d (%v); waiting for it to come back\n", port, err)
		},
		OnSkip: func(id string, err error) {
			fmt.Fprintf(env.Err, "spotlight: envelope %s not shown: %v\n", id, err)
		},
	}
	p := &tailPrinter{env: env, f: f, fopts: fopts, kinds: kinds, withInstance: opts.all,
		dec: event.NewDetailDecoder(), follow: map[string]*event.Follower{}}
	ticks := time.NewTicker(event.DefaultSettle / 4)
	defer ticks.Stop()
	stopTicks := make(chan struct{})
	ticked := make(chan struct{})
	go func() {
		defer close(ticked)
		for {
			select {
			case now := <-ticks.C:
				if p.due(now) != nil {
					return // the next write reports it
				}
			case <-stopTicks:
				return
			}
		}
	}()
	err = client.Run(ctx, func(ev streamclient.Event) error {
		if ev.Name != buffer.EventEnvelope {
			return nil // instance pings and other broadcasts
		}
		return p.envelope(ev)
	})
	close(stopTicks)
	<-ticked
	if ferr := p.flush(); err == nil || errors.Is(err, context.Canceled) {
		err = cmp.Or(ferr, err)
	}
	if opts.all && errors.Is(err, streamclient.ErrNotAStream) {
		return fmt.Errorf("port %d is not the Control Center, which alone holds every instance's events (%w); point --port at the `spotlight` sidecar (8969 by default)", port, err)
	}
	if errors.Is(err, streamclient.ErrRefused) {
		return fmt.Errorf("the Spotlight on port %d refused to stream its events: %w", port, err)
	}
	if errors.Is(err, streamclient.ErrNotAStream) {
		return fmt.Errorf("port %d does not serve a Spotlight stream (%w); check the port with `spotlight list` or --port", port, err)
	}
	return err
}

// tailPrinter prints the stream through event.Followers (one per instance
// with --all-instances): a timeline, each trace printed once, whole, after
// it settled (see event.Follower). Its methods are
// called from the stream callback and the settle ticker.
type tailPrinter struct {
	mu           sync.Mutex
	env          *Env
	f            format.Format
	fopts        format.Options
	kinds        []event.Kind
	withInstance bool
	dec          *event.Decoder
	follow       map[string]*event.Follower // by instance label
}

// envelope decodes one stream event and prints what is due. A malformed
// envelope or item is reported on stderr and the rest still printed.
func (p *tailPrinter) envelope(ev streamclient.Event) error {
	e, err := envelope.UnmarshalStream(ev.Data)
	if err != nil {
		fmt.Fprintf(p.env.Err, "spotlight: envelope %s is not readable: %v\n", ev.ID, err)
		return nil
	}
	now := time.Now()
	d := p.dec.Decode(e, event.Meta{ID: ev.ID, Received: idTime(ev.ID), UserAgent: ev.UserAgent})
	label := ""
	if p.withInstance {
		label = instanceLabel(d)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fl := p.follow[label]
	if fl == nil {
		fl = event.NewFollower(0)
		p.follow[label] = fl
	}
	fl.Add(d, now)
	return p.write(label, fl.Due(now))
}

// due prints what has settled by now.
func (p *tailPrinter) due(now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for label, fl := range p.follow {
		if err := p.write(label, fl.Due(now)); err != nil {
			return err
		}
	}
	return nil
}

// flush prints everything still pending (the stream ended).
func (p *tailPrinter) flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for label, fl := range p.follow {
		if err := p.write(label, fl.Flush()); err != nil {
			return err
		}
	}
	return nil
}

// write renders the records of the selected kinds; unreadable items go to
// stderr. Caller holds p.mu.
func (p *tailPrinter) write(label string, recs []event.Record) error {
	shown := recs[:0:0]
	for _, r := range recs {
		if r.Item != nil {
			fmt.Fprintf(p.env.Err, "spotlight: envelope %s: %s item not readable: %s\n", r.EnvelopeID, r.Item.ItemType, r.Item.Reason)
			continue
		}
		if slices.Contains(p.kinds, r.Kind) {
			shown = append(shown, r)
		}
	}
	if len(shown) == 0 {
		return nil
	}
	var err error
	if p.withInstance {
		err = writeWithInstance(p.env.Out, p.f, p.fopts, label, shown)
	} else {
		err = format.Write(p.env.Out, p.f, p.fopts, shown...)
	}
	if err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// idTime is when the sidecar received an envelope: its stream ids are
// UUIDv7, which carry that time (the zero time for other ids).
func idTime(id string) time.Time {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		return time.Time{}
	}
	sec, nsec := u.Time().UnixTime()
	return time.Unix(sec, nsec)
}

// startOwnSidecar runs a sidecar (the same as `spotlight server`) in this
// process until ctx ends and waits until it answers (runServer has no
// ready signal, so /health is polled). done is closed when it has stopped.
// If another sidecar took the port meanwhile, tail simply uses that one.
func startOwnSidecar(ctx context.Context, env *Env, port int, buf bufferFlags) (done <-chan struct{}, err error) {
	errc := make(chan error, 1)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		errc <- runServer(ctx, &serverOptions{env: env, buf: buf}, port)
	}()
	deadline := time.Now().Add(10 * time.Second)
	ours := true
	for !sidecar.Probe(ctx, port) {
		select {
		case err := <-errc:
			if err != nil {
				return nil, fmt.Errorf("no sidecar was running on port %d and starting one failed: %w", port, err)
			}
			// nil: another sidecar answered there first; the probe will see it.
			ours, errc = false, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("started a sidecar on port %d, but it did not answer within 10 s; run `spotlight server -p %d -d` to see why", port, port)
		}
	}
	if ours {
		fmt.Fprintf(env.Err, "spotlight: no sidecar was running on port %d, so tail started one (it stops with tail)\n", port)
	}
	return stopped, nil
}

// colorEnabled: colour only on a terminal, and never with NO_COLOR set.
func colorEnabled(env *Env) bool {
	if env.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(env.Out)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	// A real terminal check, not a character-device one: /dev/null is a
	// character device too.
	return term.IsTerminal(int(f.Fd()))
}
