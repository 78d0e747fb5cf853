// Package integration drives the real spotlight binary as SDKs, browsers and
// users do: real sentry-go and @sentry/node clients, a real SSE reader,
// signals and ports taken by other programs.
package integration

import (
	"fmt"
	"os"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// bin is the spotlight binary built once for this package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spotlight-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin, err = testutil.BuildBinary(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
