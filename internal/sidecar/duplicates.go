package sidecar

import (
	"hash/maphash"
	"sync"
	"time"
)

// An SDK with Spotlight support whose DSN also points at the sidecar (as
// `spotlight run` sets SENTRY_DSN when unset; only its sidecar checks) sends every envelope twice,
// byte for byte: once to /stream and once to /api/<id>/envelope/, at the same
// moment. A body identical to one received within duplicateWindow on the
// other route (Spotlight's /stream versus a DSN's /api/...) is therefore
// kept once, and its request answered with the first copy's id. Each copy
// absorbs at most one such twin, and the same body posted again to the same
// route is kept again (a replayed fixture, the load tool).
const (
	duplicateWindow = 10 * time.Second
	duplicateSlots  = 64 // bodies remembered (hashes, not bodies)
)

// recentBodies remembers the hashes of the last bodies received.
type recentBodies struct {
	seed maphash.Seed
	mu   sync.Mutex
	ring []*arrival
	next int
	byID map[uint64]*arrival
}

// arrival is one remembered body; id is set, and done closed, once the
// first copy is buffered.
type arrival struct {
	hash    uint64
	at      time.Time
	stream  bool // came to /stream (else to a DSN route)
	twinned bool // its twin from the other route came already
	id      string
	done    chan struct{}
}

func newRecentBodies() *recentBodies {
	return &recentBodies{seed: maphash.MakeSeed(), byID: map[uint64]*arrival{}}
}

// claim returns the earlier arrival of an identical body from the other
// route within the window (dup true), or a new arrival the caller must
// finish with its entry's id.
func (r *recentBodies) claim(body []byte, stream bool, now time.Time) (a *arrival, dup bool) {
	h := maphash.Bytes(r.seed, body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if a, ok := r.byID[h]; ok && a.stream != stream && !a.twinned && now.Sub(a.at) < duplicateWindow {
		a.twinned = true
		return a, true
	}
	a = &arrival{hash: h, at: now, stream: stream, done: make(chan struct{})}
	if len(r.ring) < duplicateSlots {
		r.ring = append(r.ring, a)
	} else {
		if old := r.ring[r.next]; r.byID[old.hash] == old {
			delete(r.byID, old.hash)
		}
		r.ring[r.next] = a
		r.next = (r.next + 1) % duplicateSlots
	}
	r.byID[h] = a
	return a, false
}

// finish records the buffered id of a claimed arrival ("" if it was not
// buffered after all: then it no longer counts).
func (r *recentBodies) finish(a *arrival, id string) {
	if id == "" {
		r.mu.Lock()
		if r.byID[a.hash] == a {
			delete(r.byID, a.hash)
		}
		r.mu.Unlock()
	}
	a.id = id
	close(a.done)
}

// wait returns the id of the first copy, waiting for it to be buffered.
func (a *arrival) wait(timeout time.Duration) string {
	select {
	case <-a.done:
		return a.id
	case <-time.After(timeout):
		return ""
	}
}
