// Package buffer holds the sidecar's bounded in-memory log of envelopes and
// fans it out to live subscribers.
package buffer

// CONTRACT (to be implemented by the sidecar work): the exported API below is
// what other packages (runner, mcp, sidecar) compile against.

import (
	"context"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Event names used on the stream.
const (
	EventEnvelope     = "application/x-sentry-envelope"
	EventInstancePing = "spotlight/instance-ping"
)

// Entry is one buffered envelope, or an ephemeral broadcast (Event set to
// something other than EventEnvelope and ID empty, e.g. an instance ping).
type Entry struct {
	ID        string    // UUIDv7 assigned by Add; increases over time
	Event     string    // SSE event name; EventEnvelope for envelopes
	Received  time.Time // when the sidecar accepted it
	Body      []byte    // raw decompressed envelope body (GET /envelope/{id})
	Envelope  *envelope.Envelope
	Data      []byte // SSE data line(s): Envelope.MarshalStream() for envelopes
	UserAgent string // the sender's User-Agent, for source inference
}

// Options bounds the buffer.
type Options struct {
	MaxEntries int   // default 1000
	MaxBytes   int64 // default 256 MiB (sum of len(Body)+len(Data))
}

// Buffer is safe for concurrent use.
type Buffer struct{}

func New(opts Options) *Buffer { panic("not implemented") }

// Add assigns e.ID (and e.Event if empty) and stores it, evicting the oldest
// entries beyond the bounds, then wakes subscribers. It never blocks on them.
func (b *Buffer) Add(e *Entry) *Entry { panic("not implemented") }

// Broadcast delivers e to current subscribers without storing it.
func (b *Buffer) Broadcast(e *Entry) { panic("not implemented") }

// Get returns the buffered entry with that id.
func (b *Buffer) Get(id string) (*Entry, bool) { panic("not implemented") }

// Snapshot returns the buffered entries, oldest first.
func (b *Buffer) Snapshot() []*Entry { panic("not implemented") }

// Clear empties the buffer.
func (b *Buffer) Clear() { panic("not implemented") }

// Subscribe returns a subscription that first yields the buffered entries
// after afterID ("" for all, oldest first), then new ones.
func (b *Buffer) Subscribe(afterID string) *Subscription { panic("not implemented") }

// Subscription is one reader of the buffer.
type Subscription struct{}

// Next blocks until there are entries to deliver (or ctx ends / the
// subscription is closed) and returns them in order.
func (s *Subscription) Next(ctx context.Context) ([]*Entry, error) { panic("not implemented") }

// Close releases the subscription.
func (s *Subscription) Close() {}
