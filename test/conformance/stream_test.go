//go:build conformance

package conformance

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// encodings are the Content-Encodings SDKs use ("" for none), each applied
// with its real encoder; the fixtures take turns, so every encoding carries
// several of them.
func encodings() []string { return []string{"", "gzip", "deflate", "br", "zstd"} }

func encode(t *testing.T, encoding string, body []byte) []byte {
	t.Helper()
	if encoding == "" {
		return body
	}
	return testutil.Compress(t, encoding, body)
}

// TestFixturesStreamed POSTs every fixture to the real binary, compressed in
// turn with each Content-Encoding, and checks that it streams back over SSE with the
// same items and payloads, that GET /envelope/{id} returns the body as sent,
// and that the damaged fixtures are kept with a warning in the answer.
func TestFixturesStreamed(t *testing.T) {
	files := loadFixtures(t)
	sidecar := testutil.StartSidecar(t, spotlightBin, nil)
	sse := testutil.OpenSSE(t, sidecar.URL+"/stream", "")
	client := &http.Client{Timeout: 10 * time.Second}

	n, encs := 0, encodings()
	for _, f := range files {
		if f.want.doc {
			continue
		}
		// Alternate the routes SDKs use: a DSN's /api/<project>/envelope/ and
		// Spotlight's own /stream.
		route := [2]string{"/api/0/envelope/", "/stream"}[n%2]
		enc := encs[n%len(encs)]
		n++
		t.Run(f.name, func(t *testing.T) {
			var headers []string
			if enc != "" {
				headers = []string{"Content-Encoding", enc}
			}
			status, msg := testutil.PostEnvelope(t, sidecar.URL+route, encode(t, enc, f.body), headers...)
			if status != http.StatusOK {
				t.Fatalf("POST %s (Content-Encoding %q) = %d %s", route, enc, status, msg)
			}
			if (f.want.cut != nil) != strings.Contains(msg, `"warning"`) {
				t.Fatalf("POST %s answered %q: a damaged fixture gets a warning, an intact one none", route, msg)
			}
			ev := sse.NextNamed(t, "application/x-sentry-envelope", 10*time.Second)
			if ev.ID == "" {
				t.Fatal("SSE event has no id")
			}
			checkStreamed(t, f, []byte(ev.Data))

			resp, err := client.Get(sidecar.URL + "/envelope/" + ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(raw, f.body) {
				t.Fatalf("GET /envelope/%s = %d, %d bytes (%v); want the %d bytes sent", ev.ID, resp.StatusCode, len(raw), err, len(f.body))
			}
		})
	}
	resp, err := client.Get(sidecar.URL + "/health")
	if err != nil {
		t.Fatalf("sidecar stopped answering after the fixtures: %v\nstderr:\n%s", err, sidecar.Stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /health = %d after the fixtures", resp.StatusCode)
	}
}
