package controlcenter

import (
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// An orphaned dev server (its spotlight was SIGKILLed) is terminated through
// its process group.
func TestTerminateOrphan(t *testing.T) {
	w := newWorld(t)
	in := w.start("orphan")
	_ = proc.Signal(in.meta.PID, syscall.SIGKILL)
	<-in.Done()
	if !in.childAlive() {
		t.Fatal("the child died with spotlight: nothing is orphaned")
	}
	out, errOut, code := w.spotlight("list")
	if code != 0 || out != "" || !strings.Contains(errOut, "No healthy Spotlight instances; 1 unresponsive or orphaned") {
		t.Errorf("list with only an orphan: exit %d stdout %q stderr %q", code, out, errOut)
	}
	out, errOut, code = w.spotlight("terminate", in.meta.InstanceID)
	if code != 0 || !strings.HasPrefix(out, "terminated: ") {
		t.Fatalf("terminate: exit %d %q %q", code, out, errOut)
	}
	if proc.GroupAlive(in.meta.ChildPID) || w.fileExists(in.meta.InstanceID) {
		t.Error("the orphaned child's group or the registry file survived")
	}
	out, _, code = w.spotlight("terminate", in.meta.InstanceID)
	if code == 0 || out != "" {
		t.Errorf("terminating it again: exit %d %q", code, out)
	}
}

// A project name shared by two instances is ambiguous: both are listed and
// both keep running. A port names one.
func TestTerminateByNameAndPort(t *testing.T) {
	w := newWorld(t)
	a, b := w.start("shop"), w.start("shop")
	out, errOut, code := w.spotlight("terminate", "shop")
	if code == 0 || out != "" || !strings.Contains(errOut, "ambiguous") ||
		!strings.Contains(errOut, a.meta.InstanceID) || !strings.Contains(errOut, b.meta.InstanceID) {
		t.Errorf("ambiguous name: exit %d stdout %q stderr %q", code, out, errOut)
	}
	if !a.alive() || !b.alive() || !a.childAlive() || !b.childAlive() {
		t.Fatal("an ambiguous terminate touched a process")
	}

	out, errOut, code = w.spotlight("terminate", strconv.Itoa(a.Port))
	if code != 0 || !strings.HasPrefix(out, "terminated: ") {
		t.Fatalf("by port: exit %d %q %q", code, out, errOut)
	}
	// spotlight run stopped its child and itself, and unregistered.
	if exit := a.Wait(t, wait); exit != 128+int(syscall.SIGTERM) {
		t.Errorf("spotlight run exited with %d, want 143 (its child ended by SIGTERM)", exit)
	}
	testutil.Eventually(t, wait, func() bool { return !a.childAlive() && !w.fileExists(a.meta.InstanceID) }, "instance a's child or file survived")

	out, errOut, code = w.spotlight("terminate", "shop")
	if code != 0 || !strings.HasPrefix(out, "terminated: ") {
		t.Fatalf("unique name: exit %d %q %q", code, out, errOut)
	}
	b.Wait(t, wait)
	if b.childAlive() {
		t.Error("instance b's child survived")
	}
	if _, errOut, code := w.spotlight("terminate", "nothing-here"); code == 0 || !strings.Contains(errOut, "spotlight list --all") {
		t.Errorf("unknown name: exit %d %q", code, errOut)
	}
}

// `spotlight terminate` alone says what it takes and lists what it could
// stop, touching nothing.
func TestTerminateWithoutArgument(t *testing.T) {
	w := newWorld(t)
	out, errOut, code := w.spotlight("terminate")
	if code != 1 || out != "" || !strings.Contains(errOut, "its instance id, its port or its project name; no instance is running") {
		t.Errorf("with no instance: exit %d stdout %q stderr %q", code, out, errOut)
	}
	in := w.start("listed-shop")
	out, errOut, code = w.spotlight("terminate")
	if code != 1 || out != "" || !strings.Contains(errOut, "its instance id, its port or its project name. Running instances:") ||
		!strings.Contains(errOut, "listed-shop") || !strings.Contains(errOut, strconv.Itoa(in.Port)) {
		t.Errorf("with one instance: exit %d stdout %q stderr %q", code, out, errOut)
	}
	if !in.alive() || !in.childAlive() {
		t.Fatal("terminate without an argument stopped something")
	}
}

// An instance stopped from outside prints one line saying who stopped it:
// `spotlight terminate` or the Control Center. Ctrl+C (a plain signal)
// prints no such line, and no note is left behind.
func TestStoppedInstanceSaysWho(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	byAPI, byCLI, bySignal := w.start("api-stopped"), w.start("cli-stopped"), w.start("signalled")

	code, body := request(t, "POST", cc.URL+"/api/instances/"+byAPI.meta.InstanceID+"/terminate", "", cc.URL, "")
	if code != 200 {
		t.Fatalf("terminate through the API: %d %s", code, body)
	}
	byAPI.Wait(t, wait)
	if want := "spotlight: stopped by the Control Center at " + cc.URL; strings.Count(byAPI.Stderr.String(), want) != 1 {
		t.Errorf("stopped by the Control Center, stderr lacks one %q:\n%s", want, byAPI.Stderr)
	}

	if out, errOut, code := w.spotlight("terminate", byCLI.meta.InstanceID); code != 0 {
		t.Fatalf("spotlight terminate: exit %d %q %q", code, out, errOut)
	}
	byCLI.Wait(t, wait)
	if want := "spotlight: stopped by `spotlight terminate` (pid "; strings.Count(byCLI.Stderr.String(), want) != 1 {
		t.Errorf("stopped by spotlight terminate, stderr lacks one %q:\n%s", want, byCLI.Stderr)
	}

	_ = bySignal.Cmd.Process.Signal(syscall.SIGTERM)
	bySignal.Wait(t, wait)
	if strings.Contains(bySignal.Stderr.String(), "stopped by") {
		t.Errorf("a plain signal claims a stopper:\n%s", bySignal.Stderr)
	}
	if notes, _ := filepath.Glob(filepath.Join(w.regDir, "stop_*")); len(notes) != 0 {
		t.Errorf("stop notes left behind: %q", notes)
	}
}
