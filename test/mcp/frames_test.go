package mcp_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/mcp"
	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// rawMCP is `spotlight mcp` on pipes, read one reply line at a time.
type rawMCP struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
}

func startRawMCP(t *testing.T) *rawMCP {
	t.Helper()
	cmd := exec.Command(bin, "mcp", "-p", "0")
	cmd.Env = append(os.Environ(), processEnv(filepath.Join(t.TempDir(), "instances"))...)
	cmd.Stderr = &testutil.SafeBuffer{}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &rawMCP{cmd: cmd, in: in, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			m.lines <- sc.Text()
		}
		close(m.lines)
	}()
	t.Cleanup(func() { in.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return m
}

func (m *rawMCP) send(t *testing.T, frame string) {
	t.Helper()
	if _, err := io.WriteString(m.in, frame+"\n"); err != nil {
		t.Fatalf("writing %.60q: %v (spotlight mcp exited?)", frame, err)
	}
}

// reply reads the next reply as a map.
func (m *rawMCP) reply(t *testing.T, after string) map[string]any {
	t.Helper()
	select {
	case line, ok := <-m.lines:
		if !ok {
			t.Fatalf("spotlight mcp ended after %.80q", after)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("reply to %.80q is not a JSON object: %q", after, line)
		}
		return v
	case <-time.After(wait):
		t.Fatalf("no reply to %.80q within %s", after, wait)
	}
	return nil
}

func errorCode(v map[string]any) float64 {
	e, _ := v["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return c
}

// peakRSS is the process's high-water mark of resident memory.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	_, peak, err := proc.Memory(pid)
	if err != nil {
		t.Fatal(err)
	}
	return peak
}

// Finding 5: one malformed frame made `spotlight mcp` exit (15 of 64 did).
// Each now gets a JSON-RPC error reply (-32700 or -32600) and the server
// goes on; a frame over the limit is refused without being buffered whole.
func TestStdioSurvivesMalformedFrames(t *testing.T) {
	m := startRawMCP(t)
	m.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`)
	if v := m.reply(t, "initialize"); v["result"] == nil {
		t.Fatalf("initialize: %v", v)
	}
	m.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	malformed := []string{
		`{"jsonrpc":"2.0","id":true,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":false,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`,
		`{"jsonrpc":"2.0","id":[1],"method":"ping"}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":null,"method":"ping"}`,
		`this is not json`,
		`{"jsonrpc":"2.0","id":2,"method":"ping"`,
		`{"jsonrpc":"2.0","id":2,"method":"ping"}}`,
		`[]`,
		`[{"jsonrpc":"2.0","id":3,"method":"ping"}]`,
		`[{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","id":4,"method":"ping"}]`,
		`null`,
		`true`,
		`42`,
		`"ping"`,
		`{}`,
		`{"id":5,"method":"ping"}`,
		`{"jsonrpc":"1.0","id":5,"method":"ping"}`,
		`{"jsonrpc":2,"id":5,"method":"ping"}`,
		`{"jsonrpc":"2.0","id":5}`,
		`{"jsonrpc":"2.0","id":5,"method":7}`,
		`{"jsonrpc":"2.0","id":5,"method":null}`,
		`{"jsonrpc":"2.0","id":5,"method":"ping","params":"x"}`,
		`{"jsonrpc":"2.0","id":5,"method":"ping","params":3}`,
		`{"jsonrpc":"2.0","method":5}`,
		`{"jsonrpc":"2.0","result":{}}`,
		`{"jsonrpc":"2.0","id":6,"result":{},"error":{"code":1,"message":"x"}}`,
		`{"jsonrpc":"2.0","id":6,"error":"boom"}`,
		`{"jsonrpc":"2.0","id":"` + strings.Repeat("x", 100) + `"` + `,"method":`,
		deep,
		`{"a":` + deep + `}`,
		"\x00\x01\x02",
		`{"jsonrpc":"2.0","id":7,"method":"ping"} trailing`,
		`{"jsonrpc":"2.0","id":"x","method":"ping","jsonrpc":"1.0"}`,
	}
	for _, frame := range malformed {
		m.send(t, frame)
		if v := m.reply(t, frame); errorCode(v) != -32700 && errorCode(v) != -32600 {
			t.Errorf("reply to %.80q = %v; want a -32700 or -32600 error", frame, v)
		}
	}
	// Frames the SDK answers itself keep the session too.
	for _, frame := range []string{
		`{"jsonrpc":"2.0","id":8,"method":"no/such/method"}`,
		`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":[]}`,
		`{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"nope"}}`,
		`{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"search_errors","arguments":{"limit":"x"}}}`,
	} {
		m.send(t, frame)
		if v := m.reply(t, frame); v["error"] == nil && v["result"] == nil {
			t.Errorf("reply to %.80q = %v", frame, v)
		}
	}

	before := peakRSS(t, m.cmd.Process.Pid)
	huge := `{"jsonrpc":"2.0","id":12,"method":"ping","params":{"x":"` + strings.Repeat("a", 50<<20) + `"}}`
	m.send(t, huge)
	v := m.reply(t, "a 50 MB frame")
	if e, _ := v["error"].(map[string]any); errorCode(v) != -32600 || !strings.Contains(fmt.Sprint(e["message"]), strconv.Itoa(mcp.MaxFrameBytes)) {
		t.Errorf("reply to a 50 MB frame = %.200v; want -32600 naming the %d-byte limit", v, mcp.MaxFrameBytes)
	}
	if grew := peakRSS(t, m.cmd.Process.Pid) - before; grew > 16<<20 {
		t.Errorf("peak RSS grew by %d MB while refusing a 50 MB frame: it was buffered", grew>>20)
	}

	m.send(t, `{"jsonrpc":"2.0","id":99,"method":"ping"}`)
	if v := m.reply(t, "ping"); v["id"] != float64(99) || v["result"] == nil {
		t.Fatalf("ping after the malformed frames: %v", v)
	}
}
