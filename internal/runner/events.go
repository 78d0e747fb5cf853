package runner

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// watcher follows the buffer: it prints what the app's SDK sends (the
// terminal already shows the child's own output, so stdio logs are skipped)
// and tells the relay about SDK log bodies so doubled logs stop.
type watcher struct {
	sub        *buffer.Subscription
	out        io.Writer
	format     format.Format
	formatOpts format.Options
	relay      *Relay
	logger     *slog.Logger
}

// run handles entries until ctx ends and nothing more is ready: Next still
// returns ready entries after ctx is done, so cancelling once the sidecar has
// stopped prints everything the app sent before it exited.
func (w *watcher) run(ctx context.Context) {
	for {
		entries, err := w.sub.Next(ctx)
		for _, e := range entries {
			w.handle(e)
		}
		if err != nil {
			return
		}
	}
}

func (w *watcher) handle(e *buffer.Entry) {
	env := e.Envelope()
	if e.Event != buffer.EventEnvelope || env == nil || fromStdio(env) {
		return
	}
	records, err := format.Decode(env, format.Meta{ID: e.ID, Received: e.Received, UserAgent: e.UserAgent})
	if err != nil {
		w.logger.Debug("some items of an envelope could not be read", "id", e.ID, "err", err)
	}
	for _, r := range records {
		if r.Kind == format.KindLog && r.Log != nil && w.relay != nil {
			w.relay.NoteSDKLog(r.Log.Body)
		}
	}
	if err := format.Write(w.out, w.format, w.formatOpts, records...); err != nil {
		w.logger.Debug("cannot print events", "err", err)
	}
}

// fromStdio reports whether the envelope is one the relay made.
func fromStdio(env *envelope.Envelope) bool {
	var h struct {
		SDK struct {
			Name string `json:"name"`
		} `json:"sdk"`
	}
	return json.Unmarshal(env.Header, &h) == nil && h.SDK.Name == StdioSDKName
}
