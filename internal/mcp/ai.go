package mcp

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// maxAIText bounds each message or tool argument/result get_traces prints:
// a prompt can be long, and the agent can ask for the trace again.
const maxAIText = 2000

// writeAICalls renders the trace's AI calls and agent runs (model,
// provider, latency, tokens, cost, tool calls with arguments and results,
// the conversation), as the AI view shows them; nothing when it has none.
func writeAICalls(b *strings.Builder, events *event.Store, traceID string) {
	runs, _ := events.AIRuns(event.Query{TraceID: traceID})
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(b, "## AI calls (%d)\n\n", len(runs))
	for i := len(runs) - 1; i >= 0; i-- { // oldest first, like the spans
		r, ok := events.AIRun(runs[i].ID)
		if !ok {
			continue
		}
		fmt.Fprintf(b, "### %s (span %s)\n\n", r.Name, r.SpanID)
		fmt.Fprintf(b, "- model: %s", orUnknown(r.Model))
		if r.Provider != "" {
			fmt.Fprintf(b, " (%s)", r.Provider)
		}
		fmt.Fprintf(b, "\n- latency: %.1f ms, %d model call(s)\n", r.DurationMS, r.Calls)
		fmt.Fprintf(b, "- tokens: %d input, %d output", r.InputTokens, r.OutputTokens)
		if r.CostUSD != nil {
			fmt.Fprintf(b, ", cost $%.6f", *r.CostUSD)
		}
		b.WriteString("\n")
		if r.FinishReason != "" {
			fmt.Fprintf(b, "- finish reason: %s\n", r.FinishReason)
		}
		for _, c := range r.ToolCalls {
			fmt.Fprintf(b, "- tool call %s(%s) → %s\n", c.Name, clip(c.Arguments), clip(orUnknown(c.Result)))
		}
		if len(r.Messages) > 0 {
			b.WriteString("\nConversation:\n\n")
			for _, m := range r.Messages {
				fmt.Fprintf(b, "- **%s**", m.Role)
				if m.ToolName != "" {
					fmt.Fprintf(b, " (%s)", m.ToolName)
				}
				fmt.Fprintf(b, ": %s\n", clip(m.Content))
				for _, c := range m.ToolCalls {
					fmt.Fprintf(b, "  - calls %s(%s)\n", c.Name, clip(c.Arguments))
				}
			}
		}
		b.WriteString("\n")
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func clip(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if n := maxAIText; len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n-- // on a character boundary
		}
		return s[:n] + fmt.Sprintf("… (%d more bytes)", len(s)-n)
	}
	return s
}
