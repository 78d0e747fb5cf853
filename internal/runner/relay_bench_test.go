package runner

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// BenchmarkRelay measures a dev server's output going through the relay:
// terminal copy, line splitting, batching into log envelopes, buffer.Add.
func BenchmarkRelay(b *testing.B) {
	var in bytes.Buffer
	for i := 0; in.Len() < 8<<20; i++ {
		in.WriteString("GET /api/users/" + strconv.Itoa(i) + " 200 in 12ms (compile: 3ms, render: 9ms)\n")
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := newTestRelay(buffer.New(buffer.Options{}), nil)
		if err := r.Pump(bytes.NewReader(data), io.Discard, Stdout()); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
