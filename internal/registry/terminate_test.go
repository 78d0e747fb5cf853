//go:build !windows

package registry

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

func terminate(t *testing.T, r *Registry, m Metadata) TerminateResult {
	t.Helper()
	res, err := r.Terminate(context.Background(), m.InstanceID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), FileName(m.InstanceID))); !os.IsNotExist(err) {
		t.Errorf("registry file still there after terminate: %v", err)
	}
	return res
}

func TestTerminateSpotlight(t *testing.T) {
	r := openTemp(t)
	spot := proctest.Sleeper(t)
	m := register(t, r, func(m *Metadata) { m.PID, m.PIDStartTime = spot.PID, spot.Start })
	res := terminate(t, r, m)
	if res.Result != Terminated || res.InstanceID != m.InstanceID {
		t.Errorf("result %+v", res)
	}
	<-spot.Done
}

// A spotlight that ignores SIGTERM and leaves its child running: both are
// killed once the grace period is over.
func TestTerminateKillsAfterGrace(t *testing.T) {
	r := openTemp(t, WithGracePeriod(100*time.Millisecond))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(t.TempDir(), "ready")
	stubborn := proctest.Start(t, []string{"REGISTRY_TEST_HELPER=ignore-term", "REGISTRY_TEST_READY=" + ready}, exe)
	child := proctest.Sleeper(t)
	m := register(t, r, func(m *Metadata) {
		m.PID, m.PIDStartTime = stubborn.PID, stubborn.Start
		m.ChildPID, m.ChildPIDStartTime = child.PID, child.Start
	})
	testutil.Eventually(t, 10*time.Second, func() bool { _, err := os.Stat(ready); return err == nil }, "helper never became ready")
	if res := terminate(t, r, m); res.Result != Killed {
		t.Errorf("result %+v, want killed", res)
	}
	for name, p := range map[string]*proctest.Process{"spotlight": stubborn, "child": child} {
		<-p.Done
		if ws, ok := p.State.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Errorf("%s ended with %v, want SIGKILL", name, p.State)
		}
	}
}

func TestTerminateOrphanGroup(t *testing.T) {
	r := openTemp(t)
	gone := proctest.Dead(t)
	// The child leads a group with a grandchild, like npm → node.
	child := proctest.Start(t, nil, "sh", "-c", "sleep 300 & wait")
	m := register(t, r, func(m *Metadata) {
		m.PID, m.PIDStartTime = gone.PID, gone.Start
		m.ChildPID, m.ChildPIDStartTime = child.PID, child.Start
	})
	if got := r.Health(context.Background(), m); got != StatusOrphaned {
		t.Fatalf("status %s, want orphaned", got)
	}
	if res := terminate(t, r, m); res.Result != Terminated {
		t.Errorf("result %+v", res)
	}
	<-child.Done
	if proc.GroupAlive(child.PID) {
		t.Error("the grandchild survived")
	}
}

func TestTerminateNeverSignalsReusedPID(t *testing.T) {
	r := openTemp(t)
	ownStart, err := proc.StartTime(context.Background(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	other := proctest.Sleeper(t)
	m := register(t, r, func(m *Metadata) {
		m.PID, m.PIDStartTime = os.Getpid(), ownStart-3_600_000
		m.ChildPID, m.ChildPIDStartTime = other.PID, other.Start-3_600_000
	})
	res := terminate(t, r, m)
	if res.Result != AlreadyDead || res.Message == "" {
		t.Errorf("result %+v, want already-dead with a message", res)
	}
	if other.Exited() {
		t.Error("a process with a reused PID was signalled")
	}
}

func TestTerminateUnknown(t *testing.T) {
	r := openTemp(t)
	_, err := r.Terminate(context.Background(), uuid.NewString(), "")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := r.Terminate(context.Background(), "../../etc/passwd", ""); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("path as id: %v", err)
	}
}

// A registry file naming another user's live process (PID and start time
// right) must not make terminate signal it: only our own processes are
// touched. As root the other user's process is a sleep run as nobody (which
// a signal would kill); as anyone else it is init, which is root's.
func TestTerminateNeverSignalsOtherUsers(t *testing.T) {
	r := openTemp(t)
	pid := 1
	if os.Getuid() == 0 {
		cmd := exec.Command("sleep", "300")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		pid = cmd.Process.Pid
	}
	start, err := proc.StartTime(context.Background(), pid)
	if err != nil {
		t.Fatal(err)
	}
	m := register(t, r, func(m *Metadata) {
		m.PID, m.PIDStartTime = pid, start
		m.ChildPID, m.ChildPIDStartTime = pid, start
	})
	if res := terminate(t, r, m); res.Result != AlreadyDead {
		t.Errorf("result %+v, want already-dead: the process is not ours", res)
	}
	if !proc.Alive(context.Background(), pid, start) {
		t.Errorf("another user's process %d was signalled", pid)
	}
}
