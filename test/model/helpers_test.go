package model_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

// startRun starts `spotlight run -p <free port> -f json args...` with a
// registry directory of its own.
func startRun(t *testing.T, args ...string) *testutil.Process {
	t.Helper()
	port := testutil.FreePort(t)
	env := []string{
		"SPOTLIGHT_REGISTRY_DIR=" + filepath.Join(t.TempDir(), "instances"),
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:" + strconv.Itoa(testutil.FreePort(t)),
	}
	p := testutil.Start(t, bins.spotlight, env, append([]string{"run", "-p", strconv.Itoa(port), "-f", "json"}, args...)...)
	p.Port, p.URL = port, "http://localhost:"+strconv.Itoa(port)
	testutil.WaitHealthy(t, p, wait)
	return p
}

var client = &http.Client{Timeout: 10 * time.Second}

// getJSON GETs url into v, failing on anything but 200.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// list is a list answer of the event API.
type list struct {
	Items []map[string]any `json:"items"`
	Total int              `json:"total"`
}

func apiList(t *testing.T, p *testutil.Process, path string) list {
	t.Helper()
	var l list
	getJSON(t, p.URL+path, &l)
	return l
}

// rawSpans reads the envelopes the sidecar holds (GET /api/envelopes, the
// raw stream form) and returns the span ids of every trace id in them,
// straight from the SDKs' JSON: transactions (their trace context and
// spans) and span items (v1 objects or v2 {"items": [...]}). The model's
// answers are checked against it.
func rawSpans(t *testing.T, p *testutil.Process) map[string][]string {
	t.Helper()
	var held []struct {
		Envelope [2]json.RawMessage `json:"envelope"`
	}
	getJSON(t, p.URL+"/api/envelopes", &held)
	type span struct {
		TraceID string `json:"trace_id"`
		SpanID  string `json:"span_id"`
	}
	out := map[string][]string{}
	add := func(s span) {
		if s.TraceID != "" && !slices.Contains(out[s.TraceID], s.SpanID) {
			out[s.TraceID] = append(out[s.TraceID], s.SpanID)
		}
	}
	for _, h := range held {
		var items [][2]json.RawMessage
		if err := json.Unmarshal(h.Envelope[1], &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			var head struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(it[0], &head)
			switch head.Type {
			case "transaction":
				var tx struct {
					Contexts struct {
						Trace span `json:"trace"`
					} `json:"contexts"`
					Spans []span `json:"spans"`
				}
				_ = json.Unmarshal(it[1], &tx)
				add(tx.Contexts.Trace)
				for _, s := range tx.Spans {
					if s.TraceID == "" {
						s.TraceID = tx.Contexts.Trace.TraceID
					}
					add(s)
				}
			case "span":
				var v2 struct {
					Items []span `json:"items"`
				}
				var one span
				if json.Unmarshal(it[1], &v2) == nil && v2.Items != nil {
					for _, s := range v2.Items {
						add(s)
					}
				} else if json.Unmarshal(it[1], &one) == nil {
					add(one)
				}
			}
		}
	}
	return out
}

// checkAPITraces checks the API's traces against the raw spans: one trace
// per trace id, each with all its spans (the same ids) and an op, and
// returns the traces by id.
func checkAPITraces(t *testing.T, p *testutil.Process, raw map[string][]string) map[string]map[string]any {
	t.Helper()
	traces := apiList(t, p, "/api/traces?limit=1000")
	if traces.Total != len(raw) || len(traces.Items) != len(raw) {
		t.Fatalf("API: %d traces for %d distinct trace ids: %v", traces.Total, len(raw), traces.Items)
	}
	byID := map[string]map[string]any{}
	for _, tr := range traces.Items {
		id := tr["traceId"].(string)
		byID[id] = tr
		if tr["op"] == nil || tr["op"] == "" {
			t.Errorf("API trace %s (%v) has no op", id, tr["name"])
		}
		var detail struct {
			Spans []struct {
				SpanID string `json:"spanId"`
			} `json:"spans"`
		}
		getJSON(t, p.URL+"/api/traces/"+id, &detail)
		var got []string
		for _, s := range detail.Spans {
			got = append(got, s.SpanID)
		}
		want := slices.Clone(raw[id])
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || int(tr["spanCount"].(float64)) != len(want) {
			t.Errorf("API trace %s: spans %v (spanCount %v), want %v", id, got, tr["spanCount"], want)
		}
	}
	return byID
}

// jsonLines parses NDJSON output, skipping other lines.
func jsonLines(s string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(s, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// ofType keeps the json records of one type.
func ofType(recs []map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		if r["type"] == typ {
			out = append(out, r)
		}
	}
	return out
}

// checkPrintedTraces checks json records (tail's or run's printout)
// against the API's traces: each trace id once, with the same span count
// and op.
func checkPrintedTraces(t *testing.T, what string, recs []map[string]any, api map[string]map[string]any) {
	t.Helper()
	traces := ofType(recs, "trace")
	if len(traces) != len(api) {
		t.Errorf("%s: %d trace records for %d distinct trace ids", what, len(traces), len(api))
	}
	for _, r := range traces {
		id, _ := r["trace_id"].(string)
		a := api[id]
		if a == nil {
			t.Errorf("%s: trace %s is not one of the API's", what, id)
			continue
		}
		if r["span_count"] != a["spanCount"] || r["op"] != a["op"] {
			t.Errorf("%s: trace %s has %v spans, op %v; the API says %v, %v", what, id, r["span_count"], r["op"], a["spanCount"], a["op"])
		}
	}
}

// printedTraceIDs are the distinct trace ids of the trace records.
func printedTraceIDs(recs []map[string]any) map[string]bool {
	ids := map[string]bool{}
	for _, r := range ofType(recs, "trace") {
		ids[fmt.Sprint(r["trace_id"])] = true
	}
	return ids
}

// checkTimeOrder fails unless the records' timestamps never go back.
func checkTimeOrder(t *testing.T, what string, stamps []string) {
	t.Helper()
	for i := 1; i < len(stamps); i++ {
		a, _ := time.Parse(time.RFC3339Nano, stamps[i-1])
		b, _ := time.Parse(time.RFC3339Nano, stamps[i])
		if b.Before(a) {
			t.Errorf("%s not in time order: %s before %s (all: %v)", what, stamps[i-1], stamps[i], stamps)
			return
		}
	}
}

// apiLogs checks the API's logs are in time order and returns them.
func apiLogs(t *testing.T, p *testutil.Process) []map[string]any {
	t.Helper()
	logs := apiList(t, p, "/api/logs?limit=1000")
	var stamps []string
	for _, l := range logs.Items {
		stamps = append(stamps, l["timestamp"].(string))
	}
	checkTimeOrder(t, "API logs", stamps)
	return logs.Items
}

// tailJSON runs `spotlight tail -f json` on the run's sidecar after
// everything has arrived and returns its records once n records of the
// given types were printed (tail prints a settled timeline: replayed
// records all at once, in time order).
func tailJSON(t *testing.T, p *testutil.Process, n int, types ...string) []map[string]any {
	t.Helper()
	tail := testutil.Start(t, bins.spotlight, nil, append([]string{"tail", "-p", strconv.Itoa(p.Port), "-f", "json"}, types...)...)
	var recs []map[string]any
	testutil.Eventually(t, wait, func() bool {
		recs = jsonLines(tail.Stdout.String())
		return len(recs) >= n
	}, "tail printed fewer than %d records:\n%s\nstderr:\n%s", n, tail.Stdout, tail.Stderr)
	tail.Stop(t)
	return jsonLines(tail.Stdout.String())
}

// checkMCPTraces checks search_traces: "N traces" for the distinct trace
// ids, each id listed with its op and span count.
func checkMCPTraces(t *testing.T, cs *sdk.ClientSession, api map[string]map[string]any) {
	t.Helper()
	text := mcpclient.OK(t, cs, "search_traces", map[string]any{"timeWindow": 0, "limit": 50})
	if want := fmt.Sprintf("# %d traces ", len(api)); len(api) > 1 && !strings.HasPrefix(text, want) {
		t.Errorf("search_traces says %q, want %q", firstLine(text), want)
	}
	for id, tr := range api {
		spans := fmt.Sprintf("**Spans:** %v\n", tr["spanCount"])
		if !strings.Contains(text, id) || !strings.Contains(text, spans) || !strings.Contains(text, "**Op:** `"+tr["op"].(string)+"`") {
			t.Errorf("search_traces lacks trace %s with %q and its op %v:\n%s", id, spans, tr["op"], text)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
