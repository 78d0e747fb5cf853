package event

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// BenchmarkInsights is the answer time of each insights route's store call
// with a full buffer: n copies of the Django transaction (79 spans, 20 of
// them db) and of the Astro-like browser pageload with resource spans
// (envelope_javascript stands in: the format testdata has no Astro copy),
// each under its own trace id.
func BenchmarkInsights(b *testing.B) {
	const n = 2000
	st := NewStore(nil)
	buf := buffer.New(buffer.Options{MaxEntries: 2 * n, Model: st})
	python := string(benchBody(b, "envelope_python"))
	java := string(benchBody(b, "envelope_java"))
	for i := range n {
		for _, body := range []string{python, java} {
			e, err := buffer.NewEnvelope([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "af9d553862794b38ad88b4b9c8159714", fmt.Sprintf("%032x", i)), "00bd13c1652f4f8e8e8570ba8cb0127b", fmt.Sprintf("%031xf", i))), "")
			if err != nil {
				b.Fatal(err)
			}
			buf.Add(e)
		}
	}
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"queries", func() { st.Queries(Query{}, "") }},
		{"web-vitals", func() { st.WebVitals(Query{}, "") }},
		{"resources", func() { st.Resources(Query{}) }},
		{"inspector-page", func() { st.Envelopes(0, 100) }},
		{"sdks", func() { st.SDKs() }},
		{"traces-search-attribute", func() { st.List(KindTrace, Query{Text: "hsqldb", Limit: 100}) }},
		{"traces-method-duration", func() { st.List(KindTrace, Query{Method: "POST", MinMS: 100, Limit: 100}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.run()
			}
		})
	}
}
