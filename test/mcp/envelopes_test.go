package mcp_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Hand-written envelopes shaped like what the JavaScript and Python SDKs
// send, with frames in known files and timestamps the tests choose.

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n/2)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func unix(ts time.Time) float64 { return float64(ts.UnixNano()) / 1e9 }

// envelopeOf joins a header and items (item header, payload) into an
// envelope body without lengths, as the JavaScript SDK sends them.
func envelopeOf(t testing.TB, header any, items ...any) []byte {
	t.Helper()
	lines := []string{mustJSON(t, header)}
	for _, it := range items {
		lines = append(lines, mustJSON(t, it))
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type obj = map[string]any

// errorEnvelope is a TypeError raised in file (the top, in-app frame) called
// from a framework frame, at ts, in trace traceID ("" for none).
func errorEnvelope(t testing.TB, message, file string, ts time.Time, traceID string) []byte {
	eventID := randomHex(t, 32)
	event := obj{
		"event_id":  eventID,
		"timestamp": unix(ts),
		"platform":  "node",
		"level":     "error",
		"exception": obj{"values": []any{obj{
			"type":  "TypeError",
			"value": message,
			"stacktrace": obj{"frames": []any{
				obj{"filename": "node_modules/express/lib/router/layer.js", "function": "handle", "lineno": 95, "in_app": false},
				obj{"filename": file, "abs_path": "/home/dev/shop/" + file, "function": "checkout", "lineno": 42, "colno": 7, "in_app": true,
					"context_line": "  const total = cart.items.reduce(sum, 0);"},
			}},
		}}},
	}
	if traceID != "" {
		event["contexts"] = obj{"trace": obj{"trace_id": traceID, "span_id": randomHex(t, 16)}}
	}
	return envelopeOf(t,
		obj{"event_id": eventID, "sdk": obj{"name": "sentry.javascript.node", "version": "9.0.0"}},
		obj{"type": "event"}, event)
}

// logEnvelope holds one log record with body, at ts, from file, in traceID.
func logEnvelope(t testing.TB, body, file string, ts time.Time, traceID string) []byte {
	if traceID == "" {
		traceID = randomHex(t, 32)
	}
	return envelopeOf(t,
		obj{"sdk": obj{"name": "sentry.python", "version": "2.30.0"}},
		obj{"type": "log", "item_count": 1, "content_type": "application/vnd.sentry.items.log+json"},
		obj{"items": []any{obj{
			"timestamp": unix(ts),
			"trace_id":  traceID,
			"level":     "info",
			"body":      body,
			"attributes": obj{
				"code.file.path":     obj{"value": file, "type": "string"},
				"sentry.environment": obj{"value": "development", "type": "string"},
			},
		}}})
}

// transactionEnvelope is a GET /api/checkout transaction in traceID with a
// db span, starting at start and lasting 120 ms.
func transactionEnvelope(t testing.TB, traceID string, start time.Time) []byte {
	root, child := randomHex(t, 16), randomHex(t, 16)
	end := start.Add(120 * time.Millisecond)
	eventID := randomHex(t, 32)
	return envelopeOf(t,
		obj{"event_id": eventID, "sdk": obj{"name": "sentry.javascript.node", "version": "9.0.0"}, "trace": obj{"trace_id": traceID}},
		obj{"type": "transaction"},
		obj{
			"event_id":        eventID,
			"type":            "transaction",
			"transaction":     "GET /api/checkout",
			"start_timestamp": unix(start),
			"timestamp":       unix(end),
			"platform":        "node",
			"contexts": obj{"trace": obj{
				"trace_id": traceID, "span_id": root, "op": "http.server", "status": "internal_error",
			}},
			"spans": []any{obj{
				"trace_id": traceID, "span_id": child, "parent_span_id": root,
				"op": "db.query", "description": "SELECT * FROM carts WHERE id = ?",
				"start_timestamp": unix(start.Add(10 * time.Millisecond)),
				"timestamp":       unix(start.Add(90 * time.Millisecond)),
				"status":          "ok",
			}},
		})
}

// aiEnvelope is a transaction with one OpenTelemetry GenAI chat span that
// asked for a tool, and the tool's span.
func aiEnvelope(t testing.TB, traceID string, start time.Time) []byte {
	root := randomHex(t, 16)
	eventID := randomHex(t, 32)
	return envelopeOf(t,
		obj{"event_id": eventID, "sdk": obj{"name": "sentry.python", "version": "2.0.0"}, "trace": obj{"trace_id": traceID}},
		obj{"type": "transaction"},
		obj{
			"event_id": eventID, "type": "transaction", "transaction": "POST /ask",
			"start_timestamp": unix(start), "timestamp": unix(start.Add(time.Second)),
			"contexts": obj{"trace": obj{"trace_id": traceID, "span_id": root, "op": "http.server"}},
			"spans": []any{
				obj{
					"trace_id": traceID, "span_id": randomHex(t, 16), "parent_span_id": root, "op": "gen_ai.chat", "description": "chat gpt-4o-mini",
					"start_timestamp": unix(start), "timestamp": unix(start.Add(400 * time.Millisecond)),
					"data": obj{
						"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.system": "openai",
						"gen_ai.usage.input_tokens": 321, "gen_ai.usage.output_tokens": 12,
						"gen_ai.request.messages":    `[{"role":"user","content":"what is in my cart?"}]`,
						"gen_ai.response.tool_calls": `[{"id":"c1","function":{"name":"lookup_cart","arguments":"{\"user\":7}"}}]`,
					},
				},
				obj{
					"trace_id": traceID, "span_id": randomHex(t, 16), "parent_span_id": root, "op": "gen_ai.execute_tool", "description": "execute_tool lookup_cart",
					"start_timestamp": unix(start.Add(500 * time.Millisecond)), "timestamp": unix(start.Add(600 * time.Millisecond)),
					"data": obj{"gen_ai.tool.name": "lookup_cart", "gen_ai.tool.call.arguments": `{"user":7}`, "gen_ai.tool.call.result": "2 books"},
				},
			},
		})
}

// nPlusOneEnvelope is a transaction whose handler runs one query per item:
// the same statement 4 times (different literals) under one parent span.
func nPlusOneEnvelope(t testing.TB, traceID string, start time.Time) []byte {
	root := randomHex(t, 16)
	eventID := randomHex(t, 32)
	var spans []any
	for i := range 4 {
		at := start.Add(time.Duration(10+i*10) * time.Millisecond)
		spans = append(spans, obj{
			"trace_id": traceID, "span_id": randomHex(t, 16), "parent_span_id": root,
			"op": "db.query", "description": fmt.Sprintf("SELECT * FROM items WHERE cart_id = %d", 40+i),
			"start_timestamp": unix(at), "timestamp": unix(at.Add(5 * time.Millisecond)),
		})
	}
	return envelopeOf(t,
		obj{"event_id": eventID, "trace": obj{"trace_id": traceID}},
		obj{"type": "transaction"},
		obj{
			"event_id": eventID, "type": "transaction", "transaction": "GET /api/cart",
			"start_timestamp": unix(start), "timestamp": unix(start.Add(80 * time.Millisecond)), "platform": "node",
			"contexts": obj{"trace": obj{"trace_id": traceID, "span_id": root, "op": "http.server", "status": "ok"}},
			"spans":    spans,
		})
}
