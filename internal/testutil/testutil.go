// Package testutil holds helpers for tests that drive the real spotlight
// binary: building it, free ports, starting a sidecar, reading its SSE
// stream, and polling with a deadline instead of sleeping.
package testutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ModuleRoot returns the directory holding go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the spotlight module")
	}
	return filepath.Dir(mod), nil
}

// BuildBinary builds ./cmd/spotlight into dir and returns its path.
func BuildBinary(dir string) (string, error) {
	return BuildPackage(dir, "./cmd/spotlight", "spotlight")
}

// BuildPackage builds the main package pkg (relative to the module root)
// into dir/name and returns its path.
func BuildPackage(dir, pkg, name string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// RunTests is the body of a TestMain for tests that drive the real binary:
// it builds spotlight into a temporary directory, lets setup build more
// (setup may be nil), runs the tests and removes the directory. Use it as
// os.Exit(testutil.RunTests(m, &bin, nil)).
func RunTests(m *testing.M, bin *string, setup func(dir string) error) int {
	dir, err := os.MkdirTemp("", "spotlight-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if *bin, err = BuildBinary(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if setup != nil {
		if err := setup(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Eventually polls cond every 20 ms until it is true or timeout passes, then
// fails the test with msg.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s: "+msg, append([]any{timeout}, args...)...)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SafeBuffer is a bytes.Buffer safe for a process writing while a test reads.
type SafeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SafeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SafeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Process is a started spotlight process.
type Process struct {
	Cmd    *exec.Cmd
	Port   int
	URL    string
	Stdout *SafeBuffer
	Stderr *SafeBuffer
	done   chan struct{}
	err    error
}

// Start runs bin with args and extra environment (appended to the test's
// own). It is stopped (SIGTERM, then SIGKILL) when the test ends.
func Start(t testing.TB, bin string, env []string, args ...string) *Process {
	t.Helper()
	p := &Process{Stdout: &SafeBuffer{}, Stderr: &SafeBuffer{}, done: make(chan struct{})}
	p.Cmd = exec.Command(bin, args...)
	p.Cmd.Env = append(os.Environ(), env...)
	p.Cmd.Stdout = p.Stdout
	p.Cmd.Stderr = p.Stderr
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.Stop(t) })
	return p
}

// Stop sends SIGTERM and waits up to 10 s, then SIGKILLs. Safe to call twice.
func (p *Process) Stop(t testing.TB) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.Cmd.Process.Kill()
		<-p.done
		t.Logf("process %d needed SIGKILL; stderr:\n%s", p.Cmd.Process.Pid, p.Stderr.String())
	}
}

// Wait waits for the process to exit (up to timeout) and returns its exit
// code (-1 when killed by a signal).
func (p *Process) Wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("process %d still running after %s; stderr:\n%s", p.Cmd.Process.Pid, timeout, p.Stderr.String())
	}
	return p.Cmd.ProcessState.ExitCode()
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// StartSidecar starts `spotlight --port <free port> args...` with a temporary
// registry directory and waits until /health answers.
func StartSidecar(t testing.TB, bin string, env []string, args ...string) *Process {
	t.Helper()
	port := FreePort(t)
	env = append([]string{
		"SPOTLIGHT_REGISTRY_DIR=" + filepath.Join(t.TempDir(), "instances"),
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1",
	}, env...)
	p := Start(t, bin, env, append([]string{"--port", fmt.Sprint(port)}, args...)...)
	p.Port = port
	p.URL = fmt.Sprintf("http://localhost:%d", port)
	WaitHealthy(t, p, 15*time.Second)
	return p
}

// WaitHealthy polls p.URL/health until it answers 200 or the process exits.
func WaitHealthy(t testing.TB, p *Process, timeout time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(p.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("spotlight exited before answering /health: %v\nstderr:\n%s", p.err, p.Stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("spotlight did not answer %s/health within %s; stderr:\n%s", p.URL, timeout, p.Stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// PostEnvelope POSTs body to url (e.g. sidecar URL + "/stream") as an
// envelope and returns the status code and response body.
func PostEnvelope(t testing.TB, url string, body []byte, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-sentry-envelope")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// No pooled connection: one left from a sidecar that has since been
	// restarted on the same port would fail the POST with EOF.
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

// Event is one Server-Sent Event.
type Event struct {
	Name string
	ID   string
	Data string
}

// SSE is an open connection to a sidecar's GET /stream.
type SSE struct {
	events chan Event
	errc   chan error
	cancel context.CancelFunc
}

// OpenSSE connects to url (e.g. sidecar URL + "/stream"), sending
// Last-Event-ID when lastEventID is not empty. Closed when the test ends.
func OpenSSE(t testing.TB, url, lastEventID string) *SSE {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	s := &SSE{events: make(chan Event, 1024), errc: make(chan error, 1), cancel: cancel}
	go s.read(resp)
	t.Cleanup(cancel)
	return s
}

func (s *SSE) read(resp *http.Response) {
	defer resp.Body.Close()
	var ev Event
	var data []string
	buf := make([]byte, 0, 64*1024)
	scanner := newLineScanner(resp.Body, buf)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case line == "":
			if len(data) > 0 {
				ev.Data = strings.Join(data, "\n")
				if ev.Name == "" {
					ev.Name = "message"
				}
				s.events <- ev
			}
			ev, data = Event{}, nil
		case strings.HasPrefix(line, ":"):
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				ev.Name = value
			case "id":
				ev.ID = value
			case "data":
				data = append(data, value)
			}
		}
	}
	err := scanner.Err()
	if err == nil {
		err = errors.New("stream ended")
	}
	s.errc <- err
	close(s.events)
}

// Next returns the next event, failing the test after timeout or when the
// stream ends.
func (s *SSE) Next(t testing.TB, timeout time.Duration) Event {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatalf("SSE stream closed: %v", <-s.errc)
		}
		return ev
	case <-time.After(timeout):
		t.Fatalf("no SSE event within %s", timeout)
	}
	return Event{}
}

// NextNamed skips events until one named name arrives.
func (s *SSE) NextNamed(t testing.TB, name string, timeout time.Duration) Event {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("no %q SSE event within %s", name, timeout)
		}
		if ev := s.Next(t, left); ev.Name == name {
			return ev
		}
	}
}

// Close ends the connection.
func (s *SSE) Close() { s.cancel() }
