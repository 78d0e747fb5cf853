package envelope

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestMarshalStream(t *testing.T) {
	jpeg := "\xff\xd8\xff\xe0\x00\x10JFIF\x00\r\n"
	body := "{\"event_id\":\"abc\", \"sdk\": {\"name\":\"x\"}}\n" +
		"{\"type\":\"event\"}\n{ \"message\" : \"hi\\nthere\", \"level\":\"error\" }\n" +
		"{\"type\":\"transaction\",\"length\":21}\n{\n  \"spans\": [1, 2]\n}\n\n\n" +
		"{\"type\":\"attachment\",\"length\":17,\"content_type\":\"text/css\",\"filename\":\"a.css\"}\nbody{color:\"red\"}\n" +
		"{\"type\":\"attachment\",\"length\":" + strconv.Itoa(len(jpeg)) + ",\"content_type\":\"image/jpeg\"}\n" + jpeg + "\n" +
		"{\"type\":\"attachment\",\"length\":26,\"content_type\":\"application/json\"}\n{\"view\":\"tree\",\"tab\":\"\\t\"}\n" +
		"{\"type\":\"statsd\",\"length\":12}\nc:1|c|#a:b\x01\n\n" +
		"{\"type\":\"event\",\"length\":7}\nnot {js\n" +
		"{\"type\":\"session\",\"length\":0}\n\n" +
		"{\"type\":\"log\",\"length\":2}\n\"\xff\n" +
		"{\"type\":\"attachment\",\"length\":5,\"content_type\":\"text/plain\"}\nab\xfecd\n" +
		"{\"type\":\"brand_new\",\"content_type\":\"application/json\"}\n[1, 2]\n" +
		"{\"type\":\"brand_new\"}\n<x>\n"
	env, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	out, err := env.MarshalStream()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(out, "\r\n") {
		t.Fatalf("stream form contains a line break: %s", out)
	}
	b64 := base64.StdEncoding.EncodeToString
	want := `[{"event_id":"abc","sdk":{"name":"x"}},[` +
		`[{"type":"event"},{"message":"hi\nthere","level":"error"}],` +
		`[{"type":"transaction","length":21},{"spans":[1,2]}],` +
		`[{"type":"attachment","length":17,"content_type":"text/css","filename":"a.css"},{"data":"body{color:\"red\"}"}],` +
		`[{"type":"attachment","length":` + strconv.Itoa(len(jpeg)) + `,"content_type":"image/jpeg"},{"data":"` + b64([]byte(jpeg)) + `","encoding":"base64"}],` +
		`[{"type":"attachment","length":26,"content_type":"application/json"},{"data":"{\"view\":\"tree\",\"tab\":\"\\t\"}"}],` +
		`[{"type":"statsd","length":12},{"data":"c:1|c|#a:b\u0001\n"}],` +
		`[{"type":"event","length":7},{"data":"not {js","invalid_json":true}],` +
		`[{"type":"session","length":0},{"data":"","invalid_json":true}],` +
		`[{"type":"log","length":2},{"data":"` + b64([]byte("\"\xff")) + `","encoding":"base64","invalid_json":true}],` +
		`[{"type":"attachment","length":5,"content_type":"text/plain"},{"data":"` + b64([]byte("ab\xfecd")) + `","encoding":"base64"}],` +
		`[{"type":"brand_new","content_type":"application/json"},[1,2]],` +
		`[{"type":"brand_new"},{"data":"` + b64([]byte("<x>")) + `","encoding":"base64"}]` +
		`]]`
	if string(out) != want {
		t.Fatalf("MarshalStream =\n%s\nwant\n%s", out, want)
	}
	if !json.Valid(out) {
		t.Fatal("MarshalStream output is not valid JSON")
	}
	// Round trip: every payload comes back, JSON ones compacted.
	back, err := UnmarshalStream(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Items) != len(env.Items) {
		t.Fatalf("UnmarshalStream: %d items, want %d", len(back.Items), len(env.Items))
	}
	for i, it := range env.Items {
		wantPayload := it.Payload
		if it.IsJSON() && json.Valid(it.Payload) {
			var c bytes.Buffer
			_ = json.Compact(&c, it.Payload)
			wantPayload = c.Bytes()
		}
		got := back.Items[i]
		if !bytes.Equal(got.Payload, wantPayload) || got.Type != it.Type || got.ContentType != it.ContentType || got.Filename != it.Filename {
			t.Errorf("item %d: got %s %q %q %q, want %s %q %q %q", i+1,
				got.Type, got.ContentType, got.Filename, got.Payload, it.Type, it.ContentType, it.Filename, wantPayload)
		}
	}
}

func TestMarshalStreamEmpty(t *testing.T) {
	for _, env := range []*Envelope{{}, {Header: json.RawMessage("{}")}} {
		out, err := env.MarshalStream()
		if err != nil || string(out) != `[{},[]]` {
			t.Errorf("MarshalStream = %s, %v; want [{},[]]", out, err)
		}
	}
}

func TestMarshalStreamItemMadeInCode(t *testing.T) {
	env := &Envelope{Items: []Item{{Type: "log", ContentType: "application/vnd.sentry.items.log+json", Payload: []byte(`{"items":[]}`)}}}
	out, err := env.MarshalStream()
	if err != nil {
		t.Fatal(err)
	}
	want := `[{},[[{"type":"log","content_type":"application/vnd.sentry.items.log+json"},{"items":[]}]]]`
	if string(out) != want {
		t.Fatalf("MarshalStream = %s, want %s", out, want)
	}
}

func TestMarshalStreamBadHeaders(t *testing.T) {
	for _, env := range []*Envelope{
		{Header: json.RawMessage("{oops")},
		{Header: json.RawMessage("{}"), Items: []Item{{Header: json.RawMessage("[1]"), Type: "event"}}},
	} {
		if out, err := env.MarshalStream(); err == nil {
			t.Errorf("MarshalStream(%s) = %s, want an error", env.Header, out)
		}
	}
}

func TestAppendStreamReusesBuffer(t *testing.T) {
	env := &Envelope{Header: json.RawMessage(`{}`)}
	buf := make([]byte, 0, 64)
	out, err := env.AppendStream(append(buf, "data: "...))
	if err != nil || string(out) != "data: [{},[]]" {
		t.Fatalf("AppendStream = %q, %v", out, err)
	}
}

// An event whose JSON happens to hold a "data" key stays an event: only the
// invalid_json marker makes a JSON item's payload a wrapper.
func TestUnmarshalStreamEventWithDataKey(t *testing.T) {
	payload := `{"data":"x","encoding":"base64"}`
	env := &Envelope{Header: json.RawMessage(`{}`), Items: []Item{{Type: "event", Payload: []byte(payload)}}}
	out, err := env.MarshalStream()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalStream(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Items[0].Payload) != payload {
		t.Fatalf("payload = %s, want %s", back.Items[0].Payload, payload)
	}
}

func TestUnmarshalStreamErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{}`, "not a JSON array"},
		{`[{}]`, "[header, items]"},
		{`[1,[]]`, "header is not a JSON object"},
		{`[{},{}]`, "items must be an array"},
		{`[{},[[{"type":"event"}]]]`, "stream item 1 must be [itemHeader, payload]"},
		{`[{},[[{"type":7},{}]]]`, `"type" must be a string`},
		{`[{},[[{"type":"attachment"},"abc"]]]`, `raw payload must be {"data": "..."}`},
		{`[{},[[{"type":"attachment"},{"data":"%%%","encoding":"base64"}]]]`, "not valid base64"},
		{`[{},[[{"type":"attachment"},{"data":"x","encoding":"rot13"}]]]`, `"encoding" must be "base64"`},
	} {
		_, err := UnmarshalStream([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("UnmarshalStream(%s) error = %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	binary := "\x00\xEF\xBB\xBF\r\n\n{\"type\":\"event\"}\n"
	body := "{\"event_id\":\"abc\"}\n" +
		"{\"type\":\"event\"}\n{\"message\":\"hi\"}\n" +
		"{\"type\":\"attachment\",\"length\":" + strconv.Itoa(len(binary)) + ",\"filename\":\"x.bin\",\"content_type\":\"application/octet-stream\"}\n" + binary + "\n" +
		"{\"type\":\"attachment\",\"length\":0}\n\n" +
		"{\"type\":\"unknown\"}\nplain\n"
	env, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	wire := env.Encode()
	again, err := Parse(wire)
	if err != nil {
		t.Fatalf("Parse(Encode()) = %v\n%s", err, wire)
	}
	assertSameEnvelope(t, env, again)
	// Every encoded item header carries its length, keeping the other members.
	lines := strings.Split(string(wire), "\n")
	if lines[1] != `{"type":"event","length":16}` {
		t.Errorf("item header = %s", lines[1])
	}
	if lines[3] != `{"type":"attachment","filename":"x.bin","content_type":"application/octet-stream","length":`+strconv.Itoa(len(binary))+`}` {
		t.Errorf("item header = %s", lines[3])
	}
}

func TestEncodeItemsMadeInCode(t *testing.T) {
	env := &Envelope{Items: []Item{
		{Type: "log", ContentType: "application/vnd.sentry.items.log+json", Payload: []byte("{\"items\":[]}\n")},
		{Type: "attachment", Filename: "a.txt", Header: json.RawMessage("not json"), Payload: []byte("x")},
	}}
	want := "{}\n" +
		"{\"type\":\"log\",\"content_type\":\"application/vnd.sentry.items.log+json\",\"length\":13}\n{\"items\":[]}\n\n" +
		"{\"type\":\"attachment\",\"filename\":\"a.txt\",\"length\":1}\nx\n"
	if got := string(env.Encode()); got != want {
		t.Fatalf("Encode =\n%q\nwant\n%q", got, want)
	}
}

// assertSameEnvelope compares envelopes item by item; item headers are
// compared as JSON objects without "length", which Encode rewrites.
func assertSameEnvelope(t testing.TB, want, got *Envelope) {
	t.Helper()
	if compact(t, want.Header) != compact(t, got.Header) {
		t.Fatalf("header %q, want %q", got.Header, want.Header)
	}
	if len(got.Items) != len(want.Items) {
		t.Fatalf("%d items, want %d", len(got.Items), len(want.Items))
	}
	for i, w := range want.Items {
		g := got.Items[i]
		if g.Type != w.Type || g.ContentType != w.ContentType || g.Filename != w.Filename || !bytes.Equal(g.Payload, w.Payload) {
			t.Fatalf("item %d = %s %q %q %q, want %s %q %q %q", i+1,
				g.Type, g.ContentType, g.Filename, g.Payload, w.Type, w.ContentType, w.Filename, w.Payload)
		}
		if gh, wh := headerWithoutLength(t, g.Header), headerWithoutLength(t, w.Header); !reflect.DeepEqual(gh, wh) {
			t.Fatalf("item %d header %v, want %v", i+1, gh, wh)
		}
	}
}

func compact(t testing.TB, b []byte) string {
	t.Helper()
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return c.String()
}

func headerWithoutLength(t testing.TB, h []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(h))
	dec.UseNumber() // numbers such as 1E1000 do not fit a float64
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("item header %q: %v", h, err)
	}
	delete(m, "length")
	return m
}
