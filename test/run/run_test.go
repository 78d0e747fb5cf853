// Package run tests `spotlight run` as a developer uses it: the real binary
// supervising a real child (testdata/child), real signals, the real registry
// directory layout and a real sentry-go client.
package run

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shirou/gopsutil/v4/process"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// Paths of the binaries TestMain builds.
var bins struct{ spotlight, child string }

const wait = 30 * time.Second

func TestMain(m *testing.M) {
	os.Exit(testutil.RunTests(m, &bins.spotlight, func(dir string) (err error) {
		bins.child, err = testutil.BuildPackage(dir, "./test/run/testdata/child", "child")
		return err
	}))
}

// runEnv is a test's environment: a registry directory of its own (not yet
// created, so spotlight creates it) and a Control Center URL where nothing
// listens.
func runEnv(t *testing.T) (env []string, regDir string) {
	regDir = filepath.Join(t.TempDir(), "instances")
	return []string{
		registry.EnvDir + "=" + regDir,
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:" + strconv.Itoa(testutil.FreePort(t)),
	}, regDir
}

// startRun starts `spotlight run -p <free port> args...`.
func startRun(t *testing.T, env []string, args ...string) *testutil.Process {
	t.Helper()
	port := testutil.FreePort(t)
	p := testutil.Start(t, bins.spotlight, env, append([]string{"run", "-p", strconv.Itoa(port)}, args...)...)
	p.Port = port
	p.URL = "http://localhost:" + strconv.Itoa(port)
	return p
}

// registered waits for the one registry file in dir and returns it.
func registered(t *testing.T, dir string, p *testutil.Process) (registry.Metadata, string) {
	t.Helper()
	var path string
	testutil.Eventually(t, wait, func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "instance_*.json"))
		if len(files) > 1 {
			t.Fatalf("%d registry files: %v", len(files), files)
		}
		if len(files) == 1 {
			path = files[0]
		}
		return path != ""
	}, "no registry file in %s; stderr:\n%s", dir, p.Stderr)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m registry.Metadata
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("registry file %s: %v\n%s", path, err, data)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil || len(fields) != 12 {
		t.Fatalf("registry file has %d fields, want exactly 12: %s", len(fields), data)
	}
	return m, path
}

// checkRegistered checks every field of the registry file of a running
// `spotlight run` p whose child has childPid and was given argv.
func checkRegistered(t *testing.T, m registry.Metadata, path string, p *testutil.Process, childPid int, argv []string) {
	t.Helper()
	if u, err := uuid.Parse(m.InstanceID); err != nil || u.Version() != 7 || filepath.Base(path) != "instance_"+m.InstanceID+".json" {
		t.Errorf("instanceId %q (file %s): want a UUIDv7 naming the file", m.InstanceID, path)
	}
	if m.Port != p.Port {
		t.Errorf("port %d, want %d", m.Port, p.Port)
	}
	if m.PID != p.Cmd.Process.Pid || m.ChildPID != childPid {
		t.Errorf("pid %d childPid %d, want %d and %d", m.PID, m.ChildPID, p.Cmd.Process.Pid, childPid)
	}
	for pid, recorded := range map[int]int64{m.PID: m.PIDStartTime, m.ChildPID: m.ChildPIDStartTime} {
		if st, err := proc.StartTime(t.Context(), pid); err != nil || st != recorded {
			t.Errorf("pid %d started at %d (%v), registry says %d", pid, st, err, recorded)
		}
	}
	if want := strings.Join(argv, " "); m.Command != want || strings.Join(m.CmdArgs, "\x00") != strings.Join(argv, "\x00") {
		t.Errorf("command %q cmdArgs %q, want %q and %q", m.Command, m.CmdArgs, want, argv)
	}
	cwd, _ := os.Getwd()
	if m.CWD != cwd || m.ProjectName != filepath.Base(cwd) || m.DetectedType != "command" {
		t.Errorf("cwd %q project %q type %q, want %q, %q, command", m.CWD, m.ProjectName, m.DetectedType, cwd, filepath.Base(cwd))
	}
	if st, err := time.Parse(time.RFC3339Nano, m.StartTime); err != nil || !strings.HasSuffix(m.StartTime, "Z") || time.Since(st) > time.Hour || time.Since(st) < -time.Minute {
		t.Errorf("startTime %q: want ISO 8601 UTC of now (%v)", m.StartTime, err)
	}
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Dir(path), 0o700|os.ModeDir)

	resp, err := http.Get(p.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Spotlight-Instance-Id"); got != m.InstanceID {
		t.Errorf("GET /health X-Spotlight-Instance-Id = %q, want %q", got, m.InstanceID)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (os.ModeDir | os.ModeSymlink | os.ModePerm); got != want {
		t.Errorf("%s: mode %v, want %v", path, got, want)
	}
}

func checkGone(t *testing.T, regDir string) {
	t.Helper()
	if files, _ := filepath.Glob(filepath.Join(regDir, "*")); len(files) != 0 {
		t.Errorf("registry directory not empty after spotlight run ended: %v", files)
	}
}

// streamLog is a log record as the SSE stream delivers it.
type streamLog struct {
	Level          string `json:"level"`
	Body           string `json:"body"`
	SeverityNumber int    `json:"severity_number"`
	Attributes     map[string]struct {
		Value any `json:"value"`
	} `json:"attributes"`
}

// streamItems decodes an SSE envelope event's data: [header, [[itemHeader, payload], ...]].
func streamItems(t *testing.T, data string) (header map[string]any, items [][2]json.RawMessage) {
	t.Helper()
	var env [2]json.RawMessage
	if err := json.Unmarshal([]byte(data), &env); err != nil {
		t.Fatalf("SSE data is not [header, items]: %v\n%s", err, data)
	}
	if err := json.Unmarshal(env[0], &header); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(env[1], &items); err != nil {
		t.Fatal(err)
	}
	return header, items
}

// startFamily starts `spotlight run [flags] -- child <mode> <pidfile>` and
// waits until the child has written "<child pid> <grandchild pid>".
func startFamily(t *testing.T, env []string, mode string, flags ...string) (p *testutil.Process, argv []string, child, grandchild int) {
	t.Helper()
	pidfile := filepath.Join(t.TempDir(), "pids")
	argv = []string{bins.child, mode, pidfile}
	p = startRun(t, env, append(append(flags, "--"), argv...)...)
	testutil.Eventually(t, wait, func() bool { _, err := os.Stat(pidfile); return err == nil },
		"the child did not start; stderr:\n%s", p.Stderr)
	data, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Sscan(string(data), &child, &grandchild); err != nil {
		t.Fatalf("pid file %q: %v", data, err)
	}
	return p, argv, child, grandchild
}

func startTime(t *testing.T, pid int) int64 {
	t.Helper()
	st, err := proc.StartTime(t.Context(), pid)
	if err != nil {
		t.Fatalf("start time of %d: %v", pid, err)
	}
	return st
}

func TestStdioBecomesLogsAndExitCodeIsTheChilds(t *testing.T) {
	env, regDir := runEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	argv := []string{bins.child, "stdio", gate, "3"}
	p := startRun(t, env, argv...)
	testutil.WaitHealthy(t, p, wait)
	sse := testutil.OpenSSE(t, p.URL+"/stream", "")

	want := map[string]string{"out one": "info/9", "out two": "info/9", "err one": "error/17"}
	got := map[string]string{}
	for len(got) < len(want) {
		ev := sse.NextNamed(t, "application/x-sentry-envelope", wait)
		header, items := streamItems(t, ev.Data)
		if sdk, _ := header["sdk"].(map[string]any); sdk["name"] != "sentry.spotlight.stdio" {
			t.Fatalf("envelope from %v, want the stdio relay", header["sdk"])
		}
		for _, it := range items {
			var ih struct {
				Type        string `json:"type"`
				ContentType string `json:"content_type"`
			}
			_ = json.Unmarshal(it[0], &ih)
			var payload struct{ Items []streamLog }
			if err := json.Unmarshal(it[1], &payload); err != nil || ih.Type != "log" || ih.ContentType != "application/vnd.sentry.items.log+json" {
				t.Fatalf("item %s: %v", it[0], err)
			}
			for _, l := range payload.Items {
				if l.Attributes["sentry.sdk.name"].Value != "sentry.spotlight.stdio" {
					t.Errorf("log %q attributes %v", l.Body, l.Attributes)
				}
				got[l.Body] = fmt.Sprintf("%s/%d", l.Level, l.SeverityNumber)
			}
		}
	}
	for body, lv := range want {
		if got[body] != lv {
			t.Errorf("log %q: %q, want %q", body, got[body], lv)
		}
	}

	// While it runs: registered, with the real processes' identities.
	m, path := registered(t, regDir, p)
	parent, err := process.NewProcess(int32(m.ChildPID))
	if err != nil {
		t.Fatalf("child %d: %v", m.ChildPID, err)
	}
	if ppid, _ := parent.Ppid(); int(ppid) != p.Cmd.Process.Pid {
		t.Errorf("childPid %d has parent %d, not spotlight (%d)", m.ChildPID, ppid, p.Cmd.Process.Pid)
	}
	checkRegistered(t, m, path, p, m.ChildPID, argv)

	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 3 {
		t.Fatalf("exit code %d, want the child's 3; stderr:\n%s", code, p.Stderr)
	}
	if got := p.Stdout.String(); got != "out one\nout two\npartial line" {
		t.Errorf("stdout %q, want the child's output unchanged", got)
	}
	if !strings.Contains(p.Stderr.String(), "err one\n") || !strings.Contains(p.Stderr.String(), p.URL) {
		t.Errorf("stderr lacks the child's line or the UI URL:\n%s", p.Stderr)
	}
	checkGone(t, regDir)
}

func TestArgumentsAndEnvironmentReachTheChild(t *testing.T) {
	env, _ := runEnv(t)
	for _, args := range [][]string{
		{bins.child, "args", "--inspect", "-p", "1", "--", "x y"},
		{"--", bins.child, "args", "--inspect", "-p", "1", "--", "x y"},
	} {
		p := startRun(t, env, args...)
		if code := p.Wait(t, wait); code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
		}
		if got, want := p.Stdout.String(), "--inspect\n-p\n1\n--\nx y\n"; got != want {
			t.Errorf("run %q: child got %q, want %q", args, got, want)
		}
	}
	p := startRun(t, append(env, "SENTRY_SPOTLIGHT=http://elsewhere", "KEEP=me"), bins.child, "env",
		"SENTRY_SPOTLIGHT", "NEXT_PUBLIC_SENTRY_SPOTLIGHT", "SENTRY_TRACES_SAMPLE_RATE", "KEEP")
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	stream := p.URL + "/stream"
	want := "SENTRY_SPOTLIGHT=" + stream + "\nNEXT_PUBLIC_SENTRY_SPOTLIGHT=" + stream + "\nSENTRY_TRACES_SAMPLE_RATE=1\nKEEP=me\n"
	if got := p.Stdout.String(); got != want {
		t.Errorf("child environment:\n%s\nwant:\n%s", got, want)
	}
}

func TestSignalsStopTheWholeGroup(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			env, regDir := runEnv(t)
			p, argv, child, grandchild := startFamily(t, env, "wait")
			childStart, gcStart := startTime(t, child), startTime(t, grandchild)
			m, path := registered(t, regDir, p)
			checkRegistered(t, m, path, p, child, argv)

			if err := p.Cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := p.Wait(t, wait); code != 128+int(sig) {
				t.Errorf("exit code %d, want %d (the child died of %v); stderr:\n%s", code, 128+int(sig), sig, p.Stderr)
			}
			testutil.Eventually(t, wait, func() bool {
				return !proc.Alive(t.Context(), child, childStart) && !proc.Alive(t.Context(), grandchild, gcStart)
			}, "child %d or grandchild %d still running", child, grandchild)
			checkGone(t, regDir)
		})
	}
}

func TestGraceThenKill(t *testing.T) {
	env, regDir := runEnv(t)
	p, _, child, grandchild := startFamily(t, env, "stubborn", "--grace", "300ms")
	childStart, gcStart := startTime(t, child), startTime(t, grandchild)
	registered(t, regDir, p)
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit code %d, want %d (killed after the grace period); stderr:\n%s", code, 128+int(syscall.SIGKILL), p.Stderr)
	}
	if proc.Alive(t.Context(), child, childStart) || proc.Alive(t.Context(), grandchild, gcStart) {
		t.Errorf("child %d or grandchild %d survived the kill", child, grandchild)
	}
	checkGone(t, regDir)
}

func TestSIGKILLLeavesAnOrphan(t *testing.T) {
	env, regDir := runEnv(t)
	p, _, child, grandchild := startFamily(t, env, "wait")
	t.Cleanup(func() { _ = proc.SignalGroup(child, syscall.SIGKILL) })
	childStart := startTime(t, child)
	m, path := registered(t, regDir, p)

	if err := p.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.Wait(t, wait)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("registry file of the killed instance: %v, want it left behind", err)
	}
	if !proc.Alive(t.Context(), child, childStart) || !proc.Alive(t.Context(), grandchild, startTime(t, grandchild)) {
		t.Errorf("child %d / grandchild %d died with spotlight; want them orphaned", child, grandchild)
	}
	if m.ChildPID != child {
		t.Errorf("childPid %d, want %d", m.ChildPID, child)
	}
}

// A grandchild that outlives the child (a daemonised watcher) keeps the
// output pipes open: spotlight must still end with the child.
func TestLeftoverGrandchildDoesNotHoldSpotlight(t *testing.T) {
	env, regDir := runEnv(t)
	p, _, _, grandchild := startFamily(t, env, "daemon")
	t.Cleanup(func() { _ = proc.Signal(grandchild, syscall.SIGKILL) })
	if code := p.Wait(t, wait); code != 0 || p.Stdout.String() != "bye\n" {
		t.Fatalf("exit %d, stdout %q; stderr:\n%s", code, p.Stdout, p.Stderr)
	}
	checkGone(t, regDir)
}

// `spotlight run cmd | head`: when the reader of stdout goes away, the
// child meets the closed pipe as it would without spotlight (and dies of
// SIGPIPE), and spotlight ends normally with the child's status.
func TestClosedStdoutReachesTheChild(t *testing.T) {
	env, regDir := runEnv(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bins.spotlight, "run", bins.child, "flood")
	cmd.Env = append(os.Environ(), env...)
	var stderr testutil.SafeBuffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	w.Close()
	first, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || first != "line 0\n" {
		t.Fatalf("first line %q: %v", first, err)
	}
	r.Close() // like head -1
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatalf("spotlight run did not end after its stdout was closed; stderr:\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGPIPE) {
		t.Errorf("exit %d (%v), want %d: the child dies of SIGPIPE, spotlight exits with its status; stderr:\n%s",
			code, cmd.ProcessState, 128+int(syscall.SIGPIPE), stderr.String())
	}
	checkGone(t, regDir)
}

func TestPingReachesTheControlCenter(t *testing.T) {
	// One registry, as for a user's spotlights: a ping is believed only
	// when it matches the registry file of its id.
	env, regDir := runEnv(t)
	cc := testutil.StartSidecar(t, bins.spotlight, []string{registry.EnvDir + "=" + regDir})
	sse := testutil.OpenSSE(t, cc.URL+"/stream", "")
	p, _, _, _ := startFamily(t, append(env, "SPOTLIGHT_CONTROL_CENTER_URL="+cc.URL), "wait")
	m, _ := registered(t, regDir, p)

	ev := sse.NextNamed(t, "spotlight/instance-ping", wait)
	var got registry.Metadata
	if err := json.Unmarshal([]byte(ev.Data), &got); err != nil {
		t.Fatalf("ping event %q: %v", ev.Data, err)
	}
	if got.InstanceID != m.InstanceID || got.Port != p.Port || got.ChildPID != m.ChildPID {
		t.Errorf("ping announced %+v, want the registered %+v", got, m)
	}
}

func TestNoControlCenterIsSilentAndDoesNotHoldTheChild(t *testing.T) {
	// A Control Center that accepts the ping and never answers.
	pinged := make(chan struct{}, 1)
	release := make(chan struct{})
	hung := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case pinged <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})}
	port := testutil.FreePort(t)
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hung.Serve(ln) }()
	t.Cleanup(func() { close(release); hung.Close() })

	for name, url := range map[string]string{"hung": "http://127.0.0.1:" + strconv.Itoa(port), "absent": ""} {
		t.Run(name, func(t *testing.T) {
			env, regDir := runEnv(t)
			if url != "" {
				env = append(env, "SPOTLIGHT_CONTROL_CENTER_URL="+url)
			}
			p, _, child, _ := startFamily(t, env, "wait")
			registered(t, regDir, p)
			if url != "" {
				select {
				case <-pinged:
				case <-time.After(wait):
					t.Fatal("the hung Control Center was never pinged")
				}
				if !proc.Alive(t.Context(), child, startTime(t, child)) {
					t.Fatal("the child is not running while the ping hangs")
				}
			}
			if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			p.Wait(t, wait)
			if s := p.Stderr.String(); strings.Contains(strings.ToLower(s), "control center") || strings.Contains(s, "ping") {
				t.Errorf("an unreachable Control Center was reported without -d:\n%s", s)
			}
			checkGone(t, regDir)
		})
	}
}

func TestUnsafeRegistryDirectoryIsRefusedButTheChildRuns(t *testing.T) {
	unsafe := testutil.MakeUnsafeDirs(t)
	for dir, why := range map[string]string{unsafe.Symlink: "symlink", unsafe.WorldWritable: "chmod 700 " + unsafe.WorldWritable} {
		env, _ := runEnv(t)
		p := startRun(t, append(env, registry.EnvDir+"="+dir), bins.child, "args", "still runs")
		if code := p.Wait(t, wait); code != 0 || p.Stdout.String() != "still runs\n" {
			t.Errorf("%s: exit %d, stdout %q; the child must run anyway", dir, code, p.Stdout)
		}
		if s := p.Stderr.String(); !strings.Contains(s, "refusing registry directory "+dir) || !strings.Contains(s, why) {
			t.Errorf("%s: stderr does not say it is refused and how to fix it (%q):\n%s", dir, why, s)
		}
		for _, d := range []string{unsafe.Target, unsafe.WorldWritable} {
			if files, _ := filepath.Glob(filepath.Join(d, "*")); len(files) != 0 {
				t.Errorf("files written to a refused directory: %v", files)
			}
		}
	}
}

func TestSentryGoErrorReachesTheStream(t *testing.T) {
	env, _ := runEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	p := startRun(t, env, "-f", "json", bins.child, "sentry", gate)
	testutil.WaitHealthy(t, p, wait)
	sse := testutil.OpenSSE(t, p.URL+"/stream", "")
	for {
		ev := sse.NextNamed(t, "application/x-sentry-envelope", wait)
		header, items := streamItems(t, ev.Data)
		sdk, _ := header["sdk"].(map[string]any)
		if sdk["name"] != "sentry.go" {
			continue
		}
		if len(items) == 0 || !strings.Contains(string(items[0][1]), "boom from sentry-go") {
			t.Fatalf("sentry-go envelope without the error: %s", ev.Data)
		}
		break
	}
	// Printed on stderr as it arrives, in the -f format.
	var printed map[string]any
	testutil.Eventually(t, wait, func() bool {
		for _, line := range strings.Split(p.Stderr.String(), "\n") {
			if json.Unmarshal([]byte(line), &printed) == nil {
				return true
			}
		}
		return false
	}, "no JSON event on stderr:\n%s", p.Stderr)
	if printed["type"] != "error" || printed["exception_value"] != "boom from sentry-go" || printed["sdk"] != "sentry.go" {
		t.Errorf("printed %v", printed)
	}
	if strings.Contains(p.Stdout.String(), "boom") {
		t.Errorf("SDK events printed to stdout, which belongs to the child: %q", p.Stdout)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
}

// A dev server reports while it shuts down: the sidecar keeps receiving, and
// spotlight keeps printing, until the child has exited.
func TestEventsSentWhileStoppingArePrinted(t *testing.T) {
	env, _ := runEnv(t)
	p := startRun(t, env, bins.child, "goodbye")
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stdout.String(), "ready") }, "child not ready:\n%s", p.Stderr)
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d, want the child's 0; stderr:\n%s", code, p.Stderr)
	}
	if !strings.Contains(p.Stderr.String(), "goodbye from sentry-go") {
		t.Errorf("the error sent during shutdown was not printed:\n%s", p.Stderr)
	}
}

func TestSDKLogsStopTheStdioRelay(t *testing.T) {
	env, _ := runEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	p := startRun(t, env, "-d", bins.child, "sdklogs", gate)
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stderr.String(), "no longer relaying stdout/stderr as logs") },
		"spotlight did not notice the SDK sending the same lines:\n%s", p.Stderr)
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	if c := strings.Count(p.Stderr.String(), "no longer relaying"); c != 1 {
		t.Errorf("said so %d times, want once", c)
	}
	if p.Stdout.String() != "the same line twice\n" {
		t.Errorf("stdout %q", p.Stdout)
	}
}

func TestOpenStartsTheBrowserOnTheUI(t *testing.T) {
	env, _ := runEnv(t)
	// xdg-open cannot show a browser here: this one records what it got.
	bin := t.TempDir()
	opened := filepath.Join(t.TempDir(), "opened")
	script := "#!/bin/sh\nprintf '%s' \"$*\" > " + opened + ".tmp && mv " + opened + ".tmp " + opened + "\n"
	for _, name := range []string{"xdg-open", "open"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gate := filepath.Join(t.TempDir(), "gate")
	p := startRun(t, append(env, "PATH="+bin+":"+os.Getenv("PATH")), "-o", bins.child, "stdio", gate, "0")
	testutil.Eventually(t, wait, func() bool { _, err := os.Stat(opened); return err == nil }, "no browser opened; stderr:\n%s", p.Stderr)
	if got, _ := os.ReadFile(opened); string(got) != p.URL {
		t.Errorf("opened %q, want %q", got, p.URL)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p.Wait(t, wait)
}

func TestPortInUse(t *testing.T) {
	env, regDir := runEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	p := testutil.Start(t, bins.spotlight, env, "run", "-p", strconv.Itoa(port), bins.child, "args", "must not run")
	if code := p.Wait(t, wait); code != 1 || !strings.Contains(p.Stderr.String(), "choose another port with -p") {
		t.Errorf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	if p.Stdout.String() != "" {
		t.Errorf("the child ran without a sidecar: %q", p.Stdout)
	}
	checkGone(t, regDir)
}

// The common case: `spotlight run` in a Node project whose dev script runs
// an app using @sentry/node, which finds the sidecar through
// SENTRY_SPOTLIGHT alone (no DSN). What it sends is printed on stderr.
func TestSentryNodeAppFromPackageJSON(t *testing.T) {
	script := testutil.NodeSDKScript(t)
	marker := fmt.Sprintf("run-%d", time.Now().UnixNano())
	dir := t.TempDir()
	pkg := `{"name":"node-app","scripts":{"dev":` + strconv.Quote("node "+script+" "+marker) + `}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	env, _ := runEnv(t)
	p := startIn(t, dir, append(env, "SENTRY_DSN="))
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	for _, want := range []string{"boom " + marker, "log line " + marker} {
		if !strings.Contains(p.Stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, p.Stderr)
		}
	}
	if eventID := strings.TrimSpace(p.Stdout.String()); len(eventID) != 32 {
		t.Errorf("stdout %q, want the event id the app printed", p.Stdout)
	}
}

func TestCommandsThatCannotStart(t *testing.T) {
	env, regDir := runEnv(t)
	notExec := filepath.Join(t.TempDir(), "script.sh")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cmd  string
		code int
		msg  string
	}{
		{"no-such-command-spotlight-test", 127, "command not found: no-such-command-spotlight-test"},
		{filepath.Join(t.TempDir(), "missing"), 127, "command not found"},
		{notExec, 126, "cannot execute " + notExec},
		{t.TempDir(), 126, "cannot execute"},
	} {
		p := startRun(t, env, tc.cmd)
		if code := p.Wait(t, wait); code != tc.code || !strings.Contains(p.Stderr.String(), tc.msg) {
			t.Errorf("%s: exit %d, want %d with %q; stderr:\n%s", tc.cmd, code, tc.code, tc.msg, p.Stderr)
		}
	}
	checkGone(t, regDir)
}

// startIn starts `spotlight run` (no command) in dir, through a shell that
// changes directory and then becomes spotlight.
func startIn(t *testing.T, dir string, env []string) *testutil.Process {
	t.Helper()
	return testutil.Start(t, "/bin/sh", env, "-c", `cd "$1" && exec "$2" run`, "sh", dir, bins.spotlight)
}

func TestPackageJSONScript(t *testing.T) {
	env, regDir := runEnv(t)
	dir := t.TempDir()
	binDir := filepath.Join(dir, "node_modules", ".bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The script finds "child" through node_modules/.bin, as npm scripts do.
	if err := os.Symlink(bins.child, filepath.Join(binDir, "child")); err != nil {
		t.Fatal(err)
	}
	gate := filepath.Join(t.TempDir(), "gate")
	script := "child env SENTRY_TRACES_SAMPLE_RATE && child stdio " + gate + " 0"
	pkg := `{"name":"shop","scripts":{"build":"false","start":"false","dev":` + strconv.Quote(script) + `}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startIn(t, dir, env)
	m, _ := registered(t, regDir, p)
	if m.DetectedType != "package.json" || m.ProjectName != "shop" || m.Command != script ||
		strings.Join(m.CmdArgs, "|") != "dev|"+script || m.CWD != dir {
		t.Errorf("registered %+v", m)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.Stderr)
	}
	if !strings.HasPrefix(p.Stdout.String(), "SENTRY_TRACES_SAMPLE_RATE=1\nout one\n") {
		t.Errorf("stdout %q", p.Stdout)
	}

	empty := t.TempDir()
	p = startIn(t, empty, env)
	if code := p.Wait(t, wait); code != 1 || !strings.Contains(p.Stderr.String(), "dev, develop, serve, start") || !strings.Contains(p.Stderr.String(), "a Docker Compose file (compose.yaml, compose.yml") {
		t.Errorf("no command, no package.json: exit %d; stderr:\n%s", code, p.Stderr)
	}
}

// Debian's python3-sentry-sdk 1.9 has no Spotlight support: under
// `spotlight run` it reports through the SENTRY_DSN run sets (its error to
// the store endpoint), --events puts the SDK events alone in a file of
// valid JSON lines, and --keep keeps the sidecar after the script exits.
func TestPythonSDKThroughTheDSNWithEventsFileAndKeep(t *testing.T) {
	script := testutil.PythonSDKScript(t)
	marker := fmt.Sprintf("py-%d", time.Now().UnixNano())
	events := filepath.Join(t.TempDir(), "events.jsonl")
	env, _ := runEnv(t)
	p := startRun(t, env, "--keep", "-f", "json", "--events", events, testutil.DebianPython, script, marker)
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stderr.String(), "(--keep); press Ctrl+C to stop") },
		"no --keep notice after the script exited; stderr:\n%s", p.Stderr)
	if !strings.Contains(p.Stderr.String(), "spotlight: SENTRY_DSN=http://spotlight@localhost:"+strconv.Itoa(p.Port)+"/0 for SDKs without Spotlight support") {
		t.Errorf("the DSN is not printed on start:\n%s", p.Stderr)
	}
	// The script is gone, its sidecar is not.
	testutil.WaitHealthy(t, p, wait)
	var types []string
	testutil.Eventually(t, wait, func() bool {
		data, _ := os.ReadFile(events)
		types = types[:0]
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var ev map[string]any
			if line == "" {
				continue
			}
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("--events line is not JSON (%v): %q", err, line)
			}
			switch {
			case ev["type"] == "error" && ev["exception_value"] == "boom "+marker:
				types = append(types, "error")
			case ev["type"] == "trace" && ev["message"] == "python-transaction "+marker:
				types = append(types, "trace")
			}
		}
		return slices.Contains(types, "error") && slices.Contains(types, "trace")
	}, "the events file lacks the Python error and transaction: %q", types)
	if strings.Contains(p.Stderr.String(), "boom "+marker) {
		t.Errorf("SDK events also went to stderr:\n%s", p.Stderr)
	}
	if err := p.Cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.Wait(t, wait); code != 0 {
		t.Fatalf("exit %d after Ctrl+C, want the script's 0; stderr:\n%s", code, p.Stderr)
	}
}

// @sentry/node reads SENTRY_SPOTLIGHT and, with no DSN of its own, the
// SENTRY_DSN run sets: it sends each envelope to both, and the sidecar
// keeps one.
func TestNodeSDKSendingToDSNAndSpotlightIsKeptOnce(t *testing.T) {
	script := testutil.NodeSDKScript(t)
	marker := fmt.Sprintf("twice-%d", time.Now().UnixNano())
	env, _ := runEnv(t)
	p := startRun(t, env, "--keep", "node", script, marker)
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stderr.String(), "press Ctrl+C to stop") },
		"no --keep notice; stderr:\n%s", p.Stderr)
	errors, logs := 0, 0
	for _, e := range heldEnvelopes(t, p.URL) {
		errors += strings.Count(string(e), `"value":"boom `+marker+`"`)
		logs += strings.Count(string(e), `"body":"log line `+marker+`"`)
	}
	if errors != 1 || logs != 1 {
		t.Fatalf("the sidecar holds the error %d times and the log %d times; want each once", errors, logs)
	}
}

// @sentry/node with console logging: each console line reaches the sidecar
// from stdio and from the SDK. Lines printed before the SDK's first batch
// are held back and dropped once the SDK sends them, so each is kept once,
// with the SDK's level (console.warn is warn, not stderr's error).
func TestConsoleLinesSentByTheSDKAreKeptOnce(t *testing.T) {
	script := testutil.NodeSDKScript(t)
	marker := fmt.Sprintf("console-%d", time.Now().UnixNano())
	env, _ := runEnv(t)
	p := startRun(t, append(env, "SENTRY_DSN="), "--keep", "node", filepath.Join(filepath.Dir(script), "console-logs.mjs"), marker)
	testutil.Eventually(t, wait, func() bool { return strings.Contains(p.Stderr.String(), "press Ctrl+C to stop") },
		"no --keep notice; stderr:\n%s", p.Stderr)
	levels := map[string][]string{}
	for _, e := range heldEnvelopes(t, p.URL) {
		_, items := streamItems(t, string(e))
		for _, it := range items {
			var logs struct {
				Items []struct{ Body, Level string }
			}
			if json.Unmarshal(it[1], &logs) != nil {
				continue
			}
			for _, l := range logs.Items {
				if strings.Contains(l.Body, marker) {
					levels[l.Body] = append(levels[l.Body], l.Level)
				}
			}
		}
	}
	info, warn := levels["info line "+marker], levels["warn line "+marker]
	if len(info) != 1 || len(warn) != 1 || warn[0] != "warn" {
		t.Fatalf("logs held: info %q, warn %q; want each once, warn at level warn", info, warn)
	}
	if !strings.Contains(p.Stderr.String(), "warn line "+marker) || !strings.Contains(p.Stdout.String(), "info line "+marker) {
		t.Errorf("the terminal lost the console lines; stdout %q stderr %q", p.Stdout, p.Stderr)
	}
}

// heldEnvelopes is what the sidecar at url holds, in the stream form.
func heldEnvelopes(t *testing.T, url string) []json.RawMessage {
	t.Helper()
	resp, err := http.Get(url + "/api/envelopes")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var held []struct {
		Envelope json.RawMessage `json:"envelope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&held); err != nil {
		t.Fatal(err)
	}
	out := make([]json.RawMessage, len(held))
	for i, e := range held {
		out[i] = e.Envelope
	}
	return out
}
