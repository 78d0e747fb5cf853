package event

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// The *Payload types are the parts of the SDKs' JSON that the model reads.

type envelopeHeader struct {
	EventID string `json:"event_id"`
	// Instance is set by the Control Center on its merged copy
	// (controlcenter.OriginHeader).
	Instance *struct {
		ID      string `json:"instanceId"`
		Project string `json:"project"`
		Port    int    `json:"port"`
	} `json:"spotlight_instance"`
	SentAt json.RawMessage `json:"sent_at"`
	SDK    SDK             `json:"sdk"`
	Trace  struct {
		TraceID     string `json:"trace_id"`
		Environment string `json:"environment"`
		Release     string `json:"release"`
	} `json:"trace"`
}

// eventPayload is an event or transaction payload.
type eventPayload struct {
	EventID     string          `json:"event_id"`
	Timestamp   json.RawMessage `json:"timestamp"`
	Start       json.RawMessage `json:"start_timestamp"`
	Level       string          `json:"level"`
	Platform    string          `json:"platform"`
	Environment string          `json:"environment"`
	Release     string          `json:"release"`
	ServerName  string          `json:"server_name"`
	Logger      string          `json:"logger"`
	Transaction string          `json:"transaction"`
	Culprit     string          `json:"culprit"`
	SDK         SDK             `json:"sdk"` // with integrations and packages
	Tags        json.RawMessage `json:"tags"`
	Message     json.RawMessage `json:"message"`
	LogEntry    json.RawMessage `json:"logentry"`
	Exception   json.RawMessage `json:"exception"`
	Stacktrace  *stacktrace     `json:"stacktrace"`
	Threads     json.RawMessage `json:"threads"`
	Request     *requestPayload `json:"request"`
	Fingerprint []string        `json:"fingerprint"`
	Contexts    contextsPayload `json:"contexts"`
	Spans       []spanPayload   `json:"spans"`
	// Measurements are a transaction's web vitals and the like (insights.go).
	Measurements json.RawMessage `json:"measurements"`
}

// eventDetails are the parts of an event only its detail shows (the API's
// GET /api/errors/{id}): read again from the held envelope when asked, not
// kept in the model, where they would double an envelope's memory
// (breadcrumbs are most of a browser error's bytes, and reading them most
// of its decoding time).
type eventDetails struct {
	Breadcrumbs json.RawMessage `json:"breadcrumbs"`
	User        json.RawMessage `json:"user"`
	Extra       json.RawMessage `json:"extra"`
	Contexts    json.RawMessage `json:"contexts"`
	Request     *struct {
		Data    json.RawMessage `json:"data"`
		Cookies json.RawMessage `json:"cookies"`
		Env     json.RawMessage `json:"env"`
	} `json:"request"`
}

// contextsPayload is the part of an event's contexts that says where it
// ran (the trace context is read for spans).
type contextsPayload struct {
	Trace   spanPayload      `json:"trace"`
	Browser *json.RawMessage `json:"browser"`
	Runtime struct {
		Name string `json:"name"`
	} `json:"runtime"`
	OS struct {
		Name string `json:"name"`
	} `json:"os"`
	Device struct {
		Family string `json:"family"`
	} `json:"device"`
}

type stacktrace struct {
	Frames []framePayload `json:"frames"`
}

type exceptionPayload struct {
	Type       string      `json:"type"`
	Value      string      `json:"value"`
	Module     string      `json:"module"`
	Stacktrace *stacktrace `json:"stacktrace"`
	// Mechanism has the fields of the model's Mechanism, in the same order,
	// so that it converts to one; only the JSON names differ.
	Mechanism *struct {
		Type             string `json:"type"`
		Handled          *bool  `json:"handled"`
		Synthetic        bool   `json:"synthetic"`
		Source           string `json:"source"`
		ExceptionID      *int   `json:"exception_id"`
		ParentID         *int   `json:"parent_id"`
		IsExceptionGroup bool   `json:"is_exception_group"`
	} `json:"mechanism"`
}

type framePayload struct {
	Filename        string          `json:"filename"`
	AbsPath         string          `json:"abs_path"`
	Module          string          `json:"module"`
	Function        string          `json:"function"`
	Lineno          json.Number     `json:"lineno"`
	Colno           json.Number     `json:"colno"`
	InApp           bool            `json:"in_app"`
	ContextLine     string          `json:"context_line"`
	PreContext      []*string       `json:"pre_context"`
	PostContext     []*string       `json:"post_context"`
	Vars            json.RawMessage `json:"vars"`
	InstructionAddr string          `json:"instruction_addr"`
	Platform        string          `json:"platform"`
}

type threadPayload struct {
	Crashed    bool        `json:"crashed"`
	Current    bool        `json:"current"`
	Stacktrace *stacktrace `json:"stacktrace"`
}

type breadcrumbPayload struct {
	Timestamp json.RawMessage `json:"timestamp"`
	Type      string          `json:"type"`
	Category  string          `json:"category"`
	Level     string          `json:"level"`
	Message   json.RawMessage `json:"message"`
	Data      json.RawMessage `json:"data"`
}

type requestPayload struct {
	Method      string          `json:"method"`
	URL         string          `json:"url"`
	QueryString json.RawMessage `json:"query_string"`
	Headers     json.RawMessage `json:"headers"`
}

// spanPayload is a span of a transaction, its trace context, a standalone
// span (v1) or a span v2 item.
type spanPayload struct {
	TraceID      string          `json:"trace_id"`
	SpanID       string          `json:"span_id"`
	ParentSpanID string          `json:"parent_span_id"`
	Op           string          `json:"op"`
	Description  string          `json:"description"`
	Name         string          `json:"name"` // span v2
	Status       string          `json:"status"`
	Origin       string          `json:"origin"`
	Start        json.RawMessage `json:"start_timestamp"`
	End          json.RawMessage `json:"timestamp"`
	EndV2        json.RawMessage `json:"end_timestamp"`
	IsSegment    bool            `json:"is_segment"`
	SegmentID    string          `json:"segment_id"`
	Data         json.RawMessage `json:"data"`
	Attributes   json.RawMessage `json:"attributes"` // span v2: {key: {type, value}}
	Tags         json.RawMessage `json:"tags"`
	Measurements json.RawMessage `json:"measurements"` // a standalone web-vital span's
}

type logPayload struct {
	Timestamp      json.RawMessage `json:"timestamp"`
	Level          string          `json:"level"`
	Body           json.RawMessage `json:"body"`
	TraceID        string          `json:"trace_id"`
	SpanID         string          `json:"span_id"`
	SeverityNumber int             `json:"severity_number"`
	Attributes     json.RawMessage `json:"attributes"`
}

// withoutMembers returns the JSON object payload without its top-level
// members that skip names (quoted keys, as sent), so encoding/json never
// scans them: a browser error's breadcrumbs are most of its bytes, and
// scanning them most of its decoding time. The envelope package's scanner
// finds the members several times faster. payload comes back as it is when
// it is not an object that scanner accepts (encoding/json then says why) or
// holds none of them.
func withoutMembers(payload []byte, skip func(key []byte) bool) []byte {
	var kept [][]byte
	dropped := false
	ok := envelope.ScanObject(payload, func(key, val []byte) {
		if skip(key) {
			dropped = true
			return
		}
		// key and val alias payload: the member runs from one to the other.
		start := cap(payload) - cap(key)
		end := cap(payload) - cap(val) + len(val)
		kept = append(kept, payload[start:end])
	})
	if !ok || !dropped {
		return payload
	}
	n := 2
	for _, m := range kept {
		n += len(m) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	for i, m := range kept {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m...)
	}
	return append(out, '}')
}

// isNull reports an absent or null JSON value.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// values reads a list sent either as {"values": [...]} or as a bare array
// (sentry-go sends threads that way; some SDKs exceptions and breadcrumbs).
func values[T any](raw json.RawMessage) ([]T, error) {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return nil, nil
	}
	var list []T
	if raw[0] == '[' {
		err := json.Unmarshal(raw, &list)
		return list, err
	}
	var wrap struct {
		Values []T `json:"values"`
	}
	err := json.Unmarshal(raw, &wrap)
	return wrap.Values, err
}

// parseTime accepts "2023-11-22T13:45:27.151Z", 1700655103.176607 or
// "1700655103.17"; it returns the zero time for anything else.
func parseTime(raw json.RawMessage) time.Time {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
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
	return unixTime(s)
}

// unixTime reads Unix seconds with a fraction, rounded to microseconds
// (SDKs send at most that; float noise is below).
func unixTime(s string) time.Time {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC()
}

// messageText reads a message sent as a string or as an object
// {"formatted": ..., "message": ..., "params": [...]}.
func messageText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
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
		// Most tags and headers are strings: read those without boxing.
		var strs map[string]string
		if json.Unmarshal(raw, &strs) == nil {
			for k, v := range strs {
				out = append(out, Tag{k, v})
			}
			break
		}
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
	slices.SortStableFunc(out, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
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

// attributes reads {key: {"value": ..., "type": ...}} (logs, span v2) or
// plain {key: value} (span data), numbers kept exact; sorted by key.
func attributes(raw json.RawMessage) []Attribute {
	if isNull(raw) {
		return nil
	}
	var m map[string]any
	if decodeNumbers(raw, &m) != nil {
		return nil
	}
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
	slices.SortFunc(out, func(a, b Attribute) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// attribute is the text of the attribute named key, "" if absent.
func attribute(as []Attribute, key string) string {
	i := sort.Search(len(as), func(i int) bool { return as[i].Key >= key })
	if i < len(as) && as[i].Key == key {
		return as[i].Text()
	}
	return ""
}

// lower is strings.ToLower that skips the copy for the usual lower-case text.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}
