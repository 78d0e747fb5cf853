package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

const eventTimeout = 15 * time.Second

// streamed decodes an SSE envelope event back into an envelope.
func streamed(t *testing.T, ev testutil.Event) *envelope.Envelope {
	t.Helper()
	if ev.Name != buffer.EventEnvelope {
		t.Fatalf("event %q; want %s", ev.Name, buffer.EventEnvelope)
	}
	env, err := envelope.UnmarshalStream([]byte(ev.Data))
	if err != nil {
		t.Fatalf("stream data is not an envelope: %v\n%s", err, ev.Data)
	}
	return env
}

// payload unmarshals the first item of type typ, or fails.
func payload(t *testing.T, env *envelope.Envelope, typ string) map[string]any {
	t.Helper()
	for _, it := range env.Items {
		if it.Type == typ {
			var m map[string]any
			if err := json.Unmarshal(it.Payload, &m); err != nil {
				t.Fatalf("%s payload: %v", typ, err)
			}
			return m
		}
	}
	t.Fatalf("no %s item in envelope with header %s", typ, env.Header)
	return nil
}

// collect reads the stream until an envelope holding each item type has
// arrived, in whatever order the SDK sent them (sentry-go, for one, may send
// a transaction before an error captured earlier), and returns the first
// envelope seen for each type.
func collect(t *testing.T, sse *testutil.SSE, types ...string) map[string]*envelope.Envelope {
	t.Helper()
	found := map[string]*envelope.Envelope{}
	deadline := time.Now().Add(eventTimeout)
	for len(found) < len(types) {
		if time.Now().After(deadline) {
			t.Fatalf("within %s the stream brought envelopes with %d of the item types %q", eventTimeout, len(found), types)
		}
		env := streamed(t, sse.NextNamed(t, buffer.EventEnvelope, time.Until(deadline)))
		for _, typ := range types {
			if found[typ] == nil && hasItem(env, typ) {
				found[typ] = env
			}
		}
	}
	return found
}

func hasItem(env *envelope.Envelope, typ string) bool {
	for _, it := range env.Items {
		if it.Type == typ {
			return true
		}
	}
	return false
}

// The real sentry-go SDK reaches the sidecar through a DSN (it has no
// Spotlight option): an error and a transaction come back on the stream.
func TestSentryGoSDK(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")

	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:              fmt.Sprintf("http://spotlight@localhost:%d/0", sc.Port),
		EnableTracing:    true,
		TracesSampleRate: 1,
		Environment:      "integration-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	hub := sentry.NewHub(client, sentry.NewScope())
	eventID := hub.CaptureException(errors.New("sentry-go integration boom"))
	if eventID == nil {
		t.Fatal("sentry-go dropped the event")
	}
	ctx := sentry.SetHubOnContext(t.Context(), hub)
	tx := sentry.StartTransaction(ctx, "integration-transaction")
	tx.StartChild("db.query").Finish()
	tx.Finish()
	if !client.Flush(10 * time.Second) {
		t.Fatal("sentry-go could not deliver to the sidecar within 10s")
	}

	got := collect(t, sse, "event", "transaction")
	ev := payload(t, got["event"], "event")
	if ev["event_id"] != string(*eventID) || !strings.Contains(fmt.Sprint(ev["exception"]), "sentry-go integration boom") {
		t.Fatalf("error event = %v", ev)
	}
	txp := payload(t, got["transaction"], "transaction")
	if txp["transaction"] != "integration-transaction" || len(txp["spans"].([]any)) != 1 {
		t.Fatalf("transaction = %v", txp)
	}
}

// @sentry/node with SENTRY_SPOTLIGHT and no DSN: an error and a log come
// back on the stream.
func TestSentryNodeSDK(t *testing.T) {
	testutil.NodeSDKScript(t) // fails early when the SDK is not installed
	sc := testutil.StartSidecar(t, bin, nil)
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")

	marker := fmt.Sprintf("marker-%d", time.Now().UnixNano())
	eventID := testutil.SendWithSentryNode(t, sc.URL, marker)

	got := collect(t, sse, "event", "log")
	ev := payload(t, got["event"], "event")
	if ev["event_id"] != eventID || !strings.Contains(fmt.Sprint(ev["exception"]), "boom "+marker) {
		t.Fatalf("error event = %v; want id %s", ev, eventID)
	}
	if logs := fmt.Sprint(payload(t, got["log"], "log")); !strings.Contains(logs, "log line "+marker) {
		t.Fatalf("log item = %s", logs)
	}
}

// Debian's python3-sentry-sdk 1.9 (no Spotlight support) with the README's
// DSN: its error goes to the store endpoint as bare JSON, its transaction as
// an envelope, and both come back on the stream.
func TestSentryPythonSDK(t *testing.T) {
	testutil.PythonSDKScript(t) // fails early when the SDK is not installed
	sc := testutil.StartSidecar(t, bin, nil)
	sse := testutil.OpenSSE(t, sc.URL+"/stream", "")

	marker := fmt.Sprintf("marker-%d", time.Now().UnixNano())
	eventID := testutil.SendWithSentryPython(t, fmt.Sprintf("http://spotlight@localhost:%d/0", sc.Port), marker)

	got := collect(t, sse, "event", "transaction")
	ev := payload(t, got["event"], "event")
	if strings.ReplaceAll(fmt.Sprint(ev["event_id"]), "-", "") != strings.ReplaceAll(eventID, "-", "") || !strings.Contains(fmt.Sprint(ev["exception"]), "boom "+marker) {
		t.Fatalf("error event = %v; want id %s", ev, eventID)
	}
	if got["event"].EventID() != ev["event_id"] {
		t.Fatalf("envelope header event_id %q, event's %v", got["event"].EventID(), ev["event_id"])
	}
	if txp := payload(t, got["transaction"], "transaction"); txp["transaction"] != "python-transaction "+marker {
		t.Fatalf("transaction = %v", txp)
	}
}
