package sidecar

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

func TestStreamFormat(t *testing.T) {
	ts := start(t, Config{})
	id := postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id")
	c := openStream(t, ts.url+"/stream")
	if c.first != "" {
		t.Fatalf("the stream starts with %q, not a blank line", c.first)
	}
	if ct := c.header.Get("Content-Type"); ct != "text/event-stream" || c.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers: %v", c.header)
	}
	ev := c.next(t)
	want := []string{"event: application/x-sentry-envelope", "id: " + id}
	if len(ev.raw) != 3 || ev.raw[0] != want[0] || ev.raw[1] != want[1] || !strings.HasPrefix(ev.raw[2], "data: [") {
		t.Fatalf("event lines = %q", ev.raw)
	}
	var data []json.RawMessage
	if err := json.Unmarshal([]byte(ev.data), &data); err != nil || len(data) != 2 {
		t.Fatalf("data is not [header, items]: %v %s", err, ev.data)
	}
	var items [][2]map[string]any
	if err := json.Unmarshal(data[1], &items); err != nil || len(items) != 1 || items[0][0]["type"] != "event" || items[0][1]["message"] != "hello" {
		t.Fatalf("items = %s (%v)", data[1], err)
	}

	// Live: a new envelope arrives on the open stream.
	id2 := postEnvelope(t, ts, "/api/0/envelope/", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id")
	if ev := c.next(t); ev.id != id2 {
		t.Fatalf("live event id %q; want %q", ev.id, id2)
	}
}

func TestStreamReplayAndLastEventID(t *testing.T) {
	ts := start(t, Config{})
	var ids []string
	for range 5 {
		ids = append(ids, postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id"))
	}
	all := openStream(t, ts.url+"/stream")
	for i, id := range ids {
		if ev := all.next(t); ev.id != id {
			t.Fatalf("replay event %d: id %q; want %q (oldest first)", i, ev.id, id)
		}
	}
	for _, c := range []*sseClient{
		openStream(t, ts.url+"/stream", "Last-Event-ID", ids[2]),
		openStream(t, ts.url+"/stream?lastEventId="+ids[2]),
	} {
		for _, id := range ids[3:] {
			if ev := c.next(t); ev.id != id {
				t.Fatalf("after Last-Event-ID: id %q; want %q", ev.id, id)
			}
		}
	}
	// An id from the future: nothing is replayed, new envelopes come.
	future := openStream(t, ts.url+"/stream", "Last-Event-ID", uuid.Must(uuid.NewV7()).String())
	id := postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id")
	if ev := future.next(t); ev.id != id {
		t.Fatalf("future Last-Event-ID: first event %q; want the new %q", ev.id, id)
	}
}

func TestStreamBroadcastAndKeepAlive(t *testing.T) {
	if s, err := New(Config{Buffer: buffer.New(buffer.Options{})}); err != nil || s.cfg.KeepAlive != 15*time.Second {
		t.Fatalf("default keep-alive interval: %v (%v); want 15s", s.cfg.KeepAlive, err)
	}
	ts := start(t, Config{KeepAlive: 20 * time.Millisecond})
	c := openStream(t, ts.url+"/stream")
	// The keep-alive comment arrives on an idle stream.
	for line := c.line(t); line != ": keep-alive"; line = c.line(t) {
		if line != "" {
			t.Fatalf("unexpected line on an idle stream: %q", line)
		}
	}
	ts.buf.Broadcast(&buffer.Entry{Event: buffer.EventInstancePing, Data: []byte("{\n\"instanceId\": \"x\"\n}")})
	ev := c.next(t)
	if ev.name != buffer.EventInstancePing || ev.id != "" || ev.data != "{\n\"instanceId\": \"x\"\n}" {
		t.Fatalf("broadcast event = %+v", ev)
	}
	if len(ev.raw) != 4 {
		t.Fatalf("multi-line data not split into data: lines: %q", ev.raw)
	}
}

// Many subscribers, one of which never reads: the others get everything.
func TestStreamStalledSubscriber(t *testing.T) {
	ts := start(t, Config{Buffer: buffer.New(buffer.Options{MaxEntries: 50})})
	stalled := openStream(t, ts.url+"/stream")
	_ = stalled // connected, never read after the first line
	readers := []*sseClient{openStream(t, ts.url+"/stream"), openStream(t, ts.url+"/stream")}
	big := fmt.Sprintf("{}\n{\"type\":\"attachment\",\"length\":%d}\n%s\n", 64<<10, strings.Repeat("x", 64<<10))
	for i := range 200 {
		id := postEnvelope(t, ts, "/stream", []byte(big)).header.Get("X-Spotlight-Envelope-Id")
		for _, c := range readers {
			if ev := c.next(t); ev.id != id {
				t.Fatalf("envelope %d: reader got %q; want %q", i, ev.id, id)
			}
		}
	}
}

func TestShutdownEndsStreams(t *testing.T) {
	ts := start(t, Config{})
	c := openStream(t, ts.url+"/stream")
	ts.stop(t)
	if !c.ended(t) {
		t.Fatal("the SSE stream was not closed by shutdown")
	}
	if _, err := http.Get(ts.url + "/health"); err == nil {
		t.Fatal("the server still answers after shutdown")
	}
}

// ?userAgent=1 adds the sender's User-Agent as a field of its own; without
// it the events stay exactly event/id/data (see TestStreamFormat).
func TestStreamUserAgentOptIn(t *testing.T) {
	ts := start(t, Config{})
	id := postEnvelope(t, ts, "/stream", []byte(testEnvelope), "User-Agent", "sentry.javascript.nextjs/9.0.0 Mozilla/5.0").header.Get("X-Spotlight-Envelope-Id")
	ev := openStream(t, ts.url+"/stream?userAgent=1").next(t)
	want := []string{"event: application/x-sentry-envelope", "id: " + id, "user-agent: sentry.javascript.nextjs/9.0.0 Mozilla/5.0"}
	if len(ev.raw) != 4 || !slices.Equal(ev.raw[:3], want) || !strings.HasPrefix(ev.raw[3], "data: [") {
		t.Fatalf("event lines = %q; want %q then data", ev.raw, want)
	}
}
