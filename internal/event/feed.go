package event

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
)

// Op is what happened to a record, in the feed.
type Op string

const (
	opAdd    Op = "add"
	opUpdate Op = "update" // a trace got (or lost) spans, errors or logs
	opRemove Op = "remove" // evicted
	opClear  Op = "clear"  // everything was cleared
	// OpReset tells a reader its cursor is unknown (another run of the
	// sidecar, or older than the feed keeps): reload, then follow.
	OpReset Op = "reset"
)

// feedSize bounds the changes kept for readers that resume.
const feedSize = 10_000

// Change is one entry of the feed.
type Change struct {
	Seq  uint64
	Op   Op
	Kind Kind
	ID   string
}

// feed is the store's log of changes, a ring of the last feedSize, with a
// channel closed (and replaced) on every addition to wake readers.
type feed struct {
	epoch   string
	changes []Change // changes[i].Seq == first+i
	first   uint64
	last    uint64 // seq of the newest change (0: none yet)
	wake    chan struct{}
}

func newFeed() feed {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return feed{epoch: hex.EncodeToString(b), first: 1, wake: make(chan struct{})}
}

// add appends a change. Caller holds the store's lock.
func (f *feed) add(op Op, kind Kind, id string) {
	f.last++
	f.changes = append(f.changes, Change{Seq: f.last, Op: op, Kind: kind, ID: id})
	if len(f.changes) > feedSize {
		// Drop the oldest half at once: amortised O(1) per change.
		n := len(f.changes) - feedSize/2
		f.changes = append(f.changes[:0:0], f.changes[n:]...)
		f.first += uint64(n)
	}
	close(f.wake)
	f.wake = make(chan struct{})
}

func (f *feed) cursor() string { return f.epoch + "-" + strconv.FormatUint(f.last, 10) }

// parseCursor returns the sequence of a cursor of this feed.
func (f *feed) parseCursor(c string) (uint64, bool) {
	epoch, seq, ok := strings.Cut(c, "-")
	if !ok || epoch != f.epoch {
		return 0, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	return n, err == nil && n <= f.last
}

// Cursor is the feed position now: reading from it yields what changes next.
func (s *Store) Cursor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.feed.cursor()
}

// Changes returns the changes after cursor (at most max), the cursor after
// them, and a channel closed when more arrive. An unknown or too old cursor
// yields one OpReset change (carrying the current cursor): the reader
// reloads its lists and follows from there. "" means from now.
func (s *Store) Changes(cursor string, max int) (out []Change, next string, wait <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.feed
	if cursor == "" {
		return nil, f.cursor(), f.wake
	}
	seq, ok := f.parseCursor(cursor)
	if !ok || seq+1 < f.first {
		return []Change{{Seq: f.last, Op: OpReset}}, f.cursor(), f.wake
	}
	start := int(seq + 1 - f.first)
	end := min(len(f.changes), start+max)
	out = append(out, f.changes[start:end]...)
	if end > start {
		return out, f.epoch + "-" + strconv.FormatUint(out[len(out)-1].Seq, 10), f.wake
	}
	return out, cursor, f.wake
}

// CursorAt is the cursor of a change returned by Changes.
func (s *Store) CursorAt(c Change) string { return s.feed.epoch + "-" + strconv.FormatUint(c.Seq, 10) }

// Lookup is Get for the feed: the summary of the record a change names, if
// it is still held.
func (s *Store) Lookup(c Change) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.get(c.Kind, c.ID) // not Get: a summary needs no details
	if !ok {
		return Record{}, false
	}
	return r.Summary(), true
}
