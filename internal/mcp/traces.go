package mcp

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// Trace id lengths: a full id is 32 hex digits; a prefix must be long
// enough to be unlikely to match two traces.
const (
	traceIDLen     = 32
	minTracePrefix = 8
)

// normalizeTraceID lower-cases the id and drops dashes (some tools print
// trace ids as UUIDs), and checks it is a plausible id or prefix.
func normalizeTraceID(raw string) (string, error) {
	id := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(raw), "-", ""))
	switch {
	case id == "":
		return "", fmt.Errorf("traceId is missing: pass a trace id from search_traces, search_errors or search_logs")
	case strings.Trim(id, "0123456789abcdef") != "":
		return "", fmt.Errorf("traceId %q is not a trace id: trace ids are 32 hexadecimal characters", raw)
	case len(id) < minTracePrefix:
		return "", fmt.Errorf("traceId %q is too short: give the full 32-character id or a prefix of at least %d characters", raw, minTracePrefix)
	case len(id) > traceIDLen:
		return "", fmt.Errorf("traceId %q is too long: trace ids are %d hexadecimal characters", raw, traceIDLen)
	}
	return id, nil
}

// getTraces renders the trace whose id starts with in.TraceID.
func (s *tools) getTraces(ctx context.Context, in getTracesArgs) (string, error) {
	prefix, err := normalizeTraceID(in.TraceID)
	if err != nil {
		return "", err
	}
	h, err := s.load(ctx, in.Instance)
	if err != nil {
		return "", err
	}
	traces, _, _ := h.events.List(event.KindTrace, event.Query{})
	var ids []string
	for _, r := range traces {
		if strings.HasPrefix(r.TraceID, prefix) {
			ids = append(ids, r.TraceID)
		}
	}
	switch len(ids) {
	case 0:
		return fmt.Sprintf("No trace id starts with %q in %s (it holds %s). "+
			"Call search_traces with timeWindow 0 to list the traces it holds, or pass instance if the app "+
			"runs under another Spotlight instance (list_instances).\n", prefix, describe(h.src), h.summary()), nil
	case 1:
		return h.renderTrace(ids[0]), nil
	}
	slices.Sort(ids)
	return "", fmt.Errorf("traceId %q matches %d traces; pass a longer prefix or one of: %s", prefix, len(ids), strings.Join(ids, ", "))
}

// renderTrace renders the span tree of the trace (from all its transactions
// and standalone spans, which may come from several apps), then the errors
// and logs with the same trace id, errors oldest first and logs in time order.
func (h *held) renderTrace(id string) string {
	tr, _ := h.events.Get(event.KindTrace, id)
	errs, logs := h.events.TraceOf(id)
	h.events.Details(errs)

	var b strings.Builder
	fmt.Fprintf(&b, "# Trace %s: %d spans, %d errors, %d logs\n\n", id, tr.Trace.SpanCount, len(errs), len(logs))
	// Writing to a strings.Builder cannot fail.
	_ = format.WriteTraceMD(&b, id, tr.Trace, format.Options{})
	writeAICalls(&b, h.events, id) // ai.go
	if len(errs) == 0 {
		b.WriteString("No errors share this trace id.\n\n")
	}
	writeMD(&b, errs...)
	if len(logs) == 0 {
		b.WriteString("No logs share this trace id.\n\n")
	}
	writeMD(&b, logs...)
	return b.String()
}

// writeMD renders records in the md format, as `spotlight tail -f md` does
// (times in UTC, which the text says).
func writeMD(b *strings.Builder, recs ...event.Record) {
	// Writing md to a strings.Builder cannot fail.
	_ = format.Write(b, format.MD, format.Options{}, recs...)
}
