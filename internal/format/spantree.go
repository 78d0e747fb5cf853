package format

import (
	"bufio"
	"io"
	"sort"
)

// SpanNode is a span with its child spans, ordered by start time.
type SpanNode struct {
	Span
	Children []*SpanNode
}

// SpanTree links spans by ParentSpanID. Spans whose parent is not among
// them are roots; roots and children are ordered by start time (then id).
// A span id seen twice keeps its first occurrence.
func SpanTree(spans []Span) []*SpanNode {
	nodes := make(map[string]*SpanNode, len(spans))
	order := make([]*SpanNode, 0, len(spans))
	for _, s := range spans {
		if s.SpanID != "" {
			if _, dup := nodes[s.SpanID]; dup {
				continue
			}
		}
		n := &SpanNode{Span: s}
		if s.SpanID != "" {
			nodes[s.SpanID] = n
		}
		order = append(order, n)
	}
	var roots []*SpanNode
	for _, n := range order {
		parent, ok := nodes[n.ParentSpanID]
		if !ok || n.ParentSpanID == "" || parent == n || descends(parent, n, nodes) {
			roots = append(roots, n)
			continue
		}
		parent.Children = append(parent.Children, n)
	}
	sortNodes(roots)
	return roots
}

// descends reports whether p's ancestor chain reaches n (a cycle if n
// became p's child), so broken parent links cannot hide spans.
func descends(p, n *SpanNode, nodes map[string]*SpanNode) bool {
	for seen := 0; p != nil && seen <= len(nodes); seen++ {
		if p == n {
			return true
		}
		p = nodes[p.ParentSpanID]
	}
	return false
}

func sortNodes(ns []*SpanNode) {
	sort.SliceStable(ns, func(i, j int) bool {
		if !ns[i].Start.Equal(ns[j].Start) {
			return ns[i].Start.Before(ns[j].Start)
		}
		return ns[i].SpanID < ns[j].SpanID
	})
	for _, n := range ns {
		sortNodes(n.Children)
	}
}

// TraceSpans collects the spans of one trace from all records (transactions
// and standalone spans, across envelopes), each span id once.
func TraceSpans(recs []Record, traceID string) []Span {
	seen := map[string]bool{}
	var out []Span
	for i := range recs {
		if recs[i].Trace == nil {
			continue
		}
		for _, s := range recs[i].Trace.Spans {
			id := s.TraceID
			if id == "" {
				id = recs[i].TraceID
			}
			if id != traceID || (s.SpanID != "" && seen[s.SpanID]) {
				continue
			}
			seen[s.SpanID] = true
			out = append(out, s)
		}
	}
	return out
}

// WriteTraceMD writes the md span tree of one trace assembled from all
// records sharing traceID, with a heading and the trace's time span.
func WriteTraceMD(w io.Writer, recs []Record, traceID string, opts Options) error {
	bw := bufio.NewWriter(w)
	spans := TraceSpans(recs, traceID)
	bw.WriteString("## Trace " + inlineCode(traceID) + "\n\n")
	if len(spans) == 0 {
		bw.WriteString("No spans of this trace were received.\n\n")
		return bw.Flush()
	}
	t := Trace{Start: spans[0].Start, End: spans[0].End, Spans: spans}
	for _, s := range spans {
		if !s.Start.IsZero() && (t.Start.IsZero() || s.Start.Before(t.Start)) {
			t.Start = s.Start
		}
		if s.End.After(t.End) {
			t.End = s.End
		}
	}
	md := mdWriter{bw, opts}
	md.item("Start", md.time(t.Start))
	md.item("Duration", formatDuration(t.Duration()))
	md.item("Spans", plural(len(spans), "span"))
	bw.WriteString("\n")
	md.spanTree(SpanTree(spans), t.Start)
	bw.WriteString("\n")
	return bw.Flush()
}
