// Package controlcenter tests the Control Center as a developer uses it: real
// `spotlight run` instances (children are `sleep`), stopped, killed and
// orphaned for real, seen through `spotlight list`, `spotlight terminate`
// and the instances API of a real sidecar.
package controlcenter

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

var bin string

const wait = 30 * time.Second

func TestMain(m *testing.M) { os.Exit(testutil.RunTests(m, &bin, nil)) }

// world is one test's private registry and the environment that points
// spotlight at it.
type world struct {
	t      testing.TB
	regDir string
	env    []string
}

func newWorld(t testing.TB, extra ...string) *world {
	regDir := filepath.Join(t.TempDir(), "instances")
	return &world{t: t, regDir: regDir, env: append([]string{
		registry.EnvDir + "=" + regDir,
		"SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:" + strconv.Itoa(testutil.FreePort(t)),
	}, extra...)}
}

// controlCenter starts a plain sidecar on the world's registry and points
// the instances started next at it.
func (w *world) controlCenter() *testutil.Process {
	cc := testutil.StartSidecar(w.t, bin, w.env)
	w.env = append(w.env, "SPOTLIGHT_CONTROL_CENTER_URL="+cc.URL)
	return cc
}

// instance is a running `spotlight run sleep 300`.
type instance struct {
	*testutil.Process
	meta registry.Metadata
}

// start runs `spotlight run -p <free port> sleep 300` in a directory named
// project (the project name) and waits until it has registered.
func (w *world) start(project string) *instance {
	t := w.t
	t.Helper()
	dir := filepath.Join(t.TempDir(), project)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	port := testutil.FreePort(t)
	// exec keeps the PID: the process is spotlight itself.
	p := testutil.Start(t, "sh", w.env, "-c", `cd "$1" && exec "$2" run -p "$3" sleep 300`, "sh", dir, bin, strconv.Itoa(port))
	p.Port, p.URL = port, "http://localhost:"+strconv.Itoa(port)
	in := &instance{Process: p}
	reg := w.registry()
	testutil.Eventually(t, wait, func() bool {
		entries, _ := reg.Entries()
		for _, m := range entries {
			if m.PID == p.Cmd.Process.Pid {
				in.meta = m
				return true
			}
		}
		return false
	}, "spotlight run in %s never registered; stderr:\n%s", dir, p.Stderr)
	// Runs before testutil's SIGTERM (cleanups run last-in first-out): a
	// stopped spotlight must be continued to handle it, and an orphaned
	// child has no spotlight left to stop it.
	t.Cleanup(func() {
		_ = proc.Signal(in.meta.PID, syscall.SIGCONT)
		if !proc.Alive(context.Background(), in.meta.PID, in.meta.PIDStartTime) && proc.Alive(context.Background(), in.meta.ChildPID, in.meta.ChildPIDStartTime) {
			_ = proc.SignalGroup(in.meta.ChildPID, syscall.SIGKILL)
		}
	})
	return in
}

func (w *world) registry() *registry.Registry {
	w.t.Helper()
	reg, err := registry.Open(w.regDir)
	if err != nil {
		w.t.Fatal(err)
	}
	return reg
}

// spotlight runs the binary to completion and returns stdout, stderr and
// the exit code.
func (w *world) spotlight(args ...string) (string, string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), w.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		w.t.Fatalf("spotlight %v: %v", args, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

func (in *instance) alive() bool {
	return proc.Alive(context.Background(), in.meta.PID, in.meta.PIDStartTime)
}

func (in *instance) childAlive() bool {
	return proc.Alive(context.Background(), in.meta.ChildPID, in.meta.ChildPIDStartTime)
}

func (w *world) fileExists(id string) bool {
	_, err := os.Stat(filepath.Join(w.regDir, registry.FileName(id)))
	return err == nil
}

// humanLine is the line `spotlight list` prints for an instance, its start
// time in loc.
func humanLine(t testing.TB, m registry.Metadata, loc *time.Location, status registry.Status) string {
	t.Helper()
	start, err := time.Parse(time.RFC3339Nano, m.StartTime)
	if err != nil {
		t.Fatal(err)
	}
	level, suffix := "INFO", ""
	if status != registry.StatusHealthy {
		level, suffix = "WARN", " ("+string(status)+")"
	}
	return fmt.Sprintf("%s [%s] [spotlight] %s@%d (%s) - http://localhost:%d%s",
		start.In(loc).Format("2006-01-02 15:04:05"), level, m.ProjectName, m.Port, strings.Join(m.CmdArgs, " "), m.Port, suffix)
}
