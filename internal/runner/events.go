package runner

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// watcher follows the buffer: it prints what the app's SDK sends (the
// terminal already shows the child's own output, so stdio logs are skipped)
// and tells the relay about SDK log bodies so doubled logs stop. It prints
// through an event.Follower: in time order, each trace once, whole (its
// spans come in many envelopes).
type watcher struct {
	sub        *buffer.Subscription
	out        io.Writer
	format     format.Format
	formatOpts format.Options
	relay      *Relay
	logger     *slog.Logger
	dec        *event.Decoder
	follow     *event.Follower
	// catchUps asks run to handle what the buffer holds now (see catchUp).
	catchUps chan chan struct{}
}

// catchUp has the watcher handle every entry already in the buffer, waiting
// at most timeout: at exit the SDK's last log batch is in the buffer, and the
// relay must know its bodies before it decides which held stdio lines it
// doubled.
func (w *watcher) catchUp(timeout time.Duration) {
	done := make(chan struct{})
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case w.catchUps <- done:
	case <-t.C:
		return
	}
	select {
	case <-done:
	case <-t.C:
	}
}

// run handles entries until ctx ends and nothing more is ready: Next still
// returns ready entries after ctx is done, so cancelling once the sidecar has
// stopped prints everything the app sent before it exited, pending traces
// included.
func (w *watcher) run(ctx context.Context) {
	if w.follow == nil {
		w.follow = event.NewFollower(0)
	}
	if w.dec == nil {
		w.dec = event.NewDetailDecoder()
	}
	tick := time.NewTicker(event.DefaultSettle / 4)
	defer tick.Stop()
	defer func() { w.write(w.follow.Flush()) }()
	for {
		select {
		case <-w.sub.Ready():
			for _, e := range w.sub.TryNext() {
				w.handle(e)
			}
		case now := <-tick.C:
			w.write(w.follow.Due(now))
		case done := <-w.catchUps:
			for es := w.sub.TryNext(); es != nil; es = w.sub.TryNext() {
				for _, e := range es {
					w.handle(e)
				}
			}
			close(done)
		case <-ctx.Done():
			for es := w.sub.TryNext(); es != nil; es = w.sub.TryNext() {
				for _, e := range es {
					w.handle(e)
				}
			}
			return
		}
	}
}

func (w *watcher) handle(e *buffer.Entry) {
	env := e.Envelope()
	if e.Event != buffer.EventEnvelope || env == nil {
		return
	}
	// md shows breadcrumbs, which the buffer's model leaves out.
	d, ok := e.Model.(*event.Decoded)
	if !ok || w.format == format.MD && !fromStdio(d) {
		d = w.dec.Decode(env, event.Meta{ID: e.ID, Received: e.Received, UserAgent: e.UserAgent})
	}
	if fromStdio(d) {
		return
	}
	var bodies []string
	for _, r := range d.Records {
		if r.Log != nil {
			bodies = append(bodies, r.Log.Body)
		}
		if r.Item != nil {
			w.logger.Debug("an item of an envelope could not be read", "id", e.ID, "type", r.Item.ItemType, "err", r.Item.Reason)
		}
	}
	if len(bodies) > 0 && w.relay != nil {
		w.relay.NoteSDKLogs(bodies)
	}
	now := time.Now()
	w.follow.Add(d, now)
	w.write(w.follow.Due(now))
}

func (w *watcher) write(recs []event.Record) {
	shown := recs[:0:0]
	for _, r := range recs {
		if r.Item == nil {
			shown = append(shown, r)
		}
	}
	if err := format.Write(w.out, w.format, w.formatOpts, shown...); err != nil {
		w.logger.Debug("cannot print events", "err", err)
	}
}

// fromStdio reports whether the envelope is one the relay made.
func fromStdio(d *event.Decoded) bool {
	return d.SDK != nil && d.SDK.Name == StdioSDKName
}
