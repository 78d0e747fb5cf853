package sidecar

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestPoweredByOnEveryResponse(t *testing.T) {
	ts := start(t, Config{})
	for _, r := range []resp{
		do(t, ts, http.MethodGet, "/health", nil),
		do(t, ts, http.MethodGet, "/nothing-here", nil),
		do(t, ts, http.MethodGet, "/health", nil, "Host", "evil.example"),
		postEnvelope(t, ts, "/stream", []byte("garbage")),
		do(t, ts, http.MethodOptions, "/stream", nil, "Origin", "http://evil.example", "Access-Control-Request-Method", "POST"),
	} {
		if r.header.Get("X-Powered-By") != PoweredBy {
			t.Errorf("response %d %q lacks X-Powered-By", r.status, r.body)
		}
	}
}

func TestHostCheck(t *testing.T) {
	ts := start(t, Config{AllowedOrigins: []string{"myapp.local", "https://app.test:8443"}})
	cases := map[string]int{
		"localhost":                200,
		"localhost:8969":           200,
		"LOCALHOST:1234":           200,
		"127.0.0.1:8969":           200,
		"[::1]:8969":               200,
		"[::1]":                    200,
		"app.localhost:3000":       200,
		"host.docker.internal:999": 200,
		"myapp.local:8969":         200, // -A domain
		"app.test":                 200, // host of an -A origin
		"evil.example":             403,
		"evil.example:8969":        403,
		"localhost.evil.example":   403,
		"192.168.1.10:8969":        403,
		"myapp.local.evil.example": 403,
	}
	for host, want := range cases {
		r := do(t, ts, http.MethodGet, "/health", nil, "Host", host)
		if r.status != want {
			t.Errorf("Host %q: %d; want %d", host, r.status, want)
		}
		if want == 403 && !strings.Contains(r.body, "-A") {
			t.Errorf("Host %q: 403 body does not say how to allow it: %q", host, r.body)
		}
	}
	// The listen address given with --host is a name clients use.
	if !(&Server{origins: mustPolicy(t, nil, "10.1.2.3")}).origins.hostAllowed("10.1.2.3:8969") {
		t.Error("the --host address is refused as Host")
	}
}

func mustPolicy(t *testing.T, allowed []string, host string) *originPolicy {
	t.Helper()
	p, err := newOriginPolicy(allowed, host)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOriginPolicy(t *testing.T) {
	p := mustPolicy(t, []string{"myapp.local, https://app.test:8443", "other.test:3000"}, "")
	cases := map[string]bool{
		"http://localhost:3000":      true,
		"https://localhost":          true,
		"http://127.0.0.1:5173":      true,
		"http://[::1]:8080":          true,
		"http://web.localhost:3000":  true,
		"http://myapp.local":         true,
		"https://myapp.local:9999":   true,
		"https://app.test:8443":      true,
		"HTTPS://APP.TEST:8443":      true,
		"http://app.test:8443":       false, // full origin: exact scheme
		"https://app.test":           false, // and exact port
		"http://other.test:1":        true,  // plain domain: the port is ignored
		"http://evil.example":        false,
		"http://localhost.evil.test": false,
		"null":                       false,
		"":                           false,
		"file://":                    false,
	}
	for origin, want := range cases {
		if got := p.originAllowed(origin); got != want {
			t.Errorf("originAllowed(%q) = %v; want %v", origin, got, want)
		}
	}
	for _, bad := range []string{"https://", "http://a.test/path", "bad domain"} {
		if _, err := newOriginPolicy([]string{bad}, ""); err == nil {
			t.Errorf("-A %q accepted", bad)
		}
	}
}

func TestCORS(t *testing.T) {
	ts := start(t, Config{AllowedOrigins: []string{"https://app.test:8443"}})
	for origin, allowed := range map[string]bool{
		"http://localhost:5173": true,
		"https://app.test:8443": true,
		"http://evil.example":   false,
	} {
		r := postEnvelope(t, ts, "/stream", []byte(testEnvelope), "Origin", origin)
		if r.status != 200 {
			t.Errorf("envelope from %s refused: %d (envelopes are accepted from any origin)", origin, r.status)
		}
		got := r.header.Get("Access-Control-Allow-Origin")
		if allowed && got != origin || !allowed && got != "" {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q", origin, got)
		}
		if !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Origin") {
			t.Errorf("origin %s: no Vary: Origin", origin)
		}

		pre := do(t, ts, http.MethodOptions, "/stream", nil,
			"Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "content-type,sentry-trace,baggage")
		if !allowed {
			if pre.status != 403 || pre.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight from %s: %d %v", origin, pre.status, pre.header)
			}
			continue
		}
		h := strings.ToLower(pre.header.Get("Access-Control-Allow-Headers"))
		if pre.status != 204 || pre.header.Get("Access-Control-Allow-Origin") != origin ||
			!strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "DELETE") ||
			!strings.Contains(h, "content-encoding") || !strings.Contains(h, "last-event-id") || !strings.Contains(h, "sentry-trace") {
			t.Errorf("preflight from %s: %d %v", origin, pre.status, pre.header)
		}
	}
	pna := do(t, ts, http.MethodOptions, "/stream", nil, "Origin", "http://localhost:3000",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Private-Network", "true")
	if pna.header.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("private network preflight not answered: %v", pna.header)
	}
}

func TestStateChangingRequestsNeedAllowedOrigin(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "done") })
	ts := start(t, Config{Instances: echo, MCP: echo})
	for _, req := range []struct{ method, path string }{
		{http.MethodDelete, "/clear"},
		{http.MethodPost, "/api/instances/ping"},
		{http.MethodPost, "/api/instances/abc/terminate"},
		{http.MethodPost, "/mcp"},
	} {
		if r := do(t, ts, req.method, req.path, nil, "Origin", "http://evil.example"); r.status != 403 || !strings.Contains(r.body, "-A") {
			t.Errorf("%s %s from a foreign origin: %d %q; want 403", req.method, req.path, r.status, r.body)
		}
		for _, origin := range []string{"", "http://localhost:3000"} {
			if r := do(t, ts, req.method, req.path, nil, "Origin", origin); r.status != 200 {
				t.Errorf("%s %s from origin %q: %d", req.method, req.path, origin, r.status)
			}
		}
	}
	// Reading is not state-changing: a foreign page gets no CORS headers, so
	// the browser hides the answer anyway.
	if r := do(t, ts, http.MethodGet, "/api/instances", nil, "Origin", "http://evil.example"); r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from a foreign origin: %d %v", r.status, r.header)
	}
}
