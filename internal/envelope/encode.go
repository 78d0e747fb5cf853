package envelope

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// header returns the item header as sent, or one built from the item's
// fields when it has none (an item made in code).
func (it Item) header() []byte {
	if len(trimJSONSpace(it.Header)) > 0 {
		return it.Header
	}
	fields := struct {
		Type        string `json:"type"`
		ContentType string `json:"content_type,omitempty"`
		Filename    string `json:"filename,omitempty"`
	}{it.Type, it.ContentType, it.Filename}
	b, _ := json.Marshal(fields) // cannot fail: three strings
	return b
}

// Encode writes the envelope in the wire format SDKs send, each item header
// carrying the payload's actual "length" (replacing any length it had), so
// the result parses back to the same items whatever the payload holds.
func (e *Envelope) Encode() []byte {
	size := len(e.Header) + 3
	for _, it := range e.Items {
		size += len(it.Header) + len(it.Payload) + 48
	}
	out := make([]byte, 0, size)
	if h := trimJSONSpace(e.Header); len(h) > 0 {
		buf := bytes.NewBuffer(out)
		if json.Compact(buf, h) != nil {
			buf.Write(h) // not JSON: written as is, and Parse will say so
		}
		out = buf.Bytes()
	} else {
		out = append(out, "{}"...)
	}
	out = append(out, '\n')
	for _, it := range e.Items {
		h := it.header()
		if !isJSONObject(h) {
			h = Item{Type: it.Type, ContentType: it.ContentType, Filename: it.Filename}.header()
		}
		out = appendHeaderWithLength(out, h, len(it.Payload))
		out = append(out, '\n')
		out = append(out, it.Payload...)
		out = append(out, '\n')
	}
	return out
}

// appendHeaderWithLength appends the JSON object hdr with its "length" set to
// n, keeping the other members in order.
func appendHeaderWithLength(dst, hdr []byte, n int) []byte {
	hdr = trimJSONSpace(hdr)
	if bytes.ContainsAny(hdr, "\r\n") {
		// A header made in code may be indented; the wire format needs one line.
		var c bytes.Buffer
		if json.Compact(&c, hdr) == nil {
			hdr = c.Bytes()
		}
	}
	if !bytes.Contains(hdr, []byte(`"length"`)) {
		// Fast path: insert before the closing brace.
		body := trimJSONSpace(hdr[1 : len(hdr)-1])
		dst = append(dst, '{')
		if len(body) > 0 {
			dst = append(dst, body...)
			dst = append(dst, ',')
		}
		dst = append(dst, `"length":`...)
		dst = strconv.AppendInt(dst, int64(n), 10)
		return append(dst, '}')
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	_, _ = dec.Token() // '{'; hdr was validated as an object by Parse
	dst = append(dst, '{')
	for dec.More() {
		tok, err := dec.Token()
		key, _ := tok.(string)
		var val json.RawMessage
		if err != nil || dec.Decode(&val) != nil {
			break
		}
		if key == "length" {
			continue
		}
		k, _ := json.Marshal(key)
		dst = append(dst, k...)
		dst = append(dst, ':')
		dst = append(dst, val...)
		dst = append(dst, ',')
	}
	dst = append(dst, `"length":`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '}')
}

// WithHeaderMember returns a copy of e (sharing its items) whose header has
// the member key: value appended last, so that JSON decoders, which keep
// the last of repeated keys, read this value even if the sender used the
// key too. value must be valid JSON.
func (e *Envelope) WithHeaderMember(key string, value json.RawMessage) *Envelope {
	h := trimJSONSpace(e.Header)
	if !isJSONObject(h) {
		h = []byte("{}")
	}
	inner := trimJSONSpace(h[1 : len(h)-1])
	out := make([]byte, 0, len(h)+len(key)+len(value)+4)
	out = append(out, h[:len(h)-1]...)
	if len(inner) > 0 {
		out = append(out, ',')
	}
	k, _ := json.Marshal(key) // cannot fail: a string
	out = append(out, k...)
	out = append(out, ':')
	out = append(out, value...)
	out = append(out, '}')
	return &Envelope{Header: out, Items: e.Items}
}
