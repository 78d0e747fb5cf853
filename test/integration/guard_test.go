package integration

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

func TestForeignHostRefused(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil, "-A", "myapp.local")
	hostname, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{
		hostname + ":3000":               200, // this machine's own name
		hostname + ".attacker.example":   403,
		"localhost":                      200,
		"127.0.0.1:8969":                 200,
		"[::1]:1234":                     200,
		"host.docker.internal:8969":      200,
		"myapp.local:8969":               200,
		"attacker.example":               403,
		"attacker.example:8969":          403,
		"localhost.attacker.example:123": 403,
	} {
		r := request(t, http.MethodGet, sc.URL+"/health", nil, "Host", host)
		if r.status != want || r.header.Get("X-Powered-By") != "spotlight-by-sentry" {
			t.Errorf("Host %s: %d (X-Powered-By %q); want %d", host, r.status, r.header.Get("X-Powered-By"), want)
		}
	}
}

func TestCORSHeaders(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil, "--allowed-origin", "https://app.test:8443,staging.test")
	for origin, allowed := range map[string]bool{
		"http://localhost:5173":    true,
		"https://127.0.0.1:3000":   true,
		"http://[::1]:8080":        true,
		"https://app.test:8443":    true,
		"http://staging.test:81":   true,
		"http://app.test:8443":     false,
		"https://attacker.example": false,
	} {
		r := post(t, sc.URL+"/stream", []byte(smallEnvelope), "Content-Type", "application/x-sentry-envelope", "Origin", origin)
		if r.status != 200 {
			t.Errorf("envelope from %s: %d (envelopes are accepted from any origin)", origin, r.status)
		}
		acao := r.header.Get("Access-Control-Allow-Origin")
		if allowed && acao != origin || !allowed && acao != "" {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q", origin, acao)
		}
		pre := request(t, http.MethodOptions, sc.URL+"/stream", nil, "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,content-encoding")
		if allowed != (pre.status == http.StatusNoContent && pre.header.Get("Access-Control-Allow-Origin") == origin) {
			t.Errorf("preflight from %s: %d %v", origin, pre.status, pre.header)
		}
	}
	// The browser SDK's text/plain envelope from a page on another dev host.
	r := post(t, sc.URL+"/api/5/envelope/?sentry_key=k&sentry_client=sentry.javascript.browser%2F9.0.0", []byte(smallEnvelope),
		"Content-Type", "text/plain;charset=UTF-8", "Origin", "http://some-dev-host.test:3000")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("browser SDK text/plain envelope: %d %v", r.status, r.header)
	}
}

func TestClearFromForeignOriginRefused(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")
	testutil.PostEnvelope(t, sc.URL+"/stream", []byte(smallEnvelope))
	id := sse.Next(t, eventTimeout).ID

	r := request(t, http.MethodDelete, sc.URL+"/clear", nil, "Origin", "https://attacker.example")
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "-A") {
		t.Fatalf("DELETE /clear from a foreign origin: %d %q", r.status, r.body)
	}
	if r := get(t, sc.URL+"/envelope/"+id, ""); r.status != 200 {
		t.Fatalf("the refused clear emptied the buffer: GET /envelope = %d", r.status)
	}
	if r := request(t, http.MethodDelete, sc.URL+"/clear", nil, "Origin", "http://localhost:8969"); r.status != 200 {
		t.Fatalf("DELETE /clear from the UI's origin: %d %q", r.status, r.body)
	}
	if r := get(t, sc.URL+"/envelope/"+id, ""); r.status != 404 {
		t.Fatalf("after /clear: GET /envelope = %d", r.status)
	}
}
