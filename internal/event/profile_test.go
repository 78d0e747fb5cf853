package event

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// pythonProfile is a v1 profile as sentry-python sends it: one
// "transaction" object, integer thread ids, elapsed times as strings.
const pythonProfile = `{"event_id":"p1","timestamp":"2025-01-02T03:04:05Z","platform":"python","version":"1",
"transaction":{"id":"t1","name":"GET /items","trace_id":"aaaabbbbccccddddeeeeffff00001111","active_thread_id":7},
"profile":{"frames":[
 {"function":"main","filename":"app.py","abs_path":"/srv/app.py","lineno":3},
 {"function":"handle","filename":"app.py","abs_path":"/srv/app.py","lineno":10,"in_app":true},
 {"function":"query","abs_path":"/usr/lib/python3/dist-packages/db.py","lineno":99},
 {"function":"render","abs_path":"/srv/app.py","lineno":20}],
 "stacks":[[2,1,0],[3,1,0],[0],[]],
 "samples":[
  {"elapsed_since_start_ns":"0","stack_id":0,"thread_id":7},
  {"elapsed_since_start_ns":"10000000","stack_id":0,"thread_id":7},
  {"elapsed_since_start_ns":"20000000","stack_id":1,"thread_id":7},
  {"elapsed_since_start_ns":"30000000","stack_id":2,"thread_id":7},
  {"elapsed_since_start_ns":"40000000","stack_id":3,"thread_id":7},
  {"elapsed_since_start_ns":"5000000","stack_id":2,"thread_id":8}],
 "thread_metadata":{"7":{"name":"MainThread"}}}}`

func decodeOne(t *testing.T, itemType, payload string, truncated *envelope.Truncation) *Record {
	t.Helper()
	env := &envelope.Envelope{Header: json.RawMessage(`{}`), Items: []envelope.Item{{
		Header: json.RawMessage(fmt.Sprintf(`{"type":%q}`, itemType)), Type: itemType, Payload: []byte(payload), Truncated: truncated,
	}}}
	d := NewDecoder().Decode(env, Meta{ID: "e1", Received: received})
	if len(d.Records) != 1 {
		t.Fatalf("decoded %d records: %+v", len(d.Records), d.Records)
	}
	r := &d.Records[0]
	if r.Kind != KindProfile {
		t.Fatalf("kind %s: %+v", r.Kind, r.Item)
	}
	return r
}

func TestDecodeSampledProfile(t *testing.T) {
	r := decodeOne(t, "profile", pythonProfile, nil)
	p := r.Profile
	if p.Format != ProfileSampled || p.Transaction != "GET /items" || r.TraceID != "aaaabbbbccccddddeeeeffff00001111" || r.Platform != "python" {
		t.Fatalf("profile = %+v, header %+v", p, r.Header)
	}
	if p.SampleCount != 6 || p.ActiveThread != "7" || len(p.Threads) != 2 || p.Threads[0].Name != "MainThread" || p.Threads[0].Samples != 5 {
		t.Fatalf("samples %d, active %q, threads %+v", p.SampleCount, p.ActiveThread, p.Threads)
	}
	if p.DurationMS != 40 || !p.Start.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) || len(p.Cut) != 0 {
		t.Fatalf("start %v, %v ms, cut %q", p.Start, p.DurationMS, p.Cut)
	}
	if !p.frames[0].InApp || p.frames[2].InApp || !p.frames[3].InApp {
		t.Fatalf("in-app guesses: %+v", p.frames)
	}
}

// TestBuildFlame checks the icicle of pythonProfile's main thread exactly.
func TestBuildFlame(t *testing.T) {
	p := decodeOne(t, "profile", pythonProfile, nil).Profile
	fl := BuildFlame([]FlameSource{{Profile: p}})
	var got []string
	for _, n := range fl.Nodes {
		got = append(got, fmt.Sprintf("%d:%s x=%d t=%d s=%d", n.D, fl.Frames[n.F].Function, n.X, n.T, n.S))
	}
	want := []string{
		"0:main x=0 t=4 s=1",
		"1:handle x=0 t=3 s=0",
		"2:query x=0 t=2 s=2",
		"2:render x=2 t=1 s=1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("nodes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fl.Samples != 5 || fl.Idle != 1 || fl.SampleMS != 10 {
		t.Fatalf("samples %d idle %d sampleMs %v", fl.Samples, fl.Idle, fl.SampleMS)
	}
	top := fl.Functions[0]
	if fl.Frames[top.F].Function != "query" || top.Self != 2 || top.Total != 2 {
		t.Fatalf("heaviest = %+v (%s)", top, fl.Frames[top.F].Function)
	}
	// A time range keeps the samples in it: [10ms, 30ms) = two samples.
	sub := BuildFlame([]FlameSource{{Profile: p, From: p.Start.Add(10 * time.Millisecond), To: p.Start.Add(30 * time.Millisecond)}})
	if sub.Samples != 2 || sub.Nodes[0].T != 2 {
		t.Fatalf("range: %+v", sub)
	}
	// Another thread.
	if other := BuildFlame([]FlameSource{{Profile: p, Thread: "8"}}); other.Samples != 1 || len(other.Nodes) != 1 {
		t.Fatalf("thread 8: %+v", other)
	}
}

// chunk is a v2 chunk; cut short, it still shows what arrived.
const chunk = `{"version":"2","profiler_id":"pid","chunk_id":"c1","platform":"node","profile":{
"frames":[{"function":"a","abs_path":"/app/a.js","lineno":1},{"function":"b","abs_path":"/app/node_modules/x/b.js","lineno":2}],
"stacks":[[1,0],[0]],
"samples":[{"timestamp":1700000000.000,"stack_id":0,"thread_id":"1"},{"timestamp":1700000000.010,"stack_id":1,"thread_id":"1"},{"timestamp":1700000000.020,"stack_id":9,"thread_id":"1"},{"timestamp":1700000000.030,"stack_id":0,"thread_id":"1"}]}}`

func TestDecodeProfileChunk(t *testing.T) {
	p := decodeOne(t, "profile_chunk", chunk, nil).Profile
	if p.Format != ProfileContinuous || p.ProfilerID != "pid" || p.SampleCount != 3 || p.DurationMS != 30 {
		t.Fatalf("%+v", p)
	}
	if !p.Start.Equal(time.Unix(1700000000, 0)) || len(p.Cut) != 1 || !strings.Contains(p.Cut[0], "1 samples name a stack") {
		t.Fatalf("start %v cut %q", p.Start, p.Cut)
	}
	if !p.frames[0].InApp || p.frames[1].InApp {
		t.Fatalf("in-app: %+v", p.frames)
	}
}

func TestDecodeCutChunk(t *testing.T) {
	// The body ends in the middle of the third sample.
	short := chunk[:strings.Index(chunk, `"stack_id":9`)+5]
	r := decodeOne(t, "profile_chunk", short, &envelope.Truncation{Declared: int64(len(chunk)), Received: int64(len(short))})
	p := r.Profile
	// the cut third sample lost its stack_id: it is left out, and said so
	if p.SampleCount != 2 || len(p.Cut) != 3 {
		t.Fatalf("samples %d, cut %q", p.SampleCount, p.Cut)
	}
	if !strings.Contains(p.Cut[0], fmt.Sprintf("declares %d bytes but %d arrived", len(chunk), len(short))) || !strings.Contains(p.Cut[1], "the JSON ends early") {
		t.Fatalf("cut %q", p.Cut)
	}
	if fl := BuildFlame([]FlameSource{{Profile: p}}); fl.Samples != 2 {
		t.Fatalf("flame of the cut chunk: %+v", fl)
	}
	// What cannot be read at all is an undecodable item, with the reason.
	env := &envelope.Envelope{Items: []envelope.Item{{Header: json.RawMessage(`{"type":"profile_chunk"}`), Type: "profile_chunk", Payload: []byte(`"just a string`)}}}
	d := NewDecoder().Decode(env, Meta{ID: "e2", Received: received})
	if len(d.Records) != 1 || d.Records[0].Kind != KindItem || !strings.Contains(d.Records[0].Item.Reason, "profile_chunk") {
		t.Fatalf("%+v", d.Records)
	}
}

func TestCloseJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":[1,2`:       `{"a":[1]}`,
		`{"a":{"b":`:      `{"a":{}}`,
		`[{"x":"a,b`:      `[{}]`,
		`{"a":1,"b":[3],`: `{"a":1,"b":[3]}`,
	} {
		got, n := closeJSON([]byte(in))
		if string(got) != want || n < 0 || !json.Valid(got) {
			t.Errorf("closeJSON(%s) = %s, %d; want %s", in, got, n, want)
		}
	}
	if _, n := closeJSON([]byte(`"abc`)); n != -1 {
		t.Errorf("a bare string: n = %d", n)
	}
}
