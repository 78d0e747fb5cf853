package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

const utf8BOM = "\xEF\xBB\xBF"

// MaxItems bounds the items of one envelope. Real SDKs send a handful (an
// event and its attachments; logs and spans travel many to an item), while
// each item costs a parsed header and a stream entry however small its
// payload: without a cap, 20 KB of gzip expand to millions of empty items
// and gigabytes of parsed form.
const MaxItems = 1000

// ErrTooManyItems is returned by Parse for an envelope of more than MaxItems
// items (413 at the HTTP layer).
var ErrTooManyItems = fmt.Errorf("envelope has more than %d items", MaxItems)

// Parse parses a raw (decompressed) envelope body. Payloads alias body: the
// caller must not modify body while the envelope is in use. Errors say what
// is wrong and where, e.g. "item 2 (byte 345): length 500 runs past the end
// of the body (120 bytes left)".
//
// Accepted leniently, as real SDKs send them: CRLF after header lines, a UTF-8
// BOM before the envelope header, blank lines between items, a missing final
// newline, items without "length" (payload up to the next newline), and a
// last item whose "length" runs past the end of the body (kept with what
// arrived and Item.Truncated set; see Envelope.Warning).
func Parse(body []byte) (*Envelope, error) {
	if len(trimJSONSpace(body)) == 0 {
		return nil, errors.New("envelope is empty: expected a JSON header line such as {}")
	}
	line, pos := readLine(body, 0)
	if len(line) >= len(utf8BOM) && string(line[:len(utf8BOM)]) == utf8BOM {
		line = line[len(utf8BOM):]
	}
	if !isJSONObject(line) {
		return nil, fmt.Errorf("envelope header (line 1) is not a JSON object: %s", excerpt(line))
	}
	env := &Envelope{Header: json.RawMessage(line)}
	for pos < len(body) {
		start := pos
		line, pos = readLine(body, pos)
		if len(trimJSONSpace(line)) == 0 {
			continue // blank line between items, or a trailing newline
		}
		n := len(env.Items) + 1
		if n > MaxItems {
			return nil, fmt.Errorf("%w (item %d starts at byte %d): send them in several envelopes", ErrTooManyItems, n, start)
		}
		h, err := parseItemHeader(line)
		if err != nil {
			return nil, fmt.Errorf("item %d (byte %d): %w", n, start, err)
		}
		item := Item{Header: json.RawMessage(line), Type: h.typ, ContentType: h.contentType, Filename: h.filename}
		if h.length < 0 {
			item.Payload, pos = readLine(body, pos)
			if len(item.Payload) == 0 {
				item.Payload = nil
			}
		} else {
			left := len(body) - pos
			if h.length > int64(left) {
				// The body ends inside this item: keep what arrived, marked,
				// rather than lose the intact items before it (upstream keeps
				// them too). Nothing can follow, so it is the last item.
				item.Payload = body[pos:len(body):len(body)]
				if left == 0 {
					item.Payload = nil
				}
				item.Truncated = &Truncation{Declared: h.length, Received: int64(left)}
				env.Items = append(env.Items, item)
				break
			}
			end := pos + int(h.length)
			if h.length > 0 {
				item.Payload = body[pos:end:end]
			}
			pos = end
			switch {
			case pos == len(body):
			case body[pos] == '\n':
				pos++
			case body[pos] == '\r' && pos+1 < len(body) && body[pos+1] == '\n':
				pos += 2
			default:
				return nil, fmt.Errorf("item %d (byte %d): payload of length %d is followed by %s instead of a newline; is the length right?", n, start, h.length, excerpt(body[pos:]))
			}
		}
		env.Items = append(env.Items, item)
	}
	return env, nil
}

// readLine returns the line starting at pos without its "\n" or "\r\n", and
// the position after the line end. The line aliases body.
func readLine(body []byte, pos int) (line []byte, next int) {
	i := bytes.IndexByte(body[pos:], '\n')
	if i < 0 {
		line, next = body[pos:], len(body)
	} else {
		line, next = body[pos:pos+i], pos+i+1
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line[:len(line):len(line)], next
}

func isJSONObject(b []byte) bool {
	b = trimJSONSpace(b)
	valid, _ := scanJSON(b)
	return len(b) >= 2 && b[0] == '{' && valid
}

// trimJSONSpace trims the whitespace JSON allows around a value (not \f or
// Unicode spaces, which bytes.TrimSpace would also remove).
func trimJSONSpace(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// itemHeader holds the item header fields the parser needs; length is -1 when
// the header has no length (payload ends at the next newline).
type itemHeader struct {
	typ, contentType, filename string
	length                     int64
}

// parseItemHeader reads an item header line. Keys match exactly, as in
// Relay ("Length" is not "length"); a repeated key's last value wins.
func parseItemHeader(line []byte) (itemHeader, error) {
	h := itemHeader{length: -1}
	var typ, contentType, filename, length []byte
	ok := scanObject(line, func(key, val []byte) {
		switch unquote(key) {
		case "type":
			typ = val
		case "content_type":
			contentType = val
		case "filename":
			filename = val
		case "length":
			length = val
		}
	})
	if !ok {
		return h, fmt.Errorf("item header is not a JSON object: %s", excerpt(line))
	}
	if typ != nil {
		if typ[0] != '"' {
			return h, fmt.Errorf(`item header "type" must be a string, got %s`, excerpt(typ))
		}
		h.typ = unquote(typ)
	}
	// A non-string content_type or filename is ignored rather than refused:
	// the item is still worth showing.
	if contentType != nil && contentType[0] == '"' {
		h.contentType = unquote(contentType)
	}
	if filename != nil && filename[0] == '"' {
		h.filename = unquote(filename)
	}
	if length != nil && string(length) != "null" {
		n, err := parseLength(length)
		if err != nil {
			return h, err
		}
		h.length = n
	}
	return h, nil
}

// unquote returns the value of a valid JSON string literal.
func unquote(lit []byte) string {
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	_ = json.Unmarshal(lit, &s) // lit was validated by the scanner
	return s
}

// parseLength accepts a non-negative JSON integer (also written as 1e3 or
// 10.0). Values beyond int64 are reported as too large; the caller compares
// the result with the bytes left before using it, so a hostile length never
// causes an allocation.
func parseLength(raw json.RawMessage) (int64, error) {
	s := string(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("length %d is negative; it must be the payload size in bytes", n)
		}
		return n, nil
	}
	var num json.Number
	// json.Number also accepts a quoted number: "3" is not a length.
	if raw[0] == '"' || json.Unmarshal(raw, &num) != nil {
		return 0, fmt.Errorf("length must be a number (the payload size in bytes), got %s", excerpt(raw))
	}
	f, err := num.Float64()
	switch {
	case err != nil || f >= 1<<62:
		return 0, fmt.Errorf("length %s is too large", s)
	case f < 0:
		return 0, fmt.Errorf("length %s is negative; it must be the payload size in bytes", s)
	case f != float64(int64(f)):
		return 0, fmt.Errorf("length %s is not a whole number of bytes", s)
	}
	return int64(f), nil
}

// excerpt quotes the start of b for an error message.
func excerpt(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}
