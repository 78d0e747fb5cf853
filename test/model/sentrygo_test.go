package model_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

// TestSentryGoUnderRun: a real sentry-go 0.50 program (testdata/goapp)
// under `spotlight run`: an error, a message with AttachStacktrace (its
// stack comes as a bare list of threads), a transaction with nested spans,
// and logs.
func TestSentryGoUnderRun(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "gate")
	p := startRun(t, bins.goapp, gate)
	t.Cleanup(func() { _ = os.WriteFile(gate, nil, 0o600) })
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stdout.String(), "sent") },
		"goapp did not send; stdout:\n%s\nstderr:\n%s", p.Stdout, p.Stderr)
	var raw map[string][]string
	testutil.Eventually(t, wait, func() bool {
		raw = rawSpans(t, p)
		return len(raw) == 1 && apiList(t, p, "/api/errors").Total == 2 && apiList(t, p, "/api/logs").Total >= 3
	}, "the sidecar never held the trace, 2 errors and the logs")
	api := checkAPITraces(t, p, raw)
	var id string
	for id = range api {
	}
	var detail struct {
		Spans []struct {
			Op    string `json:"op"`
			Depth int    `json:"depth"`
		} `json:"spans"`
		Errors []map[string]any `json:"errors"`
		Logs   []map[string]any `json:"logs"`
	}
	getJSON(t, p.URL+"/api/traces/"+id, &detail)
	var tree []string
	for _, s := range detail.Spans {
		tree = append(tree, fmt.Sprintf("%d:%s", s.Depth, s.Op))
	}
	if got := strings.Join(tree, " "); got != "0:http.server 1:db.query 2:db.connect 1:template.render" {
		t.Errorf("span tree %q, want the transaction, the query with its connect, the render", got)
	}
	if len(detail.Errors) != 1 || len(detail.Logs) != 2 || api[id]["errorCount"] != 1.0 {
		t.Errorf("the trace has %d errors and %d logs (errorCount %v), want 1 and 2", len(detail.Errors), len(detail.Logs), api[id]["errorCount"])
	}

	// The message's frames, from sentry-go's bare list of threads.
	msgs := apiList(t, p, "/api/errors?q=inventory")
	if msgs.Total != 1 {
		t.Fatalf("no message: %v", msgs.Items)
	}
	m := msgs.Items[0]
	var full struct {
		Frames []struct {
			Function string `json:"function"`
			AbsPath  string `json:"absPath"`
		} `json:"frames"`
	}
	getJSON(t, p.URL+"/api/errors/"+m["id"].(string), &full)
	if len(full.Frames) == 0 || full.Frames[len(full.Frames)-1].Function != "main" || !strings.HasSuffix(full.Frames[len(full.Frames)-1].AbsPath, "goapp/main.go") {
		t.Errorf("message frames %+v; want main in goapp/main.go last", full.Frames)
	}
	if c, _ := m["culprit"].(string); !strings.Contains(c, "goapp/main.go:") {
		t.Errorf("message culprit %q; want its line in goapp/main.go", c)
	}
	logs := apiLogs(t, p)

	recs := tailJSON(t, p, 1+2+len(logs))
	checkPrintedTraces(t, "tail", recs, api)
	var printedMsg map[string]any
	for _, r := range ofType(recs, "error") {
		if r["message"] == "inventory is running low" {
			printedMsg = r
		}
	}
	if f, _ := printedMsg["frame"].(string); !strings.Contains(f, "goapp/main.go:") || printedMsg["frame_function"] != "main" {
		t.Errorf("tail's message %v; want its frame in goapp/main.go", printedMsg)
	}
	testutil.Eventually(t, wait, func() bool { return len(printedTraceIDs(jsonLines(p.Stderr.String()))) == 1 },
		"run printed no trace:\n%s", p.Stderr)
	checkPrintedTraces(t, "run's printout", jsonLines(p.Stderr.String()), api)

	cs := mcpclient.ConnectHTTP(t, p.URL)
	checkMCPTraces(t, cs, api)
	text := mcpclient.OK(t, cs, "search_errors", map[string]any{"timeWindow": 0})
	if !strings.Contains(text, "## Error: inventory is running low") || !strings.Contains(text, "### Stack trace (most recent call first)") ||
		!strings.Contains(text, "goapp/main.go:") {
		t.Errorf("search_errors lacks the message's stack trace:\n%s", text)
	}
	text = mcpclient.OK(t, cs, "search_logs", map[string]any{"timeWindow": 0})
	if i, j := strings.Index(text, "order stored"), strings.Index(text, "receipt rendered slowly"); i < 0 || j < i {
		t.Errorf("search_logs not in time order:\n%s", text)
	}
}
