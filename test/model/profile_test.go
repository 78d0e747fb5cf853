package model_test

import (
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// TestPythonProfile profiles a WSGI request with Debian's python3-sentry-sdk
// and reads it back from the real binary: a sampled profile of the python
// platform tied to its trace, whose flame graph holds the app's busy
// function as an in-app frame and the standard library as library frames.
func TestPythonProfile(t *testing.T) {
	testutil.PythonSDKScript(t) // fails clearly without the SDK
	root, err := testutil.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	sidecar := testutil.StartSidecar(t, bins.spotlight, nil)
	cmd := exec.Command(testutil.DebianPython, filepath.Join(root, "test", "python", "send_profile.py"), strings.Replace(sidecar.URL, "://", "://public@", 1)+"/0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("send_profile.py: %v\n%s", err, out)
	}
	var profiles list
	testutil.Eventually(t, wait, func() bool {
		profiles = apiList(t, sidecar, "/api/profiles")
		return profiles.Total == 1
	}, "the Python SDK's profile never arrived")
	p := profiles.Items[0]
	if p["platform"] != "python" || p["format"] != "sampled" || p["transaction"] != "generic WSGI request" || p["traceId"] == nil || p["sampleCount"].(float64) == 0 {
		t.Fatalf("profile %v", p)
	}
	var detail struct {
		Flame struct {
			Samples int
			Frames  []struct {
				Function, File string
				InApp          bool
			}
		}
	}
	getJSON(t, sidecar.URL+"/api/profiles/"+url.PathEscape(p["id"].(string)), &detail)
	var app, lib bool
	for _, f := range detail.Flame.Frames {
		if f.Function == "busy_checkout" {
			app = f.InApp
		}
		if strings.Contains(f.File, "wsgiref") && !f.InApp {
			lib = true
		}
	}
	if detail.Flame.Samples == 0 || !app || !lib {
		t.Fatalf("flame graph of %d samples: busy_checkout in-app %v, wsgiref as library %v: %+v", detail.Flame.Samples, app, lib, detail.Flame.Frames)
	}
	// The trace links to the same samples.
	var sp struct{ Flame struct{ Samples int } }
	getJSON(t, sidecar.URL+"/api/traces/"+p["traceId"].(string)+"/profile", &sp)
	if sp.Flame.Samples == 0 {
		t.Fatal("the trace has no profile samples")
	}
}
