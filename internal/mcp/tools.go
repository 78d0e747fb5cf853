package mcp

import (
	"context"
	"encoding/json"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Limits of the search tools' pagination.
const (
	DefaultLimit      = 20
	MaxLimit          = 200
	DefaultTimeWindow = 60 // seconds
)

// searchArgs are the arguments of search_errors, search_logs and
// search_traces. Defaults come from the schema (the SDK applies them).
//
// Upstream's tools take the same filters nested, {"filters": {"timeWindow":
// ..., "filename": ..., "limit": ..., "offset": ...}}; both shapes are
// accepted, and a value given in filters wins (see merged).
type searchArgs struct {
	TimeWindow float64     `json:"timeWindow"`
	Filename   string      `json:"filename"`
	Limit      int         `json:"limit"`
	Offset     int         `json:"offset"`
	Instance   instanceRef `json:"instance"`
	Filters    *filters    `json:"filters"`
}

// filters is upstream's nested form of the search arguments; nil fields
// were not given.
type filters struct {
	TimeWindow *float64 `json:"timeWindow"`
	Filename   *string  `json:"filename"`
	Limit      *int     `json:"limit"`
	Offset     *int     `json:"offset"`
}

// merged returns the arguments with the filters given in Filters applied.
func (in searchArgs) merged() searchArgs {
	f := in.Filters
	if f == nil {
		return in
	}
	if f.TimeWindow != nil {
		in.TimeWindow = *f.TimeWindow
	}
	if f.Filename != nil {
		in.Filename = *f.Filename
	}
	if f.Limit != nil {
		in.Limit = *f.Limit
	}
	if f.Offset != nil {
		in.Offset = *f.Offset
	}
	in.Filters = nil
	return in
}

type getTracesArgs struct {
	TraceID  string      `json:"traceId"`
	Instance instanceRef `json:"instance"`
}

type noArgs struct{}

// Tool descriptions: what an agent should use each tool for.
const (
	searchErrorsDesc = "Search the errors (exceptions and error messages) that the developer's running apps sent to Spotlight " +
		"through their Sentry SDKs, newest first, as Markdown: exception chain, stack frames with source context, tags and the request. " +
		"Use it first when the user reports a bug, a crash, an error page or a failing request or test (\"why did my last request fail?\"), " +
		"and again after a fix to check the error no longer happens. Narrow it to the file you are working on with filename."
	searchLogsDesc = "Search the log records the running apps sent to Spotlight (Sentry structured logs, and the stdout/stderr of " +
		"apps started with `spotlight run`), newest first, with their attributes. Use it to see what the app did before and around " +
		"a problem, or to check that a code path ran."
	searchTracesDesc = "Search the traces (transactions and spans: requests, page loads, background jobs) the running apps sent " +
		"to Spotlight, newest first, each with its operation, duration, status and spans. Use it for slow or failing requests and " +
		"to find a trace id; then call get_traces for one trace with its errors and logs."
	getTracesDesc = "Get one trace by its trace id: the span tree with durations and statuses, plus the errors and logs that share " +
		"the trace id, and its AI calls (model, tokens, cost, tool calls with arguments and results, the conversation). Use it after search_errors, search_logs or search_traces showed a trace id, to follow one request end to end."
	listInstancesDesc = "List the Spotlight instances on this machine (apps started with `spotlight run`): project, port, command, " +
		"start time, PID, URL and health. Use it when several apps run at once to tell which is which, to find the instance " +
		"(port or id) to pass to the other tools, or when a search finds nothing."
)

func (s *tools) register(srv *sdk.Server) {
	readOnly := &sdk.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: new(false)}
	for _, k := range searchKinds() {
		sdk.AddTool(srv, &sdk.Tool{
			Name:        k.tool,
			Description: k.desc,
			InputSchema: searchSchema(k),
			Annotations: readOnly,
		}, func(ctx context.Context, _ *sdk.CallToolRequest, in searchArgs) (*sdk.CallToolResult, any, error) {
			return s.text(s.search(ctx, k, in))
		})
	}
	sdk.AddTool(srv, &sdk.Tool{
		Name:        "get_traces",
		Description: getTracesDesc,
		InputSchema: object(map[string]*jsonschema.Schema{
			"traceId":  {Type: "string", Description: "The trace id (32 hex characters) or a unique prefix of at least 8 characters."},
			"instance": instanceSchema(),
		}, "traceId"),
		Annotations: readOnly,
	}, func(ctx context.Context, _ *sdk.CallToolRequest, in getTracesArgs) (*sdk.CallToolResult, any, error) {
		return s.text(s.getTraces(ctx, in))
	})
	sdk.AddTool(srv, &sdk.Tool{
		Name:        "get_slow_queries",
		Description: slowQueriesDesc,
		InputSchema: object(map[string]*jsonschema.Schema{
			"onlyNPlusOne": {Type: "boolean", Description: "Only the N+1 groups."},
			"limit":        {Type: "integer", Description: "How many groups (1 to 100, default 10)."},
			"instance":     instanceSchema(),
		}),
		Annotations: readOnly,
	}, func(ctx context.Context, _ *sdk.CallToolRequest, in slowQueriesArgs) (*sdk.CallToolResult, any, error) {
		return s.text(s.slowQueries(ctx, in))
	})
	sdk.AddTool(srv, &sdk.Tool{
		Name:        "list_instances",
		Description: listInstancesDesc,
		InputSchema: object(map[string]*jsonschema.Schema{}),
		Annotations: readOnly,
	}, func(ctx context.Context, _ *sdk.CallToolRequest, _ noArgs) (*sdk.CallToolResult, any, error) {
		return s.text(s.listInstances(ctx))
	})
}

// text turns a tool's Markdown (or its error, which the SDK reports as a
// tool error with IsError set) into a result.
func (s *tools) text(md string, err error) (*sdk.CallToolResult, any, error) {
	if err != nil {
		return nil, nil, err
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: md}}}, nil, nil
}

func object(props map[string]*jsonschema.Schema, required ...string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object", Properties: props, Required: required, AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}}}
}

// searchSchema gives types and defaults; bounds are in the descriptions and
// checked by the handler, whose messages say more than the schema validator's.
func searchSchema(k searchKind) *jsonschema.Schema {
	return object(map[string]*jsonschema.Schema{
		"timeWindow": {
			Type: "number", Default: json.RawMessage("60"),
			Description: "Only " + k.plural + " from the last this many seconds (default 60). 0 means everything Spotlight still holds.",
		},
		"filename": {Type: "string", Description: k.filenameDesc},
		"limit": {
			Type: "integer", Default: json.RawMessage("20"),
			Description: "How many " + k.plural + " to return (default 20, at most 200).",
		},
		"offset": {
			Type: "integer", Default: json.RawMessage("0"),
			Description: "How many of the newest matching " + k.plural + " to skip, to page through more (default 0).",
		},
		"instance": instanceSchema(),
		"filters":  filtersSchema(),
	})
}

// filtersSchema is the nested form of the search arguments.
func filtersSchema() *jsonschema.Schema {
	f := object(map[string]*jsonschema.Schema{
		"timeWindow": {Type: "number"},
		"filename":   {Type: "string"},
		"limit":      {Type: "integer"},
		"offset":     {Type: "integer"},
	})
	f.Description = "The same timeWindow, filename, limit and offset nested, as upstream Spotlight's tools take them; a value given here wins."
	return f
}

func instanceSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Types: []string{"string", "integer"},
		Description: "Read another Spotlight instance instead of this one: its port, or its instance id (or project name) " +
			"from list_instances; \"all\" for every instance's events together (each labelled with its instance in the " +
			"spotlight.instance tag), as the Control Center keeps them, ended instances included. Omit it for the default sidecar.",
	}
}
