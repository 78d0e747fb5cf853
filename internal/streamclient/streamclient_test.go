package streamclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// collector gathers what a Client delivers, safe for the test to read.
type collector struct {
	mu          sync.Mutex
	events      []Event
	connects    []bool
	disconnects []error
	skipped     []string
}

func (c *collector) client(url string) *Client {
	return &Client{
		URL:          url,
		OnConnect:    func(re bool) { c.mu.Lock(); c.connects = append(c.connects, re); c.mu.Unlock() },
		OnDisconnect: func(err error) { c.mu.Lock(); c.disconnects = append(c.disconnects, err); c.mu.Unlock() },
		OnSkip:       func(id string, err error) { c.mu.Lock(); c.skipped = append(c.skipped, id); c.mu.Unlock() },
	}
}

func (c *collector) handle(ev Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, ev)
	return nil
}

func (c *collector) ids() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	for _, ev := range c.events {
		ids = append(ids, ev.ID)
	}
	return ids
}

func (c *collector) count(f func(*collector) int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return f(c)
}

// run starts cl.Run in the background; the returned func stops it and
// returns Run's error.
func run(t *testing.T, cl *Client, handle func(Event) error) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx, handle) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// startSidecar serves buf on port until the returned func is called.
func startSidecar(t testing.TB, buf *buffer.Buffer, port int) (stop func()) {
	t.Helper()
	srv, err := sidecar.New(sidecar.Config{Port: port, Buffer: buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

const logEnvelope = `{"sdk":{"name":"sentry.go"}}
{"type":"log","content_type":"application/vnd.sentry.items.log+json"}
{"items":[{"timestamp":1748878724.5,"level":"info","body":"line %d"}]}
`

func post(t *testing.T, port, n int) {
	t.Helper()
	url := fmt.Sprintf("http://localhost:%d/stream", port)
	if status, body := testutil.PostEnvelope(t, url, []byte(fmt.Sprintf(logEnvelope, n))); status != http.StatusOK {
		t.Fatalf("POST envelope %d: %d %s", n, status, body)
	}
}

// The real sidecar goes away and comes back on the same port with the
// same buffer: the client reports both, resumes after the last id it saw,
// and delivers every envelope exactly once, in order.
func TestReconnectToRealSidecar(t *testing.T) {
	buf := buffer.New(buffer.Options{})
	port := testutil.FreePort(t)
	stop := startSidecar(t, buf, port)
	post(t, port, 1)
	post(t, port, 2)

	col := &collector{}
	cl := col.client(fmt.Sprintf("http://localhost:%d/stream", port))
	cl.MinBackoff = 10 * time.Millisecond
	run(t, cl, col.handle)
	testutil.Eventually(t, 10*time.Second, func() bool { return len(col.ids()) == 2 }, "the two buffered envelopes")
	post(t, port, 3)
	testutil.Eventually(t, 10*time.Second, func() bool { return len(col.ids()) == 3 }, "the live envelope")

	stop()
	// testutil.PostEnvelope uses the default transport: drop its pooled
	// connections to the old server, or the next POST may hit a dead one.
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	testutil.Eventually(t, 10*time.Second, func() bool {
		return col.count(func(c *collector) int { return len(c.disconnects) }) == 1
	}, "the disconnect to be reported")
	post := func(n int) { post(t, port, n) }
	startSidecar(t, buf, port)
	post(4)
	testutil.Eventually(t, 10*time.Second, func() bool { return len(col.ids()) == 4 }, "the envelope sent after the restart; got %v", col.ids())

	ids := col.ids()
	want := buf.Snapshot()
	if len(want) != 4 {
		t.Fatalf("buffer holds %d entries", len(want))
	}
	for i, e := range want {
		if ids[i] != e.ID {
			t.Errorf("event %d: id %s, want %s (all: %v)", i, ids[i], e.ID, ids)
		}
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.connects) != 2 || col.connects[0] || !col.connects[1] {
		t.Errorf("connects %v, want [false true]", col.connects)
	}
	for i, ev := range col.events {
		if ev.Name != buffer.EventEnvelope || !strings.Contains(string(ev.Data), fmt.Sprintf("line %d", i+1)) {
			t.Errorf("event %d: %s %q", i, ev.Name, ev.Data)
		}
	}
}

// replayServer ignores Last-Event-ID: every connection replays all events
// and then hangs up, as a sidecar that lost track would.
func replayServer(t *testing.T, events string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(events))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDedupesRepeatedIDs(t *testing.T) {
	srv := replayServer(t, "event: a\nid: 1\ndata: one\n\n: keep-alive\n\nevent: spotlight/instance-ping\ndata: {}\n\nid: 2\ndata: two\ndata: lines\n\n")
	col := &collector{}
	cl := col.client(srv.URL)
	cl.MinBackoff, cl.MaxBackoff = time.Millisecond, time.Millisecond
	stop := run(t, cl, col.handle)
	testutil.Eventually(t, 10*time.Second, func() bool {
		return col.count(func(c *collector) int { return len(c.connects) }) >= 3
	}, "three connections")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	var got []string
	for _, ev := range col.events {
		if ev.ID != "" {
			got = append(got, ev.Name+"/"+ev.ID+"/"+string(ev.Data))
		}
	}
	if want := []string{"a/1/one", "message/2/two\nlines"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events with ids %q, want %q", got, want)
	}
	// Ephemeral events (no id) are delivered on every connection.
	if n := len(col.events) - len(got); n < 3 {
		t.Errorf("%d id-less events for %d connections", n, len(col.connects))
	}
}

func TestOversizedEventIsSkipped(t *testing.T) {
	big := strings.Repeat("x", 5000)
	srv := replayServer(t, "id: 1\ndata: "+big+"\n\nid: 2\ndata: small\n\nid: 3\ndata: "+big[:600]+"\ndata: "+big[:600]+"\n\n")
	col := &collector{}
	cl := col.client(srv.URL)
	cl.MaxEventBytes = 1000
	run(t, cl, col.handle)
	testutil.Eventually(t, 10*time.Second, func() bool {
		return col.count(func(c *collector) int { return len(c.skipped) }) == 2
	}, "two skipped events")
	if ids := col.ids(); fmt.Sprint(ids) != "[2]" {
		t.Errorf("delivered %v, want [2]", ids)
	}
}

func TestNotAStream(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"404":  http.NotFound,
		"html": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html></html>")) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			err := (&Client{URL: srv.URL}).Run(context.Background(), func(Event) error { return nil })
			if !errors.Is(err, ErrNotAStream) {
				t.Fatalf("Run: %v, want ErrNotAStream", err)
			}
		})
	}
}

func TestHandlerErrorStopsRun(t *testing.T) {
	srv := replayServer(t, "id: 1\ndata: one\n\n")
	boom := errors.New("boom")
	err := (&Client{URL: srv.URL}).Run(context.Background(), func(Event) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Run: %v, want the handler's error", err)
	}
}

// A server that sends headers and then nothing is dropped after
// IdleTimeout and reconnected, not waited on forever.
func TestIdleTimeoutReconnects(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	col := &collector{}
	cl := col.client(srv.URL)
	cl.IdleTimeout = 50 * time.Millisecond
	run(t, cl, col.handle)
	testutil.Eventually(t, 10*time.Second, func() bool {
		return col.count(func(c *collector) int { return len(c.disconnects) }) >= 1
	}, "the idle connection to be dropped")
	col.mu.Lock()
	defer col.mu.Unlock()
	if !strings.Contains(col.disconnects[0].Error(), "no data for") {
		t.Errorf("disconnect error %q, want the idle time-out", col.disconnects[0])
	}
}

// Asked with ?userAgent=1, a real sidecar names each envelope's sender and
// the client hands it on; the field does not leak into the next event.
func TestUserAgentFromRealSidecar(t *testing.T) {
	buf := buffer.New(buffer.Options{})
	port := testutil.FreePort(t)
	startSidecar(t, buf, port)
	url := fmt.Sprintf("http://localhost:%d/stream", port)
	for _, ua := range []string{"sentry.javascript.browser/9.1.0 Mozilla/5.0", ""} {
		headers := []string{"User-Agent", ua}
		if status, body := testutil.PostEnvelope(t, url, []byte(fmt.Sprintf(logEnvelope, 1)), headers...); status != http.StatusOK {
			t.Fatalf("POST: %d %s", status, body)
		}
	}
	var c collector
	stop := run(t, c.client(url+"?userAgent=1"), c.handle)
	testutil.Eventually(t, 10*time.Second, func() bool { return c.count(func(c *collector) int { return len(c.events) }) == 2 }, "two events")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The second was sent with no User-Agent at all (net/http omits an empty one).
	if got := c.events[0].UserAgent; got != "sentry.javascript.browser/9.1.0 Mozilla/5.0" {
		t.Fatalf("first event's user agent %q", got)
	}
	if got := c.events[1].UserAgent; got == c.events[0].UserAgent {
		t.Fatalf("second event kept the first one's user agent %q", got)
	}
}
