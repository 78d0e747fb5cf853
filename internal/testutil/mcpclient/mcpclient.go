// Package mcpclient is the agent's side of MCP tests: the official Go SDK's
// client connected to a sidecar's /mcp endpoint or to a `spotlight mcp`
// process, and tool calls that fail the test on transport errors.
package mcpclient

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Wait bounds connecting and each tool call: generous, as CI machines stall.
const Wait = 30 * time.Second

func newClient() *sdk.Client {
	return sdk.NewClient(&sdk.Implementation{Name: "spotlight-test", Version: "0"}, nil)
}

// ConnectHTTP connects to the sidecar at url (its /mcp endpoint) and closes
// the session when the test ends.
func ConnectHTTP(t testing.TB, url string) *sdk.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	cs, err := newClient().Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url + "/mcp", DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatalf("connect to %s/mcp: %v", url, err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// ConnectCommand starts cmd as the SDK's command transport does for real
// agents and closes the session when the test ends; stderr is cmd's stderr,
// shown when connecting or closing fails.
func ConnectCommand(t testing.TB, cmd *exec.Cmd, stderr interface{ String() string }) *sdk.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	cs, err := newClient().Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect to %v: %v\nstderr:\n%s", cmd.Args, err, stderr)
	}
	t.Cleanup(func() {
		if err := cs.Close(); err != nil {
			t.Logf("closing %v: %v\nstderr:\n%s", cmd.Args, err, stderr)
		}
	})
	return cs
}

// Call calls a tool and returns its text and whether it is a tool error.
// Spotlight's tools answer in text only, so other content fails the test.
func Call(t testing.TB, cs *sdk.ClientSession, tool string, args map[string]any) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	var parts []string
	for _, c := range res.Content {
		tc, ok := c.(*sdk.TextContent)
		if !ok {
			t.Fatalf("%s returned %T content, want text", tool, c)
		}
		parts = append(parts, tc.Text)
	}
	return strings.Join(parts, "\n"), res.IsError
}

// OK calls a tool that must succeed and returns its text.
func OK(t testing.TB, cs *sdk.ClientSession, tool string, args map[string]any) string {
	t.Helper()
	text, isErr := Call(t, cs, tool, args)
	if isErr {
		t.Fatalf("%s %v: tool error: %s", tool, args, text)
	}
	return text
}
