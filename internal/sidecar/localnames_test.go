package sidecar

import (
	"net"
	"net/http"
	"os"
	"testing"
)

func TestLocalNames(t *testing.T) {
	hosts := []byte(`# comment
127.0.0.1 localhost
127.0.1.1   Devbox.lan devbox # the machine's own entry
192.0.2.2 vm-eth0
::1 ip6-localhost
203.0.113.9 db.internal
not-an-ip broken
10.0.0.1
`)
	_, eth0, _ := net.ParseCIDR("192.0.2.2/24")
	eth0.IP = net.ParseIP("192.0.2.2")
	names := localNames("Workstation.example.org.", hosts, []net.Addr{eth0})
	for _, want := range []string{"workstation.example.org", "workstation", "devbox.lan", "devbox", "vm-eth0", "ip6-localhost", "192.0.2.2"} {
		if !names[want] {
			t.Errorf("%q is not a local name; got %v", want, names)
		}
	}
	for _, foreign := range []string{"db.internal", "broken", "example.org", "203.0.113.9"} {
		if names[foreign] {
			t.Errorf("%q counted as a local name", foreign)
		}
	}
}

// The real server accepts this machine's hostname as Host and as a CORS
// origin (a page at http://<hostname>:3000), and still refuses other names.
func TestHostnameAllowed(t *testing.T) {
	hostname, err := os.Hostname()
	if err != nil || hostname == "" {
		t.Fatalf("os.Hostname: %q %v", hostname, err)
	}
	ts := start(t, Config{})
	origin := "http://" + hostname + ":3000"
	r := do(t, ts, http.MethodGet, "/health", nil, "Host", hostname+":8969", "Origin", origin)
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != origin {
		t.Fatalf("Host %s with Origin %s: %d, Access-Control-Allow-Origin %q", hostname, origin, r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
	pre := do(t, ts, http.MethodOptions, "/api/instances", nil, "Origin", origin, "Access-Control-Request-Method", "DELETE")
	if pre.status != http.StatusNoContent {
		t.Fatalf("preflight from %s: %d %q", origin, pre.status, pre.body)
	}
	if r := do(t, ts, http.MethodGet, "/health", nil, "Host", hostname+".evil.example"); r.status != http.StatusForbidden {
		t.Fatalf("Host %s.evil.example: %d; want 403", hostname, r.status)
	}
	if r := do(t, ts, http.MethodDelete, "/clear", nil, "Origin", "http://"+hostname+".evil.example"); r.status != http.StatusForbidden {
		t.Fatalf("DELETE /clear from a foreign origin: %d; want 403", r.status)
	}
}
