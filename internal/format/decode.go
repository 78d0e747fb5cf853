package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Decode turns an envelope into records: one per error event, per log
// record, per transaction or standalone span, per attachment. Other item
// types (sessions, client reports, profiles, replays...) yield nothing.
// A malformed item is reported in the returned error (one line per item)
// while the records of the other items are still returned.
func Decode(env *envelope.Envelope, meta Meta) ([]Record, error) {
	var hdr envelopeHeader
	if len(env.Header) > 0 {
		if err := json.Unmarshal(env.Header, &hdr); err != nil {
			return nil, fmt.Errorf("envelope header: %w", err)
		}
	}
	base := Record{
		EnvelopeID:  meta.ID,
		EventID:     hdr.EventID,
		Timestamp:   meta.Received,
		SDK:         hdr.SDK.Name,
		SDKVersion:  hdr.SDK.Version,
		Environment: hdr.Trace.Environment,
		Release:     hdr.Trace.Release,
		TraceID:     hdr.Trace.TraceID,
	}
	if base.Timestamp.IsZero() {
		base.Timestamp = parseTime(hdr.SentAt)
	}
	var recs []Record
	var errs []error
	var h hints
	for i, it := range env.Items {
		var got []Record
		var err error
		switch it.Type {
		case "event":
			got, err = decodeEvent(base, it.Payload, &h)
		case "transaction":
			got, err = decodeTransaction(base, it.Payload, &h)
		case "span":
			got, err = decodeSpans(base, it.Payload, &h)
		case "log":
			got, err = decodeLogs(base, it.Payload, &h)
		case "attachment":
			got = []Record{decodeAttachment(base, it)}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("item %d (%s): %w", i+1, it.Type, err))
		}
		recs = append(recs, got...)
	}
	// An attachment belongs to the event it came with: it takes its time.
	for i := range recs {
		if recs[i].Kind == KindAttachment {
			for j := range recs {
				if recs[j].Kind == KindError || (recs[j].Kind == KindTrace && recs[j].EventID != "") {
					recs[i].Timestamp = recs[j].Timestamp
					break
				}
			}
		}
	}
	for i := range recs {
		recs[i].Source = inferSource(&recs[i], hdr.SDK.Name, meta.UserAgent, h)
	}
	return recs, errors.Join(errs...)
}

type sdkInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type envelopeHeader struct {
	EventID string  `json:"event_id"`
	SentAt  rawTime `json:"sent_at"`
	SDK     sdkInfo `json:"sdk"`
	Trace   struct {
		TraceID     string `json:"trace_id"`
		Environment string `json:"environment"`
		Release     string `json:"release"`
	} `json:"trace"`
}

// rawTime is a timestamp sent as RFC 3339 text or as Unix seconds.
type rawTime = json.RawMessage

// parseTime accepts "2023-11-22T13:45:27.151Z", 1700655103.176607 or
// "1700655103.17"; it returns the zero time for anything else.
func parseTime(raw json.RawMessage) time.Time {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}
	}
	var s string
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return time.Time{}
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC()
		}
		// Some SDKs leave out the zone; Sentry reads those as UTC.
		if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
			return t.UTC()
		}
	} else {
		s = string(raw)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	// Round to microseconds: SDKs send at most that, float noise is below.
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}

// eventPayload is the part of an event or transaction payload we read.
type eventPayload struct {
	EventID     string          `json:"event_id"`
	Timestamp   rawTime         `json:"timestamp"`
	Start       rawTime         `json:"start_timestamp"`
	Level       string          `json:"level"`
	Platform    string          `json:"platform"`
	Environment string          `json:"environment"`
	Release     string          `json:"release"`
	ServerName  string          `json:"server_name"`
	Logger      string          `json:"logger"`
	Transaction string          `json:"transaction"`
	SDK         sdkInfo         `json:"sdk"`
	Tags        json.RawMessage `json:"tags"`
	Message     json.RawMessage `json:"message"`
	LogEntry    json.RawMessage `json:"logentry"`
	Exception   json.RawMessage `json:"exception"`
	Stacktrace  *stacktrace     `json:"stacktrace"`
	Threads     json.RawMessage `json:"threads"`
	Request     *requestPayload `json:"request"`
	Contexts    contextsPayload `json:"contexts"`
	Spans       []spanPayload   `json:"spans"`
}

type stacktrace struct {
	Frames []framePayload `json:"frames"`
}

type exceptionPayload struct {
	Type       string      `json:"type"`
	Value      string      `json:"value"`
	Module     string      `json:"module"`
	Stacktrace *stacktrace `json:"stacktrace"`
	Mechanism  *struct {
		Type    string `json:"type"`
		Handled *bool  `json:"handled"`
	} `json:"mechanism"`
}

type framePayload struct {
	Filename    string          `json:"filename"`
	AbsPath     string          `json:"abs_path"`
	Module      string          `json:"module"`
	Function    string          `json:"function"`
	Lineno      json.Number     `json:"lineno"`
	Colno       json.Number     `json:"colno"`
	InApp       bool            `json:"in_app"`
	ContextLine string          `json:"context_line"`
	PreContext  []*string       `json:"pre_context"`
	PostContext []*string       `json:"post_context"`
	Vars        json.RawMessage `json:"vars"`
}

type requestPayload struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	QueryString json.RawMessage `json:"query_string"`
	Headers     json.RawMessage `json:"headers"`
}

type spanPayload struct {
	TraceID      string  `json:"trace_id"`
	SpanID       string  `json:"span_id"`
	ParentSpanID string  `json:"parent_span_id"`
	Op           string  `json:"op"`
	Description  string  `json:"description"`
	Name         string  `json:"name"` // span v2
	Status       string  `json:"status"`
	Start        rawTime `json:"start_timestamp"`
	End          rawTime `json:"timestamp"`
	EndV2        rawTime `json:"end_timestamp"`
	Data         struct {
		Op        string `json:"sentry.op"`
		UserAgent string `json:"user_agent.original"`
	} `json:"data"`
}

func (p *spanPayload) span() Span {
	end := parseTime(p.End)
	if end.IsZero() {
		end = parseTime(p.EndV2)
	}
	desc := p.Description
	if desc == "" {
		desc = p.Name
	}
	op := p.Op
	if op == "" {
		op = p.Data.Op
	}
	return Span{
		TraceID: p.TraceID, SpanID: p.SpanID, ParentSpanID: p.ParentSpanID,
		Op: op, Description: desc, Status: p.Status,
		Start: parseTime(p.Start), End: end,
	}
}

// withEvent fills the record fields shared by events and transactions.
func withEvent(base Record, p *eventPayload) Record {
	r := base
	if p.EventID != "" {
		r.EventID = p.EventID
	}
	if t := parseTime(p.Timestamp); !t.IsZero() {
		r.Timestamp = t
	}
	r.Platform = p.Platform
	if p.SDK.Name != "" {
		r.SDK, r.SDKVersion = p.SDK.Name, p.SDK.Version
	}
	if p.Environment != "" {
		r.Environment = p.Environment
	}
	if p.Release != "" {
		r.Release = p.Release
	}
	r.ServerName = p.ServerName
	if p.Contexts.Trace.TraceID != "" {
		r.TraceID = p.Contexts.Trace.TraceID
	}
	r.SpanID = p.Contexts.Trace.SpanID
	r.Tags = pairs(p.Tags)
	return r
}

func decodeEvent(base Record, payload []byte, h *hints) ([]Record, error) {
	var p eventPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, err
	}
	h.add(&p.Contexts, p.Request, "")
	e := &Error{
		Message:     messageText(p.LogEntry),
		Logger:      p.Logger,
		Transaction: p.Transaction,
		Request:     p.Request.decode(),
	}
	if e.Message == "" {
		e.Message = messageText(p.Message)
	}
	exc, err := exceptions(p.Exception)
	if err != nil {
		return nil, fmt.Errorf("exception: %w", err)
	}
	e.Exceptions = exc
	if len(exc) == 0 && e.Message == "" {
		return nil, nil // neither exception nor message: not an error
	}
	if p.Stacktrace != nil {
		e.Frames = frames(p.Stacktrace)
	} else {
		e.Frames = threadFrames(p.Threads)
	}
	r := withEvent(base, &p)
	r.Kind, r.Error = KindError, e
	r.Level = strings.ToLower(p.Level)
	if r.Level == "" {
		r.Level = "error"
	}
	return []Record{r}, nil
}

// messageText reads a message sent as a string or as an object
// {"formatted": ..., "message": ..., "params": [...]}.
func messageText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m struct {
		Formatted string `json:"formatted"`
		Message   string `json:"message"`
	}
	if json.Unmarshal(raw, &m) == nil && (m.Formatted != "" || m.Message != "") {
		if m.Formatted != "" {
			return m.Formatted
		}
		return m.Message
	}
	return string(raw)
}

// exceptions reads {"values": [...]} or a bare list.
func exceptions(raw json.RawMessage) ([]Exception, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []exceptionPayload
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
	} else {
		var wrap struct {
			Values []exceptionPayload `json:"values"`
		}
		if err := json.Unmarshal(raw, &wrap); err != nil {
			return nil, err
		}
		list = wrap.Values
	}
	out := make([]Exception, 0, len(list))
	for _, p := range list {
		ex := Exception{Type: p.Type, Value: p.Value, Module: p.Module, Frames: frames(p.Stacktrace)}
		if p.Mechanism != nil {
			ex.Mechanism, ex.Handled = p.Mechanism.Type, p.Mechanism.Handled
		}
		out = append(out, ex)
	}
	return out, nil
}

// threadFrames picks the crashed (else current, else first) thread's stack.
func threadFrames(raw json.RawMessage) []Frame {
	var threads struct {
		Values []struct {
			Crashed    bool        `json:"crashed"`
			Current    bool        `json:"current"`
			Stacktrace *stacktrace `json:"stacktrace"`
		} `json:"values"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &threads) != nil {
		return nil
	}
	best := -1
	for i, t := range threads.Values {
		if t.Stacktrace == nil {
			continue
		}
		if t.Crashed || (t.Current && best < 0) || best < 0 {
			best = i
		}
		if t.Crashed {
			break
		}
	}
	if best < 0 {
		return nil
	}
	return frames(threads.Values[best].Stacktrace)
}

func frames(st *stacktrace) []Frame {
	if st == nil {
		return nil
	}
	out := make([]Frame, 0, len(st.Frames))
	for _, p := range st.Frames {
		line, _ := p.Lineno.Int64()
		col, _ := p.Colno.Int64()
		out = append(out, Frame{
			Filename: p.Filename, AbsPath: p.AbsPath, Module: p.Module, Function: p.Function,
			Lineno: int(line), Colno: int(col), InApp: p.InApp,
			ContextLine: p.ContextLine,
			PreContext:  lines(p.PreContext), PostContext: lines(p.PostContext),
			Vars: pairs(p.Vars),
		})
	}
	return out
}

func lines(ps []*string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func (p *requestPayload) decode() *Request {
	if p == nil || (p.URL == "" && p.Method == "") {
		return nil
	}
	r := &Request{Method: p.Method, URL: p.URL, Headers: pairs(p.Headers)}
	var qs string
	if json.Unmarshal(p.QueryString, &qs) == nil {
		r.Query = qs
	} else if q := pairs(p.QueryString); len(q) > 0 {
		parts := make([]string, len(q))
		for i, kv := range q {
			parts[i] = kv.Key + "=" + kv.Value
		}
		r.Query = strings.Join(parts, "&")
	}
	return r
}

// pairs reads an object {k: v} or a list [[k, v], ...] into sorted pairs.
// Non-string values are rendered as JSON; lists of one string (PHP headers)
// as that string.
func pairs(raw json.RawMessage) []Tag {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var out []Tag
	switch raw[0] {
	case '{':
		var m map[string]any
		if decodeNumbers(raw, &m) != nil {
			return nil
		}
		for k, v := range m {
			out = append(out, Tag{k, pairValue(v)})
		}
	case '[':
		var l [][]any
		if decodeNumbers(raw, &l) != nil {
			return nil
		}
		for _, kv := range l {
			if len(kv) == 2 {
				out = append(out, Tag{valueText(kv[0]), pairValue(kv[1])})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func pairValue(v any) string {
	if l, ok := v.([]any); ok && len(l) == 1 {
		if s, ok := l[0].(string); ok {
			return s
		}
	}
	return valueText(v)
}

// decodeNumbers unmarshals keeping numbers as json.Number (no float noise).
func decodeNumbers(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

func decodeTransaction(base Record, payload []byte, h *hints) ([]Record, error) {
	var p eventPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, err
	}
	h.add(&p.Contexts, p.Request, "")
	r := withEvent(base, &p)
	root := p.Contexts.Trace.span()
	root.Start, root.End = parseTime(p.Start), parseTime(p.Timestamp)
	if root.TraceID == "" {
		root.TraceID = r.TraceID
	}
	t := &Trace{
		Name: p.Transaction, Op: root.Op, Status: root.Status,
		Start: root.Start, End: root.End,
		Spans: []Span{root},
	}
	if root.Description == "" {
		t.Spans[0].Description = p.Transaction
	}
	for i := range p.Spans {
		s := p.Spans[i].span()
		if s.TraceID == "" {
			s.TraceID = r.TraceID
		}
		t.Spans = append(t.Spans, s)
	}
	if !t.Start.IsZero() {
		r.Timestamp = t.Start
	}
	r.Kind, r.Trace, r.Level = KindTrace, t, "trace"
	return []Record{r}, nil
}

// decodeSpans reads a standalone span item: one span object, or a span v2
// container {"items": [...]}.
func decodeSpans(base Record, payload []byte, h *hints) ([]Record, error) {
	var list []spanPayload
	var wrap struct {
		Items []spanPayload `json:"items"`
	}
	if err := json.Unmarshal(payload, &wrap); err != nil {
		return nil, err
	}
	if wrap.Items != nil {
		list = wrap.Items
	} else {
		var one spanPayload
		if err := json.Unmarshal(payload, &one); err != nil {
			return nil, err
		}
		list = []spanPayload{one}
	}
	out := make([]Record, 0, len(list))
	for i := range list {
		h.add(&contextsPayload{}, nil, list[i].Data.UserAgent)
		s := list[i].span()
		r := base
		r.EventID = ""
		if s.TraceID != "" {
			r.TraceID = s.TraceID
		}
		r.SpanID = s.SpanID
		if !s.Start.IsZero() {
			r.Timestamp = s.Start
		}
		r.Kind, r.Level = KindTrace, "trace"
		r.Trace = &Trace{Name: s.Description, Op: s.Op, Status: s.Status, Start: s.Start, End: s.End, Spans: []Span{s}}
		out = append(out, r)
	}
	return out, nil
}

type logPayload struct {
	Timestamp      rawTime         `json:"timestamp"`
	Level          string          `json:"level"`
	Body           json.RawMessage `json:"body"`
	TraceID        string          `json:"trace_id"`
	SpanID         string          `json:"span_id"`
	SeverityNumber int             `json:"severity_number"`
	Attributes     map[string]any  `json:"attributes"`
}

func decodeLogs(base Record, payload []byte, h *hints) ([]Record, error) {
	var wrap struct {
		Items []logPayload `json:"items"`
	}
	// One decoder for the whole item: attribute values keep exact numbers.
	if err := decodeNumbers(payload, &wrap); err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(wrap.Items))
	for _, p := range wrap.Items {
		r := base
		r.EventID = ""
		r.Kind = KindLog
		if t := parseTime(p.Timestamp); !t.IsZero() {
			r.Timestamp = t
		}
		r.Level = strings.ToLower(p.Level)
		if p.TraceID != "" {
			r.TraceID = p.TraceID
		}
		r.SpanID = p.SpanID
		l := &Log{Body: messageText(p.Body), SeverityNumber: p.SeverityNumber, Attributes: attributes(p.Attributes)}
		for _, a := range l.Attributes {
			switch a.Key {
			case "sentry.environment":
				r.Environment = a.Text()
			case "sentry.release":
				r.Release = a.Text()
			case "sentry.sdk.name":
				r.SDK = a.Text()
			case "sentry.sdk.version":
				r.SDKVersion = a.Text()
			case "sentry.trace.parent_span_id":
				if r.SpanID == "" {
					r.SpanID = a.Text()
				}
			case "server.address":
				// Server SDKs name their host; browsers never do.
				r.ServerName = a.Text()
				if h.runtime == "" {
					h.runtime = "server.address"
				}
			case "user_agent.original":
				if h.userAgent == "" {
					h.userAgent = a.Text()
				}
			}
		}
		r.Log = l
		out = append(out, r)
	}
	return out, nil
}

// attributes reads {key: {"value": ..., "type": ...}}, decoded with
// json.Number values; a bare value (no type) is accepted too.
func attributes(m map[string]any) []Attribute {
	out := make([]Attribute, 0, len(m))
	for k, v := range m {
		a := Attribute{Key: k, Value: v}
		if typed, ok := v.(map[string]any); ok {
			if value, ok := typed["value"]; ok {
				a.Value = value
				a.Type, _ = typed["type"].(string)
			}
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func decodeAttachment(base Record, it envelope.Item) Record {
	var h struct {
		AttachmentType string `json:"attachment_type"`
	}
	_ = json.Unmarshal(it.Header, &h)
	r := base
	r.Kind, r.Level = KindAttachment, "info"
	r.Attachment = &Attachment{
		Filename: it.Filename, ContentType: it.ContentType,
		AttachmentType: h.AttachmentType, Size: len(it.Payload),
	}
	return r
}
