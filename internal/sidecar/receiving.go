package sidecar

import (
	"errors"
	"sync/atomic"
)

// DefaultMaxReceivingBytes bounds the bytes of envelope bodies being received
// (and parsed) at once across all connections: three bodies at the default
// MaxBodyBytes, while the buffer's own bound covers what has been received.
const DefaultMaxReceivingBytes int64 = 64 << 20

// retryAfterSeconds is the Retry-After of a 503 from the receiving bound:
// bodies in flight finish within about that long on loopback.
const retryAfterSeconds = 1

// errBusy is a body refused because the receiving bound is reached (503).
var errBusy = errors.New("too many bytes being received at once")

// receiving counts the bytes that request bodies hold while they are read
// and parsed, so many connections at once cannot exceed max between them.
type receiving struct {
	max  int64
	used atomic.Int64
}

// reserve takes n bytes, or reports false (taking nothing) past the bound.
func (b *receiving) reserve(n int64) bool {
	if b.used.Add(n) > b.max {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *receiving) release(n int64) { b.used.Add(-n) }
