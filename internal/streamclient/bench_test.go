package streamclient

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// BenchmarkStream measures delivery through a real sidecar: b.N buffered
// log envelopes (about 0.2 KB of stream JSON each) read by one Client.
// Results: docs/BENCHMARKS.md.
func BenchmarkStream(b *testing.B) {
	body := fmt.Appendf(nil, logEnvelope, 1)
	buf := buffer.New(buffer.Options{MaxEntries: b.N + 1})
	var data []byte
	for range b.N {
		e, err := buffer.NewEnvelope(body, "")
		if err != nil {
			b.Fatal(err)
		}
		buf.Add(e)
		data = e.AppendStream(data[:0])
	}
	port := testutil.FreePort(b)
	startSidecar(b, buf, port)
	done := errors.New("done")
	n := 0
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	err := (&Client{URL: fmt.Sprintf("http://localhost:%d/stream", port)}).Run(context.Background(), func(ev Event) error {
		if n++; n == b.N {
			return done
		}
		return nil
	})
	if !errors.Is(err, done) {
		b.Fatal(err)
	}
}
