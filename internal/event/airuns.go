package event

import (
	"slices"
	"strings"
	"time"
)

// AIRun is an AI call or agent run as the AI view lists it: an AI span
// with no AI span above it, and the AI spans below it (model calls, tools).
type AIRun struct {
	ID          string    `json:"id"` // "<trace id>-<span id>"
	TraceID     string    `json:"traceId"`
	SpanID      string    `json:"spanId"`
	Name        string    `json:"name"`
	Transaction string    `json:"transaction,omitempty"` // the enclosing trace's name
	Start       time.Time `json:"start"`
	DurationMS  float64   `json:"durationMs"`
	Status      string    `json:"status,omitempty"`
	// AISpan is the run's own summary, with tokens and cost summed over its
	// model calls when the run span carries none itself.
	AISpan
	Calls int      `json:"calls"` // model calls (the run itself, if it is one)
	Tools []string `json:"tools,omitempty"`
	Steps []AIStep `json:"steps,omitempty"` // detail only: the run's AI spans in tree order
	// Messages is the conversation as the run's last model call saw it,
	// with its reply; ToolCalls every tool call, with arguments and results.
	Messages  []AIMessage  `json:"messages,omitempty"`
	ToolCalls []AIToolCall `json:"toolCalls,omitempty"`
	Source    Source       `json:"source"`
	Instance  *Instance    `json:"instance,omitempty"`
}

// AIStep is one AI span of a run.
type AIStep struct {
	SpanID     string    `json:"spanId"`
	Depth      int       `json:"depth"` // below the run (0 = the run)
	Name       string    `json:"name"`
	Start      time.Time `json:"start"`
	DurationMS float64   `json:"durationMs"`
	AI         *AISpan   `json:"ai"`
}

// AIRuns lists the runs of the held traces that q selects (q.TraceID, q.Text
// over name, model, provider, agent and tools, q.Instance and q.Hidden as
// for traces), newest first, without their steps and conversations, and
// the number selected.
func (s *Store) AIRuns(q Query) ([]AIRun, int) {
	var runs []AIRun
	of := Query{Instance: q.Instance, Hidden: q.Hidden}
	for _, tr := range s.aiTraces(q.TraceID) {
		if !of.Selects(tr) {
			continue
		}
		for _, r := range aiRuns(tr, false) {
			if q.Text == "" || r.matches(q.Text) {
				runs = append(runs, r)
			}
		}
	}
	slices.SortStableFunc(runs, func(a, b AIRun) int { return b.Start.Compare(a.Start) })
	total := len(runs)
	runs = runs[min(q.Offset, len(runs)):]
	if q.Limit > 0 && len(runs) > q.Limit {
		runs = runs[:q.Limit]
	}
	return runs, total
}

// AIRun is one run with its steps, conversation and tool calls; id names
// the run's span or any AI span in it.
func (s *Store) AIRun(id string) (AIRun, bool) {
	traceID, spanID, ok := strings.Cut(id, "-")
	if !ok {
		return AIRun{}, false
	}
	for _, tr := range s.aiTraces(normalizeID(traceID)) {
		for _, r := range aiRuns(tr, true) {
			// any AI span of the run finds it (a span's detail links there)
			if r.SpanID == spanID || slices.ContainsFunc(r.Steps, func(st AIStep) bool { return st.SpanID == spanID }) {
				return r, true
			}
		}
	}
	return AIRun{}, false
}

// aiTraces builds the held traces that have an AI span (one, if traceID
// is set).
func (s *Store) aiTraces(traceID string) []*Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Record
	for id, t := range s.traces {
		if traceID != "" && id != traceID {
			continue
		}
		if slices.ContainsFunc(t.spans, func(sp *Span) bool { return sp.AI != nil }) {
			r, _ := s.trace(id)
			out = append(out, r)
		}
	}
	return out
}

// aiRuns finds a trace's runs; detail adds steps, messages and tool calls.
func aiRuns(tr *Record, detail bool) []AIRun {
	spans := tr.Trace.Spans
	var runs []AIRun
	for i := 0; i < len(spans); i++ {
		root := &spans[i]
		if root.AI == nil {
			continue
		}
		end := i + 1 // the run's subtree: the following spans deeper than it
		for end < len(spans) && spans[end].Depth > root.Depth {
			end++
		}
		runs = append(runs, newRun(tr, spans[i:end], detail))
		i = end - 1
	}
	return runs
}

func newRun(tr *Record, sub []Span, detail bool) AIRun {
	root := &sub[0]
	r := AIRun{
		ID: tr.TraceID + "-" + root.SpanID, TraceID: tr.TraceID, SpanID: root.SpanID,
		Name: first(root.Description, root.Op, root.AI.Operation), Transaction: tr.Trace.Name,
		Start: root.Start, DurationMS: root.DurationMS, Status: root.Status,
		AISpan: *root.AI, Source: root.Source, Instance: root.Instance,
	}
	var in, out int
	var spent float64
	priced := true
	var lastCall *Span
	for i := range sub {
		sp := &sub[i]
		a := sp.AI
		if a == nil {
			continue
		}
		switch a.Kind {
		case AICallKind, AIEmbedKind:
			r.Calls++
			in, out = in+a.InputTokens, out+a.OutputTokens
			if a.CostUSD != nil {
				spent += *a.CostUSD
			} else if a.InputTokens+a.OutputTokens > 0 {
				priced = false
			}
			lastCall = sp
		case AIToolKind:
			if !slices.Contains(r.Tools, a.ToolName) {
				r.Tools = append(r.Tools, a.ToolName)
			}
		}
		if r.Model == "" {
			r.Model, r.Provider = a.Model, first(r.Provider, a.Provider)
		}
		if detail {
			r.Steps = append(r.Steps, AIStep{SpanID: sp.SpanID, Depth: sp.Depth - root.Depth, Name: first(sp.Description, sp.Op), Start: sp.Start, DurationMS: sp.DurationMS, AI: a})
		}
	}
	if r.InputTokens+r.OutputTokens == 0 && in+out > 0 {
		r.InputTokens, r.OutputTokens, r.TotalTokens = in, out, in+out
		if priced {
			r.CostUSD = &spent
		}
	}
	if !detail {
		return r
	}
	if lastCall == nil {
		lastCall = root
	}
	r.Messages = aiMessages(lastCall)
	if len(r.Messages) == 0 && lastCall != root {
		r.Messages = aiMessages(root)
	}
	r.ToolCalls = runToolCalls(sub, r.Messages)
	return r
}

// runToolCalls lists a run's tool calls: each tool span (name, arguments,
// result) and the calls the conversation shows that no span ran, in order.
func runToolCalls(sub []Span, msgs []AIMessage) []AIToolCall {
	var out []AIToolCall
	for i := range sub {
		sp := &sub[i]
		if sp.AI == nil || sp.AI.Kind != AIToolKind {
			continue
		}
		out = append(out, AIToolCall{
			ID:        first(attribute(sp.Data, "gen_ai.tool.call.id"), attribute(sp.Data, "ai.toolCall.id")),
			Name:      sp.AI.ToolName,
			Arguments: first(attribute(sp.Data, "gen_ai.tool.call.arguments"), attribute(sp.Data, "gen_ai.tool.input"), attribute(sp.Data, "ai.toolCall.args"), attribute(sp.Data, "ai.toolCall.input")),
			Result:    first(attribute(sp.Data, "gen_ai.tool.call.result"), attribute(sp.Data, "gen_ai.tool.output"), attribute(sp.Data, "ai.toolCall.result"), attribute(sp.Data, "ai.toolCall.output")),
			SpanID:    sp.SpanID,
		})
	}
	results := map[string]string{}
	for _, m := range msgs {
		if m.Role == "tool" && m.ToolCallID != "" {
			results[m.ToolCallID] = m.Content
		}
	}
	for _, m := range msgs {
		for _, c := range m.ToolCalls {
			if c.ID != "" && slices.ContainsFunc(out, func(x AIToolCall) bool { return x.ID == c.ID }) {
				continue
			}
			c.Result = results[c.ID]
			out = append(out, c)
		}
	}
	return out
}

func (r *AIRun) matches(text string) bool {
	text = strings.ToLower(text)
	for _, s := range append([]string{r.Name, r.Model, r.Provider, r.Agent, r.Transaction, r.TraceID}, r.Tools...) {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	return false
}
