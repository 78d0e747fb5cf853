package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// DebianPython is Debian's interpreter, which has python3-sentry-sdk; the
// python3 first on PATH may be another one (pyenv) without it.
const DebianPython = "/usr/bin/python3"

// PythonSDKScript returns the path of test/python/send_error_and_transaction.py,
// which sends an error (to the store endpoint) and a transaction with Debian's
// python3-sentry-sdk 1.9 and prints the error's event id. It fails the test
// when `make test-deps` has not installed the SDK.
func PythonSDKScript(t testing.TB) string {
	t.Helper()
	if out, err := exec.Command(DebianPython, "-c", "import sentry_sdk").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import sentry_sdk: run `make test-deps` (apt-get install python3-sentry-sdk): %v\n%s", DebianPython, err, out)
	}
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "test", "python", "send_error_and_transaction.py")
}

// SendWithSentryPython runs the Python SDK script with SENTRY_DSN=dsn,
// tagging what it sends with marker, and returns the error's event id.
func SendWithSentryPython(t testing.TB, dsn, marker string) string {
	t.Helper()
	script := PythonSDKScript(t)
	cmd := exec.Command(DebianPython, script, marker)
	cmd.Env = append(os.Environ(), "SENTRY_DSN="+dsn)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", DebianPython, script, err, out)
	}
	return strings.TrimSpace(string(out))
}
