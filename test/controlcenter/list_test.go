package controlcenter

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// An odd UTC offset (+05:45) shows that times are printed in local time.
const zone = "Asia/Kathmandu"

func TestListHealthOfRealInstances(t *testing.T) {
	w := newWorld(t, "TZ="+zone)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	healthy := w.start("healthy-app")
	stopped := w.start("stopped-app")
	orphaned := w.start("orphaned-app")
	dead := w.start("dead-app")

	// A hung spotlight: running, not answering.
	if err := proc.Signal(stopped.meta.PID, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// A crashed spotlight whose dev server lives on.
	_ = proc.Signal(orphaned.meta.PID, syscall.SIGKILL)
	<-orphaned.Done()
	// Both gone.
	_ = proc.Signal(dead.meta.PID, syscall.SIGKILL)
	<-dead.Done()
	_ = proc.SignalGroup(dead.meta.ChildPID, syscall.SIGKILL)
	testutil.Eventually(t, wait, func() bool { return !dead.childAlive() }, "dead-app's child survived SIGKILL")
	// A PID reused by another process: the test's own PID and a live sleep,
	// with start times that do not match. Must be dead and never signalled.
	bystander := proctest.Sleeper(t)
	reused := registry.Metadata{
		InstanceID: uuid.Must(uuid.NewV7()).String(), Port: testutil.FreePort(t),
		PID: os.Getpid(), PIDStartTime: 1_000_000, ChildPID: bystander.PID, ChildPIDStartTime: bystander.Start - 10_000,
		Command: "npm run dev", CmdArgs: []string{"npm", "run", "dev"}, CWD: "/nowhere",
		StartTime: "2024-11-20T10:30:45Z", ProjectName: "reused", DetectedType: "package.json",
	}
	if err := w.registry().Register(reused); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := w.spotlight("list")
	want := humanLine(t, healthy.meta, loc, registry.StatusHealthy) + "\n"
	if code != 0 || out != want {
		t.Errorf("spotlight list: exit %d\n got: %q\nwant: %q\nstderr: %s", code, out, want, errOut)
	}
	for _, id := range []string{dead.meta.InstanceID, reused.InstanceID} {
		if w.fileExists(id) {
			t.Errorf("dead instance %s still registered after listing", id)
		}
	}
	if bystander.Exited() {
		t.Error("the process with a reused PID was signalled")
	}

	out, errOut, code = w.spotlight("list", "--all")
	want = strings.Join([]string{
		humanLine(t, orphaned.meta, loc, registry.StatusOrphaned),
		humanLine(t, stopped.meta, loc, registry.StatusUnresponsive),
		humanLine(t, healthy.meta, loc, registry.StatusHealthy),
	}, "\n") + "\n"
	if code != 0 || out != want {
		t.Errorf("spotlight list --all: exit %d\n got: %q\nwant: %q\nstderr: %s", code, out, want, errOut)
	}

	out, _, _ = w.spotlight("list", "--all", "-f", "json")
	var list []registry.Instance
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 3 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	for i, want := range []*instance{orphaned, stopped, healthy} {
		got := list[i]
		if got.InstanceID != want.meta.InstanceID || got.PID != want.meta.PID || got.URL != want.URL || got.UptimeSeconds < 0 {
			t.Errorf("json[%d] = %+v, want %s", i, got, want.meta.InstanceID)
		}
	}

	// The hung one stops cleanly when terminated: spotlight is continued to
	// handle SIGTERM, and stops its child.
	out, errOut, code = w.spotlight("terminate", stopped.meta.InstanceID)
	if code != 0 || !strings.HasPrefix(out, "terminated: ") {
		t.Errorf("terminate the stopped instance: exit %d %q %q", code, out, errOut)
	}
	if exit := stopped.Wait(t, wait); exit != 128+int(syscall.SIGTERM) || stopped.childAlive() {
		t.Errorf("stopped instance: spotlight exit %d (want 143), child alive %v", exit, stopped.childAlive())
	}

	out, _, _ = w.spotlight("list", "-f", "logfmt")
	if !strings.HasPrefix(out, "instanceId="+healthy.meta.InstanceID+" projectName=healthy-app port=") || !strings.Contains(out, ` command="sleep 300" `) || strings.Count(out, "\n") != 1 {
		t.Errorf("logfmt: %q", out)
	}
	out, _, _ = w.spotlight("list", "--all", "-f", "md")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 4 || lines[0] != "| Project | Port | Type | Command | Started | PID | URL | Status |" || !strings.HasSuffix(lines[3], " | healthy |") {
		t.Errorf("md:\n%s", out)
	}
}

func TestListEmptyAndErrors(t *testing.T) {
	w := newWorld(t)
	out, errOut, code := w.spotlight("list")
	if code != 0 || out != "" || !strings.Contains(errOut, "No Spotlight instances") {
		t.Errorf("empty list: exit %d stdout %q stderr %q", code, out, errOut)
	}
	if out, _, code := w.spotlight("list", "-f", "json"); code != 0 || out != "[]\n" {
		t.Errorf("empty json: exit %d %q", code, out)
	}
	if out, errOut, code := w.spotlight("list", "-f", "yaml"); code == 0 || out != "" || !strings.Contains(errOut, "human, json, logfmt, md") {
		t.Errorf("unknown format: exit %d %q %q", code, out, errOut)
	}
	// An invalid file is skipped, and said so with -d.
	bad := registry.FileName(uuid.Must(uuid.NewV7()).String())
	if err := os.WriteFile(filepath.Join(w.regDir, bad), []byte(`{"instanceId":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := w.spotlight("list", "-d", "-f", "json"); code != 0 || out != "[]\n" || !strings.Contains(errOut, bad) {
		t.Errorf("invalid file: exit %d stdout %q stderr %q", code, out, errOut)
	}
	// A registry directory others can write to is refused, with the fix.
	if err := os.Chmod(w.regDir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := w.spotlight("list"); code == 0 || !strings.Contains(errOut, "chmod 700") {
		t.Errorf("unsafe registry: exit %d %q", code, errOut)
	}
}
