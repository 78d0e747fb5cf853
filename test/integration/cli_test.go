package integration

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

const exitTimeout = 15 * time.Second

// isolated is the environment every spotlight started here gets.
func isolated(t *testing.T) []string {
	return []string{
		"SPOTLIGHT_REGISTRY_DIR=" + filepath.Join(t.TempDir(), "instances"),
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1",
	}
}

// `spotlight 9000` and `spotlight server 9000` take a bare port.
func TestBarePortArgument(t *testing.T) {
	for _, cmd := range [][]string{nil, {"server"}} {
		port := testutil.FreePort(t)
		p := testutil.Start(t, bin, isolated(t), append(cmd, fmt.Sprint(port))...)
		p.Port, p.URL = port, fmt.Sprintf("http://localhost:%d", port)
		testutil.WaitHealthy(t, p, exitTimeout)
		// Printed before serving, but the pipe to this process is read asynchronously.
		testutil.Eventually(t, exitTimeout, func() bool { return strings.Contains(p.Stderr.String(), p.URL) },
			"%q: the UI URL is not printed on stderr", cmd)
		if p.Stdout.String() != "" {
			t.Fatalf("%q: diagnostics on stdout: %q", cmd, p.Stdout.String())
		}
	}
}

func TestPortAlreadyUsedBySpotlight(t *testing.T) {
	first := testutil.StartSidecar(t, bin, nil)
	second := testutil.Start(t, bin, isolated(t), "--port", fmt.Sprint(first.Port))
	if code := second.Wait(t, exitTimeout); code != 0 {
		t.Fatalf("exit %d; want 0 when a Spotlight already runs there. stderr:\n%s", code, second.Stderr.String())
	}
	if msg := second.Stderr.String(); !strings.Contains(msg, "already running") || !strings.Contains(msg, first.URL) {
		t.Fatalf("message %q does not say a Spotlight runs at %s", msg, first.URL)
	}
}

func TestPortUsedByAnotherProgram(t *testing.T) {
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	go func() {
		_ = http.Serve(other, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("OK")) }))
	}()
	port := other.Addr().(*net.TCPAddr).Port
	p := testutil.Start(t, bin, isolated(t), "-p", fmt.Sprint(port))
	if code := p.Wait(t, exitTimeout); code != 1 {
		t.Fatalf("exit %d; want 1. stderr:\n%s", code, p.Stderr.String())
	}
	if msg := p.Stderr.String(); !strings.Contains(msg, fmt.Sprint(port)) || !strings.Contains(msg, "--port") {
		t.Fatalf("message %q does not name the port and --port", msg)
	}
}

func TestInvalidArguments(t *testing.T) {
	for _, args := range [][]string{
		{"-p", "abc"},
		{"--port", "70000"},
		{"-p", "-1"},
		{"abc"},
		{"server", "99999"},
		{"server", "--port", "x"},
		{"--no-such-flag"},
		{"8000", "9000"},
	} {
		p := testutil.Start(t, bin, isolated(t), args...)
		code := p.Wait(t, exitTimeout)
		msg := p.Stderr.String()
		if code == 0 {
			t.Errorf("%q: exit 0", args)
		}
		if !strings.Contains(msg, "65535") && !strings.Contains(msg, "--help") && !strings.Contains(msg, "at most one") {
			t.Errorf("%q: message does not say what is accepted: %q", args, msg)
		}
	}
}

// A mistyped command, flag, type or format gets a suggestion, not "invalid port" or "takes at
// most one".
func TestCommandTypos(t *testing.T) {
	for args, want := range map[string]string{
		"lsit":              `unknown command "lsit": did you mean list?`,
		"rn node app.js":    `unknown command "rn": did you mean run?`,
		"tial errors":       `unknown command "tial": did you mean tail?`,
		"nonsense x y":      `unknown command "nonsense"; run 'spotlight --help'`,
		"terminate a b":     "takes one instance (an instance id, a port or a project name)",
		"--stdio-mcp 9000":  "--stdio-mcp takes no arguments",
		"--prot 5":          "unknown flag: --prot (did you mean --port?)",
		"tail --formt json": "unknown flag: --formt (did you mean --format?)",
		"tail erors":        `unknown type "erors" (did you mean errors?)`,
		"list -f jsn":       `unknown format "jsn" (did you mean json?)`,
	} {
		p := testutil.Start(t, bin, isolated(t), strings.Fields(args)...)
		if code := p.Wait(t, exitTimeout); code != 1 || !strings.Contains(p.Stderr.String(), want) {
			t.Errorf("spotlight %s: exit %d, stderr %q; want 1 and %q", args, code, p.Stderr.String(), want)
		}
	}
}

// SIGINT (Ctrl-C) and SIGTERM end open SSE streams cleanly and exit 0.
func TestSignalsShutDownGracefully(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			sc := testutil.StartSidecar(t, bin, nil)
			resp, err := http.Get(sc.URL + "/stream")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			ended := make(chan error, 1)
			go func() {
				_, err := io.Copy(io.Discard, resp.Body)
				ended <- err
			}()
			if err := sc.Cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := sc.Wait(t, exitTimeout); code != 0 {
				t.Fatalf("exit %d after %v; stderr:\n%s", code, sig, sc.Stderr.String())
			}
			select {
			case err := <-ended:
				if err != nil {
					t.Fatalf("the SSE stream was cut, not ended: %v", err)
				}
			case <-time.After(exitTimeout):
				t.Fatal("the SSE stream stayed open after shutdown")
			}
		})
	}
}

// --version prints the version the build stamped (the Makefile stamps `git
// describe`) on stdout.
func TestVersion(t *testing.T) {
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	stamped := filepath.Join(t.TempDir(), "spotlight")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=9.8.7-test", "-o", stamped, "./cmd/spotlight")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for bin, want := range map[string]string{bin: "spotlight version dev\n", stamped: "spotlight version 9.8.7-test\n"} {
		p := testutil.Start(t, bin, isolated(t), "--version")
		if code := p.Wait(t, exitTimeout); code != 0 || p.Stdout.String() != want || p.Stderr.String() != "" {
			t.Errorf("%s --version: exit %d, stdout %q, stderr %q; want %q on stdout", bin, code, p.Stdout, p.Stderr, want)
		}
	}
}

// -d and SPOTLIGHT_DEBUG=1 turn on debug diagnostics (on stderr); without
// either there are none.
func TestDebugLogging(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   []string
		args  []string
		debug bool
	}{
		{"-d", nil, []string{"-d"}, true},
		{"--debug", nil, []string{"--debug"}, true},
		{"SPOTLIGHT_DEBUG=1", []string{"SPOTLIGHT_DEBUG=1"}, nil, true},
		{"default", []string{"SPOTLIGHT_DEBUG="}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := testutil.StartSidecar(t, bin, tc.env, tc.args...)
			status, body := testutil.PostEnvelope(t, sc.URL+"/stream", []byte(smallEnvelope))
			if status != http.StatusOK {
				t.Fatalf("POST: %d %s", status, body)
			}
			// The log line is written before the response: once the
			// process has exited, stderr holds everything it wrote.
			sc.Stop(t)
			stderr := sc.Stderr.String()
			logged := strings.Contains(stderr, `level=DEBUG msg="envelope received"`) && strings.Contains(stderr, "items=event")
			if logged != tc.debug || strings.Contains(stderr, "level=DEBUG") != tc.debug {
				t.Errorf("debug lines logged: %v; want %v. stderr:\n%s", logged, tc.debug, stderr)
			}
			if sc.Stdout.String() != "" {
				t.Errorf("diagnostics on stdout: %q", sc.Stdout)
			}
		})
	}
}

func TestOpenBrowser(t *testing.T) {
	dir := t.TempDir()
	opened := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+opened+".tmp && mv "+opened+".tmp "+opened+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sc := testutil.StartSidecar(t, bin, []string{"BROWSER=" + script}, "--open")
	testutil.Eventually(t, exitTimeout, func() bool {
		b, err := os.ReadFile(opened)
		return err == nil && strings.TrimSpace(string(b)) == sc.URL
	}, "--open did not open %s with $BROWSER", sc.URL)
}

// A request in flight when SIGTERM arrives is finished before the exit.
func TestSIGTERMFinishesInFlightRequest(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil)
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", sc.Port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(exitTimeout))
	half := len(smallEnvelope) / 2
	// Expect: 100-continue makes the server say when the handler starts
	// reading the body: from then on the request is in flight.
	fmt.Fprintf(conn, "POST /stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(smallEnvelope))
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.Contains(line, "100") {
		t.Fatalf("no 100 Continue: %q %v", line, err)
	}
	for line, err := r.ReadString('\n'); line != "\r\n"; line, err = r.ReadString('\n') {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Write([]byte(smallEnvelope[:half])); err != nil {
		t.Fatal(err)
	}
	if err := sc.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Shutdown has begun once new connections are refused.
	testutil.Eventually(t, exitTimeout, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", sc.Port))
		if err == nil {
			c.Close()
		}
		return err != nil
	}, "the sidecar kept accepting connections after SIGTERM")
	if _, err := conn.Write([]byte(smallEnvelope[half:])); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("in-flight request: %d", resp.StatusCode)
	}
	if code := sc.Wait(t, exitTimeout); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, sc.Stderr.String())
	}
}

// --host listens on that address only, and says that it exposes the events.
func TestHostFlag(t *testing.T) {
	sc := testutil.StartSidecar(t, bin, nil, "--host", "127.0.0.1")
	testutil.Eventually(t, exitTimeout, func() bool { return strings.Contains(sc.Stderr.String(), "can send it envelopes") },
		"no exposure warning: %q", sc.Stderr)
	// A sentence like spotlight's other messages, not a log record.
	if msg := sc.Stderr.String(); !strings.Contains(msg, "Warning: Spotlight listens on 127.0.0.1: anyone who can reach") || strings.Contains(msg, "level=") {
		t.Errorf("exposure warning: %q", msg)
	}
	// Without --host the sidecar listens on [::1] too (where the machine has
	// it); with it, not.
	if c, err := net.Dial("tcp6", fmt.Sprintf("[::1]:%d", sc.Port)); err == nil {
		c.Close()
		t.Fatal("--host 127.0.0.1 also listens on [::1]")
	}
}
