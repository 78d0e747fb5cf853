package buffer

import (
	"bytes"
	"io"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Entry is one buffered envelope, or an ephemeral broadcast (Event set to
// something other than EventEnvelope, ID empty, payload in Data, e.g. an
// instance ping). An Entry must not be modified after it is passed to Add or
// Broadcast: subscribers share it.
//
// An envelope's bytes are kept once: its raw body (what GET /envelope/{id}
// answers), zstd-compressed once it has been held for a while (see pack.go).
// The parsed envelope and the stream form are derived from that body; the
// stream form was validated once, by NewEnvelope, and writing it copies.
type Entry struct {
	ID        string    // UUIDv7 assigned by Add; increases over time
	Event     string    // SSE event name; EventEnvelope for envelopes
	Received  time.Time // when the sidecar accepted it
	UserAgent string    // the sender's User-Agent, for source inference
	Data      []byte    // a broadcast's SSE data line(s); nil for envelopes

	// Model is what Options.Model derived from the entry (the decoded
	// event model), cached with it and evicted with it; ModelBytes is its
	// cost, counted against MaxBytes with everything else the entry holds.
	Model      any
	ModelBytes int64
	// Origin is the instance an envelope was followed from, in the Control
	// Center's merged copy of every instance's events (nil elsewhere).
	Origin *Origin

	plan envelope.StreamPlan
	form atomic.Pointer[form] // nil for broadcasts

	// Guarded by the buffer's lock once added.
	seq     uint64    // position in the buffer's log
	added   time.Time // when Add stored it (the buffer's clock, for packing)
	charged int64     // the bytes counted for it in Buffer.bytes
}

// Origin names the instance an envelope of the merged copy came from. All
// entries of one instance share one Origin; it never changes.
type Origin struct {
	InstanceID string // registry instance id; "home" for the Control Center's own envelopes
	Project    string // project name ("" for the Control Center's own)
	Port       int
}

// form is how an envelope's body is held: raw with its parsed envelope
// (aliasing the body), or packed (zstd) by codec.
type form struct {
	body  []byte
	env   *envelope.Envelope // nil when packed
	codec *codec             // set when packed
}

// NewEnvelope parses and validates a raw (decompressed) envelope body into
// an entry. The body is kept, not copied (the caller must not modify it),
// unless its buffer is much larger than it, as one grown while the body
// arrived can be: then the entry keeps a copy of its size. The error says
// what is wrong and where (the answer to a malformed envelope).
func NewEnvelope(body []byte, userAgent string) (*Entry, error) {
	if cap(body)-len(body) > len(body)/8+4096 {
		body = bytes.Clone(body)
	}
	env, err := envelope.Parse(body)
	if err != nil {
		return nil, err
	}
	plan, err := env.PlanStream()
	if err != nil {
		return nil, err
	}
	e := &Entry{Event: EventEnvelope, UserAgent: userAgent, plan: plan}
	e.form.Store(&form{body: body, env: env})
	return e, nil
}

// IsEnvelope reports whether e holds an envelope (not a broadcast).
func (e *Entry) IsEnvelope() bool { return e.form.Load() != nil }

// Body returns the raw envelope body as received (nil for a broadcast). A
// packed entry is decompressed into a new slice each call.
func (e *Entry) Body() []byte {
	f := e.form.Load()
	if f == nil {
		return nil
	}
	if f.codec == nil {
		return f.body
	}
	body, err := f.codec.unpack(f.body)
	if err != nil {
		// The buffer compressed these bytes itself: failing to read them
		// back is a bug, not bad input.
		panic("buffer: unpacking a held envelope: " + err.Error())
	}
	return body
}

// Envelope returns the parsed envelope (nil for a broadcast). Its payloads
// alias the body and must not be modified.
func (e *Entry) Envelope() *envelope.Envelope {
	_, env := e.Open()
	return env
}

// Open returns the body and its parsed envelope together (nils for a
// broadcast), unpacking a packed entry once rather than once for each.
func (e *Entry) Open() ([]byte, *envelope.Envelope) {
	f := e.form.Load()
	if f == nil {
		return nil, nil
	}
	if f.env != nil {
		return f.body, f.env
	}
	body := e.Body()
	env, err := envelope.Parse(body)
	if err != nil {
		panic("buffer: a held envelope no longer parses: " + err.Error())
	}
	return body, env
}

// WriteStream writes the envelope's stream form (envelope.MarshalStream's
// one-line JSON), or a broadcast's Data.
func (e *Entry) WriteStream(w io.Writer) error {
	env := e.Envelope()
	if env == nil {
		_, err := w.Write(e.Data)
		return err
	}
	return env.WriteStream(w, e.plan)
}

// AppendStream appends what WriteStream writes to dst.
func (e *Entry) AppendStream(dst []byte) []byte {
	buf := bytes.NewBuffer(dst)
	_ = e.WriteStream(buf) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// packed reports whether the body is held compressed.
func (e *Entry) packed() bool {
	f := e.form.Load()
	return f != nil && f.codec != nil
}

// Sizes of what every entry holds besides its byte slices.
const (
	entryOverhead    = int64(unsafe.Sizeof(Entry{}) + unsafe.Sizeof(form{}))
	envelopeOverhead = int64(unsafe.Sizeof(envelope.Envelope{}))
	itemOverhead     = int64(unsafe.Sizeof(envelope.Item{}))
	idBytes          = 36 // a UUID's canonical string
)

// cost is every byte the entry holds in memory: its body (raw or packed),
// the parsed envelope, the stream plan, its strings and the cached model.
// Byte slices count at the size the allocator gives them, not their length.
func (e *Entry) cost() int64 {
	n := entryOverhead + idBytes + allocSize(len(e.UserAgent)) + allocSize(cap(e.Data)) + allocSize(cap(e.plan)) + e.ModelBytes
	f := e.form.Load()
	if f == nil {
		return n
	}
	n += allocSize(cap(f.body))
	if env := f.env; env != nil {
		n += envelopeOverhead + allocSize(cap(env.Items)*int(itemOverhead))
		for _, it := range env.Items {
			// Header and Payload alias the body; the strings are copies.
			n += allocSize(len(it.Type)) + allocSize(len(it.ContentType)) + allocSize(len(it.Filename))
		}
	}
	return n
}

// allocSize is an upper bound of what the Go allocator spends on an object
// of n bytes: small objects are rounded up to a size class (at most 1/8
// more, at least 8 bytes), large ones to whole 8 KiB pages.
func allocSize(n int) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 32<<10:
		return int64(max(8, n+n/8))
	}
	const page = 8 << 10
	return int64((n + page - 1) / page * page)
}
