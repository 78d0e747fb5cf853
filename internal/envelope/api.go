package envelope

// CONTRACT (to be implemented by the sidecar work): the functions below are
// the package's public API that other packages compile against.

import (
	"errors"
	"io"
)

// Errors returned by Decode so HTTP handlers can map them to status codes.
var (
	ErrUnsupportedEncoding = errors.New("unsupported content encoding") // 415
	ErrCorruptBody         = errors.New("corrupt compressed body")      // 400
	ErrTooLarge            = errors.New("body too large")               // 413
)

// Parse parses a raw (decompressed) envelope body. Errors say what is wrong
// (e.g. "item 2: length 500 runs past the end of the body (120 bytes left)").
func Parse(body []byte) (*Envelope, error) { panic("not implemented") }

// Decode reads r, undoing contentEncoding (gzip, deflate, br, zstd, identity
// or ""), and returns at most limit bytes of decompressed data.
func Decode(r io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	panic("not implemented")
}

// MarshalStream encodes the envelope in the JSON form streamed over SSE:
// [header, [[itemHeader, payload], ...]] where a JSON item's payload is the
// parsed object and a raw item's payload is {"data": "..."} (UTF-8 text for
// textual content types, base64 otherwise).
func (e *Envelope) MarshalStream() ([]byte, error) { panic("not implemented") }

// UnmarshalStream is the inverse of MarshalStream (used by clients of the
// stream such as `spotlight tail`): JSON payloads become Payload bytes again,
// raw {"data": ...} payloads are decoded back to their bytes.
func UnmarshalStream(data []byte) (*Envelope, error) { panic("not implemented") }

// Encode writes the envelope in the wire format SDKs send (with explicit
// item lengths), e.g. for `spotlight run` log envelopes and tests.
func (e *Envelope) Encode() []byte { panic("not implemented") }

func isJSONType(t string) bool { panic("not implemented") }
