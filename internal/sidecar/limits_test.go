package sidecar

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"weak"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// manyItems is an envelope header followed by n empty items.
func manyItems(n int) []byte {
	return append([]byte("{}\n"), bytes.Repeat([]byte("{}\n\n"), n)...)
}

// Finding 1: 20 KB of gzip expanding to millions of empty items took the
// sidecar to gigabytes. Past envelope.MaxItems it is a 413 naming the cap,
// for the browser SDK's text/plain route too.
func TestIngestItemCap(t *testing.T) {
	ts := start(t, Config{})
	if r := postEnvelope(t, ts, "/stream", manyItems(envelope.MaxItems)); r.status != http.StatusOK {
		t.Fatalf("%d items: %d %s", envelope.MaxItems, r.status, r.body)
	}
	gz := testutil.Compress(t, "gzip", manyItems(5_000_000))
	for _, headers := range [][]string{
		{"Content-Encoding", "gzip"},
		{"Content-Encoding", "gzip", "Content-Type", "text/plain", "Origin", "https://any.example"},
	} {
		target := "/stream"
		if len(headers) > 2 {
			target = "/api/0/envelope/?sentry_client=sentry.javascript.browser%2F8"
		}
		r := postEnvelope(t, ts, target, gz, headers...)
		if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, fmt.Sprint(envelope.MaxItems)) {
			t.Fatalf("5M items (%v): %d %q; want 413 naming the cap %d", headers, r.status, r.body, envelope.MaxItems)
		}
	}
	if n, _ := ts.buf.Len(); n != 1 {
		t.Fatalf("buffer holds %d envelopes; want only the one within the cap", n)
	}
}

// Finding 2: the handler allocated Content-Length bytes before any of the
// body arrived. Now a claim of 20 MiB with 10 bytes sent costs at most the
// start buffer.
func TestIngestDoesNotTrustContentLength(t *testing.T) {
	ts := start(t, Config{})
	pr, pw := io.Pipe()
	req := httptest.NewRequest(http.MethodPost, "/stream", pr)
	req.Host = "localhost"
	req.ContentLength = DefaultMaxBodyBytes
	req.Header.Set("Content-Type", envelopeContentType)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}()
	if _, err := pw.Write([]byte("{}\n{\"type\"")); err != nil { // returns once the handler read it
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	_ = pw.CloseWithError(io.ErrUnexpectedEOF)
	<-done
	if got := after.TotalAlloc - before.TotalAlloc; got > 4*envelope.StartBufferSize {
		t.Fatalf("a claimed Content-Length of %d with 10 bytes sent allocated %d bytes; want at most a start buffer of %d", req.ContentLength, got, envelope.StartBufferSize)
	}
}

// rawPost starts a POST of an uncompressed envelope of declared length n on
// its own connection and writes the first part of its body.
func rawPost(t *testing.T, ts *testServer, n int, part []byte) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", envelopeContentType, n)
	if _, err := c.Write(part); err != nil {
		t.Fatal(err)
	}
	return c
}

// The bytes being received at once, across connections, are bounded:
// past the bound a 503 with Retry-After, and the next try succeeds once
// the bodies in flight are done.
func TestIngestReceivingBound(t *testing.T) {
	const limit = 1 << 20
	ts := start(t, Config{MaxBodyBytes: limit, MaxReceivingBytes: limit + 1})
	body := append([]byte("{}\n{\"type\":\"event\"}\n"), bytes.Repeat([]byte("x"), limit-40)...)
	body = append(body, '\n')
	held := rawPost(t, ts, len(body), body[:len(body)-100])
	// Wait until the held body has grown past half the bound (its buffer
	// doubles as data arrives), which leaves no room for another start buffer.
	deadline := time.Now().Add(10 * time.Second)
	for ts.receiving.used.Load() <= limit/2+envelope.StartBufferSize {
		if time.Now().After(deadline) {
			t.Fatalf("the held body reserved only %d bytes", ts.receiving.used.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	r := postEnvelope(t, ts, "/stream", []byte(testEnvelope))
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, fmt.Sprint(limit+1)) {
		t.Fatalf("while %d bytes are being received: %d %q Retry-After=%q; want 503 naming the bound, with Retry-After", ts.receiving.used.Load(), r.status, r.body, r.header.Get("Retry-After"))
	}
	if _, err := held.Write(body[len(body)-100:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(held), nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the held body, completed: %v %v", res, err)
	}
	res.Body.Close()
	if got := ts.receiving.used.Load(); got != 0 {
		t.Fatalf("%d bytes still reserved after every request ended", got)
	}
	if r := postEnvelope(t, ts, "/stream", []byte(testEnvelope)); r.status != http.StatusOK {
		t.Fatalf("after the held body: %d %s", r.status, r.body)
	}
}

// Finding 4: a reader that stops reading held its batch, evicted entries
// included, until the 30 s write time-out. Now an evicted entry is released
// as soon as it is evicted, while that reader is still connected.
func TestStalledReaderDoesNotPinEvicted(t *testing.T) {
	buf := buffer.New(buffer.Options{MaxEntries: 1})
	ts := start(t, Config{Buffer: buf})
	// A client with a tiny receive window that never reads.
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n")

	big := append([]byte("{}\n{\"type\":\"attachment\"}\n"), bytes.Repeat([]byte("y"), 16<<20)...)
	id := postEnvelope(t, ts, "/stream", big).header.Get("X-Spotlight-Envelope-Id")
	wp := func() weak.Pointer[buffer.Entry] {
		e, ok := buf.Get(id)
		if !ok {
			t.Fatal("envelope not buffered")
		}
		return weak.Make(e)
	}()
	// Let the stream start writing it (it cannot finish: nobody reads).
	time.Sleep(200 * time.Millisecond)
	postEnvelope(t, ts, "/stream", []byte(testEnvelope)) // evicts the big one
	deadline := time.Now().Add(10 * time.Second)         // well before the 30 s write time-out
	for wp.Value() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the evicted 16 MiB envelope is still alive, held by the stalled reader")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
