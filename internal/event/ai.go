package event

import (
	"encoding/json"
	"strconv"
	"strings"
)

// AI calls are spans: the OpenTelemetry GenAI conventions (gen_ai.*
// attributes), Sentry's gen_ai.* span ops, and the Vercel AI SDK's older
// ai.* attributes. A span's AI summary is read when the span is decoded
// (Span.AI); its conversation and tool calls when one run is asked for
// (airuns.go), from the span's attributes.

// AI span kinds.
const (
	AIRunKind   = "run"        // an agent run, or an SDK call enclosing model calls (ai.streamText)
	AICallKind  = "call"       // one request to a model (chat, generate, ai.*.doStream)
	AIToolKind  = "tool"       // a tool executed for the model
	AIEmbedKind = "embeddings" // an embeddings request
)

// AISpan is what marks a span as an AI call in the waterfall and in lists.
type AISpan struct {
	Kind         string   `json:"kind"`
	Operation    string   `json:"operation,omitempty"` // gen_ai.operation.name, ai.operationId
	Model        string   `json:"model,omitempty"`
	Provider     string   `json:"provider,omitempty"`
	Agent        string   `json:"agent,omitempty"` // gen_ai.agent.name, ai.telemetry.functionId
	InputTokens  int      `json:"inputTokens,omitempty"`
	OutputTokens int      `json:"outputTokens,omitempty"`
	TotalTokens  int      `json:"totalTokens,omitempty"`
	CostUSD      *float64 `json:"costUsd,omitempty"` // when the model's price is known (aiprices.go)
	FinishReason string   `json:"finishReason,omitempty"`
	ToolName     string   `json:"toolName,omitempty"`     // a tool span's tool
	ToolRequests int      `json:"toolRequests,omitempty"` // tool calls a model call asked for
}

// aiOf reads the AI summary of a span; nil when it is not an AI span.
func aiOf(s *Span) *AISpan {
	attr := func(keys ...string) string {
		for _, k := range keys {
			if v := attribute(s.Data, k); v != "" {
				return v
			}
		}
		return ""
	}
	num := func(keys ...string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(attr(keys...), ".0"))
		return n
	}
	genAI := strings.HasPrefix(s.Op, "gen_ai.") || attr("gen_ai.operation.name", "gen_ai.request.model", "gen_ai.system", "gen_ai.provider.name") != ""
	vercel := attr("ai.operationId") != "" || strings.HasPrefix(s.Description, "ai.") && attr("ai.model.id", "ai.toolCall.name") != ""
	if !genAI && !vercel {
		return nil
	}
	// Sentry's Vercel AI integration adds gen_ai.* to the ai.* attributes:
	// the OpenTelemetry name wins, the other fills in.
	a := AISpan{Operation: attr("gen_ai.operation.name")}
	if a.Operation == "" && strings.HasPrefix(s.Op, "gen_ai.") {
		a.Operation = strings.TrimPrefix(s.Op, "gen_ai.")
	}
	switch a.Operation {
	case "invoke_agent", "create_agent":
		a.Kind = AIRunKind
	case "execute_tool":
		a.Kind = AIToolKind
	case "embeddings":
		a.Kind = AIEmbedKind
	case "":
		a.Operation = first(attr("ai.operationId"), s.Description)
		switch op := a.Operation; {
		case op == "ai.toolCall":
			a.Kind = AIToolKind
		case strings.HasPrefix(op, "ai.embed"):
			a.Kind = AIEmbedKind
		case strings.Contains(op, ".do") || !vercel: // doGenerate, doStream: the provider request
			a.Kind = AICallKind
		default:
			a.Kind = AIRunKind
		}
	default:
		a.Kind = AICallKind
	}
	a.Model = attr("gen_ai.response.model", "gen_ai.request.model", "ai.response.model", "ai.model.id")
	a.Provider = attr("gen_ai.provider.name", "gen_ai.system", "ai.model.provider")
	a.Agent = attr("gen_ai.agent.name", "ai.telemetry.functionId")
	a.InputTokens = num("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "ai.usage.inputTokens", "ai.usage.promptTokens")
	a.OutputTokens = num("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "ai.usage.outputTokens", "ai.usage.completionTokens")
	a.TotalTokens = num("gen_ai.usage.total_tokens", "ai.usage.totalTokens")
	a.FinishReason = first(strings.Trim(attr("gen_ai.response.finish_reasons"), `[]"`), attr("ai.response.finishReason"))
	a.ToolName = attr("gen_ai.tool.name", "ai.toolCall.name")
	a.ToolRequests = len(toolCallsOf(attr("gen_ai.response.tool_calls", "ai.response.toolCalls")))
	if a.TotalTokens == 0 {
		a.TotalTokens = a.InputTokens + a.OutputTokens
	}
	a.CostUSD = cost(a.Model, a.InputTokens, a.OutputTokens)
	return &a
}

// AIMessage is one message of a conversation, whatever convention sent it.
type AIMessage struct {
	Role       string       `json:"role"` // system, user, assistant, tool
	Content    string       `json:"content,omitempty"`
	ToolCalls  []AIToolCall `json:"toolCalls,omitempty"`  // an assistant's requests
	ToolCallID string       `json:"toolCallId,omitempty"` // a tool message answers this call
	ToolName   string       `json:"toolName,omitempty"`
}

// AIToolCall is a tool call: what the model asked for and, once run, the
// result (SpanID names the tool's span when there is one).
type AIToolCall struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name"`
	Arguments string `json:"arguments,omitempty"` // JSON text as sent
	Result    string `json:"result,omitempty"`
	SpanID    string `json:"spanId,omitempty"`
}

// aiMessages reads the conversation of one model call: its input
// (gen_ai.input.messages, gen_ai.request.messages, ai.prompt.messages or
// ai.prompt) and its output (gen_ai.output.messages, or the response text
// and tool calls).
func aiMessages(s *Span) []AIMessage {
	attr := func(k string) string { return attribute(s.Data, k) }
	var out []AIMessage
	if sys := attr("gen_ai.system_instructions"); sys != "" {
		out = append(out, AIMessage{Role: "system", Content: textOf(json.RawMessage(sys), sys)})
	}
	switch {
	case attr("gen_ai.input.messages") != "":
		out = append(out, parseMessages(attr("gen_ai.input.messages"))...)
	case attr("gen_ai.request.messages") != "":
		out = append(out, parseMessages(attr("gen_ai.request.messages"))...)
	case attr("ai.prompt.messages") != "":
		out = append(out, parseMessages(attr("ai.prompt.messages"))...)
	case attr("ai.prompt") != "":
		var p struct {
			System   string          `json:"system"`
			Prompt   json.RawMessage `json:"prompt"`
			Messages json.RawMessage `json:"messages"`
		}
		if json.Unmarshal([]byte(attr("ai.prompt")), &p) != nil {
			out = append(out, AIMessage{Role: "user", Content: attr("ai.prompt")})
			break
		}
		if p.System != "" {
			out = append(out, AIMessage{Role: "system", Content: p.System})
		}
		if !isNull(p.Prompt) {
			out = append(out, AIMessage{Role: "user", Content: textOf(p.Prompt, "")})
		}
		out = append(out, parseMessages(string(p.Messages))...)
	}
	if o := attr("gen_ai.output.messages"); o != "" {
		return append(out, parseMessages(o)...)
	}
	reply := AIMessage{Role: "assistant", Content: attr("gen_ai.response.text")}
	if reply.Content == "" {
		reply.Content = attr("ai.response.text")
	}
	calls := attr("gen_ai.response.tool_calls")
	if calls == "" {
		calls = attr("ai.response.toolCalls")
	}
	reply.ToolCalls = toolCallsOf(calls)
	if reply.Content != "" || len(reply.ToolCalls) > 0 {
		out = append(out, reply)
	}
	return out
}

// messagePayload is a message of any of the conventions: OpenAI-style
// {role, content, tool_calls}, OpenTelemetry's {role, parts: [...]}, the
// Vercel AI SDK's {role, content: [{type: text|tool-call|tool-result}]}.
type messagePayload struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	Parts      []partPayload   `json:"parts"`
	ToolCalls  json.RawMessage `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
	Name       string          `json:"name"`
}

type partPayload struct {
	Type       string          `json:"type"`
	Text       string          `json:"text"`
	Content    json.RawMessage `json:"content"`
	ID         string          `json:"id"`
	ToolCallID string          `json:"toolCallId"`
	Name       string          `json:"name"`
	ToolName   string          `json:"toolName"`
	Arguments  json.RawMessage `json:"arguments"`
	Args       json.RawMessage `json:"args"`
	Input      json.RawMessage `json:"input"`
	Result     json.RawMessage `json:"result"`
	Output     json.RawMessage `json:"output"`
	Response   json.RawMessage `json:"response"`
}

func parseMessages(text string) []AIMessage {
	var ms []messagePayload
	if json.Unmarshal([]byte(text), &ms) != nil {
		if text == "" || text == "null" {
			return nil
		}
		return []AIMessage{{Role: "user", Content: text}} // not JSON: shown as sent
	}
	out := make([]AIMessage, 0, len(ms))
	for _, m := range ms {
		msg := AIMessage{Role: m.Role, ToolCallID: m.ToolCallID, ToolName: m.Name}
		parts := m.Parts
		if len(parts) == 0 && len(m.Content) > 0 && m.Content[0] == '[' {
			_ = json.Unmarshal(m.Content, &parts)
		} else if len(parts) == 0 {
			msg.Content = textOf(m.Content, "")
		}
		var texts []string
		for _, p := range parts {
			switch p.Type {
			case "text", "":
				t := p.Text
				if t == "" {
					t = textOf(p.Content, "")
				}
				texts = append(texts, t)
			case "tool_call", "tool-call":
				msg.ToolCalls = append(msg.ToolCalls, AIToolCall{
					ID: first(p.ID, p.ToolCallID), Name: first(p.Name, p.ToolName), Arguments: jsonText(p.Arguments, p.Args, p.Input),
				})
			case "tool_call_response", "tool-result":
				msg.ToolCallID, msg.ToolName = first(p.ID, p.ToolCallID), first(p.Name, p.ToolName)
				texts = append(texts, jsonText(p.Response, p.Result, p.Output))
			default:
				texts = append(texts, textOf(p.Content, p.Text))
			}
		}
		if len(texts) > 0 {
			msg.Content = strings.Join(texts, "\n")
		}
		msg.ToolCalls = append(msg.ToolCalls, toolCallsOf(string(m.ToolCalls))...)
		out = append(out, msg)
	}
	return out
}

// toolCallsOf reads a list of tool calls: OpenAI's {id, function: {name,
// arguments}}, the Vercel AI SDK's {toolCallId, toolName, args}, or
// {id, name, arguments}.
func toolCallsOf(text string) []AIToolCall {
	var cs []struct {
		partPayload
		Function struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	}
	if text == "" || json.Unmarshal([]byte(text), &cs) != nil {
		return nil
	}
	out := make([]AIToolCall, 0, len(cs))
	for _, c := range cs {
		out = append(out, AIToolCall{
			ID:        first(c.ID, c.ToolCallID),
			Name:      first(c.Name, c.ToolName, c.Function.Name),
			Arguments: jsonText(c.Arguments, c.Args, c.Input, c.Function.Arguments),
		})
	}
	return out
}

// textOf is a JSON string's text, other JSON as compact text, or def.
func textOf(raw json.RawMessage, def string) string {
	if isNull(raw) {
		return def
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if !json.Valid(raw) {
		return def
	}
	return string(raw)
}

// jsonText is the first of raws that is set, as text (a string's content).
func jsonText(raws ...json.RawMessage) string {
	for _, r := range raws {
		if !isNull(r) {
			return textOf(r, "")
		}
	}
	return ""
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
