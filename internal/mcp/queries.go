package mcp

import (
	"context"
	"fmt"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// get_slow_queries: the queries insight (event.Store.Queries) for an agent:
// the statements that take the most time, and the N+1 groups.

type slowQueriesArgs struct {
	Instance     instanceRef `json:"instance"`
	OnlyNPlusOne bool        `json:"onlyNPlusOne"`
	Limit        int         `json:"limit"`
}

const slowQueriesDesc = "List the database queries the running apps' traces made, grouped by normalised statement (literals as ?), " +
	"the most total time first: count, total/average/p95 duration, traces affected, the slowest occurrences (trace and span ids), " +
	"and N+1 groups (one statement run 3 or more times under one parent span of one trace) flagged. Use it when a request is slow " +
	"or to check that a fix removed an N+1; then get_traces for one of the traces."

func (s *tools) slowQueries(ctx context.Context, in slowQueriesArgs) (string, error) {
	if in.Limit < 0 || in.Limit > 100 {
		return "", fmt.Errorf("limit %d is out of range: use 1 to 100 (default 10)", in.Limit)
	}
	limit := in.Limit
	if limit == 0 {
		limit = 10
	}
	h, err := s.load(ctx, in.Instance)
	if err != nil {
		return "", err
	}
	groups := h.events.Queries(event.Query{}, "")
	var b strings.Builder
	shown := 0
	for _, g := range groups {
		if in.OnlyNPlusOne && !g.NPlusOne {
			continue
		}
		if shown == limit {
			break
		}
		shown++
		fmt.Fprintf(&b, "## %d. %s\n\n```sql\n%s\n```\n\n", shown, orUnknown(g.System), g.Statement)
		fmt.Fprintf(&b, "- %d runs in %d trace(s): total %.1f ms, avg %.2f ms, p95 %.2f ms\n", g.Count, g.Traces, g.TotalMS, g.AvgMS, g.P95MS)
		if g.NPlusOne {
			fmt.Fprintf(&b, "- **N+1**: ran %d times under one parent span of one trace\n", g.MaxRepeats)
		}
		for _, r := range g.Slowest {
			fmt.Fprintf(&b, "- %.2f ms in trace %s span %s", r.DurationMS, r.TraceID, r.SpanID)
			if r.Transaction != "" {
				fmt.Fprintf(&b, " (%s)", r.Transaction)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if shown == 0 {
		what := "database spans"
		if in.OnlyNPlusOne {
			what = "N+1 query groups"
		}
		return fmt.Sprintf("No %s in %s (it holds %s).\n", what, describe(h.src), h.summary()), nil
	}
	return fmt.Sprintf("# Queries (%d of %d groups)\n\n", shown, len(groups)) + b.String(), nil
}
