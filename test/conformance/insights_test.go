//go:build conformance

package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// postAll posts every fixture to a fresh real binary.
func postAll(t *testing.T) string {
	t.Helper()
	sidecar := testutil.StartSidecar(t, spotlightBin, nil)
	for _, f := range loadFixtures(t) {
		if f.want.doc {
			continue
		}
		if status, msg := testutil.PostEnvelope(t, sidecar.URL+"/stream", f.body); status != http.StatusOK {
			t.Fatalf("POST %s = %d %s", f.name, status, msg)
		}
	}
	return sidecar.URL
}

type queryGroup struct {
	ID, Statement, System string
	Count, Traces         int
	TotalMs, AvgMs, P95Ms float64
	NPlusOne              bool
	MaxRepeats            int
	Slowest, Spans        []struct {
		TraceID, SpanID, Transaction string
		DurationMs                   float64
	}
}

// TestFixtureQueries: the Django transactions' db spans are grouped by
// statement with literals and %s as placeholders, their figures add up,
// N+1 is flagged, and a group's detail lists its spans.
func TestFixtureQueries(t *testing.T) {
	base := postAll(t)
	var list struct{ Items []queryGroup }
	if getJSON(t, base+"/api/insights/queries", &list) != http.StatusOK || len(list.Items) == 0 {
		t.Fatalf("GET /api/insights/queries: %+v", list)
	}
	nplus := 0
	django := 0
	for i, g := range list.Items {
		if strings.Contains(g.Statement, "%s") {
			t.Errorf("%s: the Python placeholder is left in", g.Statement)
		}
		if g.Count < 1 || g.Traces < 1 || g.Traces > g.Count || g.P95Ms > g.TotalMs+1e-6 || len(g.Slowest) == 0 || len(g.Slowest) > 5 {
			t.Errorf("group %d has inconsistent figures: %+v", i, g)
		}
		if i > 0 && g.TotalMs > list.Items[i-1].TotalMs {
			t.Errorf("groups not ordered by total time: %v after %v", g.TotalMs, list.Items[i-1].TotalMs)
		}
		if g.NPlusOne {
			nplus++
			if g.MaxRepeats < 3 {
				t.Errorf("N+1 with %d repeats: %+v", g.MaxRepeats, g)
			}
		}
		if g.System == "postgresql" && strings.Contains(g.Statement, "sentry_") {
			django++
		}
	}
	t.Logf("%d groups, %d from the Django fixtures, %d flagged N+1", len(list.Items), django, nplus)
	if django == 0 {
		t.Fatal("no query group from the Django (sentry.python.django) transactions")
	}
	if nplus == 0 {
		t.Fatal("no N+1 group: the Django transactions repeat statements within one trace")
	}
	g := list.Items[0]
	var one queryGroup
	if getJSON(t, base+"/api/insights/queries/"+g.ID, &one) != http.StatusOK || len(one.Spans) != g.Count || one.Statement != g.Statement {
		t.Fatalf("detail of %s: %d spans, want %d", g.ID, len(one.Spans), g.Count)
	}
	var onlyN struct{ Items []queryGroup }
	getJSON(t, base+"/api/insights/queries?nplusone=1", &onlyN)
	if len(onlyN.Items) != nplus {
		t.Fatalf("?nplusone=1 lists %d groups, want %d", len(onlyN.Items), nplus)
	}
	if getJSON(t, base+"/api/insights/queries/0000000000000000", &one) != http.StatusNotFound {
		t.Fatal("an unknown group is not 404")
	}
}

// TestFixtureWebVitals: the Astro browser pageload gives FCP and TTFB of
// page "/", scored against the web.dev thresholds; the standalone INP span
// gives its page's INP; a page's samples link to their traces.
func TestFixtureWebVitals(t *testing.T) {
	base := postAll(t)
	type vital struct {
		Name    string
		P75     float64
		Score   string
		Samples int
	}
	type page struct {
		Page    string
		Vitals  []vital
		Loads   int
		Samples []struct {
			Name, Score, TraceID, SpanID, Op string
			Value                            float64
		}
	}
	var list struct{ Items []page }
	getJSON(t, base+"/api/insights/web-vitals", &list)
	byPage := map[string]page{}
	for _, p := range list.Items {
		byPage[p.Page] = p
	}
	home, ok := byPage["/"]
	if !ok {
		t.Fatalf("no web vitals of the Astro pageload \"/\": %+v", list.Items)
	}
	// envelope_with_only_span.txt: a 5576 ms INP on /errors: poor (> 500 ms).
	if v := byPage["/errors"].Vitals; len(v) != 1 || v[0].Name != "inp" || v[0].Score != "poor" {
		t.Errorf("INP of /errors: %+v", byPage["/errors"])
	}
	var detail page
	if getJSON(t, base+"/api/insights/web-vitals?page="+url.QueryEscape("/"), &detail) != http.StatusOK || len(detail.Samples) == 0 {
		t.Fatalf("page detail of /: %+v", detail)
	}
	n := 0
	for _, v := range home.Vitals {
		n += v.Samples
	}
	if n != len(detail.Samples) || home.Loads < 1 {
		t.Errorf("/ lists %d samples, its vitals count %d (%d loads)", len(detail.Samples), n, home.Loads)
	}
	// envelope_astro_ssr_browser.txt: fcp 57.6 ms, ttfb 29.8 ms: both good.
	astro := map[string]string{}
	for _, s := range detail.Samples {
		if s.TraceID == "ed1cd30977884f0788af428c1da0e8cf" {
			astro[s.Name] = s.Score
		}
	}
	if astro["fcp"] != "good" || astro["ttfb"] != "good" {
		t.Errorf("the Astro pageload's samples: %v", astro)
	}
	for _, s := range detail.Samples {
		var tr struct{ TraceID string }
		if getJSON(t, base+"/api/traces/"+s.TraceID, &tr) != http.StatusOK {
			t.Errorf("sample %+v links to trace %s, which is not held", s, s.TraceID)
		}
	}
}

// TestFixtureResources: the Astro pageload's resource spans grouped by URL
// without query and type, with sizes and render-blocking status.
func TestFixtureResources(t *testing.T) {
	base := postAll(t)
	var list struct {
		Items []struct {
			URL, Type, RenderBlocking                                 string
			Count                                                     int
			AvgMs, AvgTransferBytes, AvgDecodedBytes, AvgEncodedBytes float64
		}
	}
	getJSON(t, base+"/api/insights/resources", &list)
	types := map[string]int{}
	found := false
	for _, r := range list.Items {
		types[r.Type]++
		if strings.ContainsAny(r.URL, "?#") {
			t.Errorf("%s: query string kept", r.URL)
		}
		if r.URL == "/@id/astro:scripts/page.js" {
			found = true
			if r.Type != "script" || r.Count != 1 || r.AvgDecodedBytes != 356 || r.AvgTransferBytes != 656 || r.RenderBlocking != "non-blocking" {
				t.Errorf("/@id/astro:scripts/page.js: %+v", r)
			}
		}
		if r.URL == "/node_modules/.vite/deps/@sentry_astro.js" && r.Type != "script" {
			t.Errorf("a .js resource sent as resource.other is of type %s", r.Type)
		}
	}
	if !found || types["script"] == 0 || types["css"] == 0 || types["img"] == 0 {
		t.Fatalf("resources by type %v (found /@id/astro:scripts/page.js: %v): %+v", types, found, list.Items)
	}
}

// TestFixtureInspector: every fixture held is in the inspector, each item
// says where it went or why nowhere, and each opens with its payload.
func TestFixtureInspector(t *testing.T) {
	base := postAll(t)
	var held []json.RawMessage
	getJSON(t, base+"/api/envelopes", &held)
	type item struct {
		Index       int
		Type        string
		Views       []string
		Reason      string
		Payload     string
		PayloadKind string
	}
	var list struct {
		Items []struct {
			ID        string
			ItemTypes []string
			Size      int
			Items     []item
		}
		Total int
	}
	getJSON(t, base+"/api/inspector/envelopes?limit=1000", &list)
	if list.Total != len(held) || len(list.Items) != len(held) {
		t.Fatalf("the inspector lists %d (total %d) of %d held envelopes", len(list.Items), list.Total, len(held))
	}
	kinds := map[string]bool{}
	for i, e := range list.Items {
		if i > 0 && e.ID > list.Items[i-1].ID {
			t.Errorf("not newest first: %s after %s", e.ID, list.Items[i-1].ID)
		}
		if e.Size == 0 {
			t.Errorf("%s: size 0", e.ID)
		}
		for _, it := range e.Items {
			if len(it.Views) == 0 && it.Reason == "" {
				t.Errorf("%s item %d (%s) went nowhere without a reason", e.ID, it.Index, it.Type)
			}
		}
		var d struct {
			Header      json.RawMessage
			ParsedItems []item
			RawURL      string
		}
		if getJSON(t, base+"/api/inspector/envelopes/"+e.ID, &d) != http.StatusOK || len(d.ParsedItems) != len(e.Items) {
			t.Fatalf("%s: detail has %d items, want %d", e.ID, len(d.ParsedItems), len(e.Items))
		}
		for _, it := range d.ParsedItems {
			kinds[it.PayloadKind] = true
		}
		resp, err := http.Get(base + d.RawURL)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("raw download %s: %v %v", d.RawURL, err, resp)
		}
		resp.Body.Close()
	}
	if !kinds["json"] || !kinds["binary"] {
		t.Errorf("payload kinds shown: %v, want json and binary among them", kinds)
	}
	var sdks struct {
		Items []struct {
			Name, Version, Warning string
			Envelopes              int
		}
	}
	getJSON(t, base+"/api/sdks", &sdks)
	warned := false
	for _, s := range sdks.Items {
		if s.Name == "sentry.python.django" && s.Version == "1.36.0" {
			warned = strings.Contains(s.Warning, "no logs")
		}
	}
	if len(sdks.Items) < 5 || !warned {
		t.Fatalf("SDKs: %+v (the Django 1.36.0 SDK must be warned about logs)", sdks.Items)
	}
}
