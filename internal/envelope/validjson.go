package envelope

import (
	"encoding/binary"
	"math/bits"
)

// scanJSON reports whether b is exactly one valid JSON value (as json.Valid,
// without checking UTF-8), and whether it has whitespace outside strings, i.e.
// needs json.Compact before it fits on one line. It exists because the
// streaming path checks every payload and encoding/json's scanner is several
// times slower; FuzzScanJSON checks it against json.Valid.
func scanJSON(b []byte) (valid, hasSpace bool) {
	s := jsonScanner{b: b}
	s.skipSpace()
	if !s.value(0) {
		return false, false
	}
	s.skipSpace()
	return s.i == len(s.b), s.space
}

// scanObject reports whether b is exactly one valid JSON object, calling
// member with the raw key and value of each of its members.
func scanObject(b []byte, member func(key, val []byte)) bool {
	s := jsonScanner{b: b}
	s.skipSpace()
	if s.i >= len(b) || b[s.i] != '{' || !s.object(1, member) {
		return false
	}
	s.skipSpace()
	return s.i == len(b)
}

// maxJSONDepth matches encoding/json's nesting limit.
const maxJSONDepth = 10000

type jsonScanner struct {
	b     []byte
	i     int
	space bool
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.space = true
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) value(depth int) bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '{':
		return depth < maxJSONDepth && s.object(depth+1, nil)
	case c == '[':
		return depth < maxJSONDepth && s.array(depth+1)
	case c == '"':
		return s.string()
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	}
	return false
}

// object scans an object; member, when not nil, is called with the raw key
// (quoted) and raw value of each member.
func (s *jsonScanner) object(depth int, member func(key, val []byte)) bool {
	s.i++ // '{'
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		keyStart := s.i
		if s.i >= len(s.b) || s.b[s.i] != '"' || !s.string() {
			return false
		}
		keyEnd := s.i
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.skipSpace()
		valStart := s.i
		if !s.value(depth) {
			return false
		}
		if member != nil {
			member(s.b[keyStart:keyEnd], s.b[valStart:s.i])
		}
		if done, ok := s.next('}'); done || !ok {
			return ok
		}
	}
}

// next consumes what follows a member or element: a comma (more to come) or
// the closing bracket (done).
func (s *jsonScanner) next(closer byte) (done, ok bool) {
	s.skipSpace()
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case ',':
			s.i++
			s.skipSpace()
			return false, true
		case closer:
			s.i++
			return true, true
		}
	}
	return false, false
}

func (s *jsonScanner) array(depth int) bool {
	s.i++ // '['
	s.skipSpace()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return true
	}
	for {
		if !s.value(depth) {
			return false
		}
		if done, ok := s.next(']'); done || !ok {
			return ok
		}
	}
}

func (s *jsonScanner) string() bool {
	b := s.b
	i := s.i + 1 // after the opening quote
	for i < len(b) {
		// Skip 8 plain bytes at a time: strings are most of a payload. When
		// a word holds a special byte, jump straight to the first one (the
		// lowest flagged byte of the mask is always exact).
		for i+8 <= len(b) {
			m := specialBytes(binary.LittleEndian.Uint64(b[i:]))
			if m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if i+1 >= len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return false
				}
				i += 6
			default:
				return false
			}
		default:
			i++
		}
	}
	return false
}

// specialBytes flags (with its high bit) each byte of x that is '"', '\\'
// or a control character (< 0x20), using the "has a zero byte" and "has a
// byte less than n" word tricks. A borrow can also flag a byte above a
// flagged one, never below, so the lowest flag is exact.
func specialBytes(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return ((quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*0x20)&^x) & highs
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *jsonScanner) number() bool {
	b, i := s.b, s.i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func (s *jsonScanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// ScanObject reports whether b is exactly one valid JSON object (UTF-8 not
// checked), calling member with the raw (quoted) key and raw value of each
// of its members, which alias b. It is this package's fast scanner, for
// readers that pick a few members of large payloads (internal/event).
func ScanObject(b []byte, member func(key, val []byte)) bool { return scanObject(b, member) }
