// Package tail tests `spotlight tail` as a user runs it: the real binary
// tailing a real sidecar process, envelopes from real SDKs posted to it,
// the sidecar restarted under it.
package tail

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// bin is the spotlight binary TestMain builds.
var bin string

const wait = 30 * time.Second

func TestMain(m *testing.M) { os.Exit(testutil.RunTests(m, &bin, nil)) }

// testEnv keeps spawned sidecars away from the real registry and Control
// Center.
func testEnv(t *testing.T) []string {
	return []string{
		"SPOTLIGHT_REGISTRY_DIR=" + filepath.Join(t.TempDir(), "instances"),
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1",
		"NO_COLOR=",
	}
}

// fixture reads an envelope from internal/format/testdata/envelopes.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "internal", "format", "testdata", "envelopes", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, port int, name string) {
	t.Helper()
	status, body := testutil.PostEnvelope(t, fmt.Sprintf("http://localhost:%d/stream", port), fixture(t, name))
	if status != http.StatusOK {
		t.Fatalf("POST %s: %d %s", name, status, body)
	}
}

// jsonLines parses every line of out as a JSON object, failing on any
// line that is not one.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", len(objs)+1, err, sc.Text())
		}
		objs = append(objs, obj)
	}
	return objs
}

func lineCount(p *testutil.Process) func() int {
	return func() int { return strings.Count(p.Stdout.String(), "\n") }
}

// Buffered envelopes first, then live ones; the sidecar stops and comes
// back on the same port; tail says so, resumes, and prints nothing twice.
func TestTailJSONAcrossSidecarRestart(t *testing.T) {
	env := testEnv(t)
	side := testutil.StartSidecar(t, bin, env)
	post(t, side.Port, "envelope_javascript.txt") // 1 error
	post(t, side.Port, "log_envelope.txt")        // 7 logs

	tail := testutil.Start(t, bin, env, "tail", "-p", fmt.Sprint(side.Port), "-f", "json")
	lines := lineCount(tail)
	testutil.Eventually(t, wait, func() bool { return lines() == 8 }, "8 buffered records; stdout:\n%s\nstderr:\n%s", tail.Stdout, tail.Stderr)
	post(t, side.Port, "envelope_python.txt") // 1 trace
	testutil.Eventually(t, wait, func() bool { return lines() == 9 }, "the live trace; stdout:\n%s", tail.Stdout)

	side.Stop(t)
	testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stderr.String(), "lost the sidecar") }, "tail to report the lost sidecar; stderr:\n%s", tail.Stderr)

	again := testutil.Start(t, bin, env, "--port", fmt.Sprint(side.Port))
	again.Port, again.URL = side.Port, side.URL
	testutil.WaitHealthy(t, again, wait)
	// PostEnvelope's pooled connection went down with the first sidecar.
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	// Sent whether or not tail has reconnected yet: it must arrive once
	// either way (tail resumes after the last id it printed).
	post(t, side.Port, "go_log.txt")
	testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stderr.String(), "reconnected") }, "tail to reconnect; stderr:\n%s", tail.Stderr)
	post(t, side.Port, "go_error.txt")
	testutil.Eventually(t, wait, func() bool { return lines() == 11 }, "the envelopes sent after the restart; stdout:\n%s", tail.Stdout)

	objs := jsonLines(t, tail.Stdout.String())
	seen := map[string]bool{}
	var types []string
	for _, o := range objs {
		key := fmt.Sprint(o["envelope_id"], o["timestamp"], o["message"])
		if seen[key] {
			t.Errorf("printed twice: %v", o)
		}
		seen[key] = true
		types = append(types, fmt.Sprint(o["type"]))
	}
	// tail prints a timeline: records are held a moment and printed in
	// time order, so the go error (captured before the go log) may print
	// first when both arrived within that moment.
	want := "[error log log log log log log log trace]"
	if fmt.Sprint(types[:9]) != want || !slices.Contains(types[9:], "log") || !slices.Contains(types[9:], "error") {
		t.Errorf("types %v, want %s then a log and an error", types, want)
	}
	goErr := objs[9]
	if goErr["type"] != "error" {
		goErr = objs[10]
	}
	if objs[0]["exception_type"] != "SyntaxError" || objs[0]["source"] != "browser" || goErr["frame_function"] != "TestSentryGo" {
		t.Errorf("error fields: %v / %v", objs[0], goErr)
	}
	// Upstream's names for the same facts, for scripts written for it.
	if goErr["function"] != "TestSentryGo" || goErr["filename"] == nil || goErr["lineno"] == nil ||
		!strings.HasSuffix(fmt.Sprint(goErr["frame"]), fmt.Sprintf("%v:%v", goErr["filename"], goErr["lineno"])) {
		t.Errorf("upstream frame fields: %v", goErr)
	}
	if objs[1]["sentry.environment"] == nil || objs[1]["sentry.environment"] != objs[1]["environment"] {
		t.Errorf("a log's attributes under their own names: %v", objs[1])
	}
	if objs[8]["transaction"] != objs[8]["message"] {
		t.Errorf("a trace's transaction: %v", objs[8])
	}
	if strings.Contains(tail.Stderr.String(), "started one") {
		t.Errorf("tail started a sidecar although one was running; stderr:\n%s", tail.Stderr)
	}
}

// With no sidecar on the port, tail starts one, says so, and tails it;
// only the requested types are printed.
func TestTailStartsASidecar(t *testing.T) {
	port := testutil.FreePort(t)
	// Types comma-separated, as upstream spells them.
	tail := testutil.Start(t, bin, testEnv(t), "tail", "errors,traces", "-p", fmt.Sprint(port), "-f", "logfmt")
	testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stderr.String(), "tail started one") }, "tail to start a sidecar; stderr:\n%s", tail.Stderr)
	post(t, port, "log_envelope.txt")       // logs: not asked for
	post(t, port, "envelope_php_error.txt") // 1 error
	post(t, port, "envelope_java.txt")      // 1 trace
	lines := lineCount(tail)
	testutil.Eventually(t, wait, func() bool { return lines() == 2 }, "an error and a trace; stdout:\n%s", tail.Stdout)
	out := tail.Stdout.String()
	if !strings.HasPrefix(out, "timestamp=2023-11-27T08:44:19.818Z type=error level=error source=server message=\"Exception: This will be captured by Sentry\\n\\n\\t\\t       New Line Test Test ^^^^^\"") ||
		!strings.Contains(out, "type=trace level=trace source=server message=\"POST /person/\" op=http.server") {
		t.Errorf("logfmt output:\n%s", out)
	}
	tail.Stop(t)
	if _, err := http.Get(fmt.Sprintf("http://localhost:%d/health", port)); err == nil {
		t.Errorf("the sidecar tail started still answers after tail exited")
	}
}

// Human output from the real binary: the golden line of the format
// package, in the zone TZ names, uncoloured on a pipe.
func TestTailHumanInLocalZone(t *testing.T) {
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join(root, "internal", "format", "testdata", "golden", "envelope_php_error.human"))
	if err != nil {
		t.Fatal(err)
	}
	// The golden is in UTC+1: 09:44:19 there is 14:29:19 in Kathmandu (+05:45).
	want := "14:29:19" + strings.TrimPrefix(string(golden), "09:44:19")
	env := append(testEnv(t), "TZ=Asia/Kathmandu")
	side := testutil.StartSidecar(t, bin, env)
	post(t, side.Port, "envelope_php_error.txt")
	tail := testutil.Start(t, bin, env, "tail", "errors", "-p", fmt.Sprint(side.Port))
	testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stdout.String(), "\n") }, "the error line; stdout:\n%s", tail.Stdout)
	if got := tail.Stdout.String(); got != want {
		t.Errorf("human output (needs the system's zoneinfo for Asia/Kathmandu)\n got %q\nwant %q", got, want)
	}
}

// attachments selects attachments alone; * (as a shell passes it quoted)
// selects everything.
func TestTailAttachmentsAndStar(t *testing.T) {
	env := testEnv(t)
	side := testutil.StartSidecar(t, bin, env)
	post(t, side.Port, "attachment_text.txt") // an error and its attachment
	for types, want := range map[string]string{"attachments": "[attachment]", "*": "[error attachment]"} {
		tail := testutil.Start(t, bin, env, "tail", types, "-p", fmt.Sprint(side.Port), "-f", "json")
		testutil.Eventually(t, wait, func() bool { return strings.Contains(tail.Stdout.String(), `"type":"attachment"`) }, "the attachment (%s); stdout:\n%s", types, tail.Stdout)
		tail.Stop(t)
		var got []string
		for _, o := range jsonLines(t, tail.Stdout.String()) {
			got = append(got, fmt.Sprint(o["type"]))
		}
		if fmt.Sprint(got) != want {
			t.Errorf("tail %s: %v, want %s", types, got, want)
		}
	}
}

func TestTailRejectsUnknownTypesAndFormats(t *testing.T) {
	for _, args := range [][]string{{"tail", "errors", "metrics"}, {"tail", "-f", "yaml"}} {
		p := testutil.Start(t, bin, testEnv(t), append(args, "-p", fmt.Sprint(testutil.FreePort(t)))...)
		if code := p.Wait(t, wait); code != 1 {
			t.Errorf("%v: exit code %d, want 1", args, code)
		}
		stderr := p.Stderr.String()
		if !strings.Contains(stderr, "errors, logs, traces, attachments, all, everything, *") && !strings.Contains(stderr, "human, json, logfmt, md") {
			t.Errorf("%v: stderr does not list the valid values:\n%s", args, stderr)
		}
		if p.Stdout.String() != "" {
			t.Errorf("%v: printed %q", args, p.Stdout)
		}
	}
}

// A port held by something that is not a sidecar: tail neither tails it
// nor starts a sidecar there, and says what to do.
func TestTailOnAPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { _ = http.Serve(l, http.NotFoundHandler()) }()
	port := l.Addr().(*net.TCPAddr).Port
	p := testutil.Start(t, bin, testEnv(t), "tail", "-p", fmt.Sprint(port))
	if code := p.Wait(t, wait); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if want := fmt.Sprintf("port %d is in use by another program", port); !strings.Contains(p.Stderr.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, p.Stderr)
	}
}

// @sentry/node (SENTRY_SPOTLIGHT, no DSN) sends an error and a log; tail
// prints both, in md, with what the SDK said about them.
func TestTailSentryNode(t *testing.T) {
	testutil.NodeSDKScript(t) // fails early when the SDK is not installed
	env := testEnv(t)
	side := testutil.StartSidecar(t, bin, env)
	tail := testutil.Start(t, bin, env, "tail", "errors", "logs", "-p", fmt.Sprint(side.Port), "-f", "md")

	marker := fmt.Sprintf("marker-%d", time.Now().UnixNano())
	eventID := testutil.SendWithSentryNode(t, side.URL, marker)
	testutil.Eventually(t, wait, func() bool {
		return strings.Contains(tail.Stdout.String(), "## Error: boom "+marker) &&
			strings.Contains(tail.Stdout.String(), "## Log (info): log line "+marker)
	}, "the error and the log; stdout:\n%s\nstderr:\n%s", tail.Stdout, tail.Stderr)
	md := tail.Stdout.String()
	for _, want := range []string{
		"- **Source:** server", "- **SDK:** sentry.javascript.node", "- **Event ID:** `" + eventID + "`",
		"(in app)", "send-error-and-log.mjs", "- `marker`: " + marker,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("md output lacks %q:\n%s", want, md)
		}
	}
}

// A log from an SDK whose name says nothing of where it runs (a
// meta-framework's) takes its source from the sender's User-Agent, which
// tail asks the sidecar for.
func TestTailSourceFromUserAgent(t *testing.T) {
	env := testEnv(t)
	side := testutil.StartSidecar(t, bin, env)
	const logs = `{"sdk":{"name":"sentry.javascript.nextjs","version":"9.0.0"}}
{"type":"log","content_type":"application/vnd.sentry.items.log+json"}
{"items":[{"timestamp":1748878724.5,"level":"info","body":"%s"}]}
`
	for _, c := range []struct{ body, ua string }{
		{"from the page", "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0"},
		{"from the server", "node-fetch/1.0"},
	} {
		if status, body := testutil.PostEnvelope(t, side.URL+"/stream", []byte(fmt.Sprintf(logs, c.body)), "User-Agent", c.ua); status != http.StatusOK {
			t.Fatalf("POST: %d %s", status, body)
		}
	}
	tail := testutil.Start(t, bin, env, "tail", "logs", "-p", fmt.Sprint(side.Port), "-f", "json")
	lines := lineCount(tail)
	testutil.Eventually(t, wait, func() bool { return lines() == 2 }, "two logs; stdout:\n%s\nstderr:\n%s", tail.Stdout, tail.Stderr)
	objs := jsonLines(t, tail.Stdout.String())
	if objs[0]["source"] != "browser" || objs[1]["source"] != "server" {
		t.Fatalf("sources %v / %v, want browser / server", objs[0]["source"], objs[1]["source"])
	}
}
