// Package mcp_test drives `spotlight mcp` (the real binary, over stdio) and
// a sidecar's /mcp endpoint with the MCP client of the official Go SDK.
package mcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/spotlight-dev/spotlight/internal/testutil"
	"github.com/spotlight-dev/spotlight/internal/testutil/mcpclient"
)

var bin string

func TestMain(m *testing.M) { os.Exit(testutil.RunTests(m, &bin, nil)) }

// wait bounds each MCP call and each poll: generous, as CI machines stall.
const wait = 15 * time.Second

// processEnv is the environment of spotlight processes a test starts: its
// own registry directory and no Control Center.
func processEnv(registryDir string) []string {
	return []string{
		"SPOTLIGHT_REGISTRY_DIR=" + registryDir,
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1",
	}
}

// connectStdio starts `spotlight mcp args...` as the SDK's command
// transport does for real agents, and returns the session and its stderr.
func connectStdio(t *testing.T, env []string, args ...string) (*sdk.ClientSession, *testutil.SafeBuffer) {
	t.Helper()
	return connectCommand(t, env, append([]string{"mcp"}, args...)...)
}

// connectCommand is connectStdio for any spotlight command line.
func connectCommand(t *testing.T, env []string, args ...string) (*sdk.ClientSession, *testutil.SafeBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stderr := &testutil.SafeBuffer{}
	cmd.Stderr = stderr
	return mcpclient.ConnectCommand(t, cmd, stderr), stderr
}

// awaitTool waits until tool's answer to args names want: the sidecar
// ingests envelopes asynchronously.
func awaitTool(t *testing.T, cs *sdk.ClientSession, tool string, args map[string]any, want string, msg string, msgArgs ...any) {
	t.Helper()
	testutil.Eventually(t, wait, func() bool {
		text, _ := mcpclient.Call(t, cs, tool, args)
		return strings.Contains(text, want)
	}, msg, msgArgs...)
}

// toolError calls a tool that must fail, naming want in its message.
func toolError(t *testing.T, cs *sdk.ClientSession, tool string, args map[string]any, want string) {
	t.Helper()
	text, isErr := mcpclient.Call(t, cs, tool, args)
	if !isErr {
		t.Fatalf("%s %v: want a tool error, got:\n%s", tool, args, text)
	}
	if !strings.Contains(text, want) {
		t.Fatalf("%s %v: the error does not name %q:\n%s", tool, args, want, text)
	}
}

func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("%s: missing %q in:\n%s", what, w, text)
		}
	}
}

func lacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Fatalf("%s: unexpected %q in:\n%s", what, w, text)
		}
	}
}

func post(t *testing.T, url string, body []byte) {
	t.Helper()
	if code, resp := testutil.PostEnvelope(t, url+"/api/0/envelope/", body); code != 200 {
		t.Fatalf("POST envelope: %d %s", code, resp)
	}
}

// checkToolList checks the five tools are listed with descriptions and
// parameter schemas.
func checkToolList(t *testing.T, cs *sdk.ClientSession) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("list tools: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if len(tool.Description) < 80 {
			t.Errorf("%s: description too short to tell an agent when to use it: %q", tool.Name, tool.Description)
		}
		schema, _ := tool.InputSchema.(map[string]any)
		if schema["type"] != "object" {
			t.Errorf("%s: input schema is not an object schema: %v", tool.Name, tool.InputSchema)
		}
	}
	slices.Sort(names)
	want := []string{"get_slow_queries", "get_traces", "list_instances", "search_errors", "search_logs", "search_traces"}
	if !slices.Equal(names, want) {
		t.Fatalf("tools = %v, want %v", names, want)
	}
	for _, tool := range res.Tools {
		props, _ := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
		if strings.HasPrefix(tool.Name, "search_") {
			for _, p := range []string{"timeWindow", "filename", "limit", "offset", "instance"} {
				if _, ok := props[p]; !ok {
					t.Errorf("%s: no %q parameter in %v", tool.Name, p, props)
				}
			}
		}
	}
}

// exercise checks every tool against the sidecar at url, which must be
// empty: the empty case, then errors by file, logs by time window, a trace
// by prefix, pagination and bad arguments.
func exercise(t *testing.T, cs *sdk.ClientSession, url string) {
	checkToolList(t, cs)

	empty := mcpclient.OK(t, cs, "search_errors", nil)
	contains(t, "empty search_errors", empty, "No errors", "timeWindow", "list_instances", url)

	now := time.Now()
	old := now.Add(-2 * time.Hour)
	traceID := randomHex(t, 32)
	post(t, url, errorEnvelope(t, "cart is undefined", "src/checkout/cart.ts", now, traceID))
	post(t, url, errorEnvelope(t, "payment declined", "src/payment/stripe.ts", now, ""))
	post(t, url, errorEnvelope(t, "ancient failure", "src/checkout/cart.ts", old, ""))
	post(t, url, logEnvelope(t, "checkout started", "app/checkout.py", now, traceID))
	post(t, url, logEnvelope(t, "stale log line", "app/checkout.py", old, ""))
	post(t, url, logEnvelope(t, "rendering the home page", "app/home.py", now, ""))
	post(t, url, transactionEnvelope(t, traceID, now))
	awaitTool(t, cs, "search_traces", map[string]any{"timeWindow": 0}, "GET /api/checkout", "the transaction never showed up in search_traces")

	t.Run("errors by filename", func(t *testing.T) {
		text := mcpclient.OK(t, cs, "search_errors", map[string]any{"filename": "cart.ts", "timeWindow": 0})
		contains(t, "filename cart.ts", text, "cart is undefined", "ancient failure", "src/checkout/cart.ts")
		lacks(t, "filename cart.ts", text, "payment declined")
		// The window counts from arrival: an event stamped two hours ago
		// that arrived just now is in the default 60 s (upstream's rule).
		text = mcpclient.OK(t, cs, "search_errors", map[string]any{"filename": "checkout/cart.ts"})
		contains(t, "filename checkout/cart.ts, default window", text, "cart is undefined", "ancient failure")
		lacks(t, "filename checkout/cart.ts, default window", text, "payment declined")
		// Upstream's argument shape.
		text = mcpclient.OK(t, cs, "search_errors", map[string]any{"filters": map[string]any{"filename": "stripe.ts", "timeWindow": 3600, "limit": 5}})
		contains(t, "filters.filename stripe.ts", text, "payment declined")
		lacks(t, "filters.filename stripe.ts", text, "cart is undefined")
		text = mcpclient.OK(t, cs, "search_errors", map[string]any{"filename": "nowhere.go", "timeWindow": 0})
		contains(t, "filename nowhere.go", text, "No errors", "without filename")
	})

	t.Run("logs by time window", func(t *testing.T) {
		text := mcpclient.OK(t, cs, "search_logs", map[string]any{"timeWindow": 3600})
		contains(t, "logs received in the last hour", text, "checkout started", "rendering the home page", "stale log line")
		text = mcpclient.OK(t, cs, "search_logs", map[string]any{"timeWindow": 0})
		contains(t, "all logs", text, "checkout started", "stale log line")
		text = mcpclient.OK(t, cs, "search_logs", map[string]any{"timeWindow": 0, "filename": "home.py"})
		contains(t, "logs from home.py", text, "rendering the home page")
		lacks(t, "logs from home.py", text, "checkout started")
	})

	t.Run("trace by prefix", func(t *testing.T) {
		text := mcpclient.OK(t, cs, "get_traces", map[string]any{"traceId": traceID[:10]})
		contains(t, "get_traces", text, traceID, "GET /api/checkout", "db.query", "SELECT * FROM carts", "120ms",
			"cart is undefined", "checkout started")
		lacks(t, "get_traces", text, "payment declined", "rendering the home page")
		text = mcpclient.OK(t, cs, "search_traces", map[string]any{"filename": "cart.ts"})
		contains(t, "traces with an error in cart.ts", text, "GET /api/checkout", traceID)
		text = mcpclient.OK(t, cs, "get_traces", map[string]any{"traceId": strings.Repeat("0", 32)})
		contains(t, "unknown trace", text, "No trace", "search_traces")
	})

	t.Run("AI calls of a trace", func(t *testing.T) {
		id := randomHex(t, 32)
		post(t, url, aiEnvelope(t, id, now))
		awaitTool(t, cs, "get_traces", map[string]any{"traceId": id}, id, "trace %s never showed up", id)
		text := mcpclient.OK(t, cs, "get_traces", map[string]any{"traceId": id})
		contains(t, "get_traces AI calls", text, "## AI calls (2)", "gpt-4o-mini (openai)", "321 input, 12 output", "cost $",
			"**user**: what is in my cart?", "calls lookup_cart({\"user\":7})", `tool call lookup_cart({"user":7}) → 2 books`)
	})

	t.Run("slow queries and N+1", func(t *testing.T) {
		id := randomHex(t, 32)
		post(t, url, nPlusOneEnvelope(t, id, now))
		awaitTool(t, cs, "get_slow_queries", map[string]any{"onlyNPlusOne": true}, id, "the N+1 of trace %s never showed up", id)
		text := mcpclient.OK(t, cs, "get_slow_queries", map[string]any{"onlyNPlusOne": true})
		contains(t, "get_slow_queries", text, "SELECT * FROM items WHERE cart_id = ?", "**N+1**: ran 4 times", "4 runs in 1 trace(s)", "GET /api/cart")
		lacks(t, "only N+1", text, "SELECT * FROM carts")
		text = mcpclient.OK(t, cs, "get_slow_queries", map[string]any{})
		contains(t, "get_slow_queries", text, "SELECT * FROM carts WHERE id = ?", "SELECT * FROM items WHERE cart_id = ?")
		toolError(t, cs, "get_slow_queries", map[string]any{"limit": 1000}, "out of range")
	})

	t.Run("ambiguous trace prefix", func(t *testing.T) {
		a, b := "deadbeef"+randomHex(t, 24), "deadbeef"+randomHex(t, 24)
		post(t, url, transactionEnvelope(t, a, now))
		post(t, url, transactionEnvelope(t, b, now))
		awaitTool(t, cs, "get_traces", map[string]any{"traceId": b}, b, "trace %s never showed up", b)
		toolError(t, cs, "get_traces", map[string]any{"traceId": "DEADBEEF"}, a)
		toolError(t, cs, "get_traces", map[string]any{"traceId": "deadbeef"}, b)
	})

	t.Run("pagination", func(t *testing.T) {
		base := now.Add(-30 * time.Second)
		for i := 1; i <= 5; i++ {
			post(t, url, errorEnvelope(t, fmt.Sprintf("paged error #%d", i), "src/paging.ts", base.Add(time.Duration(i)*time.Second), ""))
		}
		awaitTool(t, cs, "search_errors", map[string]any{"filename": "paging.ts", "timeWindow": 0, "limit": 200}, "paged error #5", "the paged errors never showed up")
		args := func(offset int) map[string]any {
			return map[string]any{"filename": "paging.ts", "timeWindow": 0, "limit": 2, "offset": offset}
		}
		text := mcpclient.OK(t, cs, "search_errors", args(0))
		contains(t, "page 1", text, "paged error #5", "paged error #4", "5 errors", "offset=2")
		lacks(t, "page 1", text, "paged error #3", "paged error #1")
		text = mcpclient.OK(t, cs, "search_errors", args(2))
		contains(t, "page 2", text, "paged error #3", "paged error #2", "offset=4")
		lacks(t, "page 2", text, "paged error #5", "paged error #1")
		text = mcpclient.OK(t, cs, "search_errors", args(4))
		contains(t, "page 3", text, "paged error #1")
		lacks(t, "page 3", text, "paged error #2", "offset=")
		text = mcpclient.OK(t, cs, "search_errors", args(6))
		contains(t, "past the end", text, "No errors at offset 6", "5 errors")
		text = mcpclient.OK(t, cs, "search_errors", map[string]any{"filters": map[string]any{"filename": "paging.ts", "timeWindow": 0, "limit": 2, "offset": 2}})
		contains(t, "page 2 through filters", text, "paged error #3", "paged error #2", "offset=4")
	})

	t.Run("bad arguments", func(t *testing.T) {
		toolError(t, cs, "get_traces", map[string]any{"traceId": "abc"}, "traceId")
		toolError(t, cs, "get_traces", map[string]any{"traceId": "not-a-trace-id"}, "traceId")
		toolError(t, cs, "get_traces", map[string]any{}, "traceId")
		toolError(t, cs, "search_errors", map[string]any{"limit": -1}, "limit")
		toolError(t, cs, "search_logs", map[string]any{"limit": 1000}, "limit")
		toolError(t, cs, "search_traces", map[string]any{"offset": -5}, "offset")
		toolError(t, cs, "search_errors", map[string]any{"timeWindow": -60}, "timeWindow")
		toolError(t, cs, "search_errors", map[string]any{"limit": "ten"}, "limit")
		toolError(t, cs, "search_errors", map[string]any{"filters": map[string]any{"limit": 1000}}, "limit")
		toolError(t, cs, "search_errors", map[string]any{"filters": map[string]any{"nope": 1}}, "nope")
		toolError(t, cs, "search_errors", map[string]any{"instance": 70000}, "70000")
		toolError(t, cs, "search_errors", map[string]any{"instance": "no-such-app"}, "no-such-app")
		// The server survived all of it.
		contains(t, "after bad arguments", mcpclient.OK(t, cs, "search_errors", map[string]any{"timeWindow": 0}), "cart is undefined")
	})
}

func TestStdioStartsItsOwnSidecar(t *testing.T) {
	port := testutil.FreePort(t)
	cs, stderr := connectStdio(t, processEnv(filepath.Join(t.TempDir(), "instances")), "-p", fmt.Sprint(port))
	url := fmt.Sprintf("http://localhost:%d", port)
	// The session is up, so the sidecar listens already; this checks it is
	// a real Spotlight sidecar answering on the port.
	testutil.WaitHealthy(t, &testutil.Process{URL: url}, wait)
	exercise(t, cs, url)
	contains(t, "stderr", stderr.String(), "started a Spotlight sidecar")
}

func TestStdioReadsRunningSidecar(t *testing.T) {
	registryDir := filepath.Join(t.TempDir(), "instances")
	side := testutil.StartSidecar(t, bin, processEnv(registryDir))
	cs, stderr := connectStdio(t, processEnv(registryDir), "-p", fmt.Sprint(side.Port))
	exercise(t, cs, side.URL)
	contains(t, "stderr", stderr.String(), "already running")
}

// The usual set-up: `spotlight` runs as the Control Center and an agent
// starts `spotlight mcp`, which reads it; `instance: "all"` then reads the
// Control Center's merged copy.
func TestStdioReadsRunningControlCenter(t *testing.T) {
	registryDir := filepath.Join(t.TempDir(), "instances")
	port := testutil.FreePort(t)
	env := []string{"SPOTLIGHT_REGISTRY_DIR=" + registryDir, fmt.Sprintf("SPOTLIGHT_CONTROL_CENTER_URL=http://localhost:%d", port)}
	cc := testutil.Start(t, bin, env, "--port", strconv.Itoa(port))
	cc.Port, cc.URL = port, fmt.Sprintf("http://localhost:%d", port)
	testutil.WaitHealthy(t, cc, wait)
	post(t, cc.URL, errorEnvelope(t, "sent to the Control Center", "src/direct.ts", time.Now(), ""))
	cs, _ := connectStdio(t, env, "-p", strconv.Itoa(port))
	testutil.Eventually(t, wait, func() bool {
		text, isErr := mcpclient.Call(t, cs, "search_errors", map[string]any{"instance": "all", "timeWindow": 0})
		return !isErr && strings.Contains(text, "sent to the Control Center")
	}, "instance all over a running Control Center never found the error")
}

// Upstream's `--stdio-mcp` still works, saying on stderr that it is
// deprecated; stdout stays MCP's.
func TestStdioMCPAlias(t *testing.T) {
	registryDir := filepath.Join(t.TempDir(), "instances")
	side := testutil.StartSidecar(t, bin, processEnv(registryDir))
	cs, stderr := connectCommand(t, processEnv(registryDir), "--stdio-mcp", "-p", fmt.Sprint(side.Port))
	checkToolList(t, cs)
	post(t, side.URL, errorEnvelope(t, "through the alias", "src/alias.ts", time.Now(), ""))
	awaitTool(t, cs, "search_errors", map[string]any{"timeWindow": 0}, "through the alias", "search_errors over --stdio-mcp never found the error")
	contains(t, "stderr", stderr.String(), "--stdio-mcp is deprecated", "spotlight mcp")
}

func TestHTTPEndpoint(t *testing.T) {
	side := testutil.StartSidecar(t, bin, processEnv(filepath.Join(t.TempDir(), "instances")))
	exercise(t, mcpclient.ConnectHTTP(t, side.URL), side.URL)
}

// TestHTTPEndpointGuard checks /mcp follows the sidecar's rules: a web page
// on another site (Origin) or a DNS-rebinding name (Host) is refused, while
// a page on localhost may call it.
func TestHTTPEndpointGuard(t *testing.T) {
	side := testutil.StartSidecar(t, bin, processEnv(filepath.Join(t.TempDir(), "instances")))
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`
	for _, tc := range []struct {
		name, origin, host string
		want               int
	}{
		{"foreign origin", "https://evil.example", "", http.StatusForbidden},
		{"foreign host", "", "evil.example", http.StatusForbidden},
		{"localhost page", "http://localhost:3000", "", http.StatusOK},
		{"no origin (agents, CLIs)", "", "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, side.URL+"/mcp", strings.NewReader(initialize))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := (&http.Client{Timeout: wait}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			if tc.want == http.StatusOK && !strings.Contains(string(body), `"serverInfo"`) {
				t.Fatalf("no initialize result: %s", body)
			}
		})
	}
}

// TestStdoutCarriesOnlyMCP speaks raw JSON-RPC to `spotlight -d mcp` (debug
// logging on, so there is plenty of diagnostics) and checks every stdout
// line is a JSON-RPC message, the diagnostics are on stderr, and closing
// stdin ends the process with status 0.
func TestStdoutCarriesOnlyMCP(t *testing.T) {
	port := testutil.FreePort(t)
	cmd := exec.Command(bin, "-d", "mcp", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), processEnv(filepath.Join(t.TempDir(), "instances"))...)
	stderr := &testutil.SafeBuffer{}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	requests := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized","params":{}}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search_errors","arguments":null}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_traces","arguments":{"traceId":"x"}}}`,
	}
	if _, err := stdin.Write([]byte(strings.Join(requests, "\n") + "\n")); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(nil, 1<<20)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
	}()
	results := map[float64]map[string]any{}
	for len(results) < 3 {
		select {
		case line, open := <-lines:
			if !open {
				t.Fatalf("stdout ended after %d responses; stderr:\n%s", len(results), stderr)
			}
			var msg map[string]any
			if err := json.Unmarshal([]byte(line), &msg); err != nil || msg["jsonrpc"] != "2.0" {
				t.Fatalf("stdout line is not a JSON-RPC message: %q", line)
			}
			if id, ok := msg["id"].(float64); ok {
				results[id], _ = msg["result"].(map[string]any)
			}
		case <-time.After(wait):
			t.Fatalf("no answer within %s; stderr:\n%s", wait, stderr)
		}
	}
	if isErr, _ := results[2]["isError"].(bool); isErr {
		t.Errorf("search_errors with null arguments failed: %v", results[2])
	}
	if isErr, _ := results[3]["isError"].(bool); !isErr {
		t.Errorf("get_traces with traceId x did not fail: %v", results[3])
	}
	stdin.Close()
	for range lines {
		t.Error("output after stdin closed")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("spotlight mcp: %v\nstderr:\n%s", err, stderr)
	}
	contains(t, "stderr", stderr.String(), "started a Spotlight sidecar", "level=DEBUG")
}

// TestPortTakenByAnotherProgram: a port held by something that is not
// Spotlight is an error naming the port and the fix, with nothing on stdout.
func TestPortTakenByAnotherProgram(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	port := other.Listener.Addr().(*net.TCPAddr).Port
	cmd := exec.Command(bin, "mcp", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), processEnv(filepath.Join(t.TempDir(), "instances"))...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, stderr.String())
	}
	contains(t, "stderr", stderr.String(), fmt.Sprintf("port %d is in use", port), "--port")
	if stdout.Len() != 0 {
		t.Fatalf("stdout: %q", stdout.String())
	}
}

func TestBadPortFlag(t *testing.T) {
	for _, p := range []string{"abc", "70000", "-1"} {
		out, err := exec.Command(bin, "mcp", "-p", p).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("-p %s: %v, want exit status 1; output:\n%s", p, err, out)
		}
		contains(t, "-p "+p, string(out), "invalid", "1 to 65535")
	}
}
