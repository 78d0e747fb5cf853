package event

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil/testenvelope"
)

// spanEnvelope is an envelope of one span v2 item.
func spanEnvelope(trace, span, parent, op string, start float64) string {
	return `{}` + "\n" + `{"type":"span","content_type":"application/vnd.sentry.items.span.v2+json"}` + "\n" +
		fmt.Sprintf(`{"items":[{"trace_id":%q,"span_id":%q,"parent_span_id":%q,"name":"s-%s","start_timestamp":%v,"end_timestamp":%v,"attributes":{"sentry.op":{"type":"string","value":%q}}}]}`,
			trace, span, parent, span, start, start+0.5, op) + "\n"
}

func addTo(t *testing.T, b *buffer.Buffer, body string) *buffer.Entry {
	t.Helper()
	e, err := buffer.NewEnvelope([]byte(body), "")
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return b.Add(e)
}

// A trace is built from spans of any number of envelopes, in any order
// (a child before its parent), and follows the buffer's evictions.
func TestStoreBuildsTracesAcrossEnvelopes(t *testing.T) {
	st := NewStore(nil)
	b := buffer.New(buffer.Options{MaxEntries: 4, Model: st})
	const tr = "0123456789abcdef0123456789abcdef"
	addTo(t, b, spanEnvelope(tr, "cccccccccccccccc", "bbbbbbbbbbbbbbbb", "db", 3)) // grandchild first
	addTo(t, b, spanEnvelope(tr, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "http.client", 2))
	cursor := st.Cursor()
	addTo(t, b, spanEnvelope(tr, "aaaaaaaaaaaaaaaa", "", "http.server", 1)) // the root last
	addTo(t, b, spanEnvelope("ffffffffffffffffffffffffffffffff", "dddddddddddddddd", "", "other", 9))

	traces, total, _ := st.List(KindTrace, Query{})
	if total != 2 || traces[0].TraceID != "ffffffffffffffffffffffffffffffff" {
		t.Fatalf("traces %d, first %s; want 2, the later one first", total, traces[0].TraceID)
	}
	got, ok := st.Get(KindTrace, tr)
	if !ok || got.Trace.SpanCount != 3 || got.Trace.Op != "http.server" || !got.Trace.HasRoot || got.Trace.Name != "s-aaaaaaaaaaaaaaaa" {
		t.Fatalf("trace %+v", got.Trace)
	}
	var order []string
	for _, s := range got.Trace.Spans {
		order = append(order, fmt.Sprintf("%d%s", s.Depth, s.Op))
	}
	if strings.Join(order, " ") != "0http.server 1http.client 2db" || got.Trace.DurationMS != 2500 || len(got.Trace.EnvelopeIDs) != 3 {
		t.Errorf("spans %v, duration %v, envelopes %v", order, got.Trace.DurationMS, got.Trace.EnvelopeIDs)
	}
	changes, _, _ := st.Changes(cursor, 100)
	if len(changes) != 2 || changes[0].Op != opUpdate || changes[1].Op != opAdd || changes[1].Kind != KindTrace {
		t.Errorf("changes after the second envelope: %+v; want the trace updated, then the new one added", changes)
	}

	// A fifth envelope evicts the grandchild's: the trace loses a span.
	cursor = st.Cursor()
	addTo(t, b, `{}`+"\n"+`{"type":"event"}`+"\n"+`{"message":"hi","contexts":{"trace":{"trace_id":"`+tr+`"}}}`+"\n")
	got, _ = st.Get(KindTrace, tr)
	if got.Trace.SpanCount != 2 || got.Trace.ErrorCount != 0 {
		t.Errorf("after eviction: %d spans, %d errors; want 2 and 0 (a message is not an error)", got.Trace.SpanCount, got.Trace.ErrorCount)
	}
	changes, _, _ = st.Changes(cursor, 100)
	ops := ""
	for _, c := range changes {
		ops += fmt.Sprintf("%s:%s ", c.Op, c.Kind)
	}
	if ops != "add:error update:trace " {
		t.Errorf("changes %q; want the error added and the trace updated", ops)
	}
	if _, bytes := b.Len(); bytes <= 0 {
		t.Fatal("no bytes counted")
	}
	for _, e := range b.Snapshot() {
		if e.ModelBytes <= 0 {
			t.Errorf("entry %s: model bytes %d", e.ID, e.ModelBytes)
		}
	}
	b.Clear()
	if n, _ := st.Counts(); n[KindTrace] != 0 || n[KindError] != 0 {
		t.Errorf("after Clear: %v", n)
	}
	changes, next, _ := st.Changes(cursor, 100)
	if last := changes[len(changes)-1]; last.Op != opClear {
		t.Errorf("last change %+v; want clear", last)
	}
	if c, _, _ := st.Changes("another-run-5", 10); len(c) != 1 || c[0].Op != OpReset {
		t.Errorf("unknown cursor: %+v; want reset", c)
	}
	if c, n2, _ := st.Changes(next, 10); len(c) != 0 || n2 != next {
		t.Errorf("nothing after the newest cursor: %+v %s", c, n2)
	}
}

// An unreadable item is kept (type, payload, reason) and the others read.
func TestUndecodableItemsAreKept(t *testing.T) {
	env, err := envelope.Parse([]byte(`{"sdk":{"name":"sentry.go"}}` + "\n" +
		`{"type":"event"}` + "\n" + `{"exception":{"values":"nope"}}` + "\n" +
		`{"type":"log"}` + "\n" + `{"items":[{"body":"fine","level":"info","timestamp":1}]}` + "\n" +
		`{"type":"span"}` + "\n" + "\xff\xfe" + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := Decode(env, Meta{ID: "e", Received: received})
	var kinds []string
	for _, r := range d.Records {
		kinds = append(kinds, string(r.Kind))
	}
	if strings.Join(kinds, " ") != "item log item" {
		t.Fatalf("records %v; want the bad event, the log, the bad span", kinds)
	}
	bad := d.Records[0].Item
	if bad.ItemType != "event" || !strings.Contains(bad.Reason, "exception") || bad.Payload != `{"exception":{"values":"nope"}}` || bad.PayloadEncoding != "text" {
		t.Errorf("bad event item %+v", bad)
	}
	if bin := d.Records[2].Item; bin.PayloadEncoding != "base64" || bin.Payload != "//4=" {
		t.Errorf("binary payload %+v; want base64", bin)
	}
	if d.Records[0].ID != "e.0" || d.Records[1].ID != "e.1" {
		t.Errorf("ids %s %s", d.Records[0].ID, d.Records[1].ID)
	}
	// An unreadable envelope header is an item too; the items still count.
	env.Header = json.RawMessage(`{"sdk":`)
	if d := Decode(env, Meta{}); d.Records[0].Item == nil || d.Records[0].Item.ItemType != "envelope header" || len(d.Records) != 4 {
		t.Errorf("bad header: %+v", d.Records)
	}
}

// Synthetic exceptions are messages; bare lists read like {values}.
func TestSyntheticExceptionAndBareLists(t *testing.T) {
	recs, err := decodeJSON(t, `{}`,
		[2]string{`{"type":"event"}`, `{"level":"warning","exception":{"values":[{"value":"Something noteworthy happened","mechanism":{"type":"generic","synthetic":true},"stacktrace":{"frames":[{"filename":"app.js","function":"notice","lineno":3,"in_app":true}]}}]}}`},
		[2]string{`{"type":"event"}`, `{"message":"with threads","threads":[{"id":1,"current":true,"stacktrace":{"frames":[{"function":"main","abs_path":"/app/main.go","lineno":9,"in_app":true}]}}]}`},
		[2]string{`{"type":"event"}`, `{"exception":[{"type":"E","value":"bare"}],"breadcrumbs":[{"message":"clicked","timestamp":1}]}`},
	)
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	syn := recs[0].Error
	if syn.Title != "Something noteworthy happened" || syn.ExceptionCount != 0 || syn.Exceptions != nil || len(syn.Frames) != 1 || syn.Culprit != "notice (app.js:3)" {
		t.Errorf("synthetic: %+v", syn)
	}
	if th := recs[1].Error; len(th.Frames) != 1 || th.TopFrame().Function != "main" || th.Culprit != "main (/app/main.go:9)" {
		t.Errorf("bare threads: %+v", th)
	}
	if bare := recs[2].Error; bare.Title != "E: bare" || len(bare.Breadcrumbs) != 1 || bare.Breadcrumbs[0].Message != "clicked" {
		t.Errorf("bare exception list: %+v", bare)
	}
	if recs[0].Error.GroupKey == recs[2].Error.GroupKey || recs[0].Error.GroupKey == "" {
		t.Errorf("group keys %q %q", recs[0].Error.GroupKey, recs[2].Error.GroupKey)
	}
}

// The follower hands out a timeline: records after they settle, in time
// order, and each trace once with the spans of all its envelopes.
func TestFollower(t *testing.T) {
	dec := NewDecoder()
	decode := func(id, body string) *Decoded {
		env, err := envelope.Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return dec.Decode(env, Meta{ID: id, Received: received})
	}
	const tr = "0123456789abcdef0123456789abcdef"
	f := NewFollower(time.Second)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	logs := func(ts ...int) string {
		var items []string
		for _, s := range ts {
			items = append(items, fmt.Sprintf(`{"timestamp":%d,"level":"info","body":"at %d"}`, s, s))
		}
		return "{}\n" + `{"type":"log"}` + "\n" + `{"items":[` + strings.Join(items, ",") + `]}` + "\n"
	}
	f.Add(decode("a", spanEnvelope(tr, "bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "db", 2)), at)
	f.Add(decode("b", logs(30, 10)), at)
	if got := f.Due(at.Add(500 * time.Millisecond)); len(got) != 0 {
		t.Fatalf("handed out before settling: %v", got)
	}
	f.Add(decode("c", spanEnvelope(tr, "aaaaaaaaaaaaaaaa", "", "http.server", 1)), at.Add(600*time.Millisecond))
	f.Add(decode("d", logs(20)), at.Add(700*time.Millisecond))
	got := f.Due(at.Add(1200 * time.Millisecond))
	if len(got) != 2 || got[0].Log.Body != "at 10" || got[1].Log.Body != "at 30" {
		t.Fatalf("after 1.2 s: %v; want the first logs in time order", got)
	}
	got = f.Flush()
	if len(got) != 2 || got[0].Trace == nil || got[0].Trace.SpanCount != 2 || got[1].Log.Body != "at 20" {
		t.Fatalf("flush: %+v; want the whole trace (it started at 1 s) then the last log", got)
	}
}

// Search matches text as every view shows it: escapes stripped.
func TestSearchIgnoresEscapes(t *testing.T) {
	st := NewStore(nil)
	st.Append(Decode(testenvelope.Of(t, `{}`, [2]string{`{"type":"log"}`,
		`{"items":[{"timestamp":1,"level":"info","body":"\u001b[32mrequest\u001b[0m 12-0 done"}]}`}), Meta{ID: "e"}))
	if _, n, _ := st.List(KindLog, Query{Text: "request 12-"}); n != 1 {
		t.Errorf("%d logs match %q; want the coloured line", n, "request 12-")
	}
}

// An envelope whose items became nothing (a client report) still lists its
// header's sdk, and its size is the body's.
func TestEnvelopeSummaryTakesTheHeaderSDK(t *testing.T) {
	st := NewStore(nil)
	b := buffer.New(buffer.Options{Model: st})
	body := `{"sdk":{"name":"sentry.python","version":"2.1.0"}}` + "\n" + `{"type":"client_report"}` + "\n" + `{"discarded_events":[]}` + "\n"
	addTo(t, b, body)
	list, total := st.Envelopes(0, 0)
	if total != 1 || len(list) != 1 {
		t.Fatalf("envelopes %d of %d, want 1", len(list), total)
	}
	if s := list[0].SDK; s == nil || s.Name != "sentry.python" || s.Version != "2.1.0" {
		t.Errorf("sdk %+v, want the header's sentry.python 2.1.0", s)
	}
	if list[0].Size != len(body) {
		t.Errorf("size %d, want %d", list[0].Size, len(body))
	}
}
