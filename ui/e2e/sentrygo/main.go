// Command sentrygo is the sentry-go program of the web UI's e2e tests: an
// error, a message with AttachStacktrace (sentry-go sends its threads as a
// bare array), a transaction with nested spans, and logs, sent to the
// sidecar at SENTRY_SPOTLIGHT through a DSN (sentry-go has no Spotlight
// option). It exits once the SDK has flushed.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/getsentry/sentry-go"
)

func main() {
	u, err := url.Parse(os.Getenv("SENTRY_SPOTLIGHT"))
	if err != nil || u.Host == "" {
		fail(fmt.Errorf("SENTRY_SPOTLIGHT %q is not a URL", os.Getenv("SENTRY_SPOTLIGHT")))
	}
	err = sentry.Init(sentry.ClientOptions{
		Dsn:              "http://spotlight@" + u.Host + "/0",
		AttachStacktrace: true,
		EnableTracing:    true,
		TracesSampleRate: 1,
		Environment:      "e2e",
		Release:          "gocart@1.0.0",
	})
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	tx := sentry.StartTransaction(ctx, "GET /gocart/items", sentry.WithOpName("http.server"))
	query := tx.StartChild("db.query", sentry.WithDescription("SELECT * FROM items"))
	rows := query.StartChild("db.rows", sentry.WithDescription("scan rows"))
	time.Sleep(5 * time.Millisecond)
	rows.Finish()
	query.Finish()
	logger := sentry.NewLogger(tx.Context())
	logger.Info().Emit("gocart: listing items")
	hub := sentry.GetHubFromContext(tx.Context())
	if hub == nil {
		hub = sentry.CurrentHub()
	}
	hub.CaptureException(loadItems())
	tx.Finish()
	captureNotice()
	logger.Warn().Emit("gocart: cache is cold")
	if !sentry.Flush(10 * time.Second) {
		fail(errors.New("sentry-go did not flush within 10 s"))
	}
	fmt.Println("gocart: events sent")
}

func loadItems() error {
	return fmt.Errorf("gocart: loading items: %w", errors.New("connection refused"))
}

// captureNotice is in its own function so that the message's stack has an
// in-app frame with a name the test can look for.
func captureNotice() {
	sentry.CaptureMessage("gocart: inventory is running low")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sentrygo:", err)
	os.Exit(1)
}
