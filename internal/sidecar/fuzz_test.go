package sidecar

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// fuzzEncodings are the Content-Encoding headers FuzzIngest chooses from;
// the compressible ones are applied to the body, the others sent as given.
var fuzzEncodings = []string{"", "identity", "gzip", "deflate", "br", "zstd", "gzip, br", "compress", "gzip, gzip, gzip, gzip"}

// FuzzIngest drives the whole HTTP ingest handler (guard, routes, content
// type rule, decompression, receiving bound, parser, buffer): whatever the
// request, the answer is one of the documented statuses, an accepted
// envelope is buffered exactly once and served back byte for byte, a refused
// one leaves the buffer as it was, and no reservation is left behind.
func FuzzIngest(f *testing.F) {
	for _, seed := range []struct {
		body     string
		ct       string
		enc      uint8
		compress bool
		browser  bool
	}{
		{testEnvelope, envelopeContentType, 0, false, false},
		{testEnvelope, envelopeContentType, 2, true, false},
		{testEnvelope, "text/plain", 4, true, true},
		{testEnvelope, "text/plain", 0, false, false},
		{"{}\n{}\n\n{}\n\n", "", 5, true, false},
		{"{}\n{\"type\":\"attachment\",\"length\":99}\nabc", "application/octet-stream", 0, false, false},
		{"not an envelope", envelopeContentType, 2, false, false},
		{"", envelopeContentType, 3, true, false},
	} {
		f.Add([]byte(seed.body), seed.ct, seed.enc, seed.compress, seed.browser)
	}
	buf := buffer.New(buffer.Options{MaxEntries: 10})
	s, err := New(Config{Buffer: buf, MaxBodyBytes: 1 << 20, MaxReceivingBytes: 1<<20 + 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, enc uint8, compress, browser bool) {
		encoding := fuzzEncodings[int(enc)%len(fuzzEncodings)]
		sent := body
		if compress {
			switch encoding {
			case "gzip", "deflate", "br", "zstd":
				sent = testutil.Compress(t, encoding, body)
			}
		}
		target := "/api/1/envelope/"
		if browser {
			target += "?sentry_client=sentry.javascript.browser%2F8"
		}
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(sent))
		req.Host = "localhost"
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Content-Encoding", encoding)
		if browser {
			req.Header.Set("Origin", "http://localhost:3000")
		}
		before := buf.Snapshot()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		after := buf.Snapshot()

		if got := s.receiving.used.Load(); got != 0 {
			t.Fatalf("%d bytes still reserved after the request", got)
		}
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if len(after) != len(before) || (len(after) > 0 && after[len(after)-1] != before[len(before)-1]) {
				t.Fatalf("refused with %d (%s), but the buffer changed", rec.Code, rec.Body)
			}
			if rec.Body.Len() == 0 {
				t.Fatalf("refused with %d and no reason", rec.Code)
			}
			return
		default:
			t.Fatalf("status %d (%s) is not one ingest answers", rec.Code, rec.Body)
		}
		id := rec.Header().Get("X-Spotlight-Envelope-Id")
		if len(after) == 0 || after[len(after)-1].ID != id || slices.ContainsFunc(before, func(e *buffer.Entry) bool { return e.ID == id }) {
			t.Fatalf("accepted as %q, but that is not the one new entry", id)
		}
		e := after[len(after)-1]
		if compress || encoding == "" || encoding == "identity" {
			if !bytes.Equal(e.Body(), body) {
				t.Fatalf("stored body differs from the one sent: %q vs %q", e.Body(), body)
			}
		}
		if data := e.AppendStream(nil); !json.Valid(data) {
			t.Fatalf("stream form is not JSON: %q", data)
		}
	})
}
