package sidecar

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// testEnvelope is a small valid envelope with one event item.
const testEnvelope = `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2024-01-01T00:00:00Z"}
{"type":"event","length":41}
{"message":"hello","level":"error","x":1}
`

type testServer struct {
	*Server
	buf    *buffer.Buffer
	url    string
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

// start runs a real server on a free loopback port until the test ends.
func start(t *testing.T, cfg Config) *testServer {
	t.Helper()
	if cfg.Buffer == nil {
		cfg.Buffer = buffer.New(buffer.Options{})
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{Server: s, buf: cfg.Buffer, url: fmt.Sprintf("http://127.0.0.1:%d", s.Port()), cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- s.Serve(ctx) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

func (ts *testServer) stop(t *testing.T) {
	ts.once.Do(func() {
		ts.cancel()
		select {
		case err := <-ts.done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("Serve did not return after its context ended")
		}
	})
}

type resp struct {
	status int
	header http.Header
	body   string
}

// do sends a request through the server's full handler, in process, with
// Host: localhost unless headers (name, value pairs) say otherwise.
func do(t *testing.T, ts *testServer, method, target string, body []byte, headers ...string) resp {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.Host = "localhost"
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
		} else if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.String()}
}

func postEnvelope(t *testing.T, ts *testServer, target string, body []byte, headers ...string) resp {
	t.Helper()
	return do(t, ts, http.MethodPost, target, body, append([]string{"Content-Type", "application/x-sentry-envelope"}, headers...)...)
}

// sseEvent is one parsed event; raw keeps the exact lines for format checks.
type sseEvent struct {
	name, id, data string
	raw            []string
}

type sseClient struct {
	r      *bufio.Reader
	body   io.ReadCloser
	header http.Header
	first  string // the first line of the body
}

func openStream(t *testing.T, url string, headers ...string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, r.StatusCode)
	}
	c := &sseClient{r: bufio.NewReaderSize(r.Body, 1<<20), body: r.Body, header: r.Header}
	c.first = c.line(t)
	return c
}

func (c *sseClient) line(t *testing.T) string {
	t.Helper()
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := c.r.ReadString('\n')
		ch <- result{s, err}
	}()
	select {
	case res := <-ch:
		if res.err != nil {
			t.Fatalf("reading the stream: %v", res.err)
		}
		return strings.TrimSuffix(res.s, "\n")
	case <-time.After(10 * time.Second):
		t.Fatal("no line on the stream within 10s")
	}
	return ""
}

// next returns the next event, skipping comments.
func (c *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		l := c.line(t)
		if l == "" {
			if ev.raw != nil {
				return ev
			}
			continue
		}
		if strings.HasPrefix(l, ":") {
			continue
		}
		ev.raw = append(ev.raw, l)
		field, value, _ := strings.Cut(l, ": ")
		switch field {
		case "event":
			ev.name = value
		case "id":
			ev.id = value
		case "data":
			if ev.data != "" {
				ev.data += "\n"
			}
			ev.data += value
		}
	}
}

// ended reports whether the server closed the stream (reads until EOF).
func (c *sseClient) ended(t *testing.T) bool {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, c.r)
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil || errors.Is(err, io.EOF)
	case <-time.After(15 * time.Second):
		return false
	}
}
