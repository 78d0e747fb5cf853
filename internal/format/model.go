package format

import (
	"encoding/json"
	"fmt"
	"time"
)

// Kind is what a Record holds. The names are the singular of the
// `spotlight tail` types and the "type" field of json/logfmt output.
type Kind string

const (
	KindError      Kind = "error"
	KindLog        Kind = "log"
	KindTrace      Kind = "trace"
	KindAttachment Kind = "attachment"
)

// Kinds lists every kind in display order.
func Kinds() []Kind { return []Kind{KindError, KindLog, KindTrace, KindAttachment} }

// Source is where an event was sent from, inferred by Decode.
type Source string

const (
	SourceServer  Source = "server"
	SourceBrowser Source = "browser"
	SourceMobile  Source = "mobile"
	SourceUnknown Source = "unknown"
)

// Meta is what the sidecar knows about an envelope besides its bytes.
type Meta struct {
	ID        string    // the buffer entry / SSE event id
	Received  time.Time // when the sidecar accepted it (fallback timestamp)
	UserAgent string    // the sender's User-Agent (source inference)
}

// Record is one renderable thing: an error event, one log record, a trace
// (a transaction or a standalone span) or an attachment. Exactly one of
// Error, Log, Trace and Attachment is set, matching Kind.
type Record struct {
	Kind       Kind
	EnvelopeID string // Meta.ID of the envelope it came from
	EventID    string // the Sentry event id (errors, transactions)
	Timestamp  time.Time
	Level      string // lower case: fatal, error, warning, info, debug, trace
	Source     Source

	Platform    string
	SDK         string // SDK name, e.g. sentry.javascript.node
	SDKVersion  string
	Environment string
	Release     string
	ServerName  string
	TraceID     string
	SpanID      string
	Tags        []Tag // sorted by key

	Error      *Error
	Log        *Log
	Trace      *Trace
	Attachment *Attachment
}

// Tag is one key/value pair of an event's tags.
type Tag struct{ Key, Value string }

// Error is an event item with an exception or a message.
type Error struct {
	Message     string      // the message text (also of object messages)
	Logger      string      //
	Transaction string      // the transaction (route) the error happened in
	Exceptions  []Exception // as sent: the last one is the one raised last
	// Frames is the event or crashed thread's stack trace when the event
	// has no exception (e.g. Java message events), oldest call first.
	Frames  []Frame
	Request *Request
}

// Primary is the exception that was raised last (the one users care about).
func (e *Error) Primary() *Exception {
	if len(e.Exceptions) == 0 {
		return nil
	}
	return &e.Exceptions[len(e.Exceptions)-1]
}

// TopFrame is the most recent in-app frame of the primary exception (or of
// Frames), falling back to the most recent frame; nil without frames.
func (e *Error) TopFrame() *Frame {
	frames := e.Frames
	if p := e.Primary(); p != nil && len(p.Frames) > 0 {
		frames = p.Frames
	}
	// Prefer in-app frames with a line number: JavaScript marks built-ins
	// such as "<anonymous> JSON.parse" in-app, and they point nowhere.
	for _, ok := range []func(*Frame) bool{
		func(f *Frame) bool { return f.InApp && f.Lineno > 0 },
		func(f *Frame) bool { return f.InApp },
		func(f *Frame) bool { return true },
	} {
		for i := len(frames) - 1; i >= 0; i-- {
			if ok(&frames[i]) {
				return &frames[i]
			}
		}
	}
	return nil
}

// Summary is the one-line description: "Type: value", or the message.
func (e *Error) Summary() string {
	p := e.Primary()
	switch {
	case p == nil:
		return e.Message
	case p.Type == "":
		return p.Value
	case p.Value == "":
		return p.Type
	}
	return p.Type + ": " + p.Value
}

// Exception is one exception of an exception chain.
type Exception struct {
	Type, Value, Module string
	Mechanism           string // mechanism type, e.g. onerror, generic
	Handled             *bool  // nil when the SDK did not say
	Frames              []Frame
}

// Frame is one stack frame, as sent: Lineno and Colno are 0 when unknown.
type Frame struct {
	Filename, AbsPath, Module, Function string
	Lineno, Colno                       int
	InApp                               bool
	ContextLine                         string
	PreContext, PostContext             []string
	Vars                                []Tag // sorted by name; non-strings as JSON
}

// File is the frame's file name, or its absolute path, or its module.
func (f *Frame) File() string {
	switch {
	case f.Filename != "":
		return f.Filename
	case f.AbsPath != "":
		return f.AbsPath
	}
	return f.Module
}

// Location is "file:line:col" with the unknown parts left out.
func (f *Frame) Location() string {
	s := f.File()
	if f.Lineno > 0 {
		s += fmt.Sprintf(":%d", f.Lineno)
		if f.Colno > 0 {
			s += fmt.Sprintf(":%d", f.Colno)
		}
	}
	return s
}

// Request is the HTTP request an event was captured in.
type Request struct {
	Method, URL, Query string
	Headers            []Tag // sorted by name
}

// Log is one log record of a log item.
type Log struct {
	Body           string
	SeverityNumber int
	Attributes     []Attribute // sorted by key, sentry.* included
}

// Attribute is one typed log or span attribute.
type Attribute struct {
	Key   string
	Type  string // string, integer, double, boolean
	Value any    // string, json.Number, bool, nil, or decoded JSON
}

// Text is the attribute value as text.
func (a Attribute) Text() string { return valueText(a.Value) }

// Trace is a transaction with its spans, or one standalone span.
type Trace struct {
	Name   string // transaction name or span description
	Op     string
	Status string // "" or "ok" when fine
	Start  time.Time
	End    time.Time
	// Spans holds every span including the root (the transaction itself),
	// root first. Standalone span items hold one span.
	Spans []Span
}

// Duration is End - Start (0 when either is unknown).
func (t *Trace) Duration() time.Duration { return elapsed(t.Start, t.End) }

// Span is one span of a trace.
type Span struct {
	TraceID, SpanID, ParentSpanID string
	Op, Description, Status       string
	Start, End                    time.Time
}

// Duration is End - Start (0 when either is unknown).
func (s *Span) Duration() time.Duration { return elapsed(s.Start, s.End) }

func elapsed(start, end time.Time) time.Duration {
	if start.IsZero() || end.IsZero() {
		return 0
	}
	return end.Sub(start)
}

// Attachment is an attachment item.
type Attachment struct {
	Filename, ContentType, AttachmentType string
	Size                                  int
}

// valueText renders a decoded JSON value as plain text: strings as they
// are, everything else as compact JSON (never a Go map dump).
func valueText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
