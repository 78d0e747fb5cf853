// Command spotlight is the local debugging companion for apps that use Sentry
// SDKs: a sidecar that receives their envelopes, `spotlight run`, `tail`,
// `list`, `terminate` and `mcp`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// Time zones for local times (list, tail) where the system has no
	// zoneinfo database (Windows, minimal containers).
	_ "time/tzdata"

	"github.com/spotlight-dev/spotlight/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(cli.Main(ctx, cli.DefaultEnv(), version, os.Args[1:]))
}
