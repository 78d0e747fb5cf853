package event

import (
	"cmp"
	"slices"
	"time"
)

// DefaultSettle is how long a Follower waits for more of a trace (and for
// records that arrive late but happened earlier) before it hands them out.
const DefaultSettle = time.Second

// maxPending bounds the records and spans a Follower holds: past it,
// everything pending is handed out as it stands.
const maxPending = 10_000

// Follower turns envelopes, as they arrive, into the records a live view
// prints (`spotlight tail`, `run`'s printout), as a timeline: records are
// held for Settle and handed out in time order (timestamp, then arrival), so
// a log relayed late still prints where it happened; and each trace is
// handed out once, whole, when nothing more of it arrived for Settle. A
// trace's spans come in several envelopes (@sentry/node sends spans in
// envelopes of their own, children first), so printing each envelope's
// spans as a trace would print one "trace" per span.
type Follower struct {
	settle  time.Duration
	arrived uint64 // arrival counter, for ties
	recs    []pendingRecord
	traces  map[string]*pendingTrace
	spans   int
}

type pendingRecord struct {
	rec     Record
	seq     uint64
	arrived time.Time
}

type pendingTrace struct {
	spans        []*Span
	errors, logs int
	seq          uint64
	last         time.Time
}

// NewFollower returns a follower that waits settle (0: DefaultSettle).
func NewFollower(settle time.Duration) *Follower {
	if settle <= 0 {
		settle = DefaultSettle
	}
	return &Follower{settle: settle, traces: map[string]*pendingTrace{}}
}

// Add takes one decoded envelope that arrived at now; Due hands its records
// out once they have settled.
func (f *Follower) Add(d *Decoded, now time.Time) {
	for i := range d.Spans {
		s := &d.Spans[i]
		t := f.traces[s.TraceID]
		if t == nil {
			f.arrived++
			t = &pendingTrace{seq: f.arrived}
			f.traces[s.TraceID] = t
		}
		t.spans = append(t.spans, s)
		t.last = now
		f.spans++
	}
	for _, r := range d.Records {
		if r.Kind == KindProfile {
			continue // flame graphs are the UI's; a terminal line would say nothing
		}
		if t := f.traces[r.TraceID]; t != nil && r.TraceID != "" && countsInTrace(&r) {
			if r.Kind == KindLog {
				t.logs++
			} else {
				t.errors++
			}
		}
		f.arrived++
		f.recs = append(f.recs, pendingRecord{r, f.arrived, now})
	}
}

// Due returns, in time order, the records and traces settled by now.
func (f *Follower) Due(now time.Time) []Record {
	if len(f.recs)+f.spans > maxPending {
		return f.Flush()
	}
	cut := now.Add(-f.settle)
	return f.take(func(at time.Time) bool { return !at.After(cut) })
}

// Flush returns everything pending (at the end of the stream).
func (f *Follower) Flush() []Record { return f.take(func(time.Time) bool { return true }) }

func (f *Follower) take(settled func(time.Time) bool) []Record {
	var out []pendingRecord
	keep := f.recs[:0]
	for _, p := range f.recs {
		if settled(p.arrived) {
			out = append(out, p)
		} else {
			keep = append(keep, p)
		}
	}
	clear(f.recs[len(keep):])
	f.recs = keep
	for id, t := range f.traces {
		if settled(t.last) {
			out = append(out, pendingRecord{rec: BuildTrace(id, t.spans, t.errors, t.logs), seq: t.seq})
			f.spans -= len(t.spans)
			delete(f.traces, id)
		}
	}
	slices.SortFunc(out, func(a, b pendingRecord) int {
		return cmp.Or(a.rec.Timestamp.Compare(b.rec.Timestamp), cmp.Compare(a.seq, b.seq))
	})
	recs := make([]Record, len(out))
	for i := range out {
		recs[i] = out[i].rec
	}
	return recs
}
