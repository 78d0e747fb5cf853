//go:build linux

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// Finding 3 against the real binary: another local user may send envelopes
// and ask /health, and nothing else; the sidecar's own user (root here)
// reads as before. The routes of the event API and the MCP endpoint are
// covered as well as the envelope routes.
func TestOtherUserAgainstTheBinary(t *testing.T) {
	u := testutil.NewOtherUser(t)
	sc := testutil.StartSidecar(t, bin, nil)
	if status, body := u.RawHTTP(t, sc.Port, "POST", "/api/0/envelope/", smallEnvelope, "Content-Type: application/x-sentry-envelope"); !strings.Contains(status, " 200 ") {
		t.Fatalf("another user's envelope: %s %s", status, body)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/stream"},
		{"GET", "/api/envelopes"},
		{"GET", "/api/errors"},
		{"GET", "/api/logs"},
		{"GET", "/api/traces"},
		{"GET", "/api/feed"},
		{"GET", "/api/counts"},
		{"GET", "/api/stats"},
		{"GET", "/api/instances?all=1"},
		{"POST", "/mcp"},
		{"DELETE", "/clear"},
		{"GET", "/"},
	} {
		status, body := u.RawHTTP(t, sc.Port, c.method, c.path, "")
		if !strings.Contains(status, " 403 ") || !strings.Contains(body, "the request comes from "+u.Name) {
			t.Errorf("%s %s as another user: %s %.200q; want 403 saying why", c.method, c.path, status, body)
		}
	}
	if r := get(t, sc.URL+"/api/envelopes", ""); r.status != 200 || !strings.Contains(r.body, "envelope") {
		t.Fatalf("the user's own read: %d %.200q", r.status, r.body)
	}

	// The CLI as the other user: spotlight tail is refused and says why.
	binDir, err := os.MkdirTemp("", "spotlight-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(binDir) })
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(binDir, "spotlight")
	if out, err := exec.Command("cp", bin, theirs).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	tail := u.Command(theirs, "tail", "-p", fmt.Sprint(sc.Port))
	tail.Env = []string{"HOME=/", "SPOTLIGHT_REGISTRY_DIR=/tmp/" + u.Name + "-instances"}
	out := &testutil.SafeBuffer{}
	tail.Stdout, tail.Stderr = out, out
	if err := tail.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tail.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = tail.Process.Kill()
		<-done
	}
	if !strings.Contains(out.String(), "refused to stream its events") || !strings.Contains(out.String(), "the request comes from "+u.Name) {
		t.Errorf("spotlight tail as another user printed %q; want the refusal that names them", out.String())
	}
	_ = os.RemoveAll("/tmp/" + u.Name + "-instances")
}
