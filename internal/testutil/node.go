package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NodeSDKScript returns the path of test/node/send-error-and-log.mjs, which
// sends an error and a log with the real @sentry/node and prints the error's
// event id. It fails the test when `make test-deps` has not installed the SDK.
func NodeSDKScript(t testing.TB) string {
	t.Helper()
	return NodeScript(t, "send-error-and-log.mjs")
}

// NodeScript returns the path of a script of test/node, which use the real
// @sentry/node. It fails the test when `make test-deps` has not installed
// the SDK.
func NodeScript(t testing.TB, name string) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "test", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@sentry", "node")); err != nil {
		t.Fatalf("@sentry/node is not installed in test/node: run `make test-deps` (%v)", err)
	}
	return filepath.Join(dir, name)
}

// SendWithSentryNode runs the @sentry/node script against the sidecar at
// sidecarURL (SENTRY_SPOTLIGHT, no DSN), tagging what it sends with marker,
// and returns the error's event id.
func SendWithSentryNode(t testing.TB, sidecarURL, marker string) string {
	t.Helper()
	script := NodeSDKScript(t)
	cmd := exec.Command("node", script, marker)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = append(os.Environ(), "SENTRY_SPOTLIGHT="+sidecarURL+"/stream", "SENTRY_DSN=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return strings.TrimSpace(string(out))
}
