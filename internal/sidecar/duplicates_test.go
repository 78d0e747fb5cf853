package sidecar

import (
	"bytes"
	"testing"
	"time"
)

// The twin check `spotlight run`'s sidecar does per envelope: one hash of
// the body and a map lookup (3.5 KB, a typical error envelope).
func BenchmarkTwinClaim(b *testing.B) {
	r := newRecentBodies()
	body := bytes.Repeat([]byte("x"), 3500)
	now := time.Now()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body[i%len(body)]++ // a new body each time, as envelopes are
		a, dup := r.claim(body, i%2 == 0, now)
		if !dup {
			r.finish(a, "id")
		}
	}
}
