package sidecar

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
)

func startWithEvents(t *testing.T) *testServer {
	t.Helper()
	store := event.NewStore(nil)
	return start(t, Config{Buffer: buffer.New(buffer.Options{Model: store}), Events: store})
}

// env builds an envelope from a header and (item header, payload) pairs.
func env(header string, items ...string) []byte {
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := 0; i+1 < len(items); i += 2 {
		b.WriteString(items[i] + "\n" + items[i+1] + "\n")
	}
	return []byte(b.String())
}

func getJSON(t *testing.T, ts *testServer, target string, v any) {
	t.Helper()
	r := do(t, ts, http.MethodGet, target, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", target, err, r.body)
	}
}

type listOf struct {
	Items  []map[string]any `json:"items"`
	Total  int              `json:"total"`
	Cursor string           `json:"cursor"`
}

func TestEventAPI(t *testing.T) {
	ts := startWithEvents(t)
	const trace = "0123456789abcdef0123456789abcdef"
	// The child span arrives first, in its own envelope; then the root.
	postEnvelope(t, ts, "/stream", env(`{"sdk":{"name":"sentry.javascript.node","version":"11.12.0"}}`,
		`{"type":"span","item_count":1,"content_type":"application/vnd.sentry.items.span.v2+json"}`,
		`{"items":[{"trace_id":"`+trace+`","span_id":"bbbbbbbbbbbbbbbb","parent_span_id":"aaaaaaaaaaaaaaaa","name":"SELECT 1","status":"ok","start_timestamp":1700000000.1,"end_timestamp":1700000000.2,"attributes":{"sentry.op":{"type":"string","value":"db.query"}}}]}`))
	postEnvelope(t, ts, "/stream", env(`{"sdk":{"name":"sentry.javascript.node","version":"11.12.0"}}`,
		`{"type":"span","item_count":1,"content_type":"application/vnd.sentry.items.span.v2+json"}`,
		`{"items":[{"trace_id":"`+trace+`","span_id":"aaaaaaaaaaaaaaaa","name":"GET /users","is_segment":true,"status":"ok","start_timestamp":1700000000.0,"end_timestamp":1700000000.5,"attributes":{"sentry.op":{"type":"string","value":"http.server"},"sentry.environment":{"type":"string","value":"dev"}}}]}`))
	// A message with a synthetic exception, and a bad item beside a good log.
	postEnvelope(t, ts, "/stream", env(`{"event_id":"11111111111111111111111111111111"}`,
		`{"type":"event"}`,
		`{"event_id":"11111111111111111111111111111111","level":"warning","message":"Something noteworthy happened","timestamp":1700000001,"contexts":{"trace":{"trace_id":"`+trace+`","span_id":"aaaaaaaaaaaaaaaa"}},"exception":{"values":[{"value":"Something noteworthy happened","mechanism":{"type":"generic","synthetic":true},"stacktrace":{"frames":[{"filename":"app.js","function":"handler","lineno":7,"in_app":true}]}}]}}`,
		`{"type":"log"}`, `{"items":[{"timestamp":1700000003,"level":"info","body":"later"},{"timestamp":1700000002,"level":"info","body":"earlier"}]}`,
		`{"type":"transaction"}`, `{"spans": 7}`))

	var traces listOf
	getJSON(t, ts, "/api/traces", &traces)
	if traces.Total != 1 || traces.Items[0]["spanCount"] != 2.0 || traces.Items[0]["op"] != "http.server" ||
		traces.Items[0]["name"] != "GET /users" || traces.Items[0]["hasRoot"] != true || traces.Items[0]["environment"] != "dev" {
		t.Fatalf("traces = %+v; want one trace GET /users (http.server) with 2 spans", traces)
	}
	if traces.Items[0]["errorCount"] != 0.0 {
		t.Errorf("errorCount = %v; a message is not an error", traces.Items[0]["errorCount"])
	}
	var detail struct {
		Spans []struct {
			SpanID string `json:"spanId"`
			Depth  int    `json:"depth"`
			Op     string `json:"op"`
		} `json:"spans"`
		Errors []map[string]any `json:"errors"`
		Logs   []map[string]any `json:"logs"`
	}
	getJSON(t, ts, "/api/traces/"+trace, &detail)
	if len(detail.Spans) != 2 || detail.Spans[0].SpanID != "aaaaaaaaaaaaaaaa" || detail.Spans[1].Depth != 1 || detail.Spans[1].Op != "db.query" {
		t.Fatalf("trace spans = %+v; want the root then its child at depth 1", detail.Spans)
	}
	if len(detail.Errors) != 1 {
		t.Fatalf("trace errors = %v; want the message", detail.Errors)
	}

	var errs listOf
	getJSON(t, ts, "/api/errors", &errs)
	if errs.Total != 1 {
		t.Fatalf("errors = %+v", errs)
	}
	e := errs.Items[0]
	if e["title"] != "Something noteworthy happened" || e["exceptionCount"] != 0.0 || e["type"] != nil {
		t.Errorf("message event = %v; want its message as title and no exception", e)
	}
	var full map[string]any
	getJSON(t, ts, "/api/errors/"+e["id"].(string), &full)
	if full["exceptions"] != nil || len(full["frames"].([]any)) != 1 {
		t.Errorf("message detail = %v; want the synthetic exception's frames as the message's, no exceptions", full)
	}

	var logs listOf
	getJSON(t, ts, "/api/logs", &logs)
	if logs.Total != 2 || logs.Items[0]["body"] != "earlier" || logs.Items[1]["body"] != "later" {
		t.Errorf("logs = %+v; want time order", logs.Items)
	}
	var items listOf
	getJSON(t, ts, "/api/items", &items)
	if items.Total != 1 || items.Items[0]["itemType"] != "transaction" || !strings.Contains(items.Items[0]["reason"].(string), "spans") {
		t.Fatalf("undecodable items = %+v", items)
	}
	var item map[string]any
	getJSON(t, ts, "/api/items/"+items.Items[0]["id"].(string), &item)
	if item["payload"] != `{"spans": 7}` || item["payloadEncoding"] != "text" {
		t.Errorf("item detail = %v; want the raw payload", item)
	}

	var filtered listOf
	getJSON(t, ts, "/api/logs?q=EARL&limit=1", &filtered)
	if filtered.Total != 1 || len(filtered.Items) != 1 {
		t.Errorf("search = %+v", filtered)
	}
	if r := do(t, ts, http.MethodGet, "/api/logs?limit=0", nil); r.status != http.StatusBadRequest || !strings.Contains(r.body, "limit") {
		t.Errorf("limit=0: %d %s", r.status, r.body)
	}
	if r := do(t, ts, http.MethodGet, "/api/errors/nope", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown error id: %d", r.status)
	}
	if r := do(t, ts, http.MethodGet, "/api/errors", nil, "Host", "evil.test"); r.status != http.StatusForbidden {
		t.Errorf("foreign Host: %d", r.status)
	}
	if r := do(t, ts, http.MethodGet, "/api/errors", nil, "Origin", "https://evil.test"); r.status != http.StatusForbidden {
		t.Errorf("foreign Origin: %d", r.status)
	}

	// The feed from the logs' cursor: a new error, then (resumed) a clear.
	feed := openStream(t, ts.url+"/api/feed?cursor="+logs.Cursor)
	postEnvelope(t, ts, "/stream", []byte(testEnvelope))
	ev := feed.next(t)
	var c struct {
		Op   string         `json:"op"`
		Kind string         `json:"kind"`
		Item map[string]any `json:"item"`
	}
	if err := json.Unmarshal([]byte(ev.data), &c); err != nil || c.Op != "add" || c.Kind != "error" || c.Item["title"] != "hello" {
		t.Fatalf("feed event %q: %v", ev.data, err)
	}
	resumed := openStream(t, ts.url+"/api/feed", "Last-Event-ID", ev.id)
	do(t, ts, http.MethodDelete, "/clear", nil)
	if ev := resumed.next(t); !strings.Contains(ev.data, `"op":"clear"`) {
		t.Errorf("resumed feed: %q; want the clear", ev.data)
	}
	stale := openStream(t, ts.url+"/api/feed?cursor=other-5")
	if ev := stale.next(t); !strings.Contains(ev.data, `"op":"reset"`) {
		t.Errorf("unknown cursor: %q; want reset", ev.data)
	}
}

// What the UI asks of the API beyond lists: error groups, an error's group
// and attachments, trace order and status, child counts, pings on the feed.
func TestEventAPIGroupsAndTraceOrder(t *testing.T) {
	ts := startWithEvents(t)
	errEnv := func(value string, ts float64) []byte {
		return env(`{"sdk":{"name":"sentry.go","version":"0.50.0"}}`,
			`{"type":"event"}`, fmt.Sprintf(`{"level":"error","timestamp":%v,"sdk":{"name":"sentry.go","version":"0.50.0","integrations":["ContextifyFrames"],"packages":[{"name":"sentry-go","version":"0.50.0"}]},"exception":[{"type":"*errors.errorString","value":%q,"stacktrace":{"frames":[{"function":"main","filename":"main.go","lineno":3,"in_app":true}]}}]}`, ts, value),
			`{"type":"attachment","filename":"notes.txt","content_type":"text/plain"}`, "hello")
	}
	postEnvelope(t, ts, "/stream", errEnv("card declined", 1700000000))
	postEnvelope(t, ts, "/stream", errEnv("card declined", 1700000005))
	postEnvelope(t, ts, "/stream", errEnv("timeout", 1700000002))
	for i, tr := range []struct{ id, status, dur string }{
		{"11111111111111111111111111111111", "ok", "1700000002"},
		{"22222222222222222222222222222222", "internal_error", "1700000001.1"},
	} {
		postEnvelope(t, ts, "/stream", env(`{}`, `{"type":"transaction"}`, fmt.Sprintf(
			`{"transaction":"tx%d","start_timestamp":%d,"timestamp":%s,"contexts":{"trace":{"trace_id":"%s","span_id":"a00000000000000%d","op":"http.server","status":"%s"}},"spans":[{"span_id":"b00000000000000%d","parent_span_id":"a00000000000000%d","start_timestamp":1700000000.1,"timestamp":1700000000.2}]}`,
			i, 1700000000+i, tr.dur, tr.id, i, tr.status, i, i)))
	}

	var groups struct {
		Items []struct {
			GroupKey string         `json:"groupKey"`
			Count    int            `json:"count"`
			Latest   map[string]any `json:"latest"`
		} `json:"items"`
		Total int `json:"total"`
	}
	getJSON(t, ts, "/api/errors?group=1", &groups)
	if groups.Total != 2 || groups.Items[0].Count != 2 || groups.Items[0].Latest["value"] != "card declined" || groups.Items[1].Count != 1 {
		t.Fatalf("groups = %+v; want card declined (2, seen last) then timeout (1)", groups)
	}
	if sdk := groups.Items[0].Latest["sdk"].(map[string]any); sdk["integrations"] != nil {
		t.Errorf("summary sdk = %v; integrations belong in the detail", sdk)
	}
	var occurrences listOf
	getJSON(t, ts, "/api/errors?groupKey="+groups.Items[0].GroupKey, &occurrences)
	if occurrences.Total != 2 {
		t.Errorf("occurrences = %d; want 2", occurrences.Total)
	}
	var full struct {
		Group struct {
			Key   string `json:"key"`
			Count int    `json:"count"`
		} `json:"group"`
		Attachments []map[string]any `json:"attachments"`
		SDK         struct {
			Integrations []string `json:"integrations"`
		} `json:"sdk"`
	}
	getJSON(t, ts, "/api/errors/"+occurrences.Items[0]["id"].(string), &full)
	if full.Group.Count != 2 || full.Group.Key != groups.Items[0].GroupKey || len(full.Attachments) != 1 || len(full.SDK.Integrations) != 1 {
		t.Fatalf("error detail = %+v; want its group (2), its attachment and the SDK's integrations", full)
	}
	content := do(t, ts, http.MethodGet, full.Attachments[0]["contentUrl"].(string), nil)
	if content.status != http.StatusOK || content.body != "hello" || content.header.Get("Content-Type") != "text/plain" {
		t.Errorf("attachment content: %d %q %q", content.status, content.body, content.header.Get("Content-Type"))
	}

	var traces listOf
	getJSON(t, ts, "/api/traces?sort=slowest", &traces)
	if traces.Total != 2 || traces.Items[0]["traceId"] != "11111111111111111111111111111111" {
		t.Errorf("slowest first: %v", traces.Items)
	}
	getJSON(t, ts, "/api/traces?status=failed", &traces)
	if traces.Total != 1 || traces.Items[0]["status"] != "internal_error" {
		t.Errorf("failed traces: %v", traces.Items)
	}
	if r := do(t, ts, http.MethodGet, "/api/traces?sort=fastest", nil); r.status != http.StatusBadRequest {
		t.Errorf("unknown sort: %d", r.status)
	}
	var tr struct {
		Spans []struct {
			ChildCount int `json:"childCount"`
		} `json:"spans"`
	}
	getJSON(t, ts, "/api/traces/11111111111111111111111111111111", &tr)
	if len(tr.Spans) != 2 || tr.Spans[0].ChildCount != 1 || tr.Spans[1].ChildCount != 0 {
		t.Errorf("child counts: %+v", tr.Spans)
	}

	feed := openStream(t, ts.url+"/api/feed")
	ts.buf.Broadcast(&buffer.Entry{Event: buffer.EventInstancePing, Data: []byte(`{"instanceId":"x"}`)})
	if ev := feed.next(t); ev.name != buffer.EventInstancePing || ev.data != `{"instanceId":"x"}` {
		t.Errorf("ping on the feed: %+v", ev)
	}
}
