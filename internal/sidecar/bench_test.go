package sidecar

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// fixture reads an envelope the SDKs sent (../shared/fixtures/envelopes).
func fixture(b *testing.B, name string) []byte {
	root, err := testutil.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "..", "shared", "fixtures", "envelopes", name))
	if err != nil {
		b.Fatalf("fixture: %v", err)
	}
	return data
}

// BenchmarkIngestHandler is one envelope POST through the full handler
// (guard, decode, parse, stream encoding, buffer), without the network;
// "model" also decodes it into the event model, as the sidecar does.
func BenchmarkIngestHandler(b *testing.B) {
	for _, name := range []string{"envelope_php.txt", "envelope_javascript.txt"} {
		body := fixture(b, name)
		for _, withModel := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s-%dB/model=%v", name, len(body), withModel), func(b *testing.B) {
				benchIngest(b, body, withModel)
			})
		}
	}
}

func benchIngest(b *testing.B, body []byte, withModel bool) {
	{
		{
			opts := buffer.Options{}
			var events *event.Store
			if withModel {
				events = event.NewStore(nil)
				opts.Model = events
			}
			s, err := New(Config{Buffer: buffer.New(opts), Events: events})
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/stream", bytes.NewReader(body))
				req.Host = "localhost:8969"
				req.Header.Set("Content-Type", "application/x-sentry-envelope")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		}
	}
}

// BenchmarkIngestHTTP is one envelope POST over loopback HTTP to a real
// server, from parallel keep-alive clients (client CPU included).
func BenchmarkIngestHTTP(b *testing.B) {
	body := fixture(b, "envelope_php.txt")
	s, err := New(Config{Buffer: buffer.New(buffer.Options{})})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Serve(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	url := fmt.Sprintf("http://127.0.0.1:%d/stream", s.Port())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/x-sentry-envelope")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
