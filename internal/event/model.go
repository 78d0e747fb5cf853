// Package event is Spotlight's one model of what Sentry SDKs send: errors,
// traces (built per trace id from transactions, standalone spans and span
// v2 items of any number of envelopes), logs, attachments and the items that
// could not be read. Every view (the web UI through the sidecar's API,
// `spotlight tail`, `run`'s printout and the MCP tools) reads this model, so
// they agree on what an error, a trace and a log are.
//
// Decode reads one envelope into a *Decoded (once, when the buffer stores
// it); a Store indexes the decoded envelopes the buffer holds and builds the
// traces; a Follower turns a stream of envelopes into printable records.
package event

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Kind is what a Record holds. The names are the singular of the
// `spotlight tail` types and the "type" field of json/logfmt output.
type Kind string

const (
	KindError      Kind = "error"
	KindLog        Kind = "log"
	KindTrace      Kind = "trace"
	KindAttachment Kind = "attachment"
	// KindItem is an envelope item the decoder could not read: it is kept
	// and shown with its type, raw payload and the reason.
	KindItem Kind = "item"
)

// Kinds lists the kinds `spotlight tail` shows, in display order.
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

// SDK names the SDK that sent an event.
type SDK struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Integrations and Packages are in error details only.
	Integrations []string     `json:"integrations,omitempty"`
	Packages     []SDKPackage `json:"packages,omitempty"`
}

// SDKPackage is a package an SDK is made of.
type SDKPackage struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Header holds the fields every record has, whatever its kind.
type Header struct {
	ID         string    `json:"id"` // "<envelope id>.<n>"; the trace id for traces
	Kind       Kind      `json:"kind"`
	EnvelopeID string    `json:"envelopeId,omitempty"`
	Received   time.Time `json:"received"`
	Timestamp  time.Time `json:"timestamp"`
	Level      string    `json:"level,omitempty"` // lower case: fatal, error, warning, info, debug, trace
	Source     Source    `json:"source"`

	EventID     string `json:"eventId,omitempty"`
	TraceID     string `json:"traceId,omitempty"`
	SpanID      string `json:"spanId,omitempty"`
	Platform    string `json:"platform,omitempty"`
	SDK         *SDK   `json:"sdk,omitempty"`
	Environment string `json:"environment,omitempty"`
	Release     string `json:"release,omitempty"`
	ServerName  string `json:"serverName,omitempty"`
	Tags        []Tag  `json:"tags,omitempty"` // sorted by key

	// Instance is the instance an envelope of the Control Center's merged
	// copy came from (its header's spotlight_instance); nil elsewhere.
	Instance *Instance `json:"instance,omitempty"`

	item int // the envelope item it came from (Decoded.WithTraces keeps item order)
}

// Instance names a Spotlight instance: the `spotlight run` (or, with the
// id "home", the Control Center itself) an envelope was followed from.
type Instance struct {
	ID      string `json:"id"`
	Project string `json:"project,omitempty"`
	Port    int    `json:"port"`
}

// Record is one thing a view shows: an error event, one log record, a
// trace, an attachment or an undecodable item. Exactly one of Error, Log,
// Trace, Attachment and Item is set, matching Kind.
type Record struct {
	Header
	Error      *Error
	Log        *Log
	Trace      *Trace
	Attachment *Attachment
	Item       *Item
	Profile    *Profile
}

// SDKName and SDKVersion are "" when unknown.
func (r *Header) SDKName() string {
	if r.SDK == nil {
		return ""
	}
	return r.SDK.Name
}

func (r *Header) SDKVersion() string {
	if r.SDK == nil {
		return ""
	}
	return r.SDK.Version
}

// body is the kind-specific part of the record.
func (r *Record) body() any {
	switch {
	case r.Error != nil:
		return r.Error
	case r.Log != nil:
		return r.Log
	case r.Trace != nil:
		return r.Trace
	case r.Attachment != nil:
		return r.Attachment
	case r.Item != nil:
		return r.Item
	case r.Profile != nil:
		return r.Profile
	}
	return nil
}

// MarshalJSON writes one flat object: the header fields, then those of the
// kind (the API's list and detail shapes).
func (r Record) MarshalJSON() ([]byte, error) {
	head, err := json.Marshal(&r.Header)
	if err != nil {
		return nil, err
	}
	b := r.body()
	if b == nil {
		return head, nil
	}
	part, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	if len(part) <= 2 { // {}
		return head, nil
	}
	out := make([]byte, 0, len(head)+len(part))
	out = append(out, head[:len(head)-1]...)
	out = append(out, ',')
	return append(out, part[1:]...), nil
}

// Summary is the record as lists show it: an error without its stacks,
// breadcrumbs and contexts, a trace without its spans, an item without its
// payload. It shares the rest with r.
func (r *Record) Summary() Record {
	s := *r
	switch {
	case r.Error != nil:
		e := *r.Error
		e.Exceptions, e.Frames, e.Breadcrumbs, e.Request = nil, nil, nil, nil
		e.User, e.Contexts, e.Extra, e.Fingerprint = nil, nil, nil, nil
		s.Error = &e
		if r.SDK != nil && (r.SDK.Integrations != nil || r.SDK.Packages != nil) {
			s.SDK = &SDK{Name: r.SDK.Name, Version: r.SDK.Version}
		}
	case r.Trace != nil:
		t := *r.Trace
		t.Spans = nil
		s.Trace = &t
	case r.Item != nil:
		it := *r.Item
		it.RawHeader, it.Payload, it.PayloadEncoding = nil, "", ""
		s.Item = &it
	}
	return s
}

// Tag is one key/value pair of an event's tags (or headers, vars).
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Error is an event item with an exception or a message.
type Error struct {
	Title          string `json:"title"`
	Type           string `json:"type,omitempty"`  // of the primary exception
	Value          string `json:"value,omitempty"` // of the primary exception
	Message        string `json:"message,omitempty"`
	Culprit        string `json:"culprit,omitempty"`
	Transaction    string `json:"transaction,omitempty"` // the transaction (route) it happened in
	Logger         string `json:"logger,omitempty"`
	Handled        *bool  `json:"handled,omitempty"`
	Mechanism      string `json:"mechanism,omitempty"`
	Top            *Frame `json:"topFrame,omitempty"` // see TopFrame
	ExceptionCount int    `json:"exceptionCount"`
	// GroupKey is the same for errors of one kind: the primary exception's
	// type and value (or the message) and the top frame.
	GroupKey string `json:"groupKey"`

	// Exceptions are as sent: the last one is the one raised, the earlier
	// ones its causes. Synthetic exceptions are not among them.
	Exceptions []Exception `json:"exceptions,omitempty"`
	// Frames is the stack of an event without exception (a message): the
	// crashed or current thread's, the event's, or a synthetic exception's.
	// Oldest call first.
	Frames []Frame `json:"frames,omitempty"`
	// Breadcrumbs and what follows are read with details only
	// (NewDetailDecoder, Store.Get): lists and searches need none.
	Breadcrumbs []Breadcrumb    `json:"breadcrumbs,omitempty"`
	Request     *Request        `json:"request,omitempty"`
	User        json.RawMessage `json:"user,omitempty"`
	Contexts    json.RawMessage `json:"contexts,omitempty"`
	Extra       json.RawMessage `json:"extra,omitempty"`
	Fingerprint []string        `json:"fingerprint,omitempty"`
}

// UserIdentity is who an error's user was, as far as the SDK said: the id
// as sent (a string, or a json.Number since ids may exceed a float's
// precision; nil when neither), the email and the username.
type UserIdentity struct {
	ID       any
	Email    string
	Username string
}

// Identity reads the user's id, email and username from the user the SDK
// sent; false when there is none or it is not an object.
func (e *Error) Identity() (UserIdentity, bool) {
	var user struct {
		ID       json.RawMessage `json:"id"`
		Email    string          `json:"email"`
		Username string          `json:"username"`
	}
	if len(e.User) == 0 || json.Unmarshal(e.User, &user) != nil {
		return UserIdentity{}, false
	}
	u := UserIdentity{Email: user.Email, Username: user.Username}
	var id string
	var num json.Number
	switch {
	case json.Unmarshal(user.ID, &id) == nil:
		u.ID = id
	case json.Unmarshal(user.ID, &num) == nil:
		u.ID = num
	}
	return u, true
}

// Primary is the exception that was raised last (the one users care about).
func (e *Error) Primary() *Exception {
	if len(e.Exceptions) == 0 {
		return nil
	}
	return &e.Exceptions[len(e.Exceptions)-1]
}

// Summary is the one-line description: "Type: value", or the message.
func (e *Error) Summary() string { return e.Title }

// TopFrame is the most recent in-app frame of the primary exception (or of
// Frames), falling back to the most recent frame; nil without frames.
func (e *Error) TopFrame() *Frame { return e.Top }

// Exception is one exception of an exception chain.
type Exception struct {
	Type      string     `json:"type,omitempty"`
	Value     string     `json:"value,omitempty"`
	Module    string     `json:"module,omitempty"`
	Mechanism *Mechanism `json:"mechanism,omitempty"`
	Frames    []Frame    `json:"frames,omitempty"` // oldest call first
}

// MechanismType is the mechanism's type, "" without one.
func (x *Exception) MechanismType() string {
	if x.Mechanism == nil {
		return ""
	}
	return x.Mechanism.Type
}

// Handled is nil when the SDK did not say.
func (x *Exception) Handled() *bool {
	if x.Mechanism == nil {
		return nil
	}
	return x.Mechanism.Handled
}

// Mechanism says how an exception was captured.
type Mechanism struct {
	Type             string `json:"type,omitempty"`
	Handled          *bool  `json:"handled,omitempty"`
	Synthetic        bool   `json:"synthetic,omitempty"`
	Source           string `json:"source,omitempty"`
	ExceptionID      *int   `json:"exceptionId,omitempty"`
	ParentID         *int   `json:"parentId,omitempty"`
	IsExceptionGroup bool   `json:"isExceptionGroup,omitempty"`
}

// Frame is one stack frame, as sent: Lineno and Colno are 0 when unknown.
type Frame struct {
	Filename        string   `json:"filename,omitempty"`
	AbsPath         string   `json:"absPath,omitempty"`
	Module          string   `json:"module,omitempty"`
	Function        string   `json:"function,omitempty"`
	Lineno          int      `json:"lineno,omitempty"`
	Colno           int      `json:"colno,omitempty"`
	InApp           bool     `json:"inApp,omitempty"`
	ContextLine     string   `json:"contextLine,omitempty"`
	PreContext      []string `json:"preContext,omitempty"`
	PostContext     []string `json:"postContext,omitempty"`
	Vars            []Tag    `json:"vars,omitempty"` // sorted by name; non-strings as JSON
	InstructionAddr string   `json:"instructionAddr,omitempty"`
	Platform        string   `json:"platform,omitempty"`
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

// Breadcrumb is one breadcrumb of an error event.
type Breadcrumb struct {
	Timestamp time.Time       `json:"timestamp,omitzero"`
	Type      string          `json:"type,omitempty"`
	Category  string          `json:"category,omitempty"`
	Level     string          `json:"level,omitempty"`
	Message   string          `json:"message,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Request is the HTTP request an event was captured in.
type Request struct {
	Method  string          `json:"method,omitempty"`
	URL     string          `json:"url,omitempty"`
	Query   string          `json:"query,omitempty"`
	Headers []Tag           `json:"headers,omitempty"` // sorted by name
	Data    json.RawMessage `json:"data,omitempty"`
	Cookies json.RawMessage `json:"cookies,omitempty"`
	Env     json.RawMessage `json:"env,omitempty"`
}

// Log is one log record of a log item (an SDK's, or a line of the child's
// output that `spotlight run` relayed).
type Log struct {
	Body           string      `json:"body"`
	SeverityNumber int         `json:"severityNumber,omitempty"`
	Attributes     []Attribute `json:"attributes,omitempty"` // sorted by key, sentry.* included
	Stdio          string      `json:"stdio,omitempty"`      // stdout or stderr for relayed output
}

// Attribute is one typed log or span attribute.
type Attribute struct {
	Key   string `json:"key"`
	Type  string `json:"type,omitempty"` // string, integer, double, boolean
	Value any    `json:"value"`          // string, json.Number, bool, nil, or decoded JSON
}

// Text is the attribute value as text.
func (a Attribute) Text() string { return valueText(a.Value) }

// Attachment is an attachment item.
type Attachment struct {
	Filename       string `json:"filename"`
	ContentType    string `json:"contentType,omitempty"`
	AttachmentType string `json:"attachmentType,omitempty"`
	Size           int    `json:"size"`
	ContentURL     string `json:"contentUrl"`
	// Truncated is set when the envelope ended inside the attachment: Size
	// is then what arrived, less than the length its header declared.
	Truncated *envelope.Truncation `json:"truncated,omitempty"`
	// ItemIndex is the item's position in its envelope (for its content).
	ItemIndex int `json:"-"`
}

// Item is an envelope item the decoder could not read.
type Item struct {
	ItemType        string          `json:"itemType"`
	ContentType     string          `json:"contentType,omitempty"`
	Reason          string          `json:"reason"`
	Size            int             `json:"size"`
	RawHeader       json.RawMessage `json:"header,omitempty"`
	Payload         string          `json:"payload,omitempty"`
	PayloadEncoding string          `json:"payloadEncoding,omitempty"` // text or base64
	// Truncated is set when the envelope ended inside the item (which is
	// often why it could not be read).
	Truncated *envelope.Truncation `json:"truncated,omitempty"`
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
