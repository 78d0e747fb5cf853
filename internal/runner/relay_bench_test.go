package runner

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/compose"
)

// BenchmarkRelay measures a dev server's output going through the relay:
// terminal copy, line splitting, batching into log envelopes, buffer.Add.
func BenchmarkRelay(b *testing.B) { benchmarkRelay(b, "", nil) }

// BenchmarkRelayCompose is the same through compose: each line has a
// `web-1  | ` prefix that names its service and container.
func BenchmarkRelayCompose(b *testing.B) {
	c := &composeRun{project: compose.Project{Name: "shop", Services: []compose.Service{{Name: "api"}, {Name: "web"}}}, sources: map[string]*Source{}}
	benchmarkRelay(b, "web-1  | ", c.label)
}

func benchmarkRelay(b *testing.B, prefix string, label func([]byte) ([]byte, *Source)) {
	var in bytes.Buffer
	for i := 0; in.Len() < 8<<20; i++ {
		in.WriteString(prefix + "GET /api/users/" + strconv.Itoa(i) + " 200 in 12ms (compile: 3ms, render: 9ms)\n")
	}
	data := in.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewRelay(RelayOptions{Buffer: buffer.New(buffer.Options{}), Version: "1.2.3", TraceID: "0123456789abcdef0123456789abcdef", Label: label})
		if err := r.Pump(bytes.NewReader(data), io.Discard, Stdout()); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
