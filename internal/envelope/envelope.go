// Package envelope parses and encodes Sentry envelopes: the newline-delimited
// format SDKs POST (a header line, then items each with a header line and a
// payload), the JSON form streamed to clients over SSE, and compressed bodies.
package envelope

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// Envelope is one parsed Sentry envelope.
type Envelope struct {
	// Header is the envelope header JSON object exactly as sent ({} when empty).
	Header json.RawMessage
	Items  []Item
}

// Item is one item of an envelope.
type Item struct {
	// Header is the item header JSON object exactly as sent.
	Header json.RawMessage
	// Type is the item header's "type" ("event", "transaction", "log", ...).
	Type string
	// ContentType is the item header's "content_type", if any.
	ContentType string
	// Filename is the item header's "filename", if any (attachments).
	Filename string
	// Payload is the item payload bytes (binary-safe, not copied further).
	Payload []byte
	// Truncated is set when the body ended before the item's declared
	// "length": Payload then holds only the bytes that arrived.
	Truncated *Truncation
}

// Truncation records an item cut short: the length its header declared and
// the bytes the body still held.
type Truncation struct {
	Declared int64 `json:"length"`
	Received int64 `json:"received"`
}

// Warning describes the items kept truncated, or is "" when none is: the
// sidecar answers it to the SDK and logs it, since the envelope is kept.
func (e *Envelope) Warning() string {
	var parts []string
	for i, it := range e.Items {
		if t := it.Truncated; t != nil {
			parts = append(parts, fmt.Sprintf("item %d (%s) is truncated: its length is %d but the body ends after %d bytes; kept what arrived", i+1, it.Type, t.Declared, t.Received))
		}
	}
	return strings.Join(parts, "; ")
}

// IsJSON reports whether the item's payload is JSON (parsed and streamed as an
// object) rather than raw bytes (streamed as {"data": "..."}). Known JSON item
// types are JSON; known raw types (attachment, replay_video, ...) never are,
// whatever their content type, because an attachment's bytes are the user's
// file; an unknown type is JSON when its content type says so, so that item
// types newer than this code still stream as objects.
func (it Item) IsJSON() bool {
	if isJSONType(it.Type) {
		return true
	}
	if isRawType(it.Type) {
		return false
	}
	return isJSONContentType(it.ContentType)
}

// isJSONType reports whether items of type t carry a JSON document.
func isJSONType(t string) bool {
	switch t {
	case "event", "transaction", "span", "log", "profile", "profile_chunk",
		"feedback", "session", "sessions", "client_report", "check_in",
		"replay_event", "user_report", "metric_meta", "otel_log", "otel_span",
		"trace_metric":
		return true
	}
	return false
}

// isRawType reports whether items of type t carry opaque bytes.
func isRawType(t string) bool {
	switch t {
	case "attachment", "replay_video", "replay_recording", "statsd", "metric_buckets":
		return true
	}
	return false
}

// mediaType returns the lower-cased media type of a Content-Type value,
// without parameters such as charset.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

func isJSONContentType(contentType string) bool {
	mt := mediaType(contentType)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// IsTextual reports whether a content type names text (text/*, JSON, XML,
// JavaScript, ...), whose payload streams as UTF-8 text rather than base64.
func IsTextual(contentType string) bool {
	mt := mediaType(contentType)
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/x-javascript",
		"application/ecmascript", "application/xml", "application/yaml",
		"application/x-yaml", "application/toml", "application/sql",
		"application/graphql", "application/x-ndjson", "application/x-sh",
		"application/x-www-form-urlencoded", "application/csv":
		return true
	}
	return false
}

// EventID returns the envelope header's "event_id", or "" when absent.
func (e *Envelope) EventID() string {
	var h struct {
		EventID string `json:"event_id"`
	}
	if json.Unmarshal(e.Header, &h) != nil {
		return ""
	}
	return h.EventID
}
