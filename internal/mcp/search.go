package mcp

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/event"
)

// searchKind is what one search tool looks for.
type searchKind struct {
	kind         event.Kind
	tool         string
	desc         string
	singular     string // "error"
	plural       string // "errors"
	filenameDesc string
}

func searchKinds() []searchKind {
	return []searchKind{
		{event.KindError, "search_errors", searchErrorsDesc, "error", "errors",
			"Only errors whose stack trace has a frame in a file whose path ends with this, e.g. \"users.ts\" or \"app/api/route.py\"."},
		{event.KindLog, "search_logs", searchLogsDesc, "log", "logs",
			"Only log records whose code.file.path (or code.filepath) attribute ends with this."},
		{event.KindTrace, "search_traces", searchTracesDesc, "trace", "traces",
			"Only traces in which an error was raised with a stack frame in a file whose path ends with this."},
	}
}

// held is what a Source holds, decoded: an event.Store over its
// envelopes, so traces are built across envelopes exactly as the sidecar's
// API builds them.
type held struct {
	src    Source
	events *event.Store
}

// load reads and decodes everything the source that ref names holds.
func (s *tools) load(ctx context.Context, ref instanceRef) (*held, error) {
	src, err := s.source(ref)
	if err != nil {
		return nil, err
	}
	entries, err := src.Entries(ctx)
	if err != nil {
		return nil, err
	}
	cache := &decoded{}
	if src == s.opts.Source {
		cache = &s.decoded
	}
	return &held{src: src, events: cache.store(entries)}, nil
}

// decoded keeps the decoded envelopes one source held at the last call, by
// envelope id: buffered envelopes never change, and decoding them all again
// is most of the cost of a tool call over another sidecar's buffer.
type decoded struct {
	mu   sync.Mutex
	dec  *event.Decoder
	byID map[string]*event.Decoded
}

// store indexes entries (decoded by the buffer, reused from the last call,
// or decoded now) in a fresh store, and forgets the envelopes no longer held.
func (d *decoded) store(entries []*buffer.Entry) *event.Store {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dec == nil {
		d.dec = event.NewDecoder()
	}
	st := event.NewStore(d.dec)
	next := make(map[string]*event.Decoded, len(entries))
	for _, e := range entries {
		dd, ok := d.byID[e.ID]
		if !ok || e.ID == "" {
			if dd = d.decode(e); dd == nil {
				continue
			}
		}
		next[e.ID] = dd
		st.AppendEntry(e, dd)
	}
	d.byID = next
	return st
}

// decode reads one entry: the model the buffer cached with it, or else its
// envelope. Nil if the envelope is unreadable.
func (d *decoded) decode(e *buffer.Entry) *event.Decoded {
	env := e.Envelope()
	if env == nil {
		return nil
	}
	if dd, ok := e.Model.(*event.Decoded); ok && controlcenter.Label(dd.Instance) == "" {
		return dd
	}
	// Decoded again: the tags added below must not change the buffer's copy.
	dd := d.dec.Decode(env, event.Meta{ID: e.ID, Received: e.Received, UserAgent: e.UserAgent})
	if label := controlcenter.Label(dd.Instance); label != "" {
		// The merged copy: every record says which instance it came from.
		for i := range dd.Records {
			r := &dd.Records[i]
			r.Tags = append(slices.Clip(r.Tags), event.Tag{Key: instanceTag, Value: label})
			slices.SortStableFunc(r.Tags, func(a, b event.Tag) int { return strings.Compare(a.Key, b.Key) })
		}
	}
	return dd
}

// instanceTag is the tag naming a record's instance in `instance: "all"`.
const instanceTag = "spotlight.instance"

// search runs one of the search tools.
func (s *tools) search(ctx context.Context, k searchKind, in searchArgs) (string, error) {
	in = in.merged()
	if err := in.validate(); err != nil {
		return "", err
	}
	h, err := s.load(ctx, in.Instance)
	if err != nil {
		return "", err
	}
	matched := h.match(k.kind, in, s.opts.Now())
	return s.page(h, k, in, matched), nil
}

// validate checks the bounds (the SDK has checked types and applied the
// defaults).
func (in *searchArgs) validate() error {
	switch {
	case in.TimeWindow < 0:
		return fmt.Errorf("timeWindow %v is negative: give the number of seconds to look back (default %d), or 0 for everything", in.TimeWindow, DefaultTimeWindow)
	case in.Limit < 1 || in.Limit > MaxLimit:
		return fmt.Errorf("limit %d is out of range: use 1 to %d (default %d)", in.Limit, MaxLimit, DefaultLimit)
	case in.Offset < 0:
		return fmt.Errorf("offset %d is negative: use 0 for the newest, or a previous offset plus limit for the next page", in.Offset)
	}
	return nil
}

// match returns the records of kind that pass the filters, in the order
// of every view (event.Order): errors and traces newest first, logs in time
// order. timeWindow counts from arrival, as upstream does, not from the
// event's own timestamp: events from a skewed clock, an emulator or a
// replayed fixture would otherwise vanish. A trace arrived when its latest
// envelope did.
func (h *held) match(kind event.Kind, in searchArgs, now time.Time) []event.Record {
	recs, _, _ := h.events.List(kind, event.Query{})
	// A window beyond what a Duration holds (~292 years) is everything.
	if in.TimeWindow > 0 && in.TimeWindow < math.MaxInt64/float64(time.Second) {
		from := now.Add(-time.Duration(in.TimeWindow * float64(time.Second)))
		recs = slices.DeleteFunc(recs, func(r event.Record) bool { return r.Received.Before(from) })
	}
	if in.Filename != "" {
		switch kind {
		case event.KindError:
			recs = event.WithFrameFile(recs, in.Filename)
		case event.KindLog:
			recs = slices.DeleteFunc(recs, func(r event.Record) bool { return !logInFile(r.Log, in.Filename) })
		case event.KindTrace:
			// Traces have no frames: match those in which such an error was raised.
			errs, _, _ := h.events.List(event.KindError, event.Query{})
			traces := map[string]bool{}
			for _, r := range event.WithFrameFile(errs, in.Filename) {
				traces[r.TraceID] = r.TraceID != ""
			}
			recs = slices.DeleteFunc(recs, func(r event.Record) bool { return !traces[r.TraceID] })
		}
	}
	return recs
}

// logInFile reports whether the log record's source file attribute (the
// OpenTelemetry name, or its older spelling) ends with name.
func logInFile(l *event.Log, name string) bool {
	if l == nil {
		return false
	}
	return slices.ContainsFunc(l.Attributes, func(a event.Attribute) bool {
		return (a.Key == "code.file.path" || a.Key == "code.filepath") && strings.HasSuffix(a.Text(), name)
	})
}

// page renders one page of matched records, or says why there is none.
func (s *tools) page(h *held, k searchKind, in searchArgs, matched []event.Record) string {
	scope := describeScope(k, in)
	var b strings.Builder
	switch {
	case len(matched) == 0:
		fmt.Fprintf(&b, "No %s %s in %s", k.plural, scope, describe(h.src))
		fmt.Fprintf(&b, " (it holds %s).\n\nTry:\n", h.summary())
		if in.TimeWindow > 0 {
			fmt.Fprintf(&b, "- a wider timeWindow (e.g. 3600), or 0 for everything Spotlight holds;\n")
		}
		if in.Filename != "" {
			fmt.Fprintf(&b, "- without filename, or with a shorter suffix of the path;\n")
		}
		fmt.Fprintf(&b, "- checking that the app sends to this Spotlight: run it with `spotlight run <command>`, or set "+
			"SENTRY_SPOTLIGHT=%[1]s/stream (JavaScript, Python, ...) or the DSN http://spotlight@%[2]s/0 (SDKs without Spotlight support);\n",
			h.src.URL(), strings.TrimPrefix(h.src.URL(), "http://"))
		fmt.Fprintf(&b, "- list_instances, if the app runs under another Spotlight instance (then pass its port as instance).\n")
		return b.String()
	case in.Offset >= len(matched):
		return fmt.Sprintf("No %s at offset %d: %s %s in %s; use an offset below %d.\n",
			k.plural, in.Offset, k.count(len(matched)), scope, describe(h.src), len(matched))
	}
	end := min(in.Offset+in.Limit, len(matched))
	if k.kind == event.KindLog {
		// Logs read in time order; the first page is still the newest.
		n := len(matched)
		fmt.Fprintf(&b, "# %s %s in %s (showing %d-%d counting from the newest, in time order)\n\n", k.count(n), scope, describe(h.src), in.Offset+1, end)
		writeMD(&b, matched[n-end:n-in.Offset]...) // logs: no details to add
	} else {
		fmt.Fprintf(&b, "# %s %s in %s (showing %d-%d, newest first)\n\n", k.count(len(matched)), scope, describe(h.src), in.Offset+1, end)
		shown := slices.Clone(matched[in.Offset:end])
		h.events.Details(shown) // md shows an error's breadcrumbs
		writeMD(&b, shown...)
	}
	if end < len(matched) {
		fmt.Fprintf(&b, "%d more: call %s again with offset=%d.\n", len(matched)-end, k.tool, end)
	}
	return b.String()
}

// count is "1 error", "2 errors".
func (k searchKind) count(n int) string {
	if n == 1 {
		return "1 " + k.singular
	}
	return fmt.Sprintf("%d %s", n, k.plural)
}

// describeScope says which filters applied, for headings and messages.
func describeScope(k searchKind, in searchArgs) string {
	s := "from any time"
	if in.TimeWindow > 0 {
		s = fmt.Sprintf("received in the last %v seconds", in.TimeWindow)
	}
	if in.Filename != "" {
		switch k.kind {
		case event.KindTrace:
			s += fmt.Sprintf(" with an error in a file ending in %q", in.Filename)
		default:
			s += fmt.Sprintf(" in a file ending in %q", in.Filename)
		}
	}
	return s
}

// summary counts what the source holds, so an empty answer shows whether
// anything arrived at all.
func (h *held) summary() string {
	counts, _ := h.events.Counts()
	return fmt.Sprintf("%d errors, %d logs and %d traces in all", counts[event.KindError], counts[event.KindLog], counts[event.KindTrace])
}
