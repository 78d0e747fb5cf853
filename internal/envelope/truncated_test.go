package envelope

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseKeepsTruncatedLastItem(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		types    []string
		payload  string // of the last item
		declared int64
		received int64
	}{
		{"attachment cut short", "{}\n{\"type\":\"event\",\"length\":2}\n{}\n{\"type\":\"attachment\",\"length\":500}\nabc",
			[]string{"event", "attachment"}, "abc", 500, 3},
		{"hostile huge length", "{}\n{\"type\":\"attachment\",\"length\":9223372036854775807}\nabc",
			[]string{"attachment"}, "abc", 9223372036854775807, 3},
		{"nothing after the header", "{}\n{\"type\":\"event\",\"length\":10}\n",
			[]string{"event"}, "", 10, 0},
		{"the rest swallowed, next item included", "{}\n{\"type\":\"event\",\"length\":40}\n{}\n{\"type\":\"event\"}\n{}",
			[]string{"event"}, "{}\n{\"type\":\"event\"}\n{}", 40, 22},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(env.Items) != len(tt.types) {
				t.Fatalf("%d items, want %v", len(env.Items), tt.types)
			}
			for i, typ := range tt.types {
				if env.Items[i].Type != typ {
					t.Errorf("item %d type %q, want %q", i+1, env.Items[i].Type, typ)
				}
				if i < len(tt.types)-1 && env.Items[i].Truncated != nil {
					t.Errorf("intact item %d marked truncated", i+1)
				}
			}
			last := env.Items[len(env.Items)-1]
			if string(last.Payload) != tt.payload {
				t.Errorf("payload %q, want %q", last.Payload, tt.payload)
			}
			if last.Truncated == nil || *last.Truncated != (Truncation{Declared: tt.declared, Received: tt.received}) {
				t.Fatalf("Truncated = %+v, want declared %d received %d", last.Truncated, tt.declared, tt.received)
			}
			w := env.Warning()
			for _, want := range []string{"truncated", "its length is " + strconv.FormatInt(tt.declared, 10), "after " + strconv.FormatInt(tt.received, 10) + " bytes"} {
				if !strings.Contains(w, want) {
					t.Errorf("Warning() = %q, want it to contain %q", w, want)
				}
			}
		})
	}
}

func TestWarningEmptyWhenIntact(t *testing.T) {
	env, err := Parse([]byte("{}\n{\"type\":\"attachment\",\"length\":3}\nabc\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := env.Warning(); w != "" {
		t.Fatalf("Warning() = %q for an intact envelope", w)
	}
}

func TestStreamMarksTruncated(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"raw item", "{}\n{\"type\":\"attachment\",\"length\":9,\"content_type\":\"text/plain\"}\nabc",
			`[{},[[{"type":"attachment","length":9,"content_type":"text/plain"},{"data":"abc","truncated":{"length":9,"received":3}}]]]`},
		{"binary item", "{}\n{\"type\":\"attachment\",\"length\":9}\n\xff\xfe",
			`[{},[[{"type":"attachment","length":9},{"data":"//4=","encoding":"base64","truncated":{"length":9,"received":2}}]]]`},
		{"JSON item whose cut payload is still JSON", "{}\n{\"type\":\"event\",\"length\":9}\n{}",
			`[{},[[{"type":"event","length":9},{"data":"{}","invalid_json":true,"truncated":{"length":9,"received":2}}]]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := env.MarshalStream()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("stream form\n got %s\nwant %s", got, tt.want)
			}
			back, err := UnmarshalStream(got)
			if err != nil {
				t.Fatal(err)
			}
			b, o := back.Items[0], env.Items[0]
			if string(b.Payload) != string(o.Payload) || b.Truncated == nil || *b.Truncated != *o.Truncated {
				t.Fatalf("UnmarshalStream gave payload %q truncated %+v, want %q %+v", b.Payload, b.Truncated, o.Payload, o.Truncated)
			}
		})
	}
}

func TestFromEvent(t *testing.T) {
	tests := []struct {
		name, event, header, typ string
	}{
		{"error event", `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sdk":{"name":"sentry.python","version":"1.9.10"},"exception":{"values":[]}}`,
			`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sdk":{"name":"sentry.python","version":"1.9.10"}}`, "event"},
		{"transaction", "{\n  \"type\": \"transaction\",\n  \"spans\": []\n}\n", `{}`, "transaction"},
		{"fields of odd types", `{"event_id":5,"sdk":"x","type":7}`, `{}`, "event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, wire, err := FromEvent([]byte(tt.event))
			if err != nil {
				t.Fatal(err)
			}
			if string(env.Header) != tt.header {
				t.Errorf("header %s, want %s", env.Header, tt.header)
			}
			if len(env.Items) != 1 || env.Items[0].Type != tt.typ || string(env.Items[0].Payload) != strings.TrimSpace(tt.event) {
				t.Fatalf("items %+v, want one %s item with the event", env.Items, tt.typ)
			}
			again, err := Parse(wire)
			if err != nil || len(again.Items) != 1 || string(again.Items[0].Payload) != string(env.Items[0].Payload) {
				t.Fatalf("the wire form does not parse back: %v", err)
			}
		})
	}
	for _, bad := range []string{"", "[1]", "not json", `{"a":`} {
		if _, _, err := FromEvent([]byte(bad)); err == nil || !strings.Contains(err.Error(), "not a JSON event object") {
			t.Errorf("FromEvent(%q) error %v, want one saying it is not a JSON event object", bad, err)
		}
	}
}
