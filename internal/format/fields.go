package format

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// Field is one flat key/value of the json and logfmt formats. Value is a
// string, int, float64, bool or json.Number (log attributes).
type Field struct {
	Key   string
	Value any
}

// Message is a record's one-line subject: an error's "Type: value" (or its
// message), a log's body, a trace's name, an attachment's file name, an
// unreadable item's reason.
func Message(r *event.Record) string {
	switch {
	case r.Error != nil:
		return plain(r.Error.Summary())
	case r.Log != nil:
		return plain(r.Log.Body)
	case r.Trace != nil:
		return plain(r.Trace.Name)
	case r.Attachment != nil:
		return plain(r.Attachment.Filename)
	case r.Item != nil:
		return plain(r.Item.ItemType + " item: " + r.Item.Reason)
	}
	return ""
}

// Fields flattens a record into the stable fields of the json and logfmt
// formats. timestamp, type, level, source and message are always present;
// other fields only when known. Payload text is stripped of ANSI escapes.
func Fields(r *event.Record) []Field {
	f := &fields{
		{"timestamp", r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00")},
		{"type", string(r.Kind)},
		{"level", r.Level},
		{"source", string(r.Source)},
		{"message", Message(r)},
	}
	switch {
	case r.Error != nil:
		f.errorFields(r.Error)
	case r.Log != nil:
		f.add("severity_number", r.Log.SeverityNumber)
		for _, a := range r.Log.Attributes {
			if !strings.HasPrefix(a.Key, "sentry.") {
				// appended as is: a zero or empty attribute is still data
				*f = append(*f, Field{"attributes." + plain(a.Key), attributeValue(a)})
			}
		}
	case r.Trace != nil:
		t := r.Trace
		f.add("op", t.Op)
		f.add("status", t.Status)
		f.add("duration_ms", durationMS(t.Duration()))
		f.add("span_count", t.SpanCount)
		if root := t.Root(); root != nil {
			f.add("parent_span_id", root.ParentSpanID)
		}
	case r.Attachment != nil:
		a := r.Attachment
		f.add("filename", a.Filename)
		f.add("content_type", a.ContentType)
		f.add("attachment_type", a.AttachmentType)
		f.add("size", a.Size)
		if t := a.Truncated; t != nil {
			*f = append(*f, Field{"truncated", true}, Field{"declared_length", t.Declared})
		}
	case r.Item != nil:
		f.add("item_type", r.Item.ItemType)
		f.add("reason", r.Item.Reason)
		f.add("size", r.Item.Size)
	}
	f.add("event_id", r.EventID)
	f.add("envelope_id", r.EnvelopeID)
	f.add("trace_id", r.TraceID)
	f.add("span_id", r.SpanID)
	f.add("environment", r.Environment)
	f.add("release", r.Release)
	f.add("server_name", r.ServerName)
	f.add("platform", r.Platform)
	f.add("sdk", r.SDKName())
	f.add("sdk_version", r.SDKVersion())
	for _, t := range r.Tags {
		f.add("tags."+t.Key, t.Value)
	}
	return append(*f, upstreamFields(r, *f)...)
}

type fields []Field

// add appends a field unless its value is empty (zero numbers included:
// a zero duration or line is unknown, not measured).
func (f *fields) add(key string, v any) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return
		}
		v = plain(x)
	case int:
		if x == 0 {
			return
		}
	case float64:
		if x == 0 {
			return
		}
	case nil:
		return
	}
	*f = append(*f, Field{plain(key), v})
}

func (f *fields) errorFields(e *event.Error) {
	if p := e.Primary(); p != nil {
		f.add("exception_type", p.Type)
		f.add("exception_value", p.Value)
		f.add("mechanism", p.MechanismType())
		if h := p.Handled(); h != nil {
			*f = append(*f, Field{"handled", *h})
		}
		if e.Message != "" {
			f.add("error_message", e.Message)
		}
	}
	if fr := e.TopFrame(); fr != nil {
		f.add("frame", fr.Location())
		f.add("frame_function", fr.Function)
	}
	f.add("logger", e.Logger)
	f.add("transaction", e.Transaction)
	if e.Request != nil {
		f.add("request_method", e.Request.Method)
		f.add("request_url", e.Request.URL)
	}
}

// attributeValue keeps numbers and booleans typed in json output.
func attributeValue(a event.Attribute) any {
	switch v := a.Value.(type) {
	case bool:
		return v
	case json.Number:
		return v // written as sent: no float rounding of large integers
	}
	return plain(a.Text())
}

// durationMS is d in milliseconds, to the microsecond.
func durationMS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
