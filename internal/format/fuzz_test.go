package format

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// FuzzDecodeWrite feeds arbitrary payloads as each item type: decoding may
// fail, but never panic, and no format may let an escape through.
//
//	go test -run '^$' -fuzz FuzzDecodeWrite -fuzztime 60s -fuzzminimizetime 2s ./internal/format
//
// (minimising the larger seeds otherwise stalls the run on 2 cores).
func FuzzDecodeWrite(f *testing.F) {
	files, _ := filepath.Glob("testdata/envelopes/*.txt")
	for _, path := range files {
		body, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		env, err := envelope.Parse(body)
		if err != nil {
			f.Fatal(err)
		}
		for _, it := range env.Items {
			if len(it.Payload) < 8<<10 {
				f.Add(it.Type, it.Payload)
			}
		}
	}
	f.Add("event", []byte(`{"exception":{"values":[{"type":"\u001b]0;x\u0007T","value":"\u009b2J"}]},"message":{"formatted":7}}`))
	f.Fuzz(func(t *testing.T, typ string, payload []byte) {
		env := &envelope.Envelope{Header: json.RawMessage(`{}`), Items: []envelope.Item{{Type: typ, Payload: payload, Filename: string(payload)}}}
		recs, _ := Decode(env, Meta{})
		for _, format := range Formats() {
			var buf bytes.Buffer
			if err := Write(&buf, format, Options{}, recs...); err != nil {
				t.Fatal(err)
			}
			if i := strings.IndexAny(buf.String(), "\x1b\x07\r\u009b"); i >= 0 {
				t.Fatalf("%s: control character in %q", format, buf.String())
			}
			if format == JSON {
				for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
					if line != "" && !json.Valid([]byte(line)) {
						t.Fatalf("invalid json line %q", line)
					}
				}
			}
		}
		for _, r := range recs {
			var buf bytes.Buffer
			if err := WriteTraceMD(&buf, r.TraceID, r.Trace, Options{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
