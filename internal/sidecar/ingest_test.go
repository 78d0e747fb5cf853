package sidecar

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestIngestRoutes(t *testing.T) {
	ts := start(t, Config{})
	for _, path := range []string{"/stream", "/api/0/envelope", "/api/0/envelope/", "/api/4507/envelope/?sentry_key=abc&sentry_version=7"} {
		body := testEnvelope
		r := postEnvelope(t, ts, path, []byte(body))
		if r.status != http.StatusOK || r.body != "{}" {
			t.Fatalf("POST %s = %d %q", path, r.status, r.body)
		}
		id := r.header.Get("X-Spotlight-Envelope-Id")
		e, ok := ts.buf.Get(id)
		if !ok || string(e.Body()) != body || len(e.Envelope().Items) != 1 || e.Envelope().Items[0].Type != "event" {
			t.Fatalf("POST %s: envelope %q not buffered as sent", path, id)
		}
		if data := e.AppendStream(nil); !strings.HasPrefix(string(data), `[{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"`) {
			t.Fatalf("stream data = %s", data)
		}
	}
	for _, path := range []string{"/api/0/envelope/extra", "/api/envelope"} {
		if r := postEnvelope(t, ts, path, []byte(testEnvelope)); r.status != http.StatusNotFound {
			t.Errorf("POST %s = %d; want 404", path, r.status)
		}
	}
	if r := do(t, ts, http.MethodGet, "/api/0/envelope/", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/0/envelope/ = %d; want 405", r.status)
	}
	if n, _ := ts.buf.Len(); n != 4 {
		t.Fatalf("buffer holds %d envelopes; want 4", n)
	}
}

func TestIngestContentTypes(t *testing.T) {
	ts := start(t, Config{})
	browser := "/api/1/envelope/?sentry_client=sentry.javascript.browser%2F8.0.0&sentry_key=k"
	cases := []struct {
		name, path, contentType, origin string
		want                            int
	}{
		{"envelope", "/stream", "application/x-sentry-envelope", "", 200},
		{"envelope with params", "/stream", "Application/X-Sentry-Envelope; charset=utf-8", "", 200},
		{"no content type", "/stream", "", "", 200},
		{"octet-stream", "/stream", "application/octet-stream", "", 200},
		{"browser text/plain", browser, "text/plain;charset=UTF-8", "http://myapp.test:3000", 200},
		{"text/plain without origin", browser, "text/plain", "", 415},
		{"text/plain from another client", "/api/1/envelope/?sentry_client=sentry.python", "text/plain", "http://localhost:3000", 415},
		{"json", "/stream", "application/json", "", 415},
		{"form", "/stream", "application/x-www-form-urlencoded", "", 415},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts, http.MethodPost, tc.path, []byte(testEnvelope), "Content-Type", tc.contentType, "Origin", tc.origin)
			if r.status != tc.want {
				t.Fatalf("status %d (%s); want %d", r.status, r.body, tc.want)
			}
			if tc.want == 415 && !strings.Contains(r.body, "application/x-sentry-envelope") {
				t.Fatalf("415 body does not say what is expected: %s", r.body)
			}
		})
	}
}

// Every encoding is exercised end to end in test/integration; here, the
// status mapping of Decode's errors.
func TestIngestEncodingErrors(t *testing.T) {
	ts := start(t, Config{})
	r := postEnvelope(t, ts, "/stream", []byte(testEnvelope), "Content-Encoding", "compress")
	if r.status != http.StatusUnsupportedMediaType || !strings.Contains(r.body, "gzip") {
		t.Fatalf("compress: %d %q; want 415 listing the accepted encodings", r.status, r.body)
	}
	r = postEnvelope(t, ts, "/stream", []byte("\x1f\x8b\x08\x00garbage that is not gzip"), "Content-Encoding", "gzip")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "corrupt") {
		t.Fatalf("corrupt gzip: %d %q; want 400", r.status, r.body)
	}
	for _, enc := range []string{"identity", "IDENTITY", ""} {
		if r := postEnvelope(t, ts, "/stream", []byte(testEnvelope), "Content-Encoding", enc); r.status != http.StatusOK {
			t.Fatalf("Content-Encoding %q: %d %s", enc, r.status, r.body)
		}
	}
}

func TestIngestTooLarge(t *testing.T) {
	ts := start(t, Config{MaxBodyBytes: 1024})
	big := []byte("{}\n{\"type\":\"attachment\"}\n" + strings.Repeat("a", 2000) + "\n")
	if r := postEnvelope(t, ts, "/stream", big); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "1024") {
		t.Fatalf("plain: %d %q; want 413 naming the limit", r.status, r.body)
	}
	// A small compressed body that inflates past the limit. It must be under
	// the limit itself, or the Content-Length check alone would refuse it.
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	_, _ = zw.Write(append([]byte("{}\n{\"type\":\"attachment\"}\n"), make([]byte, 64<<10)...))
	_ = zw.Close()
	if bomb.Len() >= 1024 {
		t.Fatalf("the gzip bomb is %d bytes: it must be smaller than the 1024-byte limit", bomb.Len())
	}
	if r := postEnvelope(t, ts, "/stream", bomb.Bytes(), "Content-Encoding", "gzip"); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "1024") {
		t.Fatalf("gzip bomb: %d %q; want 413", r.status, r.body)
	}
	if n, _ := ts.buf.Len(); n != 0 {
		t.Fatalf("%d oversized envelopes buffered", n)
	}
}

func TestIngestMalformed(t *testing.T) {
	ts := start(t, Config{})
	cases := map[string]string{
		"bad header":        "{not json\n{\"type\":\"event\"}\n{}\n",
		"empty":             "",
		"bad item header":   "{}\n[1,2]\n{}\n",
		"not even envelope": "hello world",
	}
	for name, body := range cases {
		r := postEnvelope(t, ts, "/stream", []byte(body))
		if r.status != http.StatusBadRequest || !strings.HasPrefix(r.body, "malformed envelope: ") || len(r.body) < 30 {
			t.Errorf("%s: %d %q; want 400 saying what is wrong", name, r.status, r.body)
		}
	}
	if n, _ := ts.buf.Len(); n != 0 {
		t.Fatalf("%d malformed envelopes buffered", n)
	}
	if r := postEnvelope(t, ts, "/stream", []byte(testEnvelope)); r.status != http.StatusOK {
		t.Fatalf("after malformed input the server refused a good envelope: %d", r.status)
	}
}

func TestGetEnvelopeClearHealth(t *testing.T) {
	ts := start(t, Config{InstanceID: "0193a1b2-0000-7000-8000-000000000001"})
	id := postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id")

	r := do(t, ts, http.MethodGet, "/envelope/"+id, nil)
	if r.status != 200 || r.body != testEnvelope || r.header.Get("Content-Type") != "application/x-sentry-envelope" {
		t.Fatalf("GET /envelope/%s = %d %q %q", id, r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := do(t, ts, http.MethodGet, "/envelope/"+strings.ToUpper(id), nil); r.status != 200 {
		t.Fatalf("uppercase id: %d", r.status)
	}
	if r := do(t, ts, http.MethodGet, "/envelope/not-a-uuid", nil); r.status != 400 || !strings.Contains(r.body, "UUID") {
		t.Fatalf("malformed id: %d %q", r.status, r.body)
	}
	unknown := uuid.Must(uuid.NewV7()).String()
	if r := do(t, ts, http.MethodGet, "/envelope/"+unknown, nil); r.status != 404 {
		t.Fatalf("unknown id: %d", r.status)
	}

	if r := do(t, ts, http.MethodDelete, "/clear", nil); r.status != 200 {
		t.Fatalf("DELETE /clear = %d", r.status)
	}
	if n, _ := ts.buf.Len(); n != 0 {
		t.Fatalf("buffer holds %d after /clear", n)
	}
	if r := do(t, ts, http.MethodGet, "/envelope/"+id, nil); r.status != 404 {
		t.Fatalf("cleared envelope: %d", r.status)
	}

	r = do(t, ts, http.MethodGet, "/health", nil)
	if r.status != 200 || r.body != "OK" || r.header.Get("X-Spotlight-Instance-Id") != "0193a1b2-0000-7000-8000-000000000001" {
		t.Fatalf("/health = %d %q %v", r.status, r.body, r.header)
	}
	plain := start(t, Config{})
	if r := do(t, plain, http.MethodGet, "/health", nil); r.header.Get("X-Spotlight-Instance-Id") != "" {
		t.Fatal("X-Spotlight-Instance-Id sent without an instance")
	}
}

func TestMounts(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, name+" "+r.Method+" "+r.URL.Path)
		})
	}
	ts := start(t, Config{Instances: named("instances"), MCP: named("mcp"), UI: named("ui")})
	cases := map[string]string{
		"GET /api/instances":                "instances GET /api/instances",
		"POST /api/instances/ping":          "instances POST /api/instances/ping",
		"POST /api/instances/envelope/":     "instances POST /api/instances/envelope/",
		"POST /api/instances/abc/terminate": "instances POST /api/instances/abc/terminate",
		"POST /mcp":                         "mcp POST /mcp",
		"GET /":                             "ui GET /",
		"GET /telemetry/errors":             "ui GET /telemetry/errors",
		"GET /assets/index-abc.js":          "ui GET /assets/index-abc.js",
		"GET /api/instances/current":        "instances GET /api/instances/current",
	}
	for req, want := range cases {
		method, path, _ := strings.Cut(req, " ")
		r := do(t, ts, method, path, nil)
		if r.body != want {
			t.Errorf("%s: got %d %q; want %q", req, r.status, r.body, want)
		}
	}
	bare := start(t, Config{})
	if r := do(t, bare, http.MethodGet, "/", nil); r.status != 404 || !strings.Contains(r.body, "make ui") {
		t.Fatalf("no UI: %d %q", r.status, r.body)
	}
}

func TestListEnvelopes(t *testing.T) {
	ts := start(t, Config{})
	if r := do(t, ts, http.MethodGet, "/api/envelopes", nil); r.status != 200 || r.body != "[]" {
		t.Fatalf("empty list: %d %q", r.status, r.body)
	}
	var ids []string
	for _, ua := range []string{"sentry.go/0.50.0", "agent \"quoted\"\x01"} {
		ids = append(ids, postEnvelope(t, ts, "/stream", []byte(testEnvelope), "User-Agent", ua).header.Get("X-Spotlight-Envelope-Id"))
	}
	r := do(t, ts, http.MethodGet, "/api/envelopes", nil)
	var list []struct {
		ID         string          `json:"id"`
		ReceivedAt time.Time       `json:"receivedAt"`
		UserAgent  string          `json:"userAgent"`
		Envelope   json.RawMessage `json:"envelope"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("not a JSON list: %v %q", err, r.body)
	}
	if len(list) != 2 || list[0].ID != ids[0] || list[1].ID != ids[1] || list[1].UserAgent != "agent \"quoted\"\x01" || list[0].ReceivedAt.IsZero() {
		t.Fatalf("list = %+v", list)
	}
	e, _ := ts.buf.Get(ids[0])
	if string(list[0].Envelope) != string(e.AppendStream(nil)) {
		t.Fatalf("envelope is not the stream form: %s", list[0].Envelope)
	}
}

// ?after=<id> lists only what came later; X-Spotlight-Oldest-Id tells a
// reader which of the envelopes it kept are gone (evicted or cleared).
func TestListEnvelopesAfter(t *testing.T) {
	ts := start(t, Config{})
	var ids []string
	for range 3 {
		ids = append(ids, postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id"))
	}
	listIDs := func(target string) (oldest string, got []string) {
		t.Helper()
		r := do(t, ts, http.MethodGet, target, nil)
		var list []struct {
			ID string `json:"id"`
		}
		if r.status != 200 || json.Unmarshal([]byte(r.body), &list) != nil {
			t.Fatalf("%s: %d %q", target, r.status, r.body)
		}
		for _, e := range list {
			got = append(got, e.ID)
		}
		return r.header.Get("X-Spotlight-Oldest-Id"), got
	}
	if oldest, got := listIDs("/api/envelopes?after=" + ids[0]); oldest != ids[0] || !slices.Equal(got, ids[1:]) {
		t.Fatalf("after the first: oldest %q, ids %v; want %q, %v", oldest, got, ids[0], ids[1:])
	}
	if _, got := listIDs("/api/envelopes?after=" + ids[2]); len(got) != 0 {
		t.Fatalf("after the last: %v", got)
	}
	// An id older than everything buffered (e.g. from before a restart)
	// lists everything.
	if _, got := listIDs("/api/envelopes?after=00000000-0000-7000-8000-000000000000"); !slices.Equal(got, ids) {
		t.Fatalf("after an old id: %v", got)
	}
	do(t, ts, http.MethodDelete, "/clear", nil)
	if oldest, got := listIDs("/api/envelopes?after=" + ids[0]); oldest != "" || len(got) != 0 {
		t.Fatalf("after clear: oldest %q, ids %v", oldest, got)
	}
	if r := do(t, ts, http.MethodGet, "/api/envelopes?after=..%2F..", nil); r.status != 400 || !strings.Contains(r.body, "UUID") {
		t.Fatalf("bad after: %d %q", r.status, r.body)
	}
}

func TestIngestKeepsTruncatedItem(t *testing.T) {
	ts := start(t, Config{})
	body := "{}\n{\"type\":\"event\",\"length\":2}\n{}\n{\"type\":\"attachment\",\"length\":500,\"content_type\":\"text/plain\"}\nabc"
	r := postEnvelope(t, ts, "/api/0/envelope/", []byte(body))
	if r.status != http.StatusOK {
		t.Fatalf("POST = %d %q; want 200", r.status, r.body)
	}
	want := "item 2 (attachment) is truncated: its length is 500 but the body ends after 3 bytes"
	if h := r.header.Get("X-Spotlight-Warning"); !strings.Contains(h, want) {
		t.Errorf("X-Spotlight-Warning = %q; want %q", h, want)
	}
	var answer struct{ Warning string }
	if err := json.Unmarshal([]byte(r.body), &answer); err != nil || !strings.Contains(answer.Warning, want) {
		t.Errorf("body %q; want a JSON warning %q", r.body, want)
	}
	e, ok := ts.buf.Get(r.header.Get("X-Spotlight-Envelope-Id"))
	if !ok || string(e.Body()) != body {
		t.Fatal("the envelope was not buffered as sent")
	}
	if data := e.AppendStream(nil); !strings.Contains(string(data), `{"data":"abc","truncated":{"length":500,"received":3}}`) {
		t.Fatalf("stream data does not mark the item truncated: %s", data)
	}
}

func TestStoreEndpoint(t *testing.T) {
	ts := start(t, Config{})
	event := `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","level":"error","sdk":{"name":"sentry.python","version":"1.9.10"},"exception":{"values":[{"type":"ValueError","value":"boom"}]}}`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(event))
	_ = zw.Close()
	auth := "Sentry sentry_key=spotlight, sentry_version=7, sentry_client=sentry.python/1.9.10"
	for _, tc := range []struct {
		path    string
		body    []byte
		headers []string
	}{
		{"/api/0/store/", []byte(event), []string{"Content-Type", "application/json", "X-Sentry-Auth", auth}},
		{"/api/0/store", gz.Bytes(), []string{"Content-Type", "application/json", "Content-Encoding", "gzip", "X-Sentry-Auth", auth}},
		{"/api/1/store/?sentry_key=k", []byte(event), nil},
	} {
		r := do(t, ts, http.MethodPost, tc.path, tc.body, tc.headers...)
		if r.status != http.StatusOK || r.body != `{"id":"9ec79c33ec9942ab8353589fcb2e04dc"}` {
			t.Fatalf("POST %s = %d %q; want 200 with the event id", tc.path, r.status, r.body)
		}
		e, ok := ts.buf.Get(r.header.Get("X-Spotlight-Envelope-Id"))
		if !ok || len(e.Envelope().Items) != 1 || e.Envelope().Items[0].Type != "event" || string(e.Envelope().Items[0].Payload) != event {
			t.Fatalf("POST %s: not buffered as an envelope with the event", tc.path)
		}
		if e.Envelope().EventID() != "9ec79c33ec9942ab8353589fcb2e04dc" || !bytes.HasPrefix(e.Body(), []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sdk":{"name":"sentry.python"`)) {
			t.Fatalf("POST %s: envelope body %q", tc.path, e.Body())
		}
	}
	if r := do(t, ts, http.MethodPost, "/api/0/store/", []byte("not json"), "Content-Type", "application/json"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "not a JSON event object") {
		t.Errorf("bad store body: %d %q; want 400", r.status, r.body)
	}
	if r := do(t, ts, http.MethodPost, "/api/0/store/", []byte(event), "Content-Type", "application/x-www-form-urlencoded"); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("form store body: %d; want 415", r.status)
	}
	if n, _ := ts.buf.Len(); n != 3 {
		t.Fatalf("buffer holds %d envelopes; want 3", n)
	}
}

// Under `spotlight run`, which points SENTRY_DSN at its sidecar, an SDK with
// Spotlight support sends each envelope to both routes at once: it is kept
// once. The same body posted to the same route again is kept again, a third
// copy is not a twin, and a plain sidecar keeps every copy.
func TestTwinFromBothRoutesKeptOnce(t *testing.T) {
	plain := start(t, Config{})
	postEnvelope(t, plain, "/stream", []byte(testEnvelope))
	postEnvelope(t, plain, "/api/0/envelope/", []byte(testEnvelope))
	if n, _ := plain.buf.Len(); n != 2 {
		t.Fatalf("a plain sidecar holds %d envelopes; want both copies", n)
	}
	ts := start(t, Config{KeepTwinsOnce: true})
	first := postEnvelope(t, ts, "/stream", []byte(testEnvelope))
	twin := postEnvelope(t, ts, "/api/0/envelope/", []byte(testEnvelope))
	if first.status != 200 || twin.status != 200 || twin.header.Get("X-Spotlight-Envelope-Id") != first.header.Get("X-Spotlight-Envelope-Id") {
		t.Fatalf("twin answered %d %q with id %q; want 200 with the first copy's id %q", twin.status, twin.body, twin.header.Get("X-Spotlight-Envelope-Id"), first.header.Get("X-Spotlight-Envelope-Id"))
	}
	if n, _ := ts.buf.Len(); n != 1 {
		t.Fatalf("buffer holds %d envelopes after a twin; want 1", n)
	}
	postEnvelope(t, ts, "/api/0/envelope/", []byte(testEnvelope)) // a third copy: kept
	postEnvelope(t, ts, "/api/0/envelope/", []byte(testEnvelope)) // same route again: kept
	if n, _ := ts.buf.Len(); n != 3 {
		t.Fatalf("buffer holds %d envelopes; want 3", n)
	}
}
