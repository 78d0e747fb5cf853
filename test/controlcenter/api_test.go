package controlcenter

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

func fmtMeta(m registry.Metadata) string { return fmt.Sprintf("%+v", m) }

func request(t *testing.T, method, url, contentType, origin, body string) (int, string) {
	t.Helper()
	code, body, _ := requestHeaders(t, method, url, contentType, origin, body)
	return code, body
}

func requestHeaders(t *testing.T, method, url, contentType, origin, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := (&http.Client{Timeout: wait}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp.Header
}

// instanceEvents waits until spotlight/instance-ping events about id with
// each of the statuses have arrived, in any order ("" is the instance's own
// ping, whose data is bare metadata), and returns them by status.
func instanceEvents(t *testing.T, sse *testutil.SSE, id string, statuses ...registry.Status) map[registry.Status]registry.Instance {
	t.Helper()
	got := map[registry.Status]registry.Instance{}
	deadline := time.Now().Add(wait)
	for len(got) < len(statuses) {
		ev := sse.NextNamed(t, "spotlight/instance-ping", time.Until(deadline))
		var in registry.Instance
		if err := json.Unmarshal([]byte(ev.Data), &in); err != nil {
			t.Fatalf("instance-ping data is not metadata JSON: %v\n%s", err, ev.Data)
		}
		if in.InstanceID == id && slices.Contains(statuses, in.Status) {
			got[in.Status] = in
		}
	}
	return got
}

// The Control Center (a plain sidecar) serves the instances API over the
// same registry as the `spotlight run` instances, and announces them on its
// stream.
func TestInstancesAPI(t *testing.T) {
	w := newWorld(t)
	cc := w.controlCenter()
	sse := testutil.OpenSSE(t, cc.URL+"/stream", "")

	in := w.start("api-app")
	// Its own ping, and the registry watch's announcement, reach the stream.
	for _, got := range instanceEvents(t, sse, in.meta.InstanceID, "", registry.StatusHealthy) {
		if fmtMeta(got.Metadata) != fmtMeta(in.meta) {
			t.Errorf("announced %+v, want %+v", got.Metadata, in.meta)
		}
	}

	code, body := request(t, "GET", cc.URL+"/api/instances", "", "", "")
	var list []registry.Instance
	if code != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list) != 1 || list[0].InstanceID != in.meta.InstanceID || list[0].Status != registry.StatusHealthy {
		t.Fatalf("GET /api/instances: %d %s", code, body)
	}
	code, body = request(t, "GET", cc.URL+"/api/instances/current", "", "", "")
	if code != 200 || !strings.Contains(body, `"controlCenter":true`) {
		t.Errorf("current of the Control Center: %d %s", code, body)
	}
	code, body = request(t, "GET", in.URL+"/api/instances/current", "", "", "")
	if code != 200 || !strings.Contains(body, `"instanceId":"`+in.meta.InstanceID+`"`) {
		t.Errorf("current of the instance: %d %s", code, body)
	}

	// A web page elsewhere cannot read command lines and paths (no CORS
	// grant for it) nor terminate the developer's processes.
	if _, _, h := requestHeaders(t, "GET", cc.URL+"/api/instances", "", "https://evil.example", ""); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a foreign origin may read the instances: Access-Control-Allow-Origin %q", h.Get("Access-Control-Allow-Origin"))
	}
	if _, _, h := requestHeaders(t, "GET", cc.URL+"/api/instances", "", cc.URL, ""); h.Get("Access-Control-Allow-Origin") != cc.URL {
		t.Errorf("the Control Center's own page may not read the instances: Access-Control-Allow-Origin %q", h.Get("Access-Control-Allow-Origin"))
	}
	terminate := cc.URL + "/api/instances/" + in.meta.InstanceID + "/terminate"
	if code, body := request(t, "POST", terminate, "", "https://evil.example", ""); code != http.StatusForbidden {
		t.Errorf("terminate from a foreign Origin: %d %s", code, body)
	}
	if !in.alive() || !in.childAlive() || !w.fileExists(in.meta.InstanceID) {
		t.Fatal("a refused terminate touched the instance")
	}
	for _, path := range []string{"/api/instances/..%2F..%2Fhealth/terminate", "/api/instances/..%2F..%2F" + in.meta.InstanceID + "/terminate"} {
		if code, body := request(t, "POST", cc.URL+path, "", "", ""); code != http.StatusBadRequest {
			t.Errorf("POST %s: %d %s, want 400", path, code, body)
		}
	}
	for _, bad := range []struct{ contentType, body string }{
		{"application/json", `{"instanceId":"x","port":1,"pid":1}`},
		{"application/json", `{"instanceId":"` + in.meta.InstanceID + `","port":0,"pid":1}`},
		{"application/json", `not json`},
		{"text/plain", `{}`},
	} {
		if code, body := request(t, "POST", cc.URL+"/api/instances/ping", bad.contentType, "", bad.body); code != http.StatusBadRequest {
			t.Errorf("ping %s %s: %d %s, want 400", bad.contentType, bad.body, code, body)
		}
	}

	// SIGKILL leaves the file: the watch announces the orphan.
	_ = proc.Signal(in.meta.PID, syscall.SIGKILL)
	<-in.Done()
	instanceEvents(t, sse, in.meta.InstanceID, registry.StatusOrphaned)

	// The Control Center's own page may terminate it.
	code, body = request(t, "POST", terminate, "", cc.URL, "")
	var res registry.TerminateResult
	if code != 200 || json.Unmarshal([]byte(body), &res) != nil || res.Result != registry.Terminated {
		t.Fatalf("terminate: %d %s", code, body)
	}
	if proc.GroupAlive(in.meta.ChildPID) {
		t.Error("the orphaned child's group survived")
	}
	instanceEvents(t, sse, in.meta.InstanceID, registry.StatusDead)
	if code, body := request(t, "POST", terminate, "", "", ""); code != http.StatusNotFound {
		t.Errorf("terminate again: %d %s, want 404", code, body)
	}
}
