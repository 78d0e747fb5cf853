package sidecar

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// 127.0.0.2 stands in for the docker bridge address (any 127/8 address is
// this machine's loopback on Linux).
const bridge = "127.0.0.2"

func TestIngestHostsTakeEnvelopesOnly(t *testing.T) {
	ts := start(t, Config{IngestHosts: []string{bridge}})
	port := strconv.Itoa(ts.Port())
	url := "http://" + bridge + ":" + port
	send := func(method, path, host string, body []byte) int {
		t.Helper()
		req, err := http.NewRequest(method, url+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		req.Header.Set("Content-Type", envelopeContentType)
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Powered-By") != PoweredBy {
			t.Errorf("%s %s: no X-Powered-By", method, path)
		}
		return resp.StatusCode
	}
	accepted := 0
	for _, host := range []string{"host.docker.internal:" + port, "HOST.docker.internal", bridge + ":" + port} {
		for _, path := range []string{"/stream", "/api/1/envelope", "/api/1/envelope/"} {
			if code := send("POST", path, host, []byte(testEnvelope)); code != http.StatusOK {
				t.Errorf("POST %s with Host %s: %d, want 200", path, host, code)
			}
			accepted++
		}
	}
	if n := len(ts.buf.Snapshot()); n != accepted {
		t.Errorf("%d envelopes buffered, want %d", n, accepted)
	}
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "attacker.example", "host.docker.internal.attacker.example"} {
		if code := send("POST", "/stream", host, []byte(testEnvelope)); code != http.StatusForbidden {
			t.Errorf("POST /stream with Host %q: %d, want 403", host, code)
		}
	}
	for _, r := range [][2]string{{"GET", "/stream"}, {"GET", "/api/envelopes"}, {"GET", "/envelope/0193a000-0000-7000-8000-000000000000"},
		{"DELETE", "/clear"}, {"GET", "/health"}, {"GET", "/api/instances"}, {"POST", "/api/instances/x/terminate"}, {"POST", "/mcp"}, {"GET", "/"}, {"OPTIONS", "/stream"}} {
		if code := send(r[0], r[1], "host.docker.internal", nil); code != http.StatusForbidden {
			t.Errorf("%s %s on the ingest address: %d, want 403", r[0], r[1], code)
		}
	}
	if n := len(ts.buf.Snapshot()); n != accepted {
		t.Errorf("the refused requests changed the buffer: %d envelopes, want %d", n, accepted)
	}
	// Loopback serves as before.
	if r := do(t, ts, "GET", "/api/envelopes", nil); r.status != http.StatusOK || !strings.HasPrefix(r.body, "[") {
		t.Errorf("GET /api/envelopes on loopback: %d %s", r.status, r.body)
	}
}

// An ingest address that cannot be bound fails Listen, and the loopback
// listeners bound before it are released.
func TestIngestHostInUseFailsListen(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Addr().(*net.TCPAddr).Port
	probe.Close()
	taken, err := net.Listen("tcp", net.JoinHostPort("127.0.0.3", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	s, err := New(Config{Port: port, IngestHosts: []string{"127.0.0.3"}, Buffer: buffer.New(buffer.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err == nil || !strings.Contains(err.Error(), "for containers") {
		t.Fatalf("Listen = %v, want an error naming the containers' address", err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("port %d still bound on loopback after the failed Listen: %v", port, err)
	}
	l.Close()
}
