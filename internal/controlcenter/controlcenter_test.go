//go:build !windows

package controlcenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/proc/proctest"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

type fixture struct {
	reg *registry.Registry
	buf *buffer.Buffer
	srv *httptest.Server
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	reg, err := registry.Open(filepath.Join(t.TempDir(), "instances"), registry.WithGracePeriod(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{reg: reg, buf: buffer.New(buffer.Options{})}
	opts := Options{Registry: reg, Buffer: f.buf, Port: func() int { return 8969 }, PID: 4242}
	if mod != nil {
		mod(&opts)
	}
	f.srv = httptest.NewServer(NewHandler(opts))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) do(t *testing.T, method, path, contentType string, body []byte) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, data, resp.Header
}

func metadata(pid int, start int64, port int) registry.Metadata {
	return registry.Metadata{
		InstanceID: uuid.Must(uuid.NewV7()).String(), Port: port, PID: pid, PIDStartTime: start,
		Command: "sleep 300", CmdArgs: []string{"sleep", "300"}, CWD: "/tmp/app",
		StartTime: time.Now().UTC().Format(time.RFC3339), ProjectName: "app", DetectedType: "command",
	}
}

// healthServer answers /health like the sidecar of instance id; close
// stops it.
func healthServer(t *testing.T, id string) (port int, close func()) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(registry.InstanceIDHeader, id)
	}))
	t.Cleanup(srv.Close)
	port, _ = strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	return port, srv.Close
}

func decodeList(t *testing.T, data []byte) []registry.Instance {
	t.Helper()
	var list []registry.Instance
	if err := json.Unmarshal(data, &list); err != nil || list == nil {
		t.Fatalf("not a JSON array: %v: %s", err, data)
	}
	return list
}

func TestListInstances(t *testing.T) {
	f := newFixture(t, nil)
	code, data, _ := f.do(t, "GET", "/api/instances", "", nil)
	if code != 200 || strings.TrimSpace(string(data)) != "[]" {
		t.Fatalf("empty: %d %s", code, data)
	}
	spot := proctest.Sleeper(t)
	healthy := metadata(spot.PID, spot.Start, 0)
	healthy.Port, _ = healthServer(t, healthy.InstanceID)
	hung := metadata(spot.PID, spot.Start, testutil.FreePort(t))
	for _, m := range []registry.Metadata{healthy, hung} {
		if err := f.reg.Register(m); err != nil {
			t.Fatal(err)
		}
	}
	_, data, _ = f.do(t, "GET", "/api/instances", "", nil)
	if list := decodeList(t, data); len(list) != 1 || list[0].InstanceID != healthy.InstanceID || list[0].Status != registry.StatusHealthy {
		t.Errorf("healthy only: %s", data)
	}
	_, data, _ = f.do(t, "GET", "/api/instances?all=1", "", nil)
	if list := decodeList(t, data); len(list) != 2 {
		t.Errorf("all: %s", data)
	}
}

func TestPing(t *testing.T) {
	f := newFixture(t, nil)
	sub := f.buf.Subscribe("")
	defer sub.Close()
	m := metadata(4242, 1, 3000)
	if err := f.reg.Register(m); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(m)
	if code, data, _ := f.do(t, "POST", "/api/instances/ping", "application/json; charset=utf-8", body); code != http.StatusNoContent {
		t.Fatalf("ping: %d %s", code, data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := sub.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var back registry.Metadata
	if len(got) != 1 || got[0].Event != buffer.EventInstancePing || json.Unmarshal(got[0].Data, &back) != nil || fmt.Sprint(back) != fmt.Sprint(m) {
		t.Fatalf("broadcast %+v", got)
	}
	if n, _ := f.buf.Len(); n != 0 {
		t.Errorf("a ping was stored in the buffer (%d entries)", n)
	}
}

// Finding 9: a local process pinged with a real instance id and another
// port, and the UI took that port. A ping is believed only when it matches
// the registry file of its id (port and pid), and then what is announced is
// the file's metadata.
func TestForgedPingsRefused(t *testing.T) {
	f := newFixture(t, nil)
	sub := f.buf.Subscribe("")
	defer sub.Close()
	real := metadata(4242, 1, 3000)
	if err := f.reg.Register(real); err != nil {
		t.Fatal(err)
	}
	for name, forge := range map[string]func(*registry.Metadata){
		"other port":   func(m *registry.Metadata) { m.Port = 6666 },
		"other pid":    func(m *registry.Metadata) { m.PID = 1 },
		"unregistered": func(m *registry.Metadata) { m.InstanceID = uuid.NewString() },
	} {
		m := real
		forge(&m)
		body, _ := json.Marshal(m)
		code, data, _ := f.do(t, "POST", "/api/instances/ping", "application/json", body)
		if code != http.StatusForbidden || !strings.Contains(string(data), "ping refused") {
			t.Errorf("%s: %d %s; want 403 saying why", name, code, data)
		}
	}
	if got := sub.TryNext(); got != nil {
		t.Fatalf("a forged ping was broadcast: %s", got[0].Data)
	}
}

func TestPingRejected(t *testing.T) {
	f := newFixture(t, nil)
	sub := f.buf.Subscribe("")
	defer sub.Close()
	valid := func(mod func(map[string]any)) []byte {
		m := map[string]any{"instanceId": uuid.NewString(), "port": 3000, "pid": 10}
		mod(m)
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name, contentType string
		body              []byte
		reason            string
	}{
		{"content type", "text/plain", valid(func(map[string]any) {}), "Content-Type"},
		{"no content type", "", valid(func(map[string]any) {}), "Content-Type"},
		{"not json", "application/json", []byte("{"), "not instance metadata"},
		{"wrong type", "application/json", valid(func(m map[string]any) { m["port"] = "3000" }), "not instance metadata"},
		{"id not uuid", "application/json", valid(func(m map[string]any) { m["instanceId"] = "../../x" }), "not a UUID"},
		{"no id", "application/json", valid(func(m map[string]any) { delete(m, "instanceId") }), "instanceId is missing"},
		{"port 0", "application/json", valid(func(m map[string]any) { m["port"] = 0 }), "port"},
		{"port too big", "application/json", valid(func(m map[string]any) { m["port"] = 65536 }), "port"},
		{"pid", "application/json", valid(func(m map[string]any) { m["pid"] = 0 }), "pid"},
		// Finding 7: 2^32+P passed and was truncated to P when signalled.
		{"pid beyond the OS's range", "application/json", valid(func(m map[string]any) { m["pid"] = int64(1)<<32 + 10 }), "beyond the operating system's PID range"},
		{"childPid beyond the OS's range", "application/json", valid(func(m map[string]any) { m["childPid"] = int64(1)<<32 + 10 }), "beyond the operating system's PID range"},
		{"too big", "application/json", valid(func(m map[string]any) { m["command"] = strings.Repeat("x", MaxPingBytes) }), "larger than"},
	}
	for _, c := range cases {
		code, data, _ := f.do(t, "POST", "/api/instances/ping", c.contentType, c.body)
		if code != http.StatusBadRequest || !strings.Contains(string(data), c.reason) {
			t.Errorf("%s: %d %s, want 400 with %q", c.name, code, data, c.reason)
		}
	}
	if got := sub.TryNext(); len(got) != 0 {
		t.Errorf("rejected pings were broadcast: %d", len(got))
	}
}

func TestTerminate(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/api/instances/..%2F..%2Fetc/terminate", "/api/instances/not-a-uuid/terminate", "/api/instances/" + strings.ToUpper(uuid.NewString()) + "/terminate"} {
		if code, data, _ := f.do(t, "POST", path, "", nil); code != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", path, code, data)
		}
	}
	if code, data, _ := f.do(t, "POST", "/api/instances/"+uuid.NewString()+"/terminate", "", nil); code != http.StatusNotFound {
		t.Errorf("unknown: %d %s", code, data)
	}
	spot := proctest.Sleeper(t)
	m := metadata(spot.PID, spot.Start, testutil.FreePort(t))
	if err := f.reg.Register(m); err != nil {
		t.Fatal(err)
	}
	code, data, _ := f.do(t, "POST", "/api/instances/"+m.InstanceID+"/terminate", "", nil)
	var res registry.TerminateResult
	if code != 200 || json.Unmarshal(data, &res) != nil || res.Result != registry.Terminated || res.InstanceID != m.InstanceID {
		t.Fatalf("terminate: %d %s", code, data)
	}
	<-spot.Done
	if code, _, _ := f.do(t, "POST", "/api/instances/"+m.InstanceID+"/terminate", "", nil); code != http.StatusNotFound {
		t.Errorf("second terminate: %d, want 404", code)
	}
}

func TestCurrent(t *testing.T) {
	f := newFixture(t, nil)
	_, data, _ := f.do(t, "GET", "/api/instances/current", "", nil)
	if strings.TrimSpace(string(data)) != `{"controlCenter":true,"pid":4242,"port":8969}` {
		t.Errorf("plain server: %s", data)
	}
	m := metadata(1, 2, 3000)
	f = newFixture(t, func(o *Options) { o.Self = func() *registry.Metadata { return &m } })
	code, data, _ := f.do(t, "GET", "/api/instances/current", "", nil)
	var back registry.Metadata
	if code != 200 || json.Unmarshal(data, &back) != nil || back.InstanceID != m.InstanceID {
		t.Errorf("under spotlight run: %d %s", code, data)
	}
}

func TestNoRegistry(t *testing.T) {
	why := errors.New("refusing registry directory /x: it is a symlink")
	f := newFixture(t, func(o *Options) { o.Registry, o.RegistryError = nil, why })
	code, data, h := f.do(t, "GET", "/api/instances", "", nil)
	if code != 200 || strings.TrimSpace(string(data)) != "[]" || h.Get("X-Spotlight-Registry-Error") != why.Error() {
		t.Errorf("list: %d %s %v", code, data, h)
	}
	code, data, _ = f.do(t, "POST", "/api/instances/"+uuid.NewString()+"/terminate", "", nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(string(data), "symlink") {
		t.Errorf("terminate: %d %s", code, data)
	}
	if err := Watch(context.Background(), Options{RegistryError: why}); !errors.Is(err, why) {
		t.Errorf("watch: %v", err)
	}
}

// nextInstance waits for the next instance announcement.
func nextInstance(t *testing.T, sub *buffer.Subscription) registry.Instance {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("no announcement: %v", err)
	}
	var in registry.Instance
	if got[0].Event != buffer.EventInstancePing || json.Unmarshal(got[0].Data, &in) != nil {
		t.Fatalf("bad announcement %s %s", got[0].Event, got[0].Data)
	}
	return in
}

func TestWatch(t *testing.T) {
	f := newFixture(t, nil)
	early := metadata(os.Getpid(), 0, testutil.FreePort(t)) // present before Watch: not announced
	if err := f.reg.Register(early); err != nil {
		t.Fatal(err)
	}
	sub := f.buf.Subscribe("")
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() { done <- watch(ctx, Options{Registry: f.reg, Buffer: f.buf}, func() { close(ready) }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
	}()

	spot, child := proctest.Sleeper(t), proctest.Sleeper(t)
	m := metadata(spot.PID, spot.Start, 0)
	port, stopSidecar := healthServer(t, m.InstanceID)
	m.Port = port
	m.ChildPID, m.ChildPIDStartTime = child.PID, child.Start
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("watch ended before it was ready: %v", err)
	}
	if err := f.reg.Register(m); err != nil {
		t.Fatal(err)
	}
	in := nextInstance(t, sub)
	if in.InstanceID != m.InstanceID || in.Status != registry.StatusHealthy || in.URL == "" {
		t.Fatalf("appeared: %+v", in)
	}
	spot.Kill() // SIGKILL: the file stays, the child lives
	stopSidecar()
	if in := nextInstance(t, sub); in.InstanceID != m.InstanceID || in.Status != registry.StatusOrphaned {
		t.Fatalf("after SIGKILL: %+v", in)
	}
	if err := f.reg.Unregister(m.InstanceID); err != nil {
		t.Fatal(err)
	}
	if in := nextInstance(t, sub); in.InstanceID != m.InstanceID || in.Status != registry.StatusDead {
		t.Fatalf("after removal: %+v", in)
	}
	if got := sub.TryNext(); len(got) != 0 {
		t.Errorf("unexpected announcements: %s", got[0].Data)
	}
}
