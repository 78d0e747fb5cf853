package mcp_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getsentry/sentry-go"

	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

// checkoutFailed is the error the SDK captures (its stack trace is where it
// is captured, in this file).
func checkoutFailed() error { return errors.New("sdk checkout failed: card expired") }

// TestSentryGo sends a transaction with a span, an error and a log inside
// it, and one error outside it, through the real sentry-go SDK (DSN pointing
// at the sidecar `spotlight mcp` started), then finds them with the tools.
func TestSentryGo(t *testing.T) {
	port := testutil.FreePort(t)
	cs, _ := connectStdio(t, processEnv(filepath.Join(t.TempDir(), "instances")), "-p", fmt.Sprint(port))

	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:              fmt.Sprintf("http://spotlight@localhost:%d/0", port),
		EnableTracing:    true,
		TracesSampleRate: 1,
		Environment:      "mcp-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	hub := sentry.NewHub(client, sentry.NewScope())
	ctx := sentry.SetHubOnContext(context.Background(), hub)
	tx := sentry.StartTransaction(ctx, "POST /sdk/checkout", sentry.WithOpName("http.server"))
	span := tx.StartChild("db.query", sentry.WithDescription("UPDATE orders SET paid = 1"))
	span.Finish()
	sentry.NewLogger(tx.Context()).Info().Emit("charging the card of order 42")
	hub.CaptureException(checkoutFailed())
	tx.Finish()
	traceID := tx.TraceID.String()

	outside := sentry.NewHub(client, sentry.NewScope())
	outside.CaptureMessage("a message without a stack trace")
	if !hub.Flush(wait) {
		t.Fatal("sentry-go did not flush within the deadline")
	}

	testutil.Eventually(t, wait, func() bool {
		text, _ := mcpclient.Call(t, cs, "get_traces", map[string]any{"traceId": traceID[:12]})
		return strings.Contains(text, "POST /sdk/checkout") && strings.Contains(text, "charging the card")
	}, "the transaction and log of trace %s never showed up", traceID)

	text := mcpclient.OK(t, cs, "get_traces", map[string]any{"traceId": traceID[:12]})
	contains(t, "get_traces", text, traceID, "POST /sdk/checkout", "db.query", "UPDATE orders SET paid = 1",
		"sdk checkout failed: card expired", "charging the card of order 42")
	lacks(t, "get_traces", text, "a message without a stack trace")

	text = mcpclient.OK(t, cs, "search_errors", map[string]any{"filename": "sdk_test.go"})
	contains(t, "errors in sdk_test.go", text, "sdk checkout failed: card expired", "TestSentryGo", "sdk_test.go:", "1 error ")
	lacks(t, "errors in sdk_test.go", text, "a message without a stack trace")

	text = mcpclient.OK(t, cs, "search_errors", map[string]any{"timeWindow": 3600})
	contains(t, "all recent errors", text, "sdk checkout failed", "a message without a stack trace", "2 errors")

	text = mcpclient.OK(t, cs, "search_traces", map[string]any{"timeWindow": 3600})
	contains(t, "recent traces", text, "POST /sdk/checkout", "1 trace ")
}
