package controlcenter

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// heldEnvelope is one element of GET /api/envelopes.
type heldEnvelope struct {
	ID       string            `json:"id"`
	Envelope []json.RawMessage `json:"envelope"`
}

// origin is the spotlight_instance member of a merged envelope's header.
type origin struct {
	InstanceID string `json:"instanceId"`
	Project    string `json:"project"`
	Port       int    `json:"port"`
}

// heldCopy is one envelope of a list: its id, origin and items' JSON.
type heldCopy struct {
	id     string
	origin origin
	raw    string
}

// held lists the envelopes at url and, for each, its origin and raw JSON.
func held(t *testing.T, url string) []heldCopy {
	t.Helper()
	code, body := request(t, http.MethodGet, url, "", "", "")
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	var list []heldEnvelope
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
	out := make([]heldCopy, len(list))
	for i, e := range list {
		var h struct {
			Origin origin `json:"spotlight_instance"`
		}
		if len(e.Envelope) == 2 {
			_ = json.Unmarshal(e.Envelope[0], &h)
		}
		out[i] = heldCopy{e.ID, h.Origin, string(e.Envelope[1])}
	}
	return out
}

// errorEnvelope is an envelope with one error event whose message is msg.
func errorEnvelope(msg string) []byte {
	return fmt.Appendf(nil, "{}\n{\"type\":\"event\"}\n{\"level\":\"error\",\"platform\":\"go\",\"message\":%q}\n", msg)
}

type listed struct {
	InstanceID string `json:"instanceId"`
	Status     string `json:"status"`
	ExitedAt   string `json:"exitedAt"`
	Events     int    `json:"events"`
}

func listAll(t *testing.T, cc string) map[string]listed {
	t.Helper()
	_, body := request(t, http.MethodGet, cc+"/api/instances?all=1", "", "", "")
	var list []listed
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("instances list: %v\n%s", err, body)
	}
	out := map[string]listed{}
	for _, in := range list {
		out[in.InstanceID] = in
	}
	return out
}

// The Control Center follows every instance: their envelopes, and its own,
// are in its merged copy, each labelled with its instance; an instance that
// exits keeps its events there, listed as ended, until dismissed.
func TestFollowsInstances(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	a, b := w.start("app-a"), w.start("app-b")
	live := testutil.OpenSSE(t, cc.URL+"/stream?instance=all", "")

	for _, p := range []struct {
		url, msg string
	}{{a.URL, "error of a"}, {b.URL, "error of b"}, {cc.URL, "error sent to the control center"}} {
		if code, body := testutil.PostEnvelope(t, p.url+"/stream", errorEnvelope(p.msg)); code != http.StatusOK {
			t.Fatalf("POST to %s: %d %s", p.url, code, body)
		}
	}
	want := map[string]origin{
		"error of a":                       {a.meta.InstanceID, "app-a", a.meta.Port},
		"error of b":                       {b.meta.InstanceID, "app-b", b.meta.Port},
		"error sent to the control center": {"home", "", cc.Port},
	}
	var got map[string]origin
	testutil.Eventually(t, wait, func() bool {
		got = map[string]origin{}
		for _, e := range held(t, cc.URL+"/api/envelopes?instance=all") {
			for msg := range want {
				if strings.Contains(e.raw, msg) {
					got[msg] = e.origin
				}
			}
		}
		return len(got) == len(want)
	}, "the merged copy does not hold the three errors")
	for msg, o := range want {
		if got[msg] != o {
			t.Errorf("%q is labelled %+v, want %+v", msg, got[msg], o)
		}
	}
	// The live stream of the merged copy carries them too.
	seen := map[string]bool{}
	for len(seen) < len(want) {
		ev := live.NextNamed(t, "application/x-sentry-envelope", wait)
		for msg := range want {
			if strings.Contains(ev.Data, msg) && strings.Contains(ev.Data, `"spotlight_instance"`) {
				seen[msg] = true
			}
		}
	}
	// `spotlight tail --all-instances` prints them with an instance column.
	tail := testutil.Start(t, bin, w.env, "tail", "errors", "--all-instances", "-f", "json", "-p", fmt.Sprint(cc.Port))
	wantLines := map[string]string{
		"error of a":                       "app-a@" + fmt.Sprint(a.meta.Port),
		"error of b":                       "app-b@" + fmt.Sprint(b.meta.Port),
		"error sent to the control center": "direct@" + fmt.Sprint(cc.Port),
	}
	testutil.Eventually(t, wait, func() bool {
		found := 0
		for _, line := range strings.Split(tail.Stdout.String(), "\n") {
			var rec struct{ Instance, Message string }
			if json.Unmarshal([]byte(line), &rec) == nil && wantLines[rec.Message] == rec.Instance {
				found++
			}
		}
		return found == len(wantLines)
	}, "tail --all-instances did not print the three errors with their instances; stdout:\n%s\nstderr:\n%s", tail.Stdout, tail.Stderr)
	tail.Stop(t)

	// The event model of the copy labels every error with its instance.
	if got := errorInstances(t, cc.URL+"/api/errors?instance=all"); !maps.Equal(got, want) {
		t.Errorf("GET /api/errors?instance=all: %+v, want %+v", got, want)
	}
	if got := errorInstances(t, cc.URL+"/api/errors?instance="+b.meta.InstanceID); len(got) != 1 || got["error of b"] != want["error of b"] {
		t.Errorf("GET /api/errors?instance=<b>: %+v", got)
	}
	// Each one's envelope, with its label, downloads from the copy.
	for _, e := range held(t, cc.URL+"/api/envelopes?instance=all") {
		code, body := request(t, http.MethodGet, cc.URL+"/envelope/"+e.id+"?instance=all", "", "", "")
		msg := ""
		for m := range want {
			if strings.Contains(e.raw, m) {
				msg = m
			}
		}
		if code != http.StatusOK || !strings.Contains(body, `"spotlight_instance":{"instanceId":"`+e.origin.InstanceID) || msg == "" || !strings.Contains(body, msg) {
			t.Errorf("GET /envelope/%s?instance=all: %d %s", e.id, code, body)
		}
	}
	// The instance's own sidecar is unchanged, and holds no one else's.
	if own := held(t, a.URL+"/api/envelopes"); len(own) != 1 || !strings.Contains(own[0].raw, "error of a") || own[0].origin != (origin{}) {
		t.Errorf("instance a's own buffer: %+v", own)
	}
	if code, body := request(t, http.MethodGet, a.URL+"/api/envelopes?instance=all", "", "", ""); code != http.StatusNotFound || !strings.Contains(body, "Control Center") {
		t.Errorf("?instance=all on an instance: %d %s", code, body)
	}
	if code, body := request(t, http.MethodGet, cc.URL+"/api/envelopes?instance=nope", "", "", ""); code != http.StatusNotFound || !strings.Contains(body, "instance id") {
		t.Errorf("?instance=nope: %d %s", code, body)
	}

	// a exits: its error stays, under an ended instance.
	if err := a.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	a.Wait(t, wait)
	var ended listed
	testutil.Eventually(t, wait, func() bool {
		ended = listAll(t, cc.URL)[a.meta.InstanceID]
		return ended.Status == "ended"
	}, "instance a is not listed as ended")
	if ended.ExitedAt == "" || ended.Events != 1 {
		t.Errorf("ended instance: %+v, want an exit time and 1 event", ended)
	}
	if only := held(t, cc.URL+"/api/envelopes?instance="+a.meta.InstanceID); len(only) != 1 || !strings.Contains(only[0].raw, "error of a") {
		t.Errorf("instance a's events in the Control Center: %+v", only)
	}
	if code, body := request(t, http.MethodPost, cc.URL+"/api/instances/"+b.meta.InstanceID+"/dismiss", "", "", ""); code != http.StatusConflict {
		t.Errorf("dismissing a running instance: %d %s", code, body)
	}
	if code, body := request(t, http.MethodPost, cc.URL+"/api/instances/"+a.meta.InstanceID+"/dismiss", "", "", ""); code != http.StatusNoContent {
		t.Fatalf("dismiss: %d %s", code, body)
	}
	if _, ok := listAll(t, cc.URL)[a.meta.InstanceID]; ok {
		t.Error("a dismissed instance is still listed")
	}
	for _, e := range held(t, cc.URL+"/api/envelopes?instance=all") {
		if e.origin.InstanceID == a.meta.InstanceID {
			t.Errorf("a dismissed instance's event is still in the all-instances view: %s", e.raw)
		}
	}
	if _, ok := errorInstances(t, cc.URL+"/api/errors?instance=all")["error of a"]; ok {
		t.Error("a dismissed instance's error is still listed by GET /api/errors?instance=all")
	}
}

// errorInstances lists the errors at url: title and instance.
func errorInstances(t *testing.T, url string) map[string]origin {
	t.Helper()
	code, body := request(t, http.MethodGet, url, "", "", "")
	var list struct {
		Items []struct {
			Title    string
			Instance *struct {
				ID      string
				Project string
				Port    int
			}
		}
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	out := map[string]origin{}
	for _, e := range list.Items {
		if e.Instance != nil {
			out[e.Title] = origin{e.Instance.ID, e.Instance.Project, e.Instance.Port}
		}
	}
	return out
}

// A short `spotlight run` whose child (the real @sentry/node SDK) sends an
// error and exits at once: the Control Center still has the error, under
// the ended instance.
func TestShortRunKeepsItsEvents(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	script := testutil.NodeSDKScript(t)
	dir := filepath.Join(t.TempDir(), "short-script")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "node", script, "short-marker")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), w.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("spotlight run: %v\n%s", err, out)
	}
	var id string
	for _, e := range held(t, cc.URL+"/api/envelopes?instance=all") {
		if strings.Contains(e.raw, "boom short-marker") && e.origin.Project == "short-script" {
			id = e.origin.InstanceID
		}
	}
	if id == "" {
		t.Fatalf("the Control Center lost the error of a run that exited: %+v", held(t, cc.URL+"/api/envelopes?instance=all"))
	}
	testutil.Eventually(t, wait, func() bool { return listAll(t, cc.URL)[id].Status == "ended" },
		"the exited run is not listed as ended: %+v", listAll(t, cc.URL))
}

// GET /stream?instances=1 is the light connection of a page viewing
// another instance: instance announcements only, never an envelope.
func TestInstanceEventsOnly(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	post := func(msg string) {
		if code, body := testutil.PostEnvelope(t, cc.URL+"/stream", errorEnvelope(msg)); code != http.StatusOK {
			t.Fatalf("POST: %d %s", code, body)
		}
	}
	post("held before")
	light := testutil.OpenSSE(t, cc.URL+"/stream?instances=1", "")
	in := w.start("announced")
	post("sent after")
	in.Stop(t)
	// Every event until the instance is announced dead is an announcement.
	for {
		ev := light.Next(t, wait)
		if ev.Name != "spotlight/instance-ping" {
			t.Fatalf("the instances-only stream carried a %s event: %.200s", ev.Name, ev.Data)
		}
		var got listed
		if err := json.Unmarshal([]byte(ev.Data), &got); err != nil {
			t.Fatal(err)
		}
		if got.InstanceID == in.meta.InstanceID && got.Status == "dead" {
			return
		}
	}
}

// A trace that crosses two instances (a frontend calling an API with the
// SDK's sentry-trace and baggage headers, both real @sentry/node apps under
// `spotlight run`) is one trace in the Control Center's event model, each
// span labelled with its instance.
func TestTraceAcrossInstances(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	script := testutil.NodeScript(t, "trace-pair.mjs")
	run := func(project string, args ...string) *testutil.Process {
		dir := filepath.Join(t.TempDir(), project)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return testutil.Start(t, "sh", w.env, append([]string{"-c", `cd "$1" && shift && exec "$@"`, "sh", dir, bin, "run", "node", script}, args...)...)
	}
	// field waits for "<name> <value>" on p's stdout.
	field := func(p *testutil.Process, name string) string {
		var v string
		testutil.Eventually(t, wait, func() bool {
			for _, line := range strings.Split(p.Stdout.String(), "\n") {
				if rest, ok := strings.CutPrefix(line, name+" "); ok {
					v = strings.TrimSpace(rest)
					return true
				}
			}
			return false
		}, "no %q line; stdout:\n%s\nstderr:\n%s", name, p.Stdout, p.Stderr)
		return v
	}
	api := run("inventory-api", "server")
	web := run("shop-web", "client", "http://127.0.0.1:"+field(api, "listening")+"/inventory")
	traceID := field(web, "trace")

	type traceSpan struct {
		SpanID       string `json:"spanId"`
		ParentSpanID string `json:"parentSpanId"`
		Name         string `json:"name"`
		Instance     *struct{ Project string }
	}
	var trace struct {
		Instances []struct{ Project string }
		Spans     []traceSpan
	}
	testutil.Eventually(t, wait, func() bool {
		code, body := request(t, http.MethodGet, cc.URL+"/api/traces/"+traceID+"?instance=all", "", "", "")
		if code != http.StatusOK || json.Unmarshal([]byte(body), &trace) != nil {
			return false
		}
		projects := map[string]bool{}
		for _, s := range trace.Spans {
			if s.Instance != nil {
				projects[s.Instance.Project] = true
			}
		}
		return projects["inventory-api"] && projects["shop-web"] &&
			slices.ContainsFunc(trace.Spans, func(s traceSpan) bool { return s.Name == "SELECT * FROM inventory" })
	}, "the Control Center has no trace %s with spans of both apps: %+v", traceID, trace)
	// The API's spans hang under the frontend's: one tree, one root.
	roots := 0
	ids := map[string]string{}
	for _, s := range trace.Spans {
		ids[s.SpanID] = s.Instance.Project
		if s.ParentSpanID == "" {
			roots++
		}
	}
	crossing := false
	for _, s := range trace.Spans {
		if s.ParentSpanID != "" && ids[s.ParentSpanID] == "shop-web" && s.Instance.Project == "inventory-api" {
			crossing = true
		}
	}
	if roots != 1 || !crossing || len(trace.Instances) != 2 {
		t.Errorf("trace %s: %d roots, an API span under a frontend span: %v, instances %+v; spans %+v", traceID, roots, crossing, trace.Instances, trace.Spans)
	}
	// Each instance alone holds its own part only.
	code, body := request(t, http.MethodGet, "http://localhost:"+fmt.Sprint(portOf(t, w, "inventory-api"))+"/api/traces/"+traceID, "", "", "")
	if code != http.StatusOK || strings.Contains(body, "GET /checkout\"") {
		t.Errorf("the API instance's own trace: %d %s", code, body)
	}
}

// portOf is the port of the registered instance of project.
func portOf(t *testing.T, w *world, project string) int {
	t.Helper()
	entries, err := w.registry().Entries()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range entries {
		if m.ProjectName == project {
			return m.Port
		}
	}
	t.Fatalf("no instance of %s is registered", project)
	return 0
}
