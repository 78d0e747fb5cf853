// Package buffer holds the sidecar's bounded in-memory log of envelopes and
// fans it out to live subscribers.
//
// Subscribers do not get a queue of envelopes each: a subscription is a
// cursor (a sequence number) into the shared log plus a one-slot wake-up
// channel. Add therefore never blocks and costs the same however slow the
// readers are. A subscriber that falls so far behind that the entries at its
// cursor were evicted skips them and resumes at the oldest entry still held
// (Subscription.Skipped counts them). Ephemeral broadcasts (instance pings)
// are not in the log; each subscriber holds at most maxPending of them and
// drops the oldest when more arrive.
package buffer

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Event names used on the stream.
const (
	EventEnvelope     = "application/x-sentry-envelope"
	EventInstancePing = "spotlight/instance-ping"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxEntries       = 1000
	DefaultMaxBytes   int64 = 256 << 20
)

// maxPending bounds the ephemeral entries queued for one subscriber.
const maxPending = 64

// maxBatch bounds how many entries one Next call returns, so a subscriber
// replaying a full buffer writes (and flushes) in reasonable chunks.
const maxBatch = 256

// maxBatchBytes bounds the bytes of one Next call's envelopes (a single
// larger envelope is a batch of its own), so what a reader holds while it
// writes is small whatever the buffer holds.
const maxBatchBytes = 1 << 20

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("subscription closed")

// Model derives a parsed form from each entry and keeps an index of what
// the buffer holds. The buffer calls it at fixed points so the derived form
// lives and dies with its entry and is counted in the byte bound.
type Model interface {
	// Decode runs in Add before the entry is stored, outside the buffer's
	// lock. It returns what becomes Entry.Model and its size in bytes.
	Decode(e *Entry) (model any, bytes int64)
	// Added and Removed run under the buffer's lock, so in buffer order:
	// Added after e is stored (e.ID set), Removed with the entries that
	// were evicted (oldest first) or cleared. They must be quick and must
	// not call the Buffer.
	Added(e *Entry)
	Removed(es []*Entry)
}

// Options bounds the buffer.
type Options struct {
	MaxEntries int // default 1000
	// MaxBytes bounds every byte the held entries cost in memory (default
	// 256 MiB): bodies as held (raw, or packed), parsed envelopes, stream
	// plans, strings and models (Entry.ModelBytes).
	MaxBytes int64
	Model    Model // optional
	// PackAfter is how long an envelope is held raw before it is compressed
	// (default 2 s; negative: never). See pack.go.
	PackAfter time.Duration
	// Packed, if set, is called after each packing pass (outside the lock)
	// with the bytes it saved and whether every entry held is packed now,
	// e.g. to hand the freed memory back to the OS.
	Packed func(saved int64, caughtUp bool)
}

// Buffer is safe for concurrent use.
//
// Entries are numbered by a sequence that never restarts (not even on
// Clear): entries[i] has sequence first+i. The newest entry is always kept,
// even if it alone exceeds MaxBytes, so it still reaches subscribers.
type Buffer struct {
	opts Options

	codec codec

	mu      sync.Mutex
	entries []*Entry
	first   uint64 // sequence of entries[0]
	bytes   int64
	subs    map[*Subscription]struct{}
	evicted evictions
	// packedTo is the sequence of the first entry the packer has not
	// looked at; packing says a pass is scheduled or running.
	packedTo uint64
	packing  bool
}

// evictions counts what the bounds pushed out (not what Clear removed).
type evictions struct {
	entries uint64
	bytes   int64
	last    time.Time
}

// New returns an empty buffer.
func New(opts Options) *Buffer {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.PackAfter == 0 {
		opts.PackAfter = DefaultPackAfter
	}
	return &Buffer{opts: opts, subs: make(map[*Subscription]struct{})}
}

// next is the sequence the next added entry gets. Caller holds b.mu.
func (b *Buffer) next() uint64 { return b.first + uint64(len(b.entries)) }

// Add assigns e.ID (and e.Event if empty) and stores it, evicting the oldest
// entries beyond the bounds, then wakes subscribers. It never blocks on them.
func (b *Buffer) Add(e *Entry) *Entry {
	if e.Event == "" {
		e.Event = EventEnvelope
	}
	if e.Received.IsZero() {
		e.Received = time.Now()
	}
	if m := b.opts.Model; m != nil && e.Model == nil {
		e.Model, e.ModelBytes = m.Decode(e)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// uuid.NewV7 is monotonic within the process and its canonical form is
	// fixed-width lowercase hex, so assigning under the lock makes string
	// order equal insertion order (and later than any earlier run's ids,
	// clock permitting).
	e.ID = uuid.Must(uuid.NewV7()).String()
	e.seq = b.next()
	e.added = time.Now()
	e.charged = e.cost()
	b.entries = append(b.entries, e)
	b.bytes += e.charged
	if m := b.opts.Model; m != nil {
		m.Added(e)
	}
	evict := 0
	for len(b.entries)-evict > 1 && (len(b.entries)-evict > b.opts.MaxEntries || b.bytes > b.opts.MaxBytes) {
		b.bytes -= b.entries[evict].charged
		b.evicted.bytes += b.entries[evict].charged
		evict++
	}
	if evict > 0 {
		b.evicted.entries += uint64(evict)
		b.evicted.last = e.added
		if m := b.opts.Model; m != nil {
			m.Removed(b.entries[:evict])
		}
		clear(b.entries[:evict]) // let the evicted entries be collected
		b.entries = b.entries[evict:]
		b.first += uint64(evict)
	}
	if e.IsEnvelope() {
		b.schedulePack(b.opts.PackAfter)
	}
	for s := range b.subs {
		if s.heldFrom < s.heldTo && s.heldFrom < b.first {
			s.signalLost()
		}
		s.wake()
	}
	return e
}

// Broadcast delivers e to current subscribers without storing it.
func (b *Buffer) Broadcast(e *Entry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		if len(s.pending) == maxPending {
			copy(s.pending, s.pending[1:])
			s.pending = s.pending[:maxPending-1]
		}
		s.pending = append(s.pending, e)
		s.wake()
	}
}

// index returns the position of the first entry whose id is greater than
// id (len(entries) if none). Caller holds b.mu.
func (b *Buffer) index(id string) int {
	return sort.Search(len(b.entries), func(i int) bool { return b.entries[i].ID > id })
}

// Get returns the buffered entry with that id.
func (b *Buffer) Get(id string) (*Entry, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := sort.Search(len(b.entries), func(i int) bool { return b.entries[i].ID >= id })
	if i < len(b.entries) && b.entries[i].ID == id {
		return b.entries[i], true
	}
	return nil, false
}

// Snapshot returns the buffered entries, oldest first.
func (b *Buffer) Snapshot() []*Entry {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Entry(nil), b.entries...)
}

// Stats is what the buffer holds and has evicted (GET /api/stats).
type Stats struct {
	Entries    int   `json:"entries"`    // envelopes held
	Bytes      int64 `json:"bytes"`      // what they cost in memory, as counted against MaxBytes
	Packed     int   `json:"packed"`     // how many of them are held compressed
	MaxEntries int   `json:"maxEntries"` // the bounds
	MaxBytes   int64 `json:"maxBytes"`
	// Evicted and EvictedBytes count the envelopes the bounds pushed out
	// since start (DELETE /clear is not eviction); LastEvictedAt is when the
	// last one went, OldestID the oldest envelope still held.
	Evicted       uint64     `json:"evicted"`
	EvictedBytes  int64      `json:"evictedBytes"`
	LastEvictedAt *time.Time `json:"lastEvictedAt,omitempty"`
	OldestID      string     `json:"oldestId,omitempty"`
}

// Stats returns what the buffer holds now and has evicted.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := Stats{
		Entries: len(b.entries), Bytes: b.bytes, MaxEntries: b.opts.MaxEntries, MaxBytes: b.opts.MaxBytes,
		Evicted: b.evicted.entries, EvictedBytes: b.evicted.bytes,
	}
	if !b.evicted.last.IsZero() {
		t := b.evicted.last.UTC()
		s.LastEvictedAt = &t
	}
	if len(b.entries) > 0 {
		s.OldestID = b.entries[0].ID
	}
	for _, e := range b.entries {
		if e.packed() {
			s.Packed++
		}
	}
	return s
}

// Len returns the number of buffered entries and their size in bytes.
func (b *Buffer) Len() (entries int, bytes int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.entries), b.bytes
}

// Clear empties the buffer. Subscribers keep their place: they receive only
// entries added after the Clear.
func (b *Buffer) Clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.opts.Model; m != nil && len(b.entries) > 0 {
		m.Removed(b.entries)
	}
	b.first = b.next()
	b.entries = nil
	b.bytes = 0
	for s := range b.subs {
		if s.heldFrom < s.heldTo {
			s.signalLost()
		}
	}
}

// Subscribe returns a subscription that first yields the buffered entries
// after afterID ("" for all, oldest first), then new ones.
//
// "After" is by id comparison, so an id from an earlier run of the sidecar,
// or one already evicted, still selects the entries newer than it; an id
// newer than every entry selects only future ones. An afterID that is not a
// UUID is ignored (everything buffered is replayed).
func (b *Buffer) Subscribe(afterID string) *Subscription {
	s := &Subscription{b: b, notify: make(chan struct{}, 1), lost: make(chan struct{}, 1), done: make(chan struct{})}
	b.mu.Lock()
	defer b.mu.Unlock()
	s.cursor = b.first
	if afterID != "" {
		if u, err := uuid.Parse(afterID); err == nil {
			s.cursor = b.first + uint64(b.index(u.String()))
		}
	}
	b.subs[s] = struct{}{}
	if s.cursor < b.next() {
		s.wake()
	}
	return s
}

// Subscription is one reader of the buffer.
type Subscription struct {
	b      *Buffer
	notify chan struct{} // one slot: "something may be ready"
	lost   chan struct{} // one slot: "an entry you hold was evicted"
	done   chan struct{}
	once   sync.Once

	// Guarded by b.mu.
	cursor  uint64   // sequence of the next envelope to deliver
	pending []*Entry // ephemeral entries not yet delivered
	skipped uint64
	// heldFrom..heldTo are the sequences of the last batch handed out and
	// not yet Released (empty when equal).
	heldFrom, heldTo uint64
}

func (s *Subscription) signalLost() {
	select {
	case s.lost <- struct{}{}:
	default:
	}
}

func (s *Subscription) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// take collects what is ready for s, or nil.
func (s *Subscription) take() []*Entry {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.cursor < b.first {
		s.skipped += b.first - s.cursor
		s.cursor = b.first
	}
	n := int(b.next() - s.cursor)
	if n == 0 && len(s.pending) == 0 {
		return nil
	}
	start := int(s.cursor - b.first)
	n = batchLen(b.entries[start : start+n])
	if start+n < len(b.entries) {
		s.wake() // more remain: let the next call find them without waiting
	}
	out := make([]*Entry, 0, len(s.pending)+n)
	out = append(out, s.pending...)
	out = append(out, b.entries[start:start+n]...)
	s.heldFrom, s.heldTo = s.cursor, s.cursor+uint64(n)
	clear(s.pending)
	s.pending = s.pending[:0]
	s.cursor += uint64(n)
	return out
}

// batchLen is how many of entries make one batch: at most maxBatch, and at
// most maxBatchBytes unless the first alone is larger.
func batchLen(entries []*Entry) int {
	var bytes int64
	for i, e := range entries {
		bytes += e.charged
		if i == maxBatch || (i > 0 && bytes > maxBatchBytes) {
			return i
		}
	}
	return len(entries)
}

// Next blocks until there are entries to deliver (or ctx ends / the
// subscription is closed) and returns them in order: pending ephemeral
// entries first, then envelopes oldest first.
func (s *Subscription) Next(ctx context.Context) ([]*Entry, error) {
	for {
		select {
		case <-s.done:
			return nil, ErrClosed
		default:
		}
		if out := s.take(); out != nil {
			return out, nil
		}
		select {
		case <-s.notify:
		case <-s.done:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Ready is signalled when entries may be ready; pair it with TryNext to
// wait on other channels too (e.g. a keep-alive ticker).
func (s *Subscription) Ready() <-chan struct{} { return s.notify }

// TryNext returns what is ready without waiting, or nil.
func (s *Subscription) TryNext() []*Entry {
	select {
	case <-s.done:
		return nil
	default:
		return s.take()
	}
}

// Lost is signalled when an entry of the batch last returned (and not yet
// Released) is evicted: a reader stuck writing it should give up, so that
// the evicted entry is not kept alive by the reader alone.
func (s *Subscription) Lost() <-chan struct{} { return s.lost }

// Release says the batch last returned has been delivered (Lost no longer
// concerns it).
func (s *Subscription) Release() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.heldFrom, s.heldTo = 0, 0
}

// CaughtUp reports whether every envelope buffered so far has been taken
// by this subscriber (a sidecar about to stop waits for its followers).
func (s *Subscription) CaughtUp() bool {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.cursor >= s.b.next()
}

// Skipped reports how many envelopes this subscriber missed because they
// were evicted before it read them.
func (s *Subscription) Skipped() uint64 {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.skipped
}

// Close releases the subscription. It is safe to call more than once and
// concurrently with Next, which then returns ErrClosed.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.b.mu.Lock()
		delete(s.b.subs, s)
		s.pending = nil
		s.b.mu.Unlock()
		close(s.done)
	})
}
