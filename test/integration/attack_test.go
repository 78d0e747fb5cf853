package integration

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// The bound for every memory attack: peak RSS under
// 1.5 × the buffer's byte bound + 50 MB, and /health answering throughout.
const attackBufferBytes = 48 << 20

// underAttack is a sidecar started with --buffer-bytes attackBufferBytes.
type underAttack struct {
	*testutil.Process
	addr string
}

func startUnderAttack(t *testing.T) *underAttack {
	t.Helper()
	p := testutil.StartSidecar(t, bin, nil, "--buffer-bytes", fmt.Sprint(attackBufferBytes))
	return &underAttack{Process: p, addr: "127.0.0.1:" + strconv.Itoa(p.Port)}
}

// healthy fails unless /health answers 200.
func (s *underAttack) healthy(t *testing.T, during string) {
	t.Helper()
	if r := get(t, s.URL+"/health", ""); r.status != http.StatusOK {
		t.Fatalf("/health during %s: %d %s", during, r.status, r.body)
	}
}

// withinBound fails when the peak RSS so far exceeds the bound.
func (s *underAttack) withinBound(t *testing.T, attack string) {
	t.Helper()
	_, peak, err := proc.Memory(s.Cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	limit := int64(attackBufferBytes)*3/2 + 50e6
	t.Logf("%s: peak RSS %.1f MiB (bound %.1f MiB)", attack, mib(peak), mib(limit))
	if peak > limit {
		t.Fatalf("%s: peak RSS %.1f MiB exceeds 1.5 × --buffer-bytes + 50 MB = %.1f MiB", attack, mib(peak), mib(limit))
	}
}

// dial opens a raw connection to the sidecar, closed when the test ends.
func (s *underAttack) dial(t *testing.T, rcvbuf int) net.Conn {
	t.Helper()
	d := net.Dialer{}
	if rcvbuf > 0 {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf) })
		}
	}
	c, err := d.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Finding 1: 20 KB of gzip holding 5 million empty items took a sidecar to
// 2.2 GB, and through the browser SDK's text/plain route from any web page.
func TestAttackItemFlood(t *testing.T) {
	s := startUnderAttack(t)
	gz := testutil.Compress(t, "gzip", append([]byte("{}\n"), bytes.Repeat([]byte("{}\n\n"), 5_000_000)...))
	t.Logf("body: %d bytes of gzip", len(gz))
	for range 4 {
		for _, route := range []struct{ url, ct, origin string }{
			{s.URL + "/api/0/envelope/", "application/x-sentry-envelope", ""},
			{s.URL + "/api/0/envelope/?sentry_client=sentry.javascript.browser%2F8", "text/plain", "https://evil.example"},
		} {
			headers := []string{"Content-Type", route.ct, "Content-Encoding", "gzip"}
			if route.origin != "" {
				headers = append(headers, "Origin", route.origin)
			}
			r := post(t, route.url, gz, headers...)
			if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, strconv.Itoa(envelope.MaxItems)) {
				t.Fatalf("5M items as %s: %d %q; want 413 naming the cap", route.ct, r.status, r.body)
			}
			s.healthy(t, "the item flood")
		}
	}
	s.withinBound(t, "item flood")
}

// Finding 2: 300 connections sending only headers that claim 20 MiB each
// took the sidecar to 4.6 GB, then 5.7 GB on a second round.
func TestAttackContentLengthClaims(t *testing.T) {
	s := startUnderAttack(t)
	for round := range 2 {
		for range 300 {
			c := s.dial(t, 0)
			fmt.Fprintf(c, "POST /api/0/envelope/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: %d\r\n\r\n", 20<<20)
		}
		s.healthy(t, fmt.Sprintf("round %d of header-only connections", round+1))
		s.withinBound(t, fmt.Sprintf("300 × Content-Length: 20 MiB, round %d", round+1))
	}
	// Honest envelopes still get in meanwhile.
	if r := post(t, s.URL+"/api/0/envelope/", []byte(smallEnvelope), "Content-Type", "application/x-sentry-envelope"); r.status != http.StatusOK {
		t.Fatalf("an honest envelope during the attack: %d %s", r.status, r.body)
	}
}

// Bodies really being received at once are bounded across connections:
// past the bound a 503 with Retry-After, and memory stays bounded.
func TestAttackManyLargeBodiesAtOnce(t *testing.T) {
	s := startUnderAttack(t)
	const size = 15 << 20
	body := randomEnvelope(size)
	var refused int
	for range 12 {
		c := s.dial(t, 0)
		fmt.Fprintf(c, "POST /api/0/envelope/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: %d\r\n\r\n", len(body))
		if _, err := c.Write(body[:len(body)-10]); err != nil {
			refused++ // answered (503) and closed before the body was all sent
			continue
		}
		s.healthy(t, "large bodies held open")
	}
	r := post(t, s.URL+"/api/0/envelope/", body, "Content-Type", "application/x-sentry-envelope")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("a body while 12 large ones are held open: %d %.200q Retry-After=%q; want 503 with Retry-After", r.status, r.body, r.header.Get("Retry-After"))
	}
	t.Logf("%d of 12 held bodies refused while sending", refused)
	s.withinBound(t, "12 bodies of 15 MiB held open")
}

// Finding 4: ten staggered readers of /stream that stop reading held their
// batches (the whole buffer, evicted entries included): 3.4 GB against
// 630 MB without them.
func TestAttackStalledStreamReaders(t *testing.T) {
	s := startUnderAttack(t)
	body := randomEnvelope(1 << 20)
	const total = 3 * attackBufferBytes / (1 << 20) // envelopes: three buffers' worth
	for i := range total {
		if i%(total/10) == 0 { // a new stalled reader every tenth of the way
			c := s.dial(t, 4096)
			fmt.Fprintf(c, "GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
			if _, err := bufio.NewReader(c).ReadString('\n'); err != nil { // the status line; then never read again
				t.Fatal(err)
			}
		}
		r := post(t, s.URL+"/api/0/envelope/", body, "Content-Type", "application/x-sentry-envelope")
		if r.status != http.StatusOK {
			t.Fatalf("envelope %d: %d %s", i, r.status, r.body)
		}
	}
	s.healthy(t, "ten stalled readers")
	s.withinBound(t, "ten stalled stream readers")
}
