package event

import (
	"cmp"
	"strings"
)

// selectsTrace applies the trace-only filters of q.
func (q *Query) selectsTrace(r *Record) bool {
	t := r.Trace
	switch {
	case q.Transaction != "" && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(q.Transaction)):
		return false
	case q.Method != "" && !strings.EqualFold(TraceMethod(t), q.Method):
		return false
	case q.MinMS > 0 && t.DurationMS < q.MinMS:
		return false
	case q.MaxMS > 0 && t.DurationMS > q.MaxMS:
		return false
	}
	return true
}

// TraceMethod is the HTTP method of a trace's root span: its
// http.request.method (OpenTelemetry) or http.method attribute, else the
// first word of a "GET /route" name; "" when it is not a request.
func TraceMethod(t *Trace) string {
	root := t.Root()
	if root != nil {
		if m := cmp.Or(spanAttr(root, "http.request.method"), spanAttr(root, "http.method")); m != "" {
			return strings.ToUpper(m)
		}
	}
	verb, _, ok := strings.Cut(t.Name, " ")
	if !ok {
		return ""
	}
	switch v := strings.ToUpper(verb); v {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return v
	}
	return ""
}

// spanlessTraces are trace records for the trace ids that errors or logs
// name but no held span has (only, when set, the one id): named after the
// first error's transaction, timed by their earliest event. Caller holds s.mu.
func (s *Store) spanlessTraces(only string) []*Record {
	type first struct {
		r    *Record
		name string
	}
	firsts := map[string]*first{}
	for _, k := range []Kind{KindError, KindLog} {
		for _, r := range s.records[k] {
			if !countsInTrace(r) || s.traces[r.TraceID] != nil || (only != "" && r.TraceID != only) {
				continue
			}
			f := firsts[r.TraceID]
			if f == nil {
				f = &first{r: r}
				firsts[r.TraceID] = f
			}
			if r.Timestamp.Before(f.r.Timestamp) {
				f.r = r
			}
			if f.name == "" && r.Error != nil {
				f.name = r.Error.Transaction
			}
		}
	}
	out := make([]*Record, 0, len(firsts))
	for id, f := range firsts {
		c := s.counts[id]
		if c == nil {
			continue
		}
		rec := BuildTrace(id, nil, c.errors, c.logs)
		rec.Trace.NoSpans = true
		rec.Trace.Name = f.name
		rec.Trace.Start = f.r.Timestamp
		rec.Timestamp, rec.Received = f.r.Timestamp, f.r.Received
		rec.Environment, rec.Release, rec.Source, rec.SDK = f.r.Environment, f.r.Release, f.r.Source, f.r.SDK
		rec.Instance = f.r.Instance
		out = append(out, &rec)
	}
	return out
}
