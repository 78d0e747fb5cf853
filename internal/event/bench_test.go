package event

import (
	"os"
	"runtime"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// The envelopes of the load tool's runs (docs/BENCHMARKS.md): a 3.5 KB PHP
// transaction and a 130 KB browser error with breadcrumbs.
var benchEnvelopes = []string{"envelope_php", "envelope_javascript", "envelope_python", "log_envelope"}

func benchBody(b *testing.B, name string) []byte {
	b.Helper()
	body, err := os.ReadFile("../format/testdata/envelopes/" + name + ".txt")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecode is the cost the model adds to ingestion, per envelope.
func BenchmarkDecode(b *testing.B) {
	for _, name := range benchEnvelopes {
		env := loadEnvelope(b, "../format/testdata/envelopes/"+name+".txt")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Decode(env, Meta{ID: "x"})
			}
		})
	}
}

// BenchmarkHeld measures the memory one held envelope costs, with and
// without the decoded model: 1,000 envelopes are added to a buffer, and the
// live heap after a GC, divided by 1,000, is reported as heap-B/envelope
// (and, with the model, the model's own estimate as model-B/envelope, and
// what the buffer counts against its byte bound as counted-B/envelope).
func BenchmarkHeld(b *testing.B) {
	const n = 1000
	for _, name := range benchEnvelopes[:2] {
		body := benchBody(b, name)
		for _, withModel := range []bool{false, true} {
			label := name + "/raw"
			if withModel {
				label = name + "/model"
			}
			b.Run(label, func(b *testing.B) {
				for b.Loop() {
					var opts buffer.Options
					var st *Store
					if withModel {
						st = NewStore(nil)
						opts.Model = st
					}
					// Nothing evicted, nothing packed (zstd after 2 s) while measuring.
					opts.MaxEntries, opts.MaxBytes, opts.PackAfter = n, 1<<40, -1
					runtime.GC()
					var before, after runtime.MemStats
					runtime.ReadMemStats(&before)
					buf := buffer.New(opts)
					var modelBytes int64
					for range n {
						e, err := buffer.NewEnvelope(append([]byte(nil), body...), "")
						if err != nil {
							b.Fatal(err)
						}
						modelBytes += buf.Add(e).ModelBytes
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-B/envelope")
					b.ReportMetric(float64(modelBytes)/n, "model-B/envelope")
					_, counted := buf.Len()
					b.ReportMetric(float64(counted)/n, "counted-B/envelope")
					runtime.KeepAlive(buf)
					runtime.KeepAlive(st)
				}
			})
		}
	}
}

// BenchmarkIngest is what the model adds to each envelope the sidecar
// stores: decoding it and indexing it in a full buffer (so evicting the
// oldest each time), the same envelope again and again (one trace id).
func BenchmarkIngest(b *testing.B) {
	for _, name := range benchEnvelopes[:2] {
		body := benchBody(b, name)
		b.Run(name, func(b *testing.B) {
			buf := buffer.New(buffer.Options{Model: NewStore(nil), PackAfter: -1})
			b.ReportAllocs()
			for b.Loop() {
				e, err := buffer.NewEnvelope(append([]byte(nil), body...), "")
				if err != nil {
					b.Fatal(err)
				}
				buf.Add(e)
			}
		})
	}
}
