package mcp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
)

// fullBuffer holds buffer.DefaultMaxEntries envelopes: a third errors with
// 20 frames each, a third logs, a third transactions with 20 spans, all in
// the last minute, in 100 traces.
func fullBuffer(b *testing.B) *buffer.Buffer {
	b.Helper()
	buf := buffer.New(buffer.Options{})
	now := time.Now()
	for i := range buffer.DefaultMaxEntries {
		ts := float64(now.Add(-time.Duration(i)*50*time.Millisecond).UnixNano()) / 1e9
		trace := fmt.Sprintf("%032x", i%100)
		var item string
		switch i % 3 {
		case 0:
			var frames []string
			for f := range 20 {
				frames = append(frames, fmt.Sprintf(`{"filename":"src/module%d/file%d.ts","function":"fn%d","lineno":%d,"in_app":true}`, i%50, f, f, f+1))
			}
			item = fmt.Sprintf(`{"type":"event"}`+"\n"+`{"event_id":"%032x","timestamp":%f,"platform":"node","exception":{"values":[{"type":"Error","value":"failure %d","stacktrace":{"frames":[%s]}}]},"contexts":{"trace":{"trace_id":"%s","span_id":"%016x"}}}`,
				i, ts, i, strings.Join(frames, ","), trace, i)
		case 1:
			item = fmt.Sprintf(`{"type":"log"}`+"\n"+`{"items":[{"timestamp":%f,"trace_id":"%s","level":"info","body":"handled request %d","attributes":{"code.file.path":{"value":"app/h%d.py","type":"string"}}}]}`,
				ts, trace, i, i%50)
		default:
			var spans []string
			for s := range 20 {
				spans = append(spans, fmt.Sprintf(`{"trace_id":"%s","span_id":"%08x%08x","parent_span_id":"%016x","op":"db","description":"SELECT %d","start_timestamp":%f,"timestamp":%f}`,
					trace, i, s, i, s, ts, ts+0.01))
			}
			item = fmt.Sprintf(`{"type":"transaction"}`+"\n"+`{"event_id":"%032x","type":"transaction","transaction":"GET /r/%d","start_timestamp":%f,"timestamp":%f,"contexts":{"trace":{"trace_id":"%s","span_id":"%016x","op":"http.server"}},"spans":[%s]}`,
				i, i, ts, ts+0.1, trace, i, strings.Join(spans, ","))
		}
		e, err := buffer.NewEnvelope([]byte("{}\n"+item+"\n"), "")
		if err != nil {
			b.Fatal(err)
		}
		buf.Add(e)
	}
	return buf
}

// BenchmarkTools measures one tool call over a full default buffer in this
// process: "cold" decodes every envelope (the first call, or after the
// buffer changed entirely), the others reuse the decoded envelopes of the
// previous call and filter and render one page.
func BenchmarkTools(b *testing.B) {
	buf := fullBuffer(b)
	s := &tools{opts: Options{Source: &Local{Buffer: buf, Port: func() int { return 8969 }}, Now: time.Now}}
	ctx := context.Background()
	run := func(name string, f func() (string, error), want string) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				md, err := f()
				if err != nil || !strings.Contains(md, want) {
					b.Fatalf("%v: %.300s", err, md)
				}
			}
		})
	}
	// An hour: the envelopes (up to 50 s old at the start) stay inside it
	// however long the benchmark runs.
	args := searchArgs{TimeWindow: 3600, Limit: DefaultLimit}
	kinds := searchKinds()
	run("search_errors_cold", func() (string, error) {
		cold := &tools{opts: s.opts}
		return cold.search(ctx, kinds[0], args)
	}, "334 errors")
	run("search_errors", func() (string, error) { return s.search(ctx, kinds[0], args) }, "334 errors")
	withFile := args
	withFile.Filename = "module7/file3.ts"
	run("search_errors_filename", func() (string, error) { return s.search(ctx, kinds[0], withFile) }, "7 errors")
	run("search_logs", func() (string, error) { return s.search(ctx, kinds[1], args) }, "333 logs")
	run("search_traces", func() (string, error) { return s.search(ctx, kinds[2], args) }, "333 traces")
	run("get_traces", func() (string, error) {
		return s.getTraces(ctx, getTracesArgs{TraceID: fmt.Sprintf("%032x", 7)})
	}, "GET /r/")
}

// BenchmarkRemoteSearch measures search_errors over another sidecar (a real
// one, over loopback HTTP) holding a full default buffer: "first" fetches
// and decodes everything, "next" is a later call after one new envelope,
// which fetches only that one (GET /api/envelopes?after=).
func BenchmarkRemoteSearch(b *testing.B) {
	buf := fullBuffer(b)
	srv, err := sidecar.New(sidecar.Config{Buffer: buf})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-served })
	args := searchArgs{TimeWindow: 3600, Limit: 20}
	newTools := func() *tools {
		return &tools{opts: Options{Source: &Remote{BaseURL: srv.URL()}, Now: time.Now}}
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			if _, err := newTools().search(context.Background(), searchKinds()[0], args); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("next", func(b *testing.B) {
		s := newTools()
		if _, err := s.search(context.Background(), searchKinds()[0], args); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			one, _ := buffer.NewEnvelope([]byte("{}\n{\"type\":\"event\"}\n{\"message\":\"new\"}\n"), "")
			buf.Add(one)
			if _, err := s.search(context.Background(), searchKinds()[0], args); err != nil {
				b.Fatal(err)
			}
		}
	})
}
