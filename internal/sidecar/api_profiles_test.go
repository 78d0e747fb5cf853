package sidecar

import (
	"net/http"
	"strings"
	"testing"
)

// TestProfileAndAIRoutes: a profile with its transaction and an AI span,
// read back through the routes; what is not held is a 404 that says so, a
// foreign page is refused, counts include profiles.
func TestProfileAndAIRoutes(t *testing.T) {
	ts := startWithEvents(t)
	const trace = "0123456789abcdef0123456789abcdef"
	oneLine := strings.NewReplacer("\n", "", "\t", "").Replace
	postEnvelope(t, ts, "/stream", env(`{"event_id":"22222222222222222222222222222222"}`,
		`{"type":"transaction"}`,
		oneLine(`{"type":"transaction","event_id":"22222222222222222222222222222222","transaction":"GET /x","start_timestamp":1700000000,"timestamp":1700000001,
		 "contexts":{"trace":{"trace_id":"`+trace+`","span_id":"aaaaaaaaaaaaaaaa","op":"http.server"}},
		 "spans":[{"trace_id":"`+trace+`","span_id":"bbbbbbbbbbbbbbbb","parent_span_id":"aaaaaaaaaaaaaaaa","op":"gen_ai.chat","description":"chat","start_timestamp":1700000000.1,"timestamp":1700000000.6,
		   "data":{"gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":10,"gen_ai.usage.output_tokens":2,"gen_ai.request.messages":"[{\"role\":\"user\",\"content\":\"hi\"}]","gen_ai.response.text":"hello"}}]}`),
		`{"type":"profile"}`,
		oneLine(`{"version":"1","platform":"node","timestamp":1700000000,"transaction":{"id":"22222222222222222222222222222222","name":"GET /x","trace_id":"`+trace+`","active_thread_id":"0"},
		 "profile":{"frames":[{"function":"main","abs_path":"/app/main.js"},{"function":"work","abs_path":"/app/work.js"}],"stacks":[[1,0],[0]],
		  "samples":[{"elapsed_since_start_ns":"0","stack_id":0,"thread_id":"0"},{"elapsed_since_start_ns":"200000000","stack_id":0,"thread_id":"0"},{"elapsed_since_start_ns":"800000000","stack_id":1,"thread_id":"0"}]}}`)))

	var profiles listOf
	getJSON(t, ts, "/api/profiles", &profiles)
	if profiles.Total != 1 || profiles.Items[0]["sampleCount"] != float64(3) || profiles.Items[0]["flame"] != nil {
		t.Fatalf("profiles %+v", profiles)
	}
	var detail struct {
		Thread string
		Flame  struct{ Samples int }
	}
	getJSON(t, ts, "/api/profiles/"+profiles.Items[0]["id"].(string), &detail)
	if detail.Thread != "0" || detail.Flame.Samples != 3 {
		t.Fatalf("detail %+v", detail)
	}
	// The AI span's time [0.1 s, 0.6 s] holds the sample at 0.2 s.
	var sp struct{ Flame struct{ Samples int } }
	getJSON(t, ts, "/api/traces/"+trace+"/profile?spanId=bbbbbbbbbbbbbbbb", &sp)
	if sp.Flame.Samples != 1 {
		t.Fatalf("span samples %d", sp.Flame.Samples)
	}
	var counts map[string]any
	getJSON(t, ts, "/api/counts", &counts)
	if counts["profiles"] != float64(1) {
		t.Fatalf("counts %v", counts)
	}
	var runs listOf
	getJSON(t, ts, "/api/ai-calls?q=gpt-4o", &runs)
	if runs.Total != 1 || runs.Items[0]["model"] != "gpt-4o" || runs.Items[0]["costUsd"] == nil {
		t.Fatalf("ai calls %+v", runs)
	}
	var run struct {
		Messages []struct{ Role, Content string }
	}
	getJSON(t, ts, "/api/ai-calls/"+trace+"-bbbbbbbbbbbbbbbb", &run)
	if len(run.Messages) != 2 || run.Messages[1].Content != "hello" {
		t.Fatalf("run %+v", run)
	}
	for _, c := range []struct{ target, says string }{
		{"/api/profiles/nope.0", "no profile"},
		{"/api/traces/" + trace + "/profile?spanId=cccccccccccccccc", "no profile samples are held for span"},
		{"/api/traces/ffffffffffffffffffffffffffffffff/profile", "no profile samples"},
		{"/api/ai-calls/" + trace + "-cccccccccccccccc", "no AI call"},
		{"/api/ai-calls/garbage", "<trace id>-<span id>"},
	} {
		if r := do(t, ts, http.MethodGet, c.target, nil); r.status != http.StatusNotFound || !strings.Contains(r.body, c.says) {
			t.Errorf("GET %s = %d %q; want 404 saying %q", c.target, r.status, r.body, c.says)
		}
	}
	if r := do(t, ts, http.MethodGet, "/api/ai-calls?limit=x", nil); r.status != http.StatusBadRequest {
		t.Errorf("bad limit: %d", r.status)
	}
	for _, target := range []string{"/api/ai-calls", "/api/profiles", "/api/traces/" + trace + "/profile"} {
		if r := do(t, ts, http.MethodGet, target, nil, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
			t.Errorf("GET %s from a foreign origin = %d", target, r.status)
		}
	}
}
