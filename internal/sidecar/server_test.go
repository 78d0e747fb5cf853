package sidecar

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

func hasIPv6Loopback() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func TestListenBothLoopbacks(t *testing.T) {
	ts := start(t, Config{})
	if ts.URL() != fmt.Sprintf("http://localhost:%d", ts.Port()) {
		t.Fatalf("URL = %s", ts.URL())
	}
	addrs := []string{"127.0.0.1"}
	if hasIPv6Loopback() {
		addrs = append(addrs, "[::1]")
	}
	for _, a := range addrs {
		r, err := http.Get(fmt.Sprintf("http://%s:%d/health", a, ts.Port()))
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Errorf("%s: %d", a, r.StatusCode)
		}
	}
}

func TestListenPortInUse(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	s, _ := New(Config{Buffer: buffer.New(buffer.Options{}), Port: port})
	if err := s.Listen(); !errors.Is(err, ErrPortInUse) {
		t.Fatalf("Listen on a taken port: %v; want ErrPortInUse", err)
	}

	if !hasIPv6Loopback() {
		return
	}
	// Taken on ::1 only: clients resolving localhost to ::1 would reach the
	// other program, so that is in use too.
	l6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l6.Close()
	port6 := l6.Addr().(*net.TCPAddr).Port
	s, _ = New(Config{Buffer: buffer.New(buffer.Options{}), Port: port6})
	if err := s.Listen(); !errors.Is(err, ErrPortInUse) {
		t.Fatalf("Listen on a port taken on ::1: %v; want ErrPortInUse", err)
	}
}

func TestListenHost(t *testing.T) {
	ts := start(t, Config{Host: "127.0.0.1"})
	if !Probe(context.Background(), ts.Port()) {
		t.Fatal("--host 127.0.0.1: the sidecar does not answer")
	}
	// 192.0.2.1 is TEST-NET-1: never an address of this machine.
	bad, _ := New(Config{Buffer: buffer.New(buffer.Options{}), Host: "192.0.2.1"})
	if err := bad.Listen(); err == nil || !strings.Contains(err.Error(), "--host 192.0.2.1") || !strings.Contains(err.Error(), "0.0.0.0") {
		t.Fatalf("--host 192.0.2.1: %v; want an error naming --host and the fix", err)
	}
	s, _ := New(Config{Buffer: buffer.New(buffer.Options{}), Host: "0.0.0.0", Port: 1234})
	s.port = 1234
	if s.URL() != "http://localhost:1234" {
		t.Fatalf("URL for 0.0.0.0 = %s", s.URL())
	}
	s, _ = New(Config{Buffer: buffer.New(buffer.Options{}), Host: "10.1.2.3"})
	s.port = 1234
	if s.URL() != "http://10.1.2.3:1234" {
		t.Fatalf("URL for 10.1.2.3 = %s", s.URL())
	}
}

func TestNewValidates(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Buffer: buffer.New(buffer.Options{}), Port: 70000},
		{Buffer: buffer.New(buffer.Options{}), AllowedOrigins: []string{"http://x.test/path"}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

func TestProbe(t *testing.T) {
	ts := start(t, Config{})
	ctx := context.Background()
	if !Probe(ctx, ts.Port()) {
		t.Fatal("Probe does not recognise a sidecar")
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("OK")) }))
	defer other.Close()
	port, _ := strconv.Atoi(other.URL[len("http://127.0.0.1:"):])
	if Probe(ctx, port) {
		t.Fatal("Probe took another HTTP server for a sidecar")
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if Probe(ctx, closed) {
		t.Fatal("Probe found a sidecar on a closed port")
	}
}
