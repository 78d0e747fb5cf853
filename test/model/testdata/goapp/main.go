// goapp is a real sentry-go program for the tests of the event model: run
// under `spotlight run`, it reaches the sidecar through the DSN that
// SENTRY_SPOTLIGHT names (sentry-go has no Spotlight option), sends an
// error, a message with AttachStacktrace (sentry-go sends its stack as a
// bare list of threads), a transaction with nested spans and logs, prints
// "sent", and waits until the file named by its argument exists.
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
	if len(os.Args) != 2 {
		fail(errors.New("usage: goapp <gate file>"))
	}
	u, err := url.Parse(os.Getenv("SENTRY_SPOTLIGHT"))
	if err != nil || u.Host == "" {
		fail(fmt.Errorf("SENTRY_SPOTLIGHT %q is not a URL", os.Getenv("SENTRY_SPOTLIGHT")))
	}
	err = sentry.Init(sentry.ClientOptions{
		Dsn:              "http://spotlight@" + u.Host + "/0",
		AttachStacktrace: true,
		EnableTracing:    true,
		TracesSampleRate: 1,
		Environment:      "goapp-test",
		Release:          "goapp@1.0.0",
	})
	if err != nil {
		fail(err)
	}
	ctx := sentry.SetHubOnContext(context.Background(), sentry.CurrentHub().Clone())
	placeOrder(ctx)
	sentry.CaptureMessage("inventory is running low")
	if !sentry.Flush(10 * time.Second) {
		fail(errors.New("sentry-go did not flush"))
	}
	fmt.Println("sent")
	for {
		if _, err := os.Stat(os.Args[1]); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// placeOrder is a transaction: a query (with a connect inside it) and a
// render, a log in each, and an error captured inside the transaction.
func placeOrder(ctx context.Context) {
	tx := sentry.StartTransaction(ctx, "POST /orders", sentry.WithOpName("http.server"))
	logger := sentry.NewLogger(tx.Context())
	query := tx.StartChild("db.query", sentry.WithDescription("INSERT INTO orders VALUES ($1)"))
	connect := query.StartChild("db.connect", sentry.WithDescription("orders-db"))
	time.Sleep(2 * time.Millisecond)
	connect.Finish()
	logger.Info().String("order", "42").Emit("order stored")
	query.Finish()
	render := tx.StartChild("template.render", sentry.WithDescription("receipt.html"))
	time.Sleep(time.Millisecond)
	render.Finish()
	logger.Warn().Emit("receipt rendered slowly")
	sentry.GetHubFromContext(tx.Context()).CaptureException(fmt.Errorf("charge order 42: %w", errors.New("card declined")))
	tx.Finish()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goapp:", err)
	os.Exit(1)
}
