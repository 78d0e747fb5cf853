// Package memlimit ties the Go runtime's memory to the bounds of the
// sidecar's event buffers, which hold nearly all of its memory: the soft
// memory limit (debug.SetMemoryLimit) follows their byte bound, so the heap
// is collected before it outgrows what the buffers may hold, and the bytes
// that packing frees are handed back to the OS rather than kept for a heap
// that will not grow back.
package memlimit

import (
	"runtime/debug"
	"sync"
	"time"
)

// Base is what the sidecar itself needs besides its buffers' bytes: the
// runtime, HTTP connections, the envelopes being received and the garbage of
// reading them (idle, the Go heap is 2–4 MiB).
const Base = 4 << 20

// Limit is the soft memory limit for buffers bounded to bufferBytes in all:
// those bytes, an eighth more for the garbage collector to work in, and
// Base. With the few MiB of the binary itself that the limit does not cover,
// the process stays under 1.25 × bufferBytes + its idle RSS.
func Limit(bufferBytes int64) int64 { return bufferBytes + bufferBytes/8 + Base }

// Apply sets the process's soft memory limit for buffers bounded to
// bufferBytes, unless the user set GOMEMLIMIT (which the runtime already
// applied). It returns the limit in force.
func Apply(getenv func(string) string, bufferBytes int64) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1) // -1 reads the limit without changing it
	}
	limit := Limit(bufferBytes)
	debug.SetMemoryLimit(limit)
	return limit
}

// releaseAfter is how many freed bytes are worth a collection at once;
// less is handed back when packing has caught up, at most every
// releaseEvery (a steady trickle of envelopes catches up after each one).
const (
	releaseAfter = 16 << 20
	releaseEvery = time.Second
)

// Releaser hands memory back to the OS once buffers freed some (a
// buffer.Options.Packed hook). Without it, a heap that shrank when a burst
// ended keeps its pages until the next collection, which an idle sidecar
// does not run for minutes.
type Releaser struct {
	mu      sync.Mutex
	freed   int64
	last    time.Time   // the last release
	pending *time.Timer // a release waiting for releaseEvery to pass
}

// Freed records n bytes no longer held after a packing pass, caughtUp when
// nothing is left to pack, and releases memory when that is worth it.
func (r *Releaser) Freed(n int64, caughtUp bool) {
	r.mu.Lock()
	r.freed += n
	since := time.Since(r.last)
	release := r.freed >= releaseAfter || (caughtUp && r.freed > 0 && since >= releaseEvery)
	if release {
		r.freed, r.last = 0, time.Now()
	} else if caughtUp && r.freed > 0 && r.pending == nil {
		r.pending = time.AfterFunc(releaseEvery-since, func() {
			r.mu.Lock()
			r.pending = nil
			r.mu.Unlock()
			r.Freed(0, true)
		})
	}
	r.mu.Unlock()
	if release {
		debug.FreeOSMemory()
	}
}
