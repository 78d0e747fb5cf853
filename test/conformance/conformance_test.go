//go:build conformance

package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// spotlightBin is the binary built once in TestMain.
var spotlightBin string

func TestMain(m *testing.M) {
	os.Exit(testutil.RunTests(m, &spotlightBin, nil))
}

// TestFixturesParse parses every fixture in process and checks its stream form.
func TestFixturesParse(t *testing.T) {
	for _, f := range loadFixtures(t) {
		if f.want.doc {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			env, err := envelope.Parse(f.body)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkTruncation(t, f, env)
			data, err := env.MarshalStream()
			if err != nil {
				t.Fatalf("MarshalStream: %v", err)
			}
			checkStreamed(t, f, data)
		})
	}
}

// isJSONType reports whether items of type t must stream as a JSON object.
func isJSONType(t string) bool {
	return slices.Contains([]string{"event", "transaction", "session", "span", "log", "profile", "profile_chunk"}, t)
}

// checkStreamed checks the stream form [header, [[itemHeader, payload], ...]]
// of fixture f: the expected item types, headers as in the file, JSON
// payloads equal to the file's, raw payloads decoding to the file's bytes, and
// the fixture's own checks (attachment text, a JPEG image, log counts).
func checkStreamed(t *testing.T, f fixtureFile, data []byte) {
	t.Helper()
	var top []json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || len(top) != 2 {
		t.Fatalf("stream data is not [header, items] (%v): %.200s", err, data)
	}
	var items [][]json.RawMessage
	if err := json.Unmarshal(top[1], &items); err != nil {
		t.Fatalf("stream items: %v", err)
	}
	// The file's own view of the envelope, to compare payloads byte for byte.
	file, err := envelope.Parse(f.body)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	assertJSONEqual(t, "envelope header", top[0], file.Header)

	types := []string{}
	for i, pair := range items {
		if len(pair) != 2 {
			t.Fatalf("item %d is not [itemHeader, payload]", i)
		}
		var h struct{ Type string }
		if err := json.Unmarshal(pair[0], &h); err != nil {
			t.Fatalf("item %d header: %v", i, err)
		}
		types = append(types, h.Type)
		if i >= len(file.Items) {
			continue
		}
		assertJSONEqual(t, fmt.Sprintf("item %d header", i), pair[0], file.Items[i].Header)
		if c := f.want.cut; c != nil && c.item == i+1 {
			checkCutPayload(t, f, i, pair[1], file.Items[i].Payload)
		} else if isJSONType(h.Type) {
			checkJSONPayload(t, f, i, pair[1], file.Items[i].Payload)
		} else {
			checkRawPayload(t, f, i, pair[1], file.Items[i].Payload)
		}
	}
	if !slices.Equal(types, f.want.types) {
		t.Fatalf("item types = %q, want %q", types, f.want.types)
	}
}

func checkJSONPayload(t *testing.T, f fixtureFile, i int, streamed json.RawMessage, sent []byte) {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(streamed, &obj); err != nil {
		t.Fatalf("item %d: JSON payload did not stream as an object: %v", i, err)
	}
	if _, ok := obj["invalid_json"]; ok {
		t.Fatalf("item %d: JSON payload streamed as invalid JSON", i)
	}
	assertJSONEqual(t, fmt.Sprintf("item %d payload", i), streamed, sent)
	if n, ok := f.want.logs[i]; ok {
		var logs struct {
			Items []struct{ Body string }
		}
		if err := json.Unmarshal(streamed, &logs); err != nil || len(logs.Items) != n {
			t.Fatalf("item %d: %d log records (%v), want %d", i, len(logs.Items), err, n)
		}
		for _, l := range logs.Items {
			if l.Body == "" {
				t.Errorf("item %d: a log record has no body", i)
			}
			if f.want.ansi && !strings.Contains(l.Body, "\x1b[") {
				t.Errorf("item %d: log body lost its ANSI escapes: %q", i, l.Body)
			}
		}
	}
}

func checkRawPayload(t *testing.T, f fixtureFile, i int, streamed json.RawMessage, sent []byte) {
	t.Helper()
	var w struct {
		Data     *string
		Encoding string
	}
	if err := json.Unmarshal(streamed, &w); err != nil || w.Data == nil {
		t.Fatalf(`item %d: raw payload did not stream as {"data": ...}: %.100s`, i, streamed)
	}
	got := []byte(*w.Data)
	isBase64 := w.Encoding == "base64"
	if isBase64 {
		var err error
		if got, err = base64.StdEncoding.DecodeString(*w.Data); err != nil {
			t.Fatalf("item %d: base64: %v", i, err)
		}
	}
	if !bytes.Equal(got, sent) {
		t.Fatalf("item %d: streamed payload (%d bytes) differs from the %d bytes sent", i, len(got), len(sent))
	}
	if want, ok := f.want.raw[i]; ok {
		if string(got) != want.data || isBase64 != want.base64 {
			t.Errorf("item %d: payload %q (base64 %v), want %q (base64 %v)", i, got, isBase64, want.data, want.base64)
		}
	}
	if f.want.jpeg == i+1 {
		if !isBase64 {
			t.Errorf("item %d: image streamed as text, want base64", i)
		}
		img, err := jpeg.Decode(bytes.NewReader(got))
		if err != nil {
			t.Fatalf("item %d: streamed image does not decode as a JPEG: %v", i, err)
		}
		if b := img.Bounds(); b.Dx() == 0 || b.Dy() == 0 {
			t.Fatalf("item %d: streamed JPEG is empty (%v)", i, b)
		}
	}
}

// checkTruncation checks that exactly the fixture's cut item is marked
// truncated, with the declared and received lengths, and that the envelope
// warns about it.
func checkTruncation(t *testing.T, f fixtureFile, env *envelope.Envelope) {
	t.Helper()
	for i, it := range env.Items {
		c := f.want.cut
		if c == nil || c.item != i+1 {
			if it.Truncated != nil {
				t.Errorf("item %d is marked truncated (%+v)", i, *it.Truncated)
			}
			continue
		}
		if it.Truncated == nil || *it.Truncated != (envelope.Truncation{Declared: c.declared, Received: c.received}) {
			t.Errorf("item %d: Truncated = %+v, want declared %d received %d", i, it.Truncated, c.declared, c.received)
		}
	}
	if w := env.Warning(); (f.want.cut != nil) != strings.Contains(w, "truncated") {
		t.Errorf("Warning() = %q (cut %+v)", w, f.want.cut)
	}
}

// checkCutPayload checks the stream form of a truncated item: the bytes that
// arrived, wrapped, with "truncated": {"length", "received"}.
func checkCutPayload(t *testing.T, f fixtureFile, i int, streamed json.RawMessage, sent []byte) {
	t.Helper()
	var w struct {
		Truncated *envelope.Truncation
	}
	if err := json.Unmarshal(streamed, &w); err != nil || w.Truncated == nil {
		t.Fatalf("item %d: truncated payload streamed without \"truncated\": %.200s", i, streamed)
	}
	if c := f.want.cut; *w.Truncated != (envelope.Truncation{Declared: c.declared, Received: c.received}) {
		t.Fatalf("item %d: streamed truncated = %+v, want %+v", i, *w.Truncated, *c)
	}
	checkRawPayload(t, f, i, streamed, sent)
}

// assertJSONEqual compares two JSON documents by value.
func assertJSONEqual(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: streamed JSON: %v", what, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: sent JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s differs from what was sent:\n got %.300s\nwant %.300s", what, got, want)
	}
}
