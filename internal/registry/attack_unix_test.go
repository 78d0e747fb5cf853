//go:build !windows

package registry

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// Finding 8: after a SIGKILL of spotlight run and the exit of its group
// leader, a grandchild still running in the group was reported dead and
// its registry file removed. The group decides: orphaned, listed, and
// terminate stops the grandchild.
func TestOrphanedGroupWithoutItsLeader(t *testing.T) {
	r := openTemp(t)
	gone := proctest.Dead(t)
	leader := proctest.Start(t, nil, "sh", "-c", "sleep 300 & sleep 0.2; exit 0")
	<-leader.Done // the leader exited (and was reaped); its grandchild runs on
	if !proc.GroupAlive(leader.PID) {
		t.Fatal("the grandchild is not running")
	}
	m := register(t, r, func(m *Metadata) {
		m.Port = testutil.FreePort(t)
		m.PID, m.PIDStartTime = gone.PID, gone.Start
		m.ChildPID, m.ChildPIDStartTime = leader.PID, leader.Start
	})
	list, err := r.List(context.Background(), ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Status != StatusOrphaned {
		t.Fatalf("listed %+v; want the instance, orphaned", list)
	}
	if _, err := r.Get(m.InstanceID); err != nil {
		t.Fatalf("the registry file of an orphaned group was removed: %v", err)
	}
	if res := terminate(t, r, m); res.Result != Terminated {
		t.Errorf("terminate: %+v", res)
	}
	if proc.GroupAlive(leader.PID) {
		t.Error("the grandchild survived terminate")
	}
}

// Finding 7: "pid": 2^32+P passed validation and terminate signalled P.
func TestPIDBeyondTheOSRangeIsNeverSignalled(t *testing.T) {
	r := openTemp(t)
	victim := proctest.Sleeper(t)
	id := uuid.NewString()
	data, _ := json.Marshal(map[string]any{"instanceId": id, "port": 3000, "pid": int64(1)<<32 + int64(victim.PID), "pidStartTime": victim.Start})
	if err := os.WriteFile(filepath.Join(r.Dir(), FileName(id)), data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Terminate(context.Background(), id, ""); err == nil || !strings.Contains(err.Error(), "PID range") {
		t.Errorf("terminate of a file with pid 2^32+%d: %v; want it refused as beyond the PID range", victim.PID, err)
	}
	if err := proc.Signal(1<<32+victim.PID, syscall.SIGTERM); err == nil {
		t.Error("proc.Signal accepted a PID beyond the range")
	}
	if victim.Exited() {
		t.Fatalf("process %d was signalled through pid 2^32+%d", victim.PID, victim.PID)
	}
}

// Finding 6, first half: the directory was checked only up to its parent.
// A world-writable (not sticky) directory anywhere above it lets another
// user swap what lies below, so Open refuses it and says where.
func TestOpenRefusesUnsafeAncestor(t *testing.T) {
	g := filepath.Join(t.TempDir(), "g")
	if err := os.MkdirAll(filepath.Join(g, "p"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(g, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(g, "p", "instances"))
	if err == nil || !strings.Contains(err.Error(), "its ancestor "+g+" is writable by others") {
		t.Fatalf("Open below a world-writable grandparent = %v", err)
	}
}

// Finding 6, second half: another user swapped the directory under a
// running Control Center and planted a file; a terminate then SIGTERMed an
// unrelated process. The path is checked again at every use.
func TestSwappedDirectoryIsRefusedAtUse(t *testing.T) {
	u := testutil.NewOtherUser(t)
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} { // the other user must reach g
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	g := filepath.Join(base, "g")
	dir := filepath.Join(g, "p", "instances")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	victim := proctest.Sleeper(t) // ours: terminate would signal it
	// Later g becomes writable by others (a shared directory, a mistaken
	// chmod), and the other user swaps p for their own with a planted file.
	if err := os.Chmod(g, 0o777); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	planted, _ := json.Marshal(map[string]any{"instanceId": id, "port": 3000, "pid": victim.PID, "pidStartTime": victim.Start})
	swap := u.Command("sh", "-c", `mv "$G/p" "$G/p.old" && mkdir -p "$G/p/instances" && printf '%s' "$FILE" > "$G/p/instances/$NAME"`)
	swap.Env = []string{"G=" + g, "FILE=" + string(planted), "NAME=" + FileName(id)}
	if out, err := swap.CombinedOutput(); err != nil {
		t.Fatalf("the other user's swap failed: %v: %s", err, out)
	}
	if _, err := r.Terminate(context.Background(), id, ""); err == nil {
		t.Error("terminate read the planted file")
	}
	if _, err := r.Entries(); err == nil {
		t.Error("Entries read the swapped directory")
	}
	if victim.Exited() {
		t.Fatal("the planted file made terminate signal an unrelated process")
	}
}

// Finding 9, second half: another user bound a dead instance's port and
// answered /health with that instance's id, and the instance counted as
// healthy. A health check believes only a sidecar whose socket is the
// user's own.
func TestHealthIgnoresAnotherUsersImpostor(t *testing.T) {
	u := testutil.NewOtherUser(t)
	r := openTemp(t)
	gone := proctest.Dead(t)
	port := testutil.FreePort(t)
	id := uuid.NewString()
	impostor := u.Command("/usr/bin/python3", "-c", `
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("X-Spotlight-Instance-Id", os.environ["ID"])
        self.send_header("X-Powered-By", "spotlight-by-sentry")
        self.end_headers()
        self.wfile.write(b"OK")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
`)
	impostor.Env = []string{"ID=" + id, "PORT=" + strconv.Itoa(port)}
	if err := impostor.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = impostor.Process.Kill(); _ = impostor.Wait() })
	testutil.Eventually(t, 10*time.Second, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "the impostor never listened")
	m := register(t, r, func(m *Metadata) {
		m.InstanceID, m.Port = id, port
		m.PID, m.PIDStartTime = gone.PID, gone.Start
	})
	if got := r.Health(context.Background(), m); got == StatusHealthy {
		t.Fatalf("another user's process answering /health with the id made the instance %s", got)
	}
}
