// Package model_test checks, with real SDKs under the real `spotlight run`,
// that every view reads the same event model (internal/event): the event
// API the UI reads, `spotlight tail -f json`, `run`'s printout and the MCP
// tools report as many traces as there are distinct trace ids (each with all
// its spans and its op), show the sentry-go message's frames, never show a
// synthetic exception as an exception, and list logs in time order.
package model_test

import (
	"os"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// wait bounds every poll: SDKs flush in the background (@sentry/node's
// logs every few seconds).
const wait = 30 * time.Second

// Paths of the binaries TestMain builds.
var bins struct{ spotlight, goapp string }

func TestMain(m *testing.M) {
	os.Exit(testutil.RunTests(m, &bins.spotlight, func(dir string) (err error) {
		bins.goapp, err = testutil.BuildPackage(dir, "./test/model/testdata/goapp", "goapp")
		return err
	}))
}
