//go:build linux

package sidecar

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// Finding 3: any local user could list instances, read every event, stop
// apps, clear and ping. Now only envelopes and /health are theirs; every
// other route answers 403 saying whose Spotlight it is and who asked.
func TestOtherUsersMayOnlySend(t *testing.T) {
	u := testutil.NewOtherUser(t)
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, name) })
	}
	ts := start(t, Config{Instances: named("instances"), MCP: named("mcp"), UI: named("ui"), Secret: func() string { return strings.Repeat("s", 64) }})
	id := postEnvelope(t, ts, "/stream", []byte(testEnvelope)).header.Get("X-Spotlight-Envelope-Id")

	if status, body := u.RawHTTP(t, ts.Port(), "POST", "/api/0/envelope/", testEnvelope, "Content-Type: application/x-sentry-envelope"); !strings.Contains(status, " 200 ") {
		t.Fatalf("another user's envelope: %s %s", status, body)
	}
	if status, _ := u.RawHTTP(t, ts.Port(), "GET", "/health", ""); !strings.Contains(status, " 200 ") {
		t.Fatalf("another user's /health: %s", status)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/stream"},
		{"GET", "/envelope/" + id},
		{"GET", "/api/envelopes"},
		{"GET", "/api/instances"},
		{"POST", "/api/instances/ping"},
		{"POST", "/api/instances/" + id + "/terminate"},
		{"POST", "/mcp"},
		{"DELETE", "/clear"},
		{"POST", "/open"},
		{"GET", "/"},
	} {
		status, body := u.RawHTTP(t, ts.Port(), c.method, c.path, "")
		if !strings.Contains(status, " 403 ") || !strings.Contains(body, "the request comes from "+u.Name) || !strings.Contains(body, fmt.Sprintf("uid %d", os.Getuid())) {
			t.Errorf("%s %s as another user: %s %q; want 403 naming both users", c.method, c.path, status, body)
		}
	}
	// The per-user secret lets a client in whatever its user.
	if status, body := u.RawHTTP(t, ts.Port(), "GET", "/api/envelopes", "", registry.SecretHeader+": "+strings.Repeat("s", 64)); !strings.Contains(status, " 200 ") || !strings.Contains(body, id) {
		t.Errorf("with the secret: %s %q", status, body)
	}
	if status, _ := u.RawHTTP(t, ts.Port(), "GET", "/api/envelopes", "", registry.SecretHeader+": wrong"); !strings.Contains(status, " 403 ") {
		t.Errorf("with a wrong secret: %s", status)
	}
	// The user's own connections (root counts as the user) get through.
	for _, path := range []string{"/api/envelopes", "/api/instances", "/"} {
		resp, err := http.Get(ts.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s as the user: %d", path, resp.StatusCode)
		}
	}
	if n, _ := ts.buf.Len(); n != 2 {
		t.Errorf("buffer holds %d envelopes; want 2 (nothing cleared by the other user)", n)
	}
}
