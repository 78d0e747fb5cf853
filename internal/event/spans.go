package event

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Span is one span of a trace, from a transaction (its root, the
// transaction itself, and its child spans), a standalone span item or a
// span v2 item. Its Header says which envelope and SDK it came from.
type Span struct {
	Header       `json:"-"`
	TraceID      string      `json:"traceId"`
	SpanID       string      `json:"spanId"`
	ParentSpanID string      `json:"parentSpanId,omitempty"`
	Depth        int         `json:"depth"`      // set when the trace is built
	ChildCount   int         `json:"childCount"` // direct children held, likewise
	Op           string      `json:"op,omitempty"`
	Description  string      `json:"name,omitempty"` // description (v1) or name (v2)
	Status       string      `json:"status,omitempty"`
	Start        time.Time   `json:"start"`
	End          time.Time   `json:"end,omitzero"`
	DurationMS   float64     `json:"durationMs"`
	Segment      bool        `json:"isSegment"` // a transaction, or a span v2 segment
	SegmentName  string      `json:"segmentName,omitempty"`
	Origin       string      `json:"origin,omitempty"`
	Data         []Attribute `json:"data,omitempty"`
	SpanTags     []Tag       `json:"tags,omitempty"`
	EnvelopeID   string      `json:"envelopeId"`
	Environment  string      `json:"environment,omitempty"`
	Release      string      `json:"release,omitempty"`
	// Instance is the instance the span's envelope came from, in the
	// Control Center's merged copy: one trace may cross several.
	Instance *Instance `json:"instance,omitempty"`
	// AI is set on an AI call's span (ai.go).
	AI *AISpan `json:"ai,omitempty"`
	// Measurements are as sent (a pageload's lcp, fcp, ...; a standalone
	// web-vital span's one value); sorted by name.
	Measurements []Measurement `json:"measurements,omitempty"`
	// Statement is a database span's statement with its literals replaced
	// by placeholders (insights.go): what the queries page groups by.
	Statement string `json:"statement,omitempty"`
}

// Duration is End - Start (0 when either is unknown).
func (s *Span) Duration() time.Duration { return elapsed(s.Start, s.End) }

func elapsed(start, end time.Time) time.Duration {
	if start.IsZero() || end.IsZero() {
		return 0
	}
	return end.Sub(start)
}

// durationMS is d in milliseconds, to the microsecond.
func durationMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// span turns a payload into a Span of the envelope described by base.
func (p *spanPayload) span(base Header) Span {
	end := parseTime(p.End)
	if end.IsZero() {
		end = parseTime(p.EndV2)
	}
	s := Span{
		Header:  base,
		TraceID: p.TraceID, SpanID: p.SpanID, ParentSpanID: p.ParentSpanID,
		Op: p.Op, Description: p.Description, Status: p.Status, Origin: p.Origin,
		Start: parseTime(p.Start), End: end, Segment: p.IsSegment,
		SpanTags:    pairs(p.Tags),
		Environment: base.Environment, Release: base.Release,
	}
	if s.Description == "" {
		s.Description = p.Name
	}
	s.Data = attributes(p.Data)
	if !isNull(p.Attributes) {
		s.Data = append(s.Data, attributes(p.Attributes)...)
	}
	// Span v2 and OpenTelemetry-shaped SDKs put the op and more in attributes.
	for _, a := range s.Data {
		switch a.Key {
		case "sentry.op":
			if s.Op == "" {
				s.Op = a.Text()
			}
		case "sentry.origin":
			if s.Origin == "" {
				s.Origin = a.Text()
			}
		case "sentry.environment":
			s.Environment = a.Text()
		case "sentry.release":
			s.Release = a.Text()
		case "sentry.segment.name":
			s.SegmentName = a.Text()
		case "sentry.sdk.name":
			if s.SDK == nil {
				s.SDK = &SDK{Name: a.Text()}
			}
		case "sentry.platform":
			if s.Platform == "" {
				s.Platform = a.Text()
			}
		}
	}
	if s.Status == "" {
		// span v2 status is "ok" or "error"; v1 uses the long list.
		s.Status = attribute(s.Data, "sentry.status")
	}
	if s.TraceID == "" {
		s.TraceID = base.TraceID
	}
	s.TraceID = normalizeID(s.TraceID)
	s.DurationMS = durationMS(s.Duration())
	s.AI = aiOf(&s)
	s.Measurements = measurements(p.Measurements)
	s.Statement = normalizedStatement(&s)
	return s
}

// normalizeID lower-cases a hex id and drops dashes (some SDKs send trace
// ids as UUIDs), so the same trace is one trace whoever sent it.
func normalizeID(id string) string {
	if strings.IndexByte(id, '-') >= 0 {
		id = strings.ReplaceAll(id, "-", "")
	}
	return lower(id)
}

// decodeTransaction reads a transaction: its root span (the trace context)
// and its child spans.
func decodeTransaction(c *ItemContext, it *envelope.Item) error {
	var p eventPayload
	if err := json.Unmarshal(it.Payload, &p); err != nil {
		return err
	}
	ctx := &p.Contexts
	c.hints.add(ctx, nil, "")
	if p.Request != nil && c.hints.headers == nil {
		// Parsed only if the source is still open at the end (hints.agent).
		c.hints.headers = p.Request.Headers
	}
	h := withEvent(c.base, &p)
	if ctx.Trace.TraceID != "" {
		h.TraceID = ctx.Trace.TraceID
	}
	root := ctx.Trace.span(h)
	root.Start, root.End = parseTime(p.Start), parseTime(p.Timestamp)
	root.DurationMS = durationMS(root.Duration())
	root.Segment = true
	root.SegmentName = p.Transaction
	if root.Description == "" {
		root.Description = p.Transaction
	}
	root.Measurements = measurements(p.Measurements)
	c.AddSpan(root)
	child := h
	child.EventID = "" // only the root is the transaction event
	for i := range p.Spans {
		s := p.Spans[i].span(child)
		if s.TraceID == "" {
			s.TraceID = root.TraceID
		}
		s.SegmentName = p.Transaction
		c.AddSpan(s)
	}
	return nil
}

// decodeSpans reads a standalone span item: one span object (v1), or a
// span v2 container {"items": [...]}.
func decodeSpans(c *ItemContext, it *envelope.Item) error {
	var wrap struct {
		Items []spanPayload `json:"items"`
	}
	if err := json.Unmarshal(it.Payload, &wrap); err != nil {
		return err
	}
	list := wrap.Items
	if wrap.Items == nil {
		var one spanPayload
		if err := json.Unmarshal(it.Payload, &one); err != nil {
			return err
		}
		list = []spanPayload{one}
	}
	base := c.base
	base.EventID = ""
	for i := range list {
		s := list[i].span(base)
		c.hints.add(&contextsPayload{}, nil, attribute(s.Data, "user_agent.original"))
		c.AddSpan(s)
	}
	return nil
}

// decodeLogs reads a log item {"items": [...]}.
func decodeLogs(c *ItemContext, it *envelope.Item) error {
	var wrap struct {
		Items []logPayload `json:"items"`
	}
	if err := json.Unmarshal(it.Payload, &wrap); err != nil {
		return err
	}
	for _, p := range wrap.Items {
		r := Record{Header: c.base}
		r.EventID = ""
		r.Kind = KindLog
		if t := parseTime(p.Timestamp); !t.IsZero() {
			r.Timestamp = t
		}
		r.Level = lower(p.Level)
		if p.TraceID != "" {
			r.TraceID = p.TraceID
		}
		r.TraceID = normalizeID(r.TraceID)
		r.SpanID = p.SpanID
		l := &Log{Body: messageText(p.Body), SeverityNumber: p.SeverityNumber, Attributes: attributes(p.Attributes)}
		for _, a := range l.Attributes {
			switch a.Key {
			case "sentry.environment":
				r.Environment = a.Text()
			case "sentry.release":
				r.Release = a.Text()
			case "sentry.sdk.name":
				r.SDK = &SDK{Name: a.Text(), Version: r.SDKVersion()}
			case "sentry.sdk.version":
				if r.SDK != nil {
					r.SDK = &SDK{Name: r.SDK.Name, Version: a.Text()}
				}
			case "sentry.trace.parent_span_id":
				if r.SpanID == "" {
					r.SpanID = a.Text()
				}
			case "sentry.origin":
				// `spotlight run` relays the child's output as auto.log.stdio.<stream>.
				if s, ok := strings.CutPrefix(a.Text(), "auto.log.stdio."); ok {
					l.Stdio = s
				}
			case "server.address":
				// Server SDKs name their host; browsers never do.
				r.ServerName = a.Text()
				if c.hints.runtime == "" {
					c.hints.runtime = "server.address"
				}
			case "user_agent.original":
				if c.hints.userAgent == "" {
					c.hints.userAgent = a.Text()
				}
			}
		}
		r.Log = l
		c.AddRecord(r)
	}
	return nil
}

func decodeAttachment(c *ItemContext, it *envelope.Item) error {
	var h struct {
		AttachmentType string `json:"attachment_type"`
	}
	_ = json.Unmarshal(it.Header, &h)
	r := Record{Header: c.base}
	r.Kind, r.Level = KindAttachment, "info"
	r.Attachment = &Attachment{
		Filename: it.Filename, ContentType: it.ContentType,
		AttachmentType: h.AttachmentType, Size: len(it.Payload), Truncated: it.Truncated,
	}
	c.AddRecord(r)
	return nil
}
