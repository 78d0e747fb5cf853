package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The stream form of an envelope is the JSON array
//
//	[header, [[itemHeader, payload], ...]]
//
// with both headers as the SDK sent them (compacted), so an item header's
// "length" is the wire length, not the size of the streamed payload.
//
// A JSON item (Item.IsJSON) whose payload is valid UTF-8 JSON is embedded as
// that JSON value. Every other payload is wrapped in an object:
//
//	{"data": "<payload>"}                       UTF-8 text
//	{"data": "<base64>", "encoding": "base64"}   bytes
//
// Text is used when the payload is valid UTF-8 and either the content type is
// textual (IsTextual) or the item is a text type (statsd) or a JSON item; base64
// otherwise (an empty or missing content type counts as binary). A JSON item
// whose payload is not valid JSON (an empty payload included) is wrapped too,
// with "invalid_json": true added, so it is shown rather than dropped and
// UnmarshalStream can tell it from an event that happens to have a "data" key.
// A truncated item (Item.Truncated) is always wrapped (a JSON item with
// "invalid_json": true), with "truncated": {"length": <declared>,
// "received": <bytes that arrived>}.

// MarshalStream encodes the envelope in the JSON form streamed over SSE (see
// above). The result has no newline, so it fits one SSE data: line.
func (e *Envelope) MarshalStream() ([]byte, error) {
	return e.AppendStream(nil)
}

// AppendStream appends the stream form of the envelope to dst, so callers can
// reuse buffers.
func (e *Envelope) AppendStream(dst []byte) ([]byte, error) {
	size := len(e.Header) + 8
	for _, it := range e.Items {
		size += len(it.Header) + len(it.Payload)*4/3 + 48
	}
	buf := bytes.NewBuffer(dst)
	buf.Grow(size)
	buf.WriteByte('[')
	if err := compactObject(buf, e.Header); err != nil {
		return nil, fmt.Errorf("envelope header: %w", err)
	}
	buf.WriteString(",[")
	for i, it := range e.Items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('[')
		if err := compactObject(buf, it.header()); err != nil {
			return nil, fmt.Errorf("item %d header: %w", i+1, err)
		}
		buf.WriteByte(',')
		appendStreamPayload(buf, it)
		buf.WriteByte(']')
	}
	buf.WriteString("]]")
	return buf.Bytes(), nil
}

// compactObject writes a JSON object header compacted; an empty one as {}.
func compactObject(buf *bytes.Buffer, obj []byte) error {
	obj = trimJSONSpace(obj)
	if len(obj) == 0 {
		buf.WriteString("{}")
		return nil
	}
	if obj[0] != '{' || !appendCompactJSON(buf, obj) {
		return fmt.Errorf("not a JSON object: %s", excerpt(obj))
	}
	return nil
}

// appendCompactJSON writes b compacted if it is valid JSON; it writes nothing
// and returns false otherwise. Payloads that SDKs already sent compact (most)
// are copied without going through json.Compact.
func appendCompactJSON(buf *bytes.Buffer, b []byte) bool {
	valid, hasSpace := scanJSON(b)
	switch {
	case !valid:
		return false
	case hasSpace:
		return json.Compact(buf, b) == nil
	}
	buf.Write(b)
	return true
}

func appendStreamPayload(buf *bytes.Buffer, it Item) {
	isJSON := it.IsJSON()
	validUTF8 := utf8.Valid(it.Payload)
	if it.Truncated == nil && isJSON && validUTF8 && appendCompactJSON(buf, it.Payload) {
		return
	}
	text := len(it.Payload) == 0 || validUTF8 && (isJSON || IsTextual(it.ContentType) || isTextType(it.Type))
	b := buf.AvailableBuffer()
	b = append(b, `{"data":`...)
	if text {
		b = appendJSONString(b, it.Payload)
	} else {
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, it.Payload)
		b = append(b, `","encoding":"base64"`...)
	}
	if isJSON {
		b = append(b, `,"invalid_json":true`...)
	}
	if t := it.Truncated; t != nil {
		b = append(b, `,"truncated":{"length":`...)
		b = strconv.AppendInt(b, t.Declared, 10)
		b = append(b, `,"received":`...)
		b = strconv.AppendInt(b, t.Received, 10)
		b = append(b, '}')
	}
	b = append(b, '}')
	buf.Write(b)
}

// isTextType reports whether items of type t are text whatever their content
// type says (statsd lines are sent without one).
func isTextType(t string) bool { return t == "statsd" }

// appendJSONString appends s, which must be valid UTF-8, as a JSON string.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// wrapped is a payload wrapped as {"data": ...} in the stream form.
type wrapped struct {
	Data        *string     `json:"data"`
	Encoding    string      `json:"encoding"`
	InvalidJSON bool        `json:"invalid_json"`
	Truncated   *Truncation `json:"truncated"`
}

// UnmarshalStream is the inverse of MarshalStream (used by clients of the
// stream such as `spotlight tail`): JSON payloads become Payload bytes again
// (compacted), wrapped {"data": ...} payloads are decoded back to their bytes.
func UnmarshalStream(data []byte) (*Envelope, error) {
	var top []json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("stream envelope is not a JSON array: %w", err)
	}
	if len(top) != 2 {
		return nil, fmt.Errorf("stream envelope must be [header, items], got an array of %d elements", len(top))
	}
	if !isJSONObject(top[0]) {
		return nil, fmt.Errorf("stream envelope header is not a JSON object: %s", excerpt(top[0]))
	}
	var items [][]json.RawMessage
	if err := json.Unmarshal(top[1], &items); err != nil {
		return nil, fmt.Errorf("stream envelope items must be an array of [itemHeader, payload]: %w", err)
	}
	env := &Envelope{Header: top[0], Items: make([]Item, 0, len(items))}
	for i, pair := range items {
		if len(pair) != 2 {
			return nil, fmt.Errorf("stream item %d must be [itemHeader, payload], got %d elements", i+1, len(pair))
		}
		h, err := parseItemHeader(pair[0])
		if err != nil {
			return nil, fmt.Errorf("stream item %d: %w", i+1, err)
		}
		it := Item{Header: pair[0], Type: h.typ, ContentType: h.contentType, Filename: h.filename}
		if it.Payload, it.Truncated, err = streamPayload(it.IsJSON(), pair[1]); err != nil {
			return nil, fmt.Errorf("stream item %d (%s): %w", i+1, it.Type, err)
		}
		env.Items = append(env.Items, it)
	}
	return env, nil
}

func streamPayload(isJSON bool, raw json.RawMessage) ([]byte, *Truncation, error) {
	var w wrapped
	if isJSON && !(bytes.HasPrefix(raw, []byte(`{"data":`)) && json.Unmarshal(raw, &w) == nil && w.InvalidJSON && w.Data != nil) {
		return raw, nil, nil
	}
	if !isJSON {
		if err := json.Unmarshal(raw, &w); err != nil || w.Data == nil {
			return nil, nil, fmt.Errorf(`raw payload must be {"data": "..."}, got %s`, excerpt(raw))
		}
	}
	var p []byte
	switch w.Encoding {
	case "":
		p = []byte(*w.Data)
	case "base64":
		var err error
		if p, err = base64.StdEncoding.DecodeString(*w.Data); err != nil {
			return nil, nil, fmt.Errorf("payload data is not valid base64: %w", err)
		}
	default:
		return nil, nil, errors.New(`payload "encoding" must be "base64" or absent`)
	}
	if len(p) == 0 {
		return nil, w.Truncated, nil
	}
	return p, w.Truncated, nil
}
