//go:build !windows

package registry

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// The test binary doubles as a process that ignores SIGTERM, for Terminate.
func TestMain(m *testing.M) {
	if os.Getenv("REGISTRY_TEST_HELPER") == "ignore-term" {
		signal.Ignore(syscall.SIGTERM)
		if err := os.WriteFile(os.Getenv("REGISTRY_TEST_READY"), nil, 0o600); err != nil {
			os.Exit(2)
		}
		time.Sleep(time.Hour)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func serverPort(t *testing.T, srv *httptest.Server) int {
	port, err := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// healthServer answers /health like the sidecar of instance id.
func healthServer(t *testing.T, id string) int {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			w.Header().Set(InstanceIDHeader, id)
		}
	}))
	t.Cleanup(srv.Close)
	return serverPort(t, srv)
}

func register(t *testing.T, r *Registry, mod func(*Metadata)) Metadata {
	t.Helper()
	m := testMetadata(t)
	mod(&m)
	if err := r.Register(m); err != nil {
		t.Fatal(err)
	}
	return m
}

func statuses(list []Instance) map[string]Status {
	out := map[string]Status{}
	for _, in := range list {
		out[in.InstanceID] = in.Status
	}
	return out
}

func TestListHealth(t *testing.T) {
	now := time.Date(2024, 11, 20, 10, 31, 45, 0, time.UTC)
	r := openTemp(t, WithClock(func() time.Time { return now }))
	ctx := context.Background()
	spot, child, gone := proctest.Sleeper(t), proctest.Sleeper(t), proctest.Dead(t)

	healthy := register(t, r, func(m *Metadata) {
		m.Port = healthServer(t, m.InstanceID)
		m.PID, m.PIDStartTime = gone.PID, gone.Start // HTTP wins over processes
		m.StartTime = "2024-11-20T10:30:45Z"
	})
	otherID := register(t, r, func(m *Metadata) { // the port answers, for someone else
		m.Port = healthServer(t, uuid.NewString())
		m.PID, m.PIDStartTime = spot.PID, spot.Start
		m.StartTime = "2024-11-20T10:29:45Z"
	})
	orphan := register(t, r, func(m *Metadata) {
		m.Port = testutil.FreePort(t)
		m.PID, m.PIDStartTime = gone.PID, gone.Start
		m.ChildPID, m.ChildPIDStartTime = child.PID, child.Start
		m.StartTime = "2024-11-20T10:31:00Z"
	})
	reused := register(t, r, func(m *Metadata) { // live PID, wrong start time
		m.Port = testutil.FreePort(t)
		m.PID, m.PIDStartTime = spot.PID, spot.Start-60_000
		m.ChildPID, m.ChildPIDStartTime = child.PID, child.Start+5_000
	})
	dead := register(t, r, func(m *Metadata) {
		m.Port = testutil.FreePort(t)
		m.PID, m.PIDStartTime = gone.PID, gone.Start
		m.ChildPID, m.ChildPIDStartTime = gone.PID, gone.Start
	})

	list, err := r.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].InstanceID != healthy.InstanceID || list[0].Status != StatusHealthy {
		t.Fatalf("healthy-only list = %+v", list)
	}
	if list[0].UptimeSeconds != 60 || list[0].URL != fmt.Sprintf("http://localhost:%d", healthy.Port) {
		t.Errorf("uptime %d url %s", list[0].UptimeSeconds, list[0].URL)
	}
	// Dead ones were removed by the first listing.
	for _, m := range []Metadata{reused, dead} {
		if _, err := os.Stat(filepath.Join(r.Dir(), FileName(m.InstanceID))); !os.IsNotExist(err) {
			t.Errorf("dead instance %s not removed: %v", m.InstanceID, err)
		}
	}
	list, err = r.List(ctx, ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	got := statuses(list)
	want := map[string]Status{healthy.InstanceID: StatusHealthy, otherID.InstanceID: StatusUnresponsive, orphan.InstanceID: StatusOrphaned}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	order := []string{orphan.InstanceID, healthy.InstanceID, otherID.InstanceID}
	for i, in := range list {
		if in.InstanceID != order[i] {
			t.Errorf("position %d: %s, want %s (newest first)", i, in.InstanceID, order[i])
		}
	}
}

// Fifty sidecars that each answer only once all fifty requests have arrived:
// they can all be healthy only if the checks run at the same time.
func TestListChecksConcurrently(t *testing.T) {
	const n = 50
	// A generous time-out: the fifty requests need only arrive within it,
	// even on a loaded machine.
	r := openTemp(t, WithHealthTimeout(5*time.Second))
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	for range n {
		id := uuid.Must(uuid.NewV7()).String()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			if arrived++; arrived == n {
				close(all)
			}
			mu.Unlock()
			select {
			case <-all:
				w.Header().Set(InstanceIDHeader, id)
			case <-req.Context().Done():
			}
		}))
		t.Cleanup(srv.Close)
		register(t, r, func(m *Metadata) { m.InstanceID, m.Port = id, serverPort(t, srv) })
	}
	list, err := r.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("%d of %d instances healthy: the checks did not run concurrently", len(list), n)
	}
}

func TestInvalidFilesSkippedThenRemoved(t *testing.T) {
	now := time.Now()
	var logs bytes.Buffer
	var logMu sync.Mutex
	r := openTemp(t,
		WithClock(func() time.Time { logMu.Lock(); defer logMu.Unlock(); return now }),
		WithLogger(slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	spot := proctest.Sleeper(t)
	good := register(t, r, func(m *Metadata) { m.PID, m.PIDStartTime, m.Port = spot.PID, spot.Start, testutil.FreePort(t) })

	write := func(name, content string) string {
		if err := os.WriteFile(filepath.Join(r.Dir(), name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	i1, i2, i3 := id(), id(), id()
	invalid := []string{
		write(FileName(i1), `{"instanceId":"`+i1+`","port":12`),                        // truncated
		write(FileName(i2), `{"instanceId":"`+i2+`","port":"12","pid":1}`),             // wrong type
		write(FileName(i3), `{"instanceId":"`+id()+`","port":12,"pid":1}`),             // id mismatch
		write(FileName(id()), `{"instanceId":"x","port":12,"pid":1} trailing garbage`), // not JSON
	}
	foreign := []string{write("notes.txt", "x"), write("instance_not-a-uuid.json", "{}"), write("instance_"+strings.ToUpper(id())+".json", "{}")}

	list, err := r.List(context.Background(), ListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].InstanceID != good.InstanceID {
		t.Fatalf("list = %+v, want only the valid instance", list)
	}
	logMu.Lock()
	for _, name := range invalid {
		if !strings.Contains(logs.String(), name) {
			t.Errorf("invalid file %s not reported; log:\n%s", name, logs.String())
		}
	}
	now = now.Add(InvalidMaxAge + time.Second)
	logMu.Unlock()
	for _, name := range append(invalid, foreign...) {
		if _, err := os.Stat(filepath.Join(r.Dir(), name)); err != nil {
			t.Errorf("%s removed while young: %v", name, err)
		}
	}

	if _, err := r.Cleanup(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range invalid {
		if _, err := os.Stat(filepath.Join(r.Dir(), name)); !os.IsNotExist(err) {
			t.Errorf("old invalid file %s not removed: %v", name, err)
		}
	}
	for _, name := range append(foreign, FileName(good.InstanceID)) {
		if _, err := os.Stat(filepath.Join(r.Dir(), name)); err != nil {
			t.Errorf("%s should be left alone: %v", name, err)
		}
	}
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// 100 instances registering and unregistering while another goroutine lists:
// no error, and every listed entry is complete.
func TestConcurrentRegisterAndList(t *testing.T) {
	r := openTemp(t)
	pid, err := proc.StartTime(context.Background(), os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	mine := func() Metadata {
		m := testMetadata(t)
		m.Port, m.PIDStartTime = 1, pid // our own live process; port 1 refuses
		return m
	}
	// One entry stays for the whole test, so every listing has something.
	if err := r.Register(mine()); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	listed := make(chan error, 1)
	go func() {
		seen := 0
		defer func() { close(listed) }()
		for {
			select {
			case <-stop:
				if seen == 0 {
					listed <- fmt.Errorf("the lister never saw an entry")
				}
				return
			default:
			}
			list, err := r.List(context.Background(), ListOptions{All: true})
			if err != nil {
				listed <- err
				return
			}
			for _, in := range list {
				seen++
				if in.Command != "npm run dev" || len(in.CmdArgs) != 3 || in.CWD == "" || in.Status != StatusUnresponsive {
					listed <- fmt.Errorf("partial entry: %+v", in)
					return
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			for range 5 {
				m := mine()
				if err := r.Register(m); err != nil {
					t.Error(err)
					return
				}
				if err := r.Unregister(m.InstanceID); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	for err := range listed {
		t.Error(err)
	}
	if entries, _ := os.ReadDir(r.Dir()); len(entries) != 1 {
		t.Errorf("%d files left, want the 1 permanent one", len(entries))
	}
}
