// Package integration drives the real spotlight binary as SDKs, browsers and
// users do: real sentry-go and @sentry/node clients, a real SSE reader,
// signals and ports taken by other programs.
package integration

import (
	"os"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// bin is the spotlight binary built once for this package.
var bin string

func TestMain(m *testing.M) { os.Exit(testutil.RunTests(m, &bin, nil)) }
