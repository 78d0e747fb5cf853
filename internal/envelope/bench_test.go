package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// syntheticEnvelope builds an envelope like a JavaScript SDK's error event,
// padded with stack frames and breadcrumbs to about size bytes.
func syntheticEnvelope(size int) []byte {
	var ev bytes.Buffer
	ev.WriteString(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","timestamp":1732579200.123,"platform":"javascript","level":"error",` +
		`"sdk":{"name":"sentry.javascript.node","version":"10.18.0"},"exception":{"values":[{"type":"Error","value":"Something broke: \"quoted\"\n\tat line 2","stacktrace":{"frames":[`)
	for i := 0; ev.Len() < size-300; i++ {
		if i > 0 {
			ev.WriteByte(',')
		}
		fmt.Fprintf(&ev, `{"filename":"/app/node_modules/lib/file%d.js","function":"handler%d","lineno":%d,"colno":%d,"in_app":%t,"context_line":"  const x = await fetch(url, { method: 'POST' });"}`, i, i, i*7, i%80, i%3 == 0)
	}
	ev.WriteString(`]}}]},"contexts":{"trace":{"trace_id":"f6a48494a12441299cbe21d0be8526e0","span_id":"a1b2c3d4e5f60718"}}}`)
	return []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2025-10-10T17:11:22.333Z","sdk":{"name":"sentry.javascript.node","version":"10.18.0"}}` +
		"\n" + `{"type":"event","length":` + strconv.Itoa(ev.Len()) + "}\n" + ev.String() + "\n")
}

// syntheticAttachment builds an envelope with a small event and an image
// attachment of n random bytes, streamed as base64.
func syntheticAttachment(n int) []byte {
	img := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{2}).Read(img)
	return append([]byte("{}\n{\"type\":\"event\"}\n{\"message\":\"screenshot\"}\n"+
		`{"type":"attachment","length":`+strconv.Itoa(n)+`,"content_type":"image/png","filename":"s.png"}`+"\n"), img...)
}

var benchCases = []struct {
	name string
	body []byte
}{
	{"event-3.5KB", syntheticEnvelope(3500)},
	{"event-130KB", syntheticEnvelope(130_000)},
	{"attachment-64KB", syntheticAttachment(64 << 10)},
}

func TestSyntheticEnvelopesAreValid(t *testing.T) {
	for _, bc := range benchCases {
		env, err := Parse(bc.body)
		if err != nil {
			t.Fatalf("%s: %v", bc.name, err)
		}
		out, err := env.MarshalStream()
		if err != nil || !json.Valid(out) {
			t.Fatalf("%s: MarshalStream: %v", bc.name, err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshalStream(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			env, err := Parse(bc.body)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := env.MarshalStream(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeGzip(b *testing.B) {
	for _, bc := range benchCases[:2] {
		b.Run(bc.name, func(b *testing.B) {
			gz := testutil.Compress(b, "gzip", bc.body)
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(gz), "gzip", 20<<20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
