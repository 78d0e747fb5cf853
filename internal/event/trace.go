package event

import (
	"slices"
	"time"
)

// Trace is every span held of one trace id, from however many envelopes
// (transactions, standalone spans, span v2 items, in any order).
type Trace struct {
	Name       string    `json:"name"`
	Op         string    `json:"op,omitempty"`
	Status     string    `json:"status,omitempty"` // "" or "ok" when fine
	Start      time.Time `json:"start"`
	End        time.Time `json:"end,omitzero"`
	DurationMS float64   `json:"durationMs"`
	SpanCount  int       `json:"spanCount"`
	ErrorCount int       `json:"errorCount"`
	LogCount   int       `json:"logCount"`
	RootSpanID string    `json:"rootSpanId,omitempty"`
	HasRoot    bool      `json:"hasRoot"` // the root span (no parent) is held
	// NoSpans: only errors or logs of this trace id are held so far
	// (listed with Query.WithoutSpans).
	NoSpans     bool     `json:"noSpans,omitempty"`
	EnvelopeIDs []string `json:"envelopeIds"`
	// Instances are the instances its spans came from, in the order of
	// their first span (the Control Center's merged copy; else empty).
	Instances []Instance `json:"instances,omitempty"`
	// Spans in tree order: roots by start time, each followed by its
	// descendants (children by start time); Depth set. The root first.
	Spans []Span `json:"spans,omitempty"`
}

// Duration is End - Start (0 when either is unknown).
func (t *Trace) Duration() time.Duration { return elapsed(t.Start, t.End) }

// Root is the trace's root span (or, without one, its earliest span).
func (t *Trace) Root() *Span {
	if len(t.Spans) == 0 {
		return nil
	}
	return &t.Spans[0]
}

// BuildTrace makes the trace record of one trace id from its spans, in the
// order they arrived (a span id seen twice keeps its first arrival), and the
// number of errors and logs with that trace id.
func BuildTrace(traceID string, spans []*Span, errors, logs int) Record {
	seen := make(map[string]bool, len(spans))
	t := &Trace{ErrorCount: errors, LogCount: logs}
	uniq := make([]*Span, 0, len(spans))
	var received time.Time
	for _, s := range spans {
		if s.SpanID != "" && seen[s.SpanID] {
			continue
		}
		seen[s.SpanID] = true
		uniq = append(uniq, s)
		if n := len(t.EnvelopeIDs); n == 0 || t.EnvelopeIDs[n-1] != s.EnvelopeID {
			if !slices.Contains(t.EnvelopeIDs, s.EnvelopeID) {
				t.EnvelopeIDs = append(t.EnvelopeIDs, s.EnvelopeID)
			}
		}
		if s.Received.After(received) {
			received = s.Received
		}
		if in := s.Instance; in != nil && !slices.Contains(t.Instances, *in) {
			t.Instances = append(t.Instances, *in)
		}
		if !s.Start.IsZero() && (t.Start.IsZero() || s.Start.Before(t.Start)) {
			t.Start = s.Start
		}
		if s.End.After(t.End) {
			t.End = s.End
		}
	}
	t.Spans = treeOrder(uniq)
	t.SpanCount = len(t.Spans)
	t.DurationMS = durationMS(t.Duration())
	r := Record{Trace: t}
	if root := t.Root(); root != nil {
		r.Header = root.Header
		t.Name, t.Op, t.Status = root.Description, root.Op, root.Status
		if root.Segment && root.SegmentName != "" {
			t.Name = root.SegmentName
		}
		t.RootSpanID = root.SpanID
		t.HasRoot = root.ParentSpanID == ""
		r.SpanID, r.EnvelopeID = root.SpanID, root.EnvelopeID
		r.Environment, r.Release = root.Environment, root.Release
	}
	r.ID, r.Kind, r.Level = traceID, KindTrace, "trace"
	r.TraceID = traceID
	r.Timestamp = t.Start
	if t.Start.IsZero() {
		r.Timestamp = received
	}
	r.Received = received
	return r
}

// treeOrder links spans by ParentSpanID and returns them depth first: the
// spans whose parent is not among them are roots, and the root that has no
// parent at all comes first; siblings by start time (then id). Broken or
// cyclic parent links cannot hide a span.
func treeOrder(spans []*Span) []Span {
	byID := make(map[string]int, len(spans))
	for i, s := range spans {
		if s.SpanID != "" {
			byID[s.SpanID] = i
		}
	}
	children := make([][]int, len(spans))
	var roots []int
	for i, s := range spans {
		p, ok := byID[s.ParentSpanID]
		if !ok || s.ParentSpanID == "" || p == i || descends(spans, byID, p, i) {
			roots = append(roots, i)
			continue
		}
		children[p] = append(children[p], i)
	}
	byStart := func(a, b int) int {
		if c := spans[a].Start.Compare(spans[b].Start); c != 0 {
			return c
		}
		// Among equal starts a true root (no parent) leads.
		if (spans[a].ParentSpanID == "") != (spans[b].ParentSpanID == "") {
			if spans[a].ParentSpanID == "" {
				return -1
			}
			return 1
		}
		return cmpString(spans[a].SpanID, spans[b].SpanID)
	}
	slices.SortStableFunc(roots, func(a, b int) int {
		// The trace's own root (no parent) first, then orphans by start.
		ra, rb := spans[a].ParentSpanID == "", spans[b].ParentSpanID == ""
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return byStart(a, b)
	})
	out := make([]Span, 0, len(spans))
	var walk func(i, depth int)
	walk = func(i, depth int) {
		s := *spans[i]
		s.Depth, s.ChildCount = depth, len(children[i])
		// A span only carries its envelope's SDK name and version.
		if s.SDK != nil && (s.SDK.Integrations != nil || s.SDK.Packages != nil) {
			s.SDK = &SDK{Name: s.SDK.Name, Version: s.SDK.Version}
		}
		out = append(out, s)
		kids := children[i]
		slices.SortStableFunc(kids, byStart)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}

// descends reports whether p's ancestor chain reaches n (a cycle if n
// became p's child).
func descends(spans []*Span, byID map[string]int, p, n int) bool {
	for seen := 0; seen <= len(spans); seen++ {
		if p == n {
			return true
		}
		next, ok := byID[spans[p].ParentSpanID]
		if !ok || spans[p].ParentSpanID == "" {
			return false
		}
		p = next
	}
	return false
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
