package format

import (
	"io"
	"testing"
)

// Rendering cost (decoding: internal/event's BenchmarkDecode), for
// `spotlight tail` and the MCP tools. Results: docs/BENCHMARKS.md.

func BenchmarkWrite(b *testing.B) {
	var recs []Record
	for _, name := range []string{"envelope_javascript", "envelope_python", "log_envelope", "envelope_with_ansi_logs"} {
		got, err := Decode(loadEnvelope(b, "testdata/envelopes/"+name+".txt"), Meta{})
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, got...)
	}
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			b.ReportMetric(float64(len(recs)), "records/op")
			for b.Loop() {
				if err := Write(io.Discard, f, Options{Color: true}, recs...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
