package envelope

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// wantItem is what a test expects of one parsed item.
type wantItem struct {
	typ, contentType, filename string
	payload                    string
}

func TestParse(t *testing.T) {
	binary := "\xEF\xBB\xBFHello\r\n\x00\nworld\r\n"
	tests := []struct {
		name   string
		body   string
		header string
		items  []wantItem
	}{
		{"no items", `{"event_id":"abc"}`, `{"event_id":"abc"}`, nil},
		{"no items, trailing newline", "{}\n", `{}`, nil},
		{"empty header object", "{}\n{\"type\":\"session\"}\n{\"started\":1}", `{}`,
			[]wantItem{{typ: "session", payload: `{"started":1}`}}},
		{"lengthless item ended by newline", "{}\n{\"type\":\"attachment\"}\nhelloworld\n", `{}`,
			[]wantItem{{typ: "attachment", payload: "helloworld"}}},
		{"lengthless item ended by end of input", "{}\n{\"type\":\"attachment\"}\nhelloworld", `{}`,
			[]wantItem{{typ: "attachment", payload: "helloworld"}}},
		{"lengthless item header at end of input", "{}\n{\"type\":\"event\"}", `{}`,
			[]wantItem{{typ: "event"}}},
		{"length zero", "{}\n{\"type\":\"attachment\",\"length\":0}\n\n{\"type\":\"attachment\",\"length\":0}\n", `{}`,
			[]wantItem{{typ: "attachment"}, {typ: "attachment"}}},
		{"length zero at end of input", "{}\n{\"type\":\"attachment\",\"length\":0}", `{}`,
			[]wantItem{{typ: "attachment"}}},
		{"binary payload with BOM, CRLF, NUL and newlines",
			"{}\n{\"type\":\"attachment\",\"length\":" + strconv.Itoa(len(binary)) + ",\"content_type\":\"application/octet-stream\",\"filename\":\"a.bin\"}\n" + binary + "\n{\"type\":\"event\"}\n{}",
			`{}`,
			[]wantItem{{"attachment", "application/octet-stream", "a.bin", binary}, {typ: "event", payload: "{}"}}},
		{"length payload without final newline", "{}\n{\"type\":\"statsd\",\"length\":3}\nabc", `{}`,
			[]wantItem{{typ: "statsd", payload: "abc"}}},
		{"CRLF line endings", "{\"a\":1}\r\n{\"type\":\"event\",\"length\":2}\r\n{}\r\n{\"type\":\"log\"}\r\n{\"items\":[]}\r\n", `{"a":1}`,
			[]wantItem{{typ: "event", payload: "{}"}, {typ: "log", payload: `{"items":[]}`}}},
		{"BOM before the header", "\xEF\xBB\xBF{}\n{\"type\":\"event\"}\n{}", `{}`,
			[]wantItem{{typ: "event", payload: "{}"}}},
		{"blank lines between items", "{}\n\n{\"type\":\"event\"}\n{}\n\n\n{\"type\":\"span\"}\n{}\n\n", `{}`,
			[]wantItem{{typ: "event", payload: "{}"}, {typ: "span", payload: "{}"}}},
		{"unknown item type kept", "{}\n{\"type\":\"brand_new\",\"length\":4}\nabcd\n", `{}`,
			[]wantItem{{typ: "brand_new", payload: "abcd"}}},
		{"item without type kept", "{}\n{\"length\":1}\nx\n", `{}`,
			[]wantItem{{payload: "x"}}},
		{"length null means no length", "{}\n{\"type\":\"event\",\"length\":null}\n{}\n", `{}`,
			[]wantItem{{typ: "event", payload: "{}"}}},
		{"length as 3e0", "{}\n{\"type\":\"attachment\",\"length\":3e0}\nabc\n", `{}`,
			[]wantItem{{typ: "attachment", payload: "abc"}}},
		{"Length in other case is not length", "{}\n{\"type\":\"attachment\",\"Length\":99}\nabc\n", `{}`,
			[]wantItem{{typ: "attachment", payload: "abc"}}},
		{"non-string filename ignored", "{}\n{\"type\":\"attachment\",\"filename\":7}\nabc\n", `{}`,
			[]wantItem{{typ: "attachment", payload: "abc"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if string(env.Header) != tt.header {
				t.Errorf("header = %s, want %s", env.Header, tt.header)
			}
			checkItems(t, env.Items, tt.items)
		})
	}
}

func checkItems(t *testing.T, got []Item, want []wantItem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Type != w.typ || g.ContentType != w.contentType || g.Filename != w.filename {
			t.Errorf("item %d = type %q content_type %q filename %q, want %q %q %q",
				i+1, g.Type, g.ContentType, g.Filename, w.typ, w.contentType, w.filename)
		}
		if string(g.Payload) != w.payload {
			t.Errorf("item %d payload = %q, want %q", i+1, g.Payload, w.payload)
		}
	}
}

func TestParsePayloadAliasesBody(t *testing.T) {
	body := []byte("{}\n{\"type\":\"attachment\",\"length\":3}\nabc\n{\"type\":\"event\"}\n{}")
	env, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	body[bytes.Index(body, []byte("abc"))] = 'X'
	if string(env.Items[0].Payload) != "Xbc" {
		t.Fatalf("payload %q does not alias the body", env.Items[0].Payload)
	}
	// Capacity is clipped, so appending to a payload cannot overwrite the body.
	_ = append(env.Items[0].Payload, '!')
	if body[bytes.Index(body, []byte("Xbc"))+3] != '\n' {
		t.Fatal("appending to a payload overwrote the body")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string // substrings of the error
	}{
		{"empty body", "", []string{"envelope is empty"}},
		{"whitespace body", " \n ", []string{"envelope is empty"}},
		{"bad header JSON", "{\"event_id\":\n{\"type\":\"event\"}\n{}", []string{"envelope header", "not a JSON object"}},
		{"header not an object", "[1,2]\n", []string{"envelope header", "not a JSON object"}},
		{"blank header line", "\n{\"type\":\"event\"}\n{}", []string{"envelope header"}},
		{"bad item header JSON", "{}\n{\"type\":\"event\",}\n{}", []string{"item 1 (byte 3)", "item header is not a JSON object"}},
		{"item header not an object", "{}\n\"event\"\n{}", []string{"item 1", "not a JSON object"}},
		{"second item bad", "{}\n{\"type\":\"event\"}\n{}\n{oops}\n", []string{"item 2 (byte 23)", "not a JSON object"}},
		{"type not a string", "{}\n{\"type\":5}\n{}", []string{"item 1", `"type" must be a string`}},
		{"length beyond int64", "{}\n{\"type\":\"attachment\",\"length\":1e300}\nabc", []string{"item 1", "too large"}},
		{"negative length", "{}\n{\"type\":\"attachment\",\"length\":-1}\nabc", []string{"item 1", "length -1 is negative"}},
		{"negative float length", "{}\n{\"type\":\"attachment\",\"length\":-1.5}\nabc", []string{"item 1", "negative"}},
		{"fractional length", "{}\n{\"type\":\"attachment\",\"length\":1.5}\nabc", []string{"item 1", "not a whole number"}},
		{"length not a number", "{}\n{\"type\":\"attachment\",\"length\":\"3\"}\nabc", []string{"item 1", "length must be a number", `"\"3\""`}},
		{"length too short", "{}\n{\"type\":\"attachment\",\"length\":2}\nabc\n", []string{"item 1", "followed by", "instead of a newline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse([]byte(tt.body))
			if err == nil {
				t.Fatalf("Parse succeeded with %+v, want an error", env)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEventID(t *testing.T) {
	env, err := Parse([]byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := env.EventID(); got != "9ec79c33ec9942ab8353589fcb2e04dc" {
		t.Errorf("EventID = %q", got)
	}
	if got := (&Envelope{Header: []byte(`{}`)}).EventID(); got != "" {
		t.Errorf("EventID of {} = %q, want empty", got)
	}
}

func TestIsTextual(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/plain": true, "text/css": true, "text/csv": true, "text/html; charset=utf-8": true,
		"TEXT/JSON": true, "application/json": true, "application/javascript": true,
		"application/vnd.sentry.items.log+json": true, "image/svg+xml": true,
		"image/jpeg": false, "image/png": false, "application/octet-stream": false,
		"": false, "video/mp4": false,
	} {
		if got := IsTextual(ct); got != want {
			t.Errorf("IsTextual(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestItemIsJSON(t *testing.T) {
	for _, tt := range []struct {
		item Item
		want bool
	}{
		{Item{Type: "event"}, true},
		{Item{Type: "transaction"}, true},
		{Item{Type: "log", ContentType: "application/vnd.sentry.items.log+json"}, true},
		{Item{Type: "profile_chunk"}, true},
		{Item{Type: "attachment", ContentType: "application/json"}, false},
		{Item{Type: "statsd"}, false},
		{Item{Type: "replay_recording"}, false},
		{Item{Type: "future_thing", ContentType: "application/json"}, true},
		{Item{Type: "future_thing"}, false},
	} {
		if got := tt.item.IsJSON(); got != tt.want {
			t.Errorf("%+v.IsJSON() = %v, want %v", tt.item, got, tt.want)
		}
	}
}
