//go:build conformance

package conformance

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// TestFixtureAICalls posts the Vercel AI SDK fixtures (ai.* attributes,
// which upstream does not read) to the real binary: each of the three
// /api/chat requests is one run with its model, tokens, cost, messages
// and tool calls, and its spans are marked in the trace.
func TestFixtureAICalls(t *testing.T) {
	sidecar := testutil.StartSidecar(t, spotlightBin, nil)
	for _, f := range loadFixtures(t) {
		if strings.HasPrefix(f.name, "ai_sdk/") {
			if status, msg := testutil.PostEnvelope(t, sidecar.URL+"/stream", f.body); status != http.StatusOK {
				t.Fatalf("POST %s = %d %s", f.name, status, msg)
			}
		}
	}
	type run struct {
		ID, TraceID, SpanID, Name, Kind, Model, Provider, FinishReason string
		InputTokens, OutputTokens, Calls                               int
		CostUsd                                                        *float64
		DurationMs                                                     float64
		Tools                                                          []string
		Messages                                                       []struct {
			Role, Content, ToolCallID string
			ToolCalls                 []struct{ ID, Name, Arguments string }
		}
		ToolCalls []struct{ ID, Name, Arguments, Result, SpanID string }
	}
	var list struct {
		Items []run
		Total int
	}
	if getJSON(t, sidecar.URL+"/api/ai-calls", &list) != http.StatusOK || list.Total != 3 {
		t.Fatalf("GET /api/ai-calls: %+v", list)
	}
	// Newest first: the final answer, then the two tool-calling steps.
	wantIn := []int{253, 181, 116}
	wantReason := []string{"stop", "tool-calls", "tool-calls"}
	for i, r := range list.Items {
		if r.Kind != "run" || r.Name != "ai.streamText" || r.Model != "gpt-4.1-nano-2025-04-14" || r.Provider != "openai.chat" || r.Calls != 1 {
			t.Errorf("run %d: %+v", i, r)
		}
		if r.InputTokens != wantIn[i] || r.OutputTokens == 0 || r.CostUsd == nil || *r.CostUsd <= 0 || r.DurationMs <= 0 || r.FinishReason != wantReason[i] {
			t.Errorf("run %d: tokens %d/%d, cost %v, %v ms, %s", i, r.InputTokens, r.OutputTokens, r.CostUsd, r.DurationMs, r.FinishReason)
		}
		var d run
		if getJSON(t, sidecar.URL+"/api/ai-calls/"+url.PathEscape(r.ID), &d) != http.StatusOK {
			t.Fatalf("GET /api/ai-calls/%s failed", r.ID)
		}
		if len(d.Messages) < 2 || d.Messages[0].Role != "system" || d.Messages[1].Role != "user" || d.Messages[1].Content != "weather in sf" {
			t.Errorf("run %d: messages %+v", i, d.Messages)
		}
		if i == 0 {
			last := d.Messages[len(d.Messages)-1]
			if last.Role != "assistant" || !strings.Contains(last.Content, "San Francisco") || len(d.ToolCalls) != 2 {
				t.Errorf("final run: last message %+v, tool calls %+v", last, d.ToolCalls)
			}
			for _, c := range d.ToolCalls {
				if c.Arguments == "" || c.Result == "" {
					t.Errorf("tool call without arguments or result: %+v", c)
				}
			}
		} else if len(r.Tools) != 1 || len(d.ToolCalls) == 0 || d.ToolCalls[0].SpanID == "" || !strings.Contains(d.ToolCalls[0].Result, "result") {
			t.Errorf("run %d: tools %v, tool calls %+v", i, r.Tools, d.ToolCalls)
		}
	}
	// The waterfall marks the AI spans with the same summary.
	var tr struct {
		Spans []struct {
			SpanID string
			AI     *struct{ Kind, Model string } `json:"ai"`
		}
	}
	getJSON(t, sidecar.URL+"/api/traces/"+list.Items[0].TraceID, &tr)
	marked := map[string]int{}
	for _, s := range tr.Spans {
		if s.AI != nil {
			marked[s.AI.Kind]++
		}
	}
	if marked["run"] != 3 || marked["call"] != 3 || marked["tool"] != 2 {
		t.Errorf("AI spans in the trace: %v", marked)
	}
}
