package integration

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

const smallEnvelope = `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}
{"type":"event","length":39}
{"message":"compressed","level":"info"}
`

// rawDeflate sends "deflate" bodies as raw deflate, as many clients do (the
// envelope package's tests cover the zlib-wrapped form).
func rawDeflate(enc string) string {
	if enc == "deflate" {
		return "deflate-raw"
	}
	return enc
}

func TestCompressedBodies(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		status, body := testutil.PostEnvelope(t, sc.URL+"/stream", testutil.Compress(t, rawDeflate(enc), []byte(smallEnvelope)), "Content-Encoding", enc)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", enc, status, body)
		}
		ev := sse.Next(t, eventTimeout)
		if msg := payload(t, streamed(t, ev), "event")["message"]; msg != "compressed" {
			t.Fatalf("%s: streamed message %v", enc, msg)
		}
		raw := get(t, sc.URL+"/envelope/"+ev.ID, "")
		if raw.status != 200 || raw.body != smallEnvelope {
			t.Fatalf("%s: GET /envelope/%s = %d %q; want the decompressed body", enc, ev.ID, raw.status, raw.body)
		}
	}
	status, body := testutil.PostEnvelope(t, sc.URL+"/stream", []byte(smallEnvelope), "Content-Encoding", "compress")
	if status != http.StatusUnsupportedMediaType || !strings.Contains(body, "gzip") {
		t.Fatalf("Content-Encoding compress: %d %q", status, body)
	}
	status, body = testutil.PostEnvelope(t, sc.URL+"/stream", []byte("\x1f\x8b\x08\x00not gzip at all"), "Content-Encoding", "gzip")
	if status != http.StatusBadRequest {
		t.Fatalf("corrupt gzip: %d %q", status, body)
	}
}

func TestRejectedBodies(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	cases := []struct {
		name        string
		contentType string
		body        []byte
		want        int
		says        string
	}{
		{"bad header JSON", "application/x-sentry-envelope", []byte("{oops\n{\"type\":\"event\"}\n{}\n"), 400, "header"},
		{"wrong content type", "application/json", []byte(smallEnvelope), 415, "application/x-sentry-envelope"},
		{"over 20 MiB", "application/x-sentry-envelope", append([]byte("{}\n{\"type\":\"attachment\"}\n"), bytes.Repeat([]byte("a"), 21<<20)...), 413, "limit"},
	}
	for _, tc := range cases {
		r := post(t, sc.URL+"/api/0/envelope/", tc.body, "Content-Type", tc.contentType)
		if r.status != tc.want || !strings.Contains(r.body, tc.says) {
			t.Errorf("%s: %d %q; want %d mentioning %q", tc.name, r.status, r.body, tc.want, tc.says)
		}
	}
	// A decompression bomb: 30 KB of gzip that inflates to 30 MiB.
	bomb := testutil.Compress(t, "gzip", append([]byte("{}\n{\"type\":\"attachment\"}\n"), make([]byte, 30<<20)...))
	if r := post(t, sc.URL+"/stream", bomb, "Content-Type", "application/x-sentry-envelope", "Content-Encoding", "gzip"); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "limit") {
		t.Errorf("gzip bomb of %d bytes: %d %q; want 413 naming the limit", len(bomb), r.status, r.body)
	}
	// The server keeps serving, and kept none of it.
	if r := get(t, sc.URL+"/health", ""); r.status != 200 || r.body != "OK" {
		t.Fatalf("/health after bad input: %d %q", r.status, r.body)
	}
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")
	status, _ := testutil.PostEnvelope(t, sc.URL+"/stream", []byte(smallEnvelope))
	if ev := sse.Next(t, eventTimeout); status != 200 || payload(t, streamed(t, ev), "event")["message"] != "compressed" {
		t.Fatalf("the first streamed envelope is not the good one: %+v", ev)
	}
}

func TestLastEventIDReplay(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	first := testutil.OpenSSE(t, sc.URL+"/stream", "")
	var ids []string
	for range 4 {
		testutil.PostEnvelope(t, sc.URL+"/stream", []byte(smallEnvelope))
		ids = append(ids, first.Next(t, eventTimeout).ID)
	}
	first.Close()
	again := testutil.OpenSSE(t, sc.URL+"/stream", ids[1])
	for _, want := range ids[2:] {
		if got := again.Next(t, eventTimeout).ID; got != want {
			t.Fatalf("after Last-Event-ID %s got %s; want %s", ids[1], got, want)
		}
	}
	all := testutil.OpenSSE(t, sc.URL+"/stream", "")
	for _, want := range ids {
		if got := all.Next(t, eventTimeout).ID; got != want {
			t.Fatalf("replay got %s; want %s", got, want)
		}
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

// request sends method url with headers given as name, value pairs; "Host"
// sets the request's Host.
func request(t *testing.T, method, url string, body []byte, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

func get(t *testing.T, url, origin string) response {
	t.Helper()
	return request(t, http.MethodGet, url, nil, "Origin", origin)
}

func post(t *testing.T, url string, body []byte, headers ...string) response {
	t.Helper()
	return request(t, http.MethodPost, url, body, headers...)
}

// SPOTLIGHT_CAPTURE=<folder> saves every envelope received, decompressed,
// under upstream's file names; a store event is saved as its envelope.
func TestCaptureEnvelopes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "captured")
	sc := testutil.StartSidecar(t, bin, []string{"SPOTLIGHT_CAPTURE=" + dir})
	testutil.Eventually(t, eventTimeout, func() bool { return strings.Contains(sc.Stderr.String(), "saving every envelope received into "+dir) },
		"no capture notice on stderr: %q", sc.Stderr)
	if status, body := testutil.PostEnvelope(t, sc.URL+"/stream", testutil.Compress(t, "gzip", []byte(smallEnvelope)), "Content-Encoding", "gzip"); status != 200 {
		t.Fatalf("POST: %d %s", status, body)
	}
	event := `{"event_id":"0123456789abcdef0123456789abcdef","message":"stored"}`
	if r := post(t, sc.URL+"/api/0/store/", []byte(event), "Content-Type", "application/json"); r.status != 200 {
		t.Fatalf("POST store: %d %s", r.status, r.body)
	}
	files, err := filepath.Glob(filepath.Join(dir, "application_x_sentry_envelope-*.txt"))
	if err != nil || len(files) != 2 {
		t.Fatalf("captured files %q (%v), want 2", files, err)
	}
	sort.Strings(files) // names carry the time in ns
	first, _ := os.ReadFile(files[0])
	second, _ := os.ReadFile(files[1])
	if string(first) != smallEnvelope {
		t.Errorf("first capture %q, want the decompressed envelope %q", first, smallEnvelope)
	}
	if !strings.HasPrefix(string(second), `{"event_id":"0123456789abcdef0123456789abcdef"}`+"\n") || !strings.HasSuffix(string(second), event+"\n") {
		t.Errorf("store capture %q, want the envelope form of the event", second)
	}
}
