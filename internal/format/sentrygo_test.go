package format

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// envelopeRecorder is an HTTP endpoint that keeps every envelope posted.
type envelopeRecorder struct {
	mu     sync.Mutex
	bodies [][]byte
	agents []string
}

func (rec *envelopeRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := envelope.Decode(r.Body, r.Header.Get("Content-Encoding"), 10<<20)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, body)
	rec.agents = append(rec.agents, r.UserAgent())
	rec.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rec *envelopeRecorder) snapshot() ([][]byte, []string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([][]byte(nil), rec.bodies...), append([]string(nil), rec.agents...)
}

// TestSentryGo sends an error, a transaction and logs with the real
// sentry-go SDK to a local endpoint and checks what Decode makes of them.
// With -record it saves the envelopes as testdata/envelopes/go_*.txt, which
// the golden tests then cover.
func TestSentryGo(t *testing.T) {
	rec := &envelopeRecorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:              "http://public@" + strings.TrimPrefix(srv.URL, "http://") + "/0",
		Transport:        sentry.NewHTTPSyncTransport(),
		AttachStacktrace: true,
		EnableTracing:    true,
		TracesSampleRate: 1,
		Environment:      "test",
		Release:          "format-test@1.0.0",
		ServerName:       "devbox",
	})
	if err != nil {
		t.Fatal(err)
	}
	hub := sentry.NewHub(client, sentry.NewScope())
	ctx := sentry.SetHubOnContext(context.Background(), hub)

	tx := sentry.StartTransaction(ctx, "GET /api/orders", sentry.WithOpName("http.server"))
	query := tx.StartChild("db.query", sentry.WithDescription("SELECT * FROM orders WHERE id = $1"))
	query.Finish()
	render := tx.StartChild("template.render", sentry.WithDescription("orders.html"))
	render.Finish()
	hub.Scope().SetTag("customer", "acme")
	hub.CaptureException(fmt.Errorf("load order 42: %w", errors.New("card declined")))
	sentry.NewLogger(tx.Context()).Warn().String("order", "42").Int("attempt", 3).Emit("payment retry")
	tx.Status = sentry.SpanStatusInternalError
	tx.Finish()
	if !hub.Flush(5 * time.Second) {
		t.Fatal("sentry-go did not flush within 5 s")
	}
	client.Close()

	bodies, agents := rec.snapshot()
	byKind := map[Kind][]Record{}
	for i, body := range bodies {
		env, err := envelope.Parse(body)
		if err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		recs, err := Decode(env, Meta{ID: fmt.Sprint(i), UserAgent: agents[i]})
		if err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		for _, r := range recs {
			byKind[r.Kind] = append(byKind[r.Kind], r)
			if *record {
				name := filepath.Join("testdata", "envelopes", "go_"+string(r.Kind)+".txt")
				if err := os.WriteFile(name, body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	if n := len(byKind[KindError]); n != 1 {
		t.Fatalf("%d error records from %d envelopes, want 1", n, len(bodies))
	}
	e := byKind[KindError][0]
	if got := e.Error.Summary(); !strings.Contains(got, "card declined") || e.Source != SourceServer || e.SDKName() != "sentry.go" {
		t.Errorf("error: summary %q source %q sdk %q", got, e.Source, e.SDK)
	}
	if f := e.Error.TopFrame(); f == nil || f.Function != "TestSentryGo" || !strings.HasSuffix(f.AbsPath, "sentrygo_test.go") {
		t.Errorf("top frame %+v, want this test function", f)
	}
	if len(e.Tags) == 0 || e.Environment != "test" || e.Release != "format-test@1.0.0" || e.TraceID != tx.TraceID.String() {
		t.Errorf("error context: tags %v env %q release %q trace %q (tx %s)", e.Tags, e.Environment, e.Release, e.TraceID, tx.TraceID)
	}

	if n := len(byKind[KindTrace]); n != 1 {
		t.Fatalf("%d trace records, want 1", n)
	}
	tr := byKind[KindTrace][0].Trace
	if tr.Name != "GET /api/orders" || tr.Op != "http.server" || tr.Status != "internal_error" || len(tr.Spans) != 3 || tr.Duration() <= 0 {
		t.Errorf("trace %q op %q status %q spans %d duration %s", tr.Name, tr.Op, tr.Status, len(tr.Spans), tr.Duration())
	}
	if s := tr.Spans; s[0].Depth != 0 || s[1].Depth != 1 || s[2].Depth != 1 || s[1].Op != "db.query" {
		t.Errorf("span tree %+v, want the transaction with db.query then template.render", s)
	}

	if n := len(byKind[KindLog]); n != 1 {
		t.Fatalf("%d log records, want 1", n)
	}
	l := byKind[KindLog][0]
	attrs := map[string]string{}
	for _, a := range l.Log.Attributes {
		attrs[a.Key] = a.Text()
	}
	if l.Log.Body != "payment retry" || l.Level != "warn" || attrs["order"] != "42" || attrs["attempt"] != "3" || l.TraceID != tx.TraceID.String() {
		t.Errorf("log: body %q level %q attrs %v trace %q", l.Log.Body, l.Level, attrs, l.TraceID)
	}
}
