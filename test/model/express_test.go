package model_test

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

// TestExpressUnderRun: a real Express app on @sentry/node 11 (span
// streaming: spans arrive as span v2 items, in envelopes of their own)
// under `spotlight run`, serving requests with nested spans, a request that
// fetches another route of the same app, a handled error with a cause,
// captureMessage, Sentry.logger logs (with consoleLoggingIntegration) and
// plain console output.
func TestExpressUnderRun(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not installed: run `make test-deps` (%v)", err)
	}
	app := testutil.NodeScript(t, "express-app.mjs")
	instrument := filepath.Join(filepath.Dir(app), "express-instrument.mjs")
	p := startRun(t, "node", "--import", instrument, app)

	var appURL string
	listening := regexp.MustCompile(`listening on (\d+)`)
	testutil.Eventually(t, wait, func() bool {
		if m := listening.FindStringSubmatch(p.Stdout.String()); m != nil {
			appURL = "http://localhost:" + m[1]
		}
		return appURL != ""
	}, "the app did not start; stdout:\n%s\nstderr:\n%s", p.Stdout, p.Stderr)
	for _, path := range []string{"/users", "/dashboard", "/checkout", "/notice", "/users"} {
		resp, err := client.Get(appURL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if want := map[string]int{"/checkout": http.StatusBadGateway}[path]; resp.StatusCode != max(want, http.StatusOK) {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
	}

	// Five requests, one of which (/dashboard) made a sixth in its trace:
	// five traces. Wait until the sidecar holds them all, their errors and
	// the logs (@sentry/node flushes logs every few seconds).
	var raw map[string][]string
	testutil.Eventually(t, wait, func() bool {
		raw = rawSpans(t, p)
		logs := apiList(t, p, "/api/logs?q=dashboard%20built")
		return len(raw) == 5 && apiList(t, p, "/api/errors").Total == 2 && logs.Total == 1 && apiList(t, p, "/api/traces").Total == 5
	}, "the sidecar never held 5 traces, 2 errors and the logs; traces %v", raw)
	api := checkAPITraces(t, p, raw)

	dashboard := traceNamed(t, api, "GET /dashboard")
	var detail struct {
		Spans []struct {
			Op    string `json:"op"`
			Name  string `json:"name"`
			Depth int    `json:"depth"`
		} `json:"spans"`
	}
	getJSON(t, p.URL+"/api/traces/"+dashboard, &detail)
	var inner []string
	for _, s := range detail.Spans {
		inner = append(inner, fmt.Sprintf("%d %s %s", s.Depth, s.Op, s.Name))
	}
	if !slices.ContainsFunc(inner, func(s string) bool {
		return strings.Contains(s, "http.server GET /users") && !strings.HasPrefix(s, "0 ")
	}) ||
		!slices.ContainsFunc(inner, func(s string) bool { return strings.Contains(s, "db.connect connect users-db") }) {
		t.Errorf("the dashboard trace lacks the /users request it made, nested below it: %v", inner)
	}

	// The handled error and its cause; the message is a message.
	errs := apiList(t, p, "/api/errors")
	var checkout, notice map[string]any
	for _, e := range errs.Items {
		switch {
		case strings.Contains(fmt.Sprint(e["title"]), "payment failed"):
			checkout = e
		case e["title"] == "Something noteworthy happened":
			notice = e
		}
	}
	if checkout == nil || notice == nil {
		t.Fatalf("errors %v; want the checkout error and the notice", errs.Items)
	}
	var chain struct {
		Exceptions []struct {
			Type      string         `json:"type"`
			Mechanism map[string]any `json:"mechanism"`
		} `json:"exceptions"`
	}
	getJSON(t, p.URL+"/api/errors/"+checkout["id"].(string), &chain)
	if len(chain.Exceptions) != 2 || chain.Exceptions[0].Type != "SyntaxError" || chain.Exceptions[0].Mechanism["source"] != "cause" || chain.Exceptions[1].Type != "Error" {
		t.Errorf("checkout error chain %+v; want the SyntaxError cause, then the Error raised", chain.Exceptions)
	}
	var msg struct {
		Exceptions []any `json:"exceptions"`
		Frames     []any `json:"frames"`
		Count      int   `json:"exceptionCount"`
	}
	getJSON(t, p.URL+"/api/errors/"+notice["id"].(string), &msg)
	if msg.Exceptions != nil || msg.Count != 0 || len(msg.Frames) == 0 || notice["level"] != "warning" {
		t.Errorf("captureMessage = %+v (%v); want no exception, the synthetic exception's frames as its stack", msg, notice)
	}
	if n := api[traceNamed(t, api, "GET /notice")]["errorCount"]; n != 0.0 {
		t.Errorf("the notice's trace counts %v errors; a message is not one", n)
	}

	// Logs: SDK logs (Sentry.logger and console.* through the integration)
	// and the lines `run` relayed, in time order.
	logs := apiLogs(t, p)
	var bodies []string
	stdio := false
	for _, l := range logs {
		bodies = append(bodies, fmt.Sprint(l["body"]))
		stdio = stdio || l["stdio"] == "stdout"
	}
	for _, want := range []string{"served 2 users", "dashboard built from the users service", "plain stdout line from the express app"} {
		if !slices.Contains(bodies, want) {
			t.Errorf("logs %q lack %q", bodies, want)
		}
	}
	if !stdio {
		t.Errorf("no log is marked as relayed stdout: %v", logs)
	}

	// tail -f json reads the same model.
	n := len(api) + errs.Total + len(logs)
	recs := tailJSON(t, p, n)
	checkPrintedTraces(t, "tail", recs, api)
	if len(ofType(recs, "error")) != 2 {
		t.Errorf("tail printed %d errors, want 2", len(ofType(recs, "error")))
	}
	var stamps []string
	for _, r := range ofType(recs, "log") {
		stamps = append(stamps, r["timestamp"].(string))
	}
	checkTimeOrder(t, "tail's logs", stamps)
	for _, r := range ofType(recs, "error") {
		if r["message"] == "Something noteworthy happened" && r["exception_type"] != nil {
			t.Errorf("tail shows the message's synthetic exception: %v", r)
		}
	}

	// run's printout (SDK events only: the terminal shows the child's own
	// output) has each trace once too.
	testutil.Eventually(t, wait, func() bool { return len(printedTraceIDs(jsonLines(p.Stderr.String()))) == len(api) },
		"run printed traces %v, want %d", printedTraceIDs(jsonLines(p.Stderr.String())), len(api))
	checkPrintedTraces(t, "run's printout", jsonLines(p.Stderr.String()), api)

	// And the MCP tools.
	cs := mcpclient.ConnectHTTP(t, p.URL)
	checkMCPTraces(t, cs, api)
	text := mcpclient.OK(t, cs, "search_errors", map[string]any{"timeWindow": 0})
	if !strings.Contains(text, "# 2 errors") || !strings.Contains(text, "## Error: Something noteworthy happened") ||
		strings.Contains(text, "#### 1. : Something noteworthy happened") || !strings.Contains(text, "SyntaxError") {
		t.Errorf("search_errors:\n%s", text)
	}
}

// traceNamed is the id of the trace whose root is name (the first if several).
func traceNamed(t *testing.T, api map[string]map[string]any, name string) string {
	t.Helper()
	for id, tr := range api {
		if tr["name"] == name {
			return id
		}
	}
	t.Fatalf("no trace named %q among %v", name, api)
	return ""
}
