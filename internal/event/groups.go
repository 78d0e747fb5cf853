package event

import (
	"cmp"
	"slices"
	"time"
)

// Group is the errors of one GroupKey that a query selects.
type Group struct {
	GroupKey  string    `json:"groupKey"`
	Count     int       `json:"count"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	Latest    Record    `json:"latest"` // the newest of them, as a summary
}

// Groups returns one page of the groups of the errors q selects (q's
// Offset and Limit page the groups), the most recently seen first, and
// the number of groups.
func (s *Store) Groups(q Query) (page []Group, total int, cursor string) {
	offset, limit := q.Offset, q.Limit
	q.Offset, q.Limit = 0, 0
	errs, _, cursor := s.List(KindError, q) // newest first
	at := map[string]int{}
	var groups []Group
	for _, r := range errs {
		i, ok := at[r.Error.GroupKey]
		if !ok {
			at[r.Error.GroupKey] = len(groups)
			groups = append(groups, Group{GroupKey: r.Error.GroupKey, FirstSeen: r.Timestamp, LastSeen: r.Timestamp, Latest: r.Summary()})
			i = len(groups) - 1
		}
		g := &groups[i]
		g.Count++
		if r.Timestamp.Before(g.FirstSeen) {
			g.FirstSeen = r.Timestamp
		}
	}
	// Errors came newest first, so groups are in order of their latest.
	total = len(groups)
	groups = groups[min(offset, len(groups)):]
	if limit > 0 && len(groups) > limit {
		groups = groups[:limit]
	}
	return groups, total, cursor
}

// GroupCount is how many held errors have the group key.
func (s *Store) GroupCount(key string) int {
	_, n, _ := s.List(KindError, Query{GroupKey: key, Limit: 1})
	return n
}

// EnvelopeRecords returns the records of kind that came in one envelope
// (an error's attachments), in item order.
func (s *Store) EnvelopeRecords(envelopeID string, kind Kind) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.byEnv[envelopeID]
	if h == nil {
		return nil
	}
	var out []Record
	for _, r := range h.d.Records {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// Trace sort orders (Query.Sort); newest is the default.
const (
	SortNewest  = "newest"
	SortOldest  = "oldest"
	SortSlowest = "slowest"
	SortSpans   = "spans"
	SortErrors  = "errors"
)

// SortNames lists the accepted Query.Sort values for traces.
func SortNames() []string {
	return []string{SortNewest, SortOldest, SortSlowest, SortSpans, SortErrors}
}

// sortTraces reorders traces already newest first; ties keep that order.
func sortTraces(recs []*Record, by string) {
	key := map[string]func(*Record) int64{
		SortSlowest: func(r *Record) int64 { return int64(r.Trace.Duration()) },
		SortSpans:   func(r *Record) int64 { return int64(r.Trace.SpanCount) },
		SortErrors:  func(r *Record) int64 { return int64(r.Trace.ErrorCount) },
	}[by]
	switch {
	case by == SortOldest:
		slices.Reverse(recs)
	case key != nil:
		slices.SortStableFunc(recs, func(a, b *Record) int { return cmp.Compare(key(b), key(a)) })
	}
}

// traceFailed: a trace whose root status is anything but ok (or unset).
func traceFailed(t *Trace) bool {
	switch t.Status {
	case "", "ok", "unknown":
		return false
	}
	return true
}

// canonicalLevel spells a level one way: logs say "warn", events "warning".
func canonicalLevel(l string) string {
	if l == "warn" {
		return "warning"
	}
	return l
}
