package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	plan, err := e.PlanStream()
	if err != nil {
		return nil, err
	}
	size := len(e.Header) + 8
	for _, it := range e.Items {
		size += len(it.Header) + len(it.Payload)*4/3 + 48
	}
	buf := bytes.NewBuffer(dst)
	buf.Grow(size)
	if err := e.WriteStream(buf, plan); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// StreamPlan records how each part of an envelope's stream form is written:
// byte 0 for the envelope header, then two per item (header, payload).
// Planning validates every JSON payload, which is what the stream form
// costs; writing with a plan only copies (and compacts, escapes or base64-
// encodes the rare parts that need it), so a stored envelope can be streamed
// from its body without keeping a second, stream-form copy.
type StreamPlan []byte

// Ways a part is written.
const (
	partVerbatim      byte = iota // JSON already compact (most SDKs): copied
	partCompact                   // JSON with whitespace: compacted
	partEmptyObject               // an empty header: {}
	partText                      // {"data":"<text>"}
	partBase64                    // {"data":"<base64>","encoding":"base64"}
	partInvalidText               // {"data":"<text>","invalid_json":true}
	partInvalidBase64             // {"data":"<base64>","encoding":"base64","invalid_json":true}
)

// PlanStream validates the envelope for the stream form and says how to
// write it (see StreamPlan). It fails, naming the part, when a header is not
// a JSON object.
func (e *Envelope) PlanStream() (StreamPlan, error) {
	plan := make(StreamPlan, 1, 1+2*len(e.Items))
	var err error
	if plan[0], err = planObject(e.Header); err != nil {
		return nil, fmt.Errorf("envelope header: %w", err)
	}
	for i, it := range e.Items {
		h, err := planObject(it.header())
		if err != nil {
			return nil, fmt.Errorf("item %d header: %w", i+1, err)
		}
		plan = append(plan, h, planPayload(it))
	}
	return plan, nil
}

func planObject(obj []byte) (byte, error) {
	obj = trimJSONSpace(obj)
	if len(obj) == 0 {
		return partEmptyObject, nil
	}
	valid, hasSpace := scanJSON(obj)
	switch {
	case obj[0] != '{' || !valid:
		return 0, fmt.Errorf("not a JSON object: %s", excerpt(obj))
	case hasSpace:
		return partCompact, nil
	}
	return partVerbatim, nil
}

func planPayload(it Item) byte {
	isJSON := it.IsJSON()
	validUTF8 := utf8.Valid(it.Payload)
	if isJSON && validUTF8 && it.Truncated == nil {
		if valid, hasSpace := scanJSON(it.Payload); valid && hasSpace {
			return partCompact
		} else if valid {
			return partVerbatim
		}
	}
	text := len(it.Payload) == 0 || validUTF8 && (isJSON || IsTextual(it.ContentType) || isTextType(it.Type))
	switch {
	case isJSON && text:
		return partInvalidText
	case isJSON:
		return partInvalidBase64
	case text:
		return partText
	}
	return partBase64
}

// WriteStream writes the stream form of the envelope as plan (from
// PlanStream on this envelope) says.
func (e *Envelope) WriteStream(w io.Writer, plan StreamPlan) error {
	if len(plan) != 1+2*len(e.Items) {
		return fmt.Errorf("stream plan for %d items used for an envelope of %d", (len(plan)-1)/2, len(e.Items))
	}
	sw := streamWriter{w: w}
	sw.str("[")
	sw.part(plan[0], trimJSONSpace(e.Header), nil)
	sw.str(",[")
	for i, it := range e.Items {
		if i > 0 {
			sw.str(",")
		}
		sw.str("[")
		sw.part(plan[1+2*i], trimJSONSpace(it.header()), nil)
		sw.str(",")
		sw.part(plan[2+2*i], it.Payload, it.Truncated)
		sw.str("]")
	}
	sw.str("]]")
	return sw.err
}

// streamWriter writes the parts of a stream form, keeping the first error.
type streamWriter struct {
	w       io.Writer
	err     error
	scratch [64]byte
}

func (sw *streamWriter) write(b []byte) {
	if sw.err == nil && len(b) > 0 {
		_, sw.err = sw.w.Write(b)
	}
}

func (sw *streamWriter) str(s string) {
	if sw.err == nil {
		_, sw.err = io.WriteString(sw.w, s)
	}
}

// part writes b as how says; t marks a wrapped payload truncated.
func (sw *streamWriter) part(how byte, b []byte, t *Truncation) {
	switch how {
	case partVerbatim:
		sw.write(b)
	case partCompact:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil && sw.err == nil {
			sw.err = err // planned as valid: only a changed body gets here
		}
		sw.write(buf.Bytes())
	case partEmptyObject:
		sw.str("{}")
	case partText, partInvalidText:
		sw.str(`{"data":`)
		sw.jsonString(b)
	case partBase64, partInvalidBase64:
		sw.str(`{"data":"`)
		if sw.err == nil {
			enc := base64.NewEncoder(base64.StdEncoding, sw.w)
			_, sw.err = enc.Write(b)
			if err := enc.Close(); sw.err == nil {
				sw.err = err
			}
		}
		sw.str(`","encoding":"base64"`)
	}
	switch how {
	case partInvalidText, partInvalidBase64:
		sw.str(`,"invalid_json":true`)
	}
	switch how {
	case partText, partBase64, partInvalidText, partInvalidBase64:
		if t != nil {
			b := append(sw.scratch[:0], `,"truncated":{"length":`...)
			b = strconv.AppendInt(b, t.Declared, 10)
			b = append(b, `,"received":`...)
			b = strconv.AppendInt(b, t.Received, 10)
			sw.write(append(b, '}'))
		}
		sw.str("}")
	}
}

// isTextType reports whether items of type t are text whatever their content
// type says (statsd lines are sent without one).
func isTextType(t string) bool { return t == "statsd" }

// jsonString writes s, which must be valid UTF-8, as a JSON string: runs
// that need no escaping are written as they are.
func (sw *streamWriter) jsonString(s []byte) {
	const hex = "0123456789abcdef"
	sw.str(`"`)
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		sw.write(s[start:i])
		esc := sw.scratch[:0]
		switch c {
		case '"', '\\':
			esc = append(esc, '\\', c)
		case '\n':
			esc = append(esc, '\\', 'n')
		case '\r':
			esc = append(esc, '\\', 'r')
		case '\t':
			esc = append(esc, '\\', 't')
		default:
			esc = append(esc, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		sw.write(esc)
		start = i + 1
	}
	sw.write(s[start:])
	sw.str(`"`)
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
