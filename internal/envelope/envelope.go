// Package envelope parses and encodes Sentry envelopes: the newline-delimited
// format SDKs POST (a header line, then items each with a header line and a
// payload), the JSON form streamed to clients over SSE, and compressed bodies.
package envelope

import "encoding/json"

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
}

// IsJSON reports whether the item's payload is JSON (parsed and streamed as an
// object) rather than raw bytes (streamed as {"data": "..."}).
func (it Item) IsJSON() bool { return isJSONType(it.Type) }
