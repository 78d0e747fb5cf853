package event

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// syntheticProfile is a v1 profile of n samples over 3,000 stacks 4 to 40
// deep of 400 functions (the shape of ui/e2e/profiles.e2e.ts's).
func syntheticProfile(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString(`{"version":"1","platform":"javascript","timestamp":"2025-01-02T03:04:05Z","transactions":[{"name":"bench","id":"t","trace_id":"0123456789abcdef0123456789abcdef","active_thread_id":"0"}],"profile":{"frames":[`)
	for i := range 400 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"function":"fn%d","abs_path":"/app/src/m%d.ts","lineno":%d}`, i, i%40, i)
	}
	b.WriteString(`],"stacks":[`)
	for s := range 3000 {
		if s > 0 {
			b.WriteByte(',')
		}
		depth := 4 + r.IntN(37)
		stack := []int{0}
		for d := 1; d < depth; d++ {
			stack = append(stack, 1+(stack[d-1]*7+r.IntN(12))%399)
		}
		for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
			stack[i], stack[j] = stack[j], stack[i]
		}
		js, _ := json.Marshal(stack)
		b.Write(js)
	}
	b.WriteString(`],"samples":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"elapsed_since_start_ns":"%d","stack_id":%d,"thread_id":"0"}`, i*10_000_000, r.IntN(3000))
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func benchEnvelope(payload []byte) *envelope.Envelope {
	return &envelope.Envelope{Header: json.RawMessage(`{}`), Items: []envelope.Item{{Header: json.RawMessage(`{"type":"profile"}`), Type: "profile", Payload: payload}}}
}

// BenchmarkDecodeProfile100k decodes a 100,000-sample profile (what the
// buffer does once per envelope), size estimate included.
func BenchmarkDecodeProfile100k(b *testing.B) {
	env := benchEnvelope(syntheticProfile(100_000))
	b.SetBytes(int64(len(env.Items[0].Payload)))
	for b.Loop() {
		d := NewDecoder().Decode(env, Meta{ID: "e", Received: received})
		if d.Records[0].Profile == nil {
			b.Fatal(d.Records[0].Item)
		}
	}
}

// BenchmarkBuildFlame100k builds the flame graph of those samples (what
// GET /api/profiles/{id} does per request).
func BenchmarkBuildFlame100k(b *testing.B) {
	d := NewDecoder().Decode(benchEnvelope(syntheticProfile(100_000)), Meta{ID: "e", Received: received})
	p := d.Records[0].Profile
	var fl Flame
	for b.Loop() {
		fl = BuildFlame([]FlameSource{{Profile: p}})
	}
	b.ReportMetric(float64(len(fl.Nodes)), "nodes")
	b.ReportMetric(float64(d.Bytes), "model-bytes")
}
