package event

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// otelChat is a chat span of the OpenTelemetry GenAI conventions (span v2
// attributes), with a tool call in its output and a tool span below it.
const otelTransaction = `{"type":"transaction","transaction":"POST /ask","start_timestamp":1700000000,"timestamp":1700000002,
"contexts":{"trace":{"trace_id":"0123456789abcdef0123456789abcdef","span_id":"aaaaaaaaaaaaaaaa","op":"http.server"}},
"spans":[
 {"span_id":"bbbbbbbbbbbbbbbb","parent_span_id":"aaaaaaaaaaaaaaaa","op":"gen_ai.invoke_agent","description":"invoke_agent Helper","start_timestamp":1700000000.1,"timestamp":1700000001.9,
  "data":{"gen_ai.operation.name":"invoke_agent","gen_ai.agent.name":"Helper","gen_ai.request.model":"claude-sonnet-4-20250514","gen_ai.system":"anthropic"}},
 {"span_id":"cccccccccccccccc","parent_span_id":"bbbbbbbbbbbbbbbb","op":"gen_ai.chat","description":"chat claude-sonnet-4","start_timestamp":1700000000.2,"timestamp":1700000001.0,
  "data":{"gen_ai.operation.name":"chat","gen_ai.request.model":"claude-sonnet-4-20250514","gen_ai.provider.name":"anthropic",
   "gen_ai.usage.input_tokens":1000,"gen_ai.usage.output_tokens":200,
   "gen_ai.system_instructions":"Be brief.",
   "gen_ai.input.messages":"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"What time is it?\"}]}]",
   "gen_ai.output.messages":"[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"t1\",\"name\":\"clock\",\"arguments\":{\"tz\":\"UTC\"}}],\"finish_reason\":\"tool_call\"}]"}},
 {"span_id":"dddddddddddddddd","parent_span_id":"bbbbbbbbbbbbbbbb","op":"gen_ai.execute_tool","description":"execute_tool clock","start_timestamp":1700000001.1,"timestamp":1700000001.2,
  "data":{"gen_ai.operation.name":"execute_tool","gen_ai.tool.name":"clock","gen_ai.tool.call.id":"t1","gen_ai.tool.call.arguments":"{\"tz\":\"UTC\"}","gen_ai.tool.call.result":"12:00"}},
 {"span_id":"eeeeeeeeeeeeeeee","parent_span_id":"bbbbbbbbbbbbbbbb","op":"gen_ai.chat","description":"chat","start_timestamp":1700000001.3,"timestamp":1700000001.8,
  "data":{"gen_ai.request.model":"mystery-model","gen_ai.usage.input_tokens":10,"gen_ai.usage.output_tokens":5,
   "gen_ai.request.messages":"[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"What time is it?\"},{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"12:00\"}]",
   "gen_ai.response.text":"It is noon."}}]}`

func TestAIRunsOTel(t *testing.T) {
	s := NewStore(nil)
	env := parseEnv(t, `{}`, otelTransaction)
	s.Append(NewDecoder().Decode(env, Meta{ID: "e1", Received: received}))
	runs, total := s.AIRuns(Query{})
	if total != 1 || len(runs) != 1 {
		t.Fatalf("runs = %+v", runs)
	}
	r := runs[0]
	if r.Kind != AIRunKind || r.Agent != "Helper" || r.Calls != 2 || r.Model != "claude-sonnet-4-20250514" || r.Provider != "anthropic" {
		t.Fatalf("run = %+v", r)
	}
	// Tokens summed over the calls; no cost: one call's model has no price.
	if r.InputTokens != 1010 || r.OutputTokens != 205 || r.CostUSD != nil || strings.Join(r.Tools, ",") != "clock" {
		t.Fatalf("tokens %d/%d cost %v tools %v", r.InputTokens, r.OutputTokens, r.CostUSD, r.Tools)
	}
	d, ok := s.AIRun(r.ID)
	if !ok || len(d.Steps) != 4 || d.Steps[1].AI.CostUSD == nil || *d.Steps[1].AI.CostUSD != (1000*3.0+200*15.0)/1e6 {
		t.Fatalf("detail steps %+v", d.Steps)
	}
	// The last call's conversation (OpenAI-style messages) and its reply.
	var got []string
	for _, m := range d.Messages {
		got = append(got, m.Role+":"+m.Content)
	}
	if strings.Join(got, "|") != "system:Be brief.|user:What time is it?|tool:12:00|assistant:It is noon." {
		t.Fatalf("messages %q", got)
	}
	if len(d.ToolCalls) != 1 || d.ToolCalls[0].Name != "clock" || d.ToolCalls[0].Arguments != `{"tz":"UTC"}` || d.ToolCalls[0].Result != "12:00" || d.ToolCalls[0].SpanID != "dddddddddddddddd" {
		t.Fatalf("tool calls %+v", d.ToolCalls)
	}
	// OpenTelemetry parts: the first call's output asks for the tool.
	first := parseMessages(attribute(findSpan(t, s, "cccccccccccccccc").Data, "gen_ai.output.messages"))
	if len(first) != 1 || len(first[0].ToolCalls) != 1 || first[0].ToolCalls[0].Arguments != `{"tz":"UTC"}` {
		t.Fatalf("output messages %+v", first)
	}
	if _, ok := s.AIRun("0123456789abcdef0123456789abcdef-ffffffffffffffff"); ok {
		t.Fatal("a span that is not held is found")
	}
}

func findSpan(t *testing.T, s *Store, id string) *Span {
	t.Helper()
	tr, _ := s.Get(KindTrace, "0123456789abcdef0123456789abcdef")
	for i := range tr.Trace.Spans {
		if tr.Trace.Spans[i].SpanID == id {
			return &tr.Trace.Spans[i]
		}
	}
	t.Fatalf("no span %s", id)
	return nil
}

func TestCost(t *testing.T) {
	if c := cost("gpt-4.1-nano-2025-04-14", 1_000_000, 1_000_000); c == nil || *c != 0.5 {
		t.Fatalf("gpt-4.1-nano = %v", c)
	}
	if c := cost("openai/gpt-4o", 1_000_000, 0); c == nil || *c != 2.5 {
		t.Fatalf("openai/gpt-4o = %v", c)
	}
	if c := cost("gpt-4.1", 0, 0); c != nil {
		t.Fatal("no tokens, no cost")
	}
	if c := cost("gpt-4.1-turbo-unknown", 1, 1); c == nil || *c != (2.0+8.0)/1e6 {
		t.Fatalf("a dated/variant id takes its family's price: %v", c)
	}
	if c := cost("llama-3", 1, 1); c != nil {
		t.Fatal("unknown model priced")
	}
}

func parseEnv(t *testing.T, header, transaction string) *envelope.Envelope {
	t.Helper()
	return &envelope.Envelope{Header: json.RawMessage(header), Items: []envelope.Item{{
		Header: json.RawMessage(`{"type":"transaction"}`), Type: "transaction", Payload: []byte(transaction),
	}}}
}
