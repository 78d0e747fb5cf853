package mcp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
)

// serve answers GET /api/envelopes with body (a real HTTP server: what is
// tested here is the client's handling of what comes back).
func serve(t *testing.T, status int, body string) *Remote {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/envelopes" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return &Remote{BaseURL: srv.URL}
}

const oneEnvelope = `{"id":"019a0000-0000-7000-8000-000000000001","receivedAt":"2025-01-02T03:04:05.123456789Z","userAgent":"sentry.go/0.50.0",` +
	`"envelope":[{"event_id":"e1"},[[{"type":"event"},{"event_id":"e1","message":"boom"}]]]}`

func TestRemoteDecodesEntries(t *testing.T) {
	// The second envelope does not decode (its items are not a list): it
	// yields no records, the others do.
	r := serve(t, 200, "["+oneEnvelope+`,{"id":"x","envelope":[{},"junk"]},`+oneEnvelope+"]")
	entries, err := r.Entries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("got %d entries, want 3", len(entries))
	}
	e := entries[0]
	if e.ID != "019a0000-0000-7000-8000-000000000001" || e.UserAgent != "sentry.go/0.50.0" || e.Received.Nanosecond() != 123456789 {
		t.Errorf("entry metadata: %+v", e)
	}
	d := &decoded{dec: event.NewDecoder()}
	recs := d.decode(e).Records
	if len(recs) != 1 || recs[0].Error == nil || recs[0].Error.Message != "boom" || recs[0].EnvelopeID != e.ID {
		t.Errorf("records of the first envelope: %+v", recs)
	}
	if dd := d.decode(entries[1]); dd != nil {
		t.Errorf("records of the junk envelope: %+v", dd)
	}
}

func TestRemoteStalledBody(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("[" + oneEnvelope + ","))
		w.(http.Flusher).Flush()
		select { // send nothing more until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	defer close(release)
	_, err := (&Remote{BaseURL: srv.URL, StallTimeout: 50 * time.Millisecond}).Entries(context.Background())
	if err == nil || !strings.Contains(err.Error(), "stopped sending for 50ms") {
		t.Fatalf("error %v", err)
	}
}

func TestRemoteErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		status           int
		maxBytes         int64
	}{
		{"not found", "nope", "404", 404, 0},
		{"not an array", `{"a":1}`, "not a JSON array", 200, 0},
		{"truncated", "[" + oneEnvelope, "end of the envelope list", 200, 0},
		{"bad element", `[{"id":1}]`, "envelope 1", 200, 0},
		{"too large", "[" + oneEnvelope + "," + oneEnvelope + "]", "larger than 100 bytes", 200, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := serve(t, tc.status, tc.body)
			r.MaxBytes = tc.maxBytes
			_, err := r.Entries(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRemoteUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := (&Remote{BaseURL: url}).Entries(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no Spotlight sidecar answers at "+url) {
		t.Fatalf("error %v", err)
	}
}

func TestNormalizeTraceID(t *testing.T) {
	for in, want := range map[string]string{
		"771A43A4192642F0B136D5159A501700": "771a43a4192642f0b136d5159a501700",
		" 771a43a4-1926 ":                  "771a43a41926",
		"deadbeef":                         "deadbeef",
	} {
		if got, err := normalizeTraceID(in); err != nil || got != want {
			t.Errorf("normalizeTraceID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                                   "missing",
		"abc":                                "too short",
		"xyz12345678":                        "not a trace id",
		strings.Repeat("a", 33):              "too long",
		"771a43a4192642f0b136d5159a50170g00": "not a trace id",
	} {
		if _, err := normalizeTraceID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("normalizeTraceID(%q): error %v, want %q", in, err, want)
		}
	}
}

func TestInstanceRefAcceptsNumbersAndStrings(t *testing.T) {
	for raw, want := range map[string]string{`54321`: "54321", `"54321"`: "54321", `" my-app "`: "my-app"} {
		var r instanceRef
		if err := r.UnmarshalJSON([]byte(raw)); err != nil || string(r) != want {
			t.Errorf("%s: got %q, %v; want %q", raw, r, err, want)
		}
	}
	var r instanceRef
	if err := r.UnmarshalJSON([]byte(`true`)); err == nil {
		t.Error("true accepted as an instance")
	}
}

func TestHugeTimeWindowMeansEverything(t *testing.T) {
	now := time.Now()
	e := remoteEnvelope([]byte(`[{},[[{"type":"event"},{"message":"old","timestamp":631152000}]]]`), "")
	e.ID, e.Received = "a", now.Add(-2*time.Hour)
	h := &held{events: (&decoded{}).store([]*buffer.Entry{e})}
	for _, w := range []float64{0, 1e300} {
		if got := h.match(event.KindError, searchArgs{TimeWindow: w}, now); len(got) != 1 {
			t.Errorf("timeWindow %v: %d errors, want 1", w, len(got))
		}
	}
	if got := h.match(event.KindError, searchArgs{TimeWindow: 3600}, now); len(got) != 0 {
		t.Errorf("timeWindow 3600: %d errors, want 0", len(got))
	}
}

// timeWindow counts back from when the envelope arrived, not from the
// event's own timestamp (a skewed clock, an emulator, a replayed fixture).
func TestTimeWindowCountsFromArrival(t *testing.T) {
	now := time.Now()
	entry := func(id, msg string, received time.Time, ts int64) *buffer.Entry {
		e := remoteEnvelope(fmt.Appendf(nil, `[{},[[{"type":"event"},{"message":%q,"timestamp":%d}]]]`, msg, ts), "")
		e.ID, e.Received = id, received
		return e
	}
	h := &held{events: (&decoded{}).store([]*buffer.Entry{
		entry("a", "replayed fixture from 1990", now.Add(-time.Minute), 631152000),
		entry("b", "clock ahead", now.Add(-time.Minute), now.Add(24*time.Hour).Unix()),
		entry("c", "received long ago, stamped now", now.Add(-2*time.Hour), now.Unix()),
	})}
	got := h.match(event.KindError, searchArgs{TimeWindow: 3600}, now)
	var msgs []string
	for _, r := range got {
		msgs = append(msgs, r.Error.Title)
	}
	slices.Sort(msgs)
	if want := []string{"clock ahead", "replayed fixture from 1990"}; !slices.Equal(msgs, want) {
		t.Fatalf("timeWindow 3600 matched %q, want %q", msgs, want)
	}
}

// Upstream's argument shape, {"filters": {...}}, means the same as ours.
func TestFiltersArgumentShape(t *testing.T) {
	w, f, l, o := 0.0, "paging.ts", 5, 2
	in := searchArgs{TimeWindow: 60, Limit: 20, Filters: &filters{TimeWindow: &w, Filename: &f, Limit: &l, Offset: &o}}.merged()
	if in.TimeWindow != 0 || in.Filename != "paging.ts" || in.Limit != 5 || in.Offset != 2 || in.Filters != nil {
		t.Fatalf("merged = %+v", in)
	}
	only := searchArgs{TimeWindow: 60, Limit: 20, Filename: "a.go", Filters: &filters{Limit: &l}}.merged()
	if only.TimeWindow != 60 || only.Filename != "a.go" || only.Limit != 5 {
		t.Fatalf("a partial filters object replaced other arguments: %+v", only)
	}
}

// One envelope may carry many log records: pages count records (events),
// not envelopes or text blocks.
func TestPaginationCountsEvents(t *testing.T) {
	buf := buffer.New(buffer.Options{})
	buf.Add(remoteEnvelope([]byte(`[{},[[{"type":"log","item_count":3,"content_type":"application/vnd.sentry.items.log+json"},`+
		`{"items":[{"timestamp":1700000001,"level":"info","body":"log one"},{"timestamp":1700000002,"level":"info","body":"log two"},`+
		`{"timestamp":1700000003,"level":"info","body":"log three"}]}]]]`), ""))
	s := &tools{opts: Options{Source: &Local{Buffer: buf, Port: func() int { return 8969 }}, Now: time.Now}}
	logs := searchKinds()[1]
	for _, tc := range []struct {
		offset       int
		want, unwant []string
	}{
		{0, []string{"3 logs", "showing 1-2", "log three", "log two", "offset=2"}, []string{"log one"}},
		{2, []string{"3 logs", "showing 3-3", "log one"}, []string{"log two", "offset="}},
	} {
		text, err := s.search(context.Background(), logs, searchArgs{Limit: 2, Offset: tc.offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("offset %d: missing %q in:\n%s", tc.offset, w, text)
			}
		}
		for _, w := range tc.unwant {
			if strings.Contains(text, w) {
				t.Errorf("offset %d: unexpected %q in:\n%s", tc.offset, w, text)
			}
		}
	}
}

// A Remote kept across calls fetches only new envelopes from a real sidecar,
// and forgets the ones the sidecar no longer holds (here: cleared).
func TestRemoteFetchesOnlyWhatIsNew(t *testing.T) {
	buf := buffer.New(buffer.Options{})
	srv, err := sidecar.New(sidecar.Config{Buffer: buf})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-served })

	var requests []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.RequestURI())
		r.Host = "localhost"
		httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(srv.Port())}).ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	post := func() string {
		t.Helper()
		env := "{}\n{\"type\":\"event\"}\n{\"message\":\"hi\"}\n"
		resp, err := http.Post(srv.URL()+"/stream", "application/x-sentry-envelope", strings.NewReader(env))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-Spotlight-Envelope-Id")
	}
	ids := func(es []*buffer.Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	r := &Remote{BaseURL: proxy.URL}
	first, second := post(), post()
	got, err := r.Entries(t.Context())
	if err != nil || !slices.Equal(ids(got), []string{first, second}) {
		t.Fatalf("first read: %v %v", ids(got), err)
	}
	third := post()
	got, err = r.Entries(t.Context())
	if err != nil || !slices.Equal(ids(got), []string{first, second, third}) {
		t.Fatalf("second read: %v %v", ids(got), err)
	}
	if want := "/api/envelopes?after=" + second; requests[1] != want {
		t.Fatalf("second request %q, want %q", requests[1], want)
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL()+"/clear", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	fourth := post()
	got, err = r.Entries(t.Context())
	if err != nil || !slices.Equal(ids(got), []string{fourth}) {
		t.Fatalf("after clear: %v %v", ids(got), err)
	}
}
