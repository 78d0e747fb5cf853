//go:build conformance

package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// profileFixtures are the fixtures that carry a profile: each must be
// listed by GET /api/profiles and have a flame graph.
var profileFixtures = map[string]struct {
	format, platform string
	samples          int
	cut              bool // declared length wrong: the profile says what was cut
}{
	"enveplope_browser_js_profile.bin":                                         {"sampled", "javascript", 368, false},
	"continuous_profiling/profile_chunk_1.txt":                                 {"continuous", "cocoa", 7, true},
	"continuous_profiling/profile_chunk_2.txt":                                 {"continuous", "cocoa", 7, true},
	"large_sentry_transaction/application_x_sentry_envelope-1701423930091.txt": {"sampled", "", 0, false},
}

type flameAnswer struct {
	Samples int `json:"samples"`
	Idle    int `json:"idle"`
	Frames  []struct {
		Function string `json:"function"`
		File     string `json:"file"`
		InApp    bool   `json:"inApp"`
	} `json:"frames"`
	Nodes []struct {
		F, D, X, T, S int
	} `json:"nodes"`
	Functions []struct{ F, Self, Total int } `json:"functions"`
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
	}
	return resp.StatusCode
}

// checkFlame checks the invariants of an icicle: children inside their
// parent, widths summing to the sample count, self <= total.
func checkFlame(t *testing.T, what string, f flameAnswer) {
	t.Helper()
	if f.Samples == 0 || len(f.Nodes) == 0 || len(f.Functions) == 0 {
		t.Fatalf("%s: empty flame graph: %+v", what, f)
	}
	roots := 0
	var stack []int // node indexes of the current path
	for i, n := range f.Nodes {
		if n.F < 0 || n.F >= len(f.Frames) || n.S > n.T || n.T <= 0 {
			t.Fatalf("%s: node %d is wrong: %+v", what, i, n)
		}
		stack = stack[:min(len(stack), n.D)]
		if n.D == 0 {
			roots += n.T
		} else {
			if len(stack) != n.D {
				t.Fatalf("%s: node %d at depth %d has no parent", what, i, n.D)
			}
			p := f.Nodes[stack[n.D-1]]
			if n.X < p.X || n.X+n.T > p.X+p.T {
				t.Fatalf("%s: node %d %+v lies outside its parent %+v", what, i, n, p)
			}
		}
		stack = append(stack, i)
	}
	if roots+f.Idle != f.Samples {
		t.Fatalf("%s: the roots hold %d samples and %d are idle, of %d", what, roots, f.Idle, f.Samples)
	}
}

// TestFixtureProfiles posts every fixture to the real binary and checks that
// each profile is listed with its platform, samples and flame graph, that
// the damaged chunks say what was cut, and that the continuous profiling
// transaction's spans find their chunks' samples.
func TestFixtureProfiles(t *testing.T) {
	sidecar := struct{ URL string }{postAll(t)}
	var list struct {
		Items []struct {
			ID, Format, Platform, EnvelopeID, TraceID string
			Transaction                               string
			SampleCount                               int
			DurationMs                                float64
			Cut                                       []string
		} `json:"items"`
		Total int `json:"total"`
	}
	if getJSON(t, sidecar.URL+"/api/profiles", &list) != http.StatusOK {
		t.Fatal("GET /api/profiles failed")
	}
	if list.Total != len(profileFixtures) {
		t.Fatalf("GET /api/profiles lists %d profiles, want %d: %+v", list.Total, len(profileFixtures), list.Items)
	}
	seen := 0
	for _, p := range list.Items {
		var want struct {
			format, platform string
			samples          int
			cut              bool
		}
		found := ""
		for name, w := range profileFixtures {
			if (w.format == p.Format) && (w.samples == 0 || w.samples == p.SampleCount) && (w.platform == "" || w.platform == p.Platform) {
				if w.cut == (len(p.Cut) > 0) {
					want, found = w, name
				}
			}
		}
		if found == "" {
			t.Fatalf("profile %+v matches no fixture", p)
		}
		seen++
		if p.SampleCount == 0 || p.DurationMs <= 0 {
			t.Errorf("%s: profile has %d samples over %v ms", found, p.SampleCount, p.DurationMs)
		}
		if want.cut && !strings.Contains(strings.Join(p.Cut, " "), "declares") {
			t.Errorf("%s: cut = %q, want the declared and received lengths", found, p.Cut)
		}
		if p.Format == "sampled" && (p.Transaction == "" || p.TraceID == "") {
			t.Errorf("%s: a transaction profile names no transaction/trace: %+v", found, p)
		}
		var detail struct {
			Flame flameAnswer `json:"flame"`
		}
		if getJSON(t, sidecar.URL+"/api/profiles/"+url.PathEscape(p.ID), &detail) != http.StatusOK {
			t.Fatalf("GET /api/profiles/%s failed", p.ID)
		}
		checkFlame(t, found, detail.Flame)
		if detail.Flame.Samples != p.SampleCount {
			t.Errorf("%s: flame graph of %d samples, the profile has %d (one thread)", found, detail.Flame.Samples, p.SampleCount)
		}
	}

	// The browser profile tells library frames (node_modules) from the app's.
	var js flameAnswer
	for _, p := range list.Items {
		if p.Platform == "javascript" && p.SampleCount == 368 {
			var d struct {
				Flame flameAnswer `json:"flame"`
			}
			getJSON(t, sidecar.URL+"/api/profiles/"+url.PathEscape(p.ID), &d)
			js = d.Flame
		}
	}
	lib, app := 0, 0
	for _, f := range js.Frames {
		switch {
		case strings.Contains(f.File, "node_modules") && f.InApp:
			t.Errorf("library frame marked in-app: %+v", f)
		case strings.Contains(f.File, "node_modules"):
			lib++
		case f.InApp:
			app++
		}
	}
	if lib == 0 || app == 0 {
		t.Errorf("browser profile: %d library and %d in-app frames; want both", lib, app)
	}

	// Continuous profiling: the ui.load span (thread 259) gets chunk 2's
	// view-loading samples, not chunk 1's app launch.
	var span struct {
		Profiles []struct{ ID string } `json:"profiles"`
		Flame    flameAnswer           `json:"flame"`
	}
	u := sidecar.URL + "/api/traces/f1e2d3c4b5a6978012345678901234ab/profile?spanId=span2345678901bc"
	if st := getJSON(t, u, &span); st != http.StatusOK {
		t.Fatalf("GET %s = %d", u, st)
	}
	checkFlame(t, "ui.load span", span.Flame)
	names := ""
	for _, f := range span.Flame.Frames {
		names += f.Function + " "
	}
	if !strings.Contains(names, "viewDidLoad") || strings.Contains(names, "AppDelegate") || span.Flame.Samples != 6 {
		// chunk 2's first sample (11.573) is 0.779 ms before the span starts
		t.Errorf("ui.load span: %d samples of %s; want the 6 view-loading samples in its time only", span.Flame.Samples, names)
	}
	// The browser profile's trace: the whole trace's samples.
	var whole struct {
		Flame flameAnswer `json:"flame"`
	}
	if st := getJSON(t, sidecar.URL+"/api/traces/102da487eb584409b2bc4d9ea35e485f/profile", &whole); st != http.StatusOK || whole.Flame.Samples != 368 {
		t.Errorf("browser trace profile: %d, %d samples; want 368", st, whole.Flame.Samples)
	}
}
