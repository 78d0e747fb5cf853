package event

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil/testenvelope"
)

// received is the fallback timestamp of records whose payload has none.
var received = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// decodeJSON builds an envelope of JSON items for table tests.
func decodeJSON(t *testing.T, header string, items ...[2]string) ([]Record, error) {
	t.Helper()
	return records(Decode(testenvelope.Of(t, header, items...), Meta{ID: "e1", Received: received}))
}

// records is the envelope's records and traces, the unreadable items
// returned as an error naming each.
func records(d *Decoded) ([]Record, error) {
	var out []Record
	var errs []string
	for _, r := range d.WithTraces() {
		if r.Item != nil {
			errs = append(errs, r.Item.ItemType+": "+r.Item.Reason)
			continue
		}
		out = append(out, r)
	}
	if errs != nil {
		return out, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// message is the record's one-line subject.
func message(r *Record) string {
	switch {
	case r.Error != nil:
		return r.Error.Title
	case r.Log != nil:
		return r.Log.Body
	case r.Trace != nil:
		return r.Trace.Name
	}
	return ""
}

func TestDecodeMessagesAndBadItems(t *testing.T) {
	recs, err := decodeJSON(t, `{"sdk":{"name":"sentry.python"}}`,
		[2]string{`{"type":"event"}`, `{"message":{"formatted":"formatted text","message":"raw %s","params":["x"]}}`},
		[2]string{`{"type":"event"}`, `{"message":{"message":"only raw"},"level":"warning"}`},
		[2]string{`{"type":"event"}`, `{"logentry":{"formatted":"from logentry"}}`},
		[2]string{`{"type":"event"}`, `{"message":"a string"}`},
		[2]string{`{"type":"event"}`, `{"message":{"unexpected":1}}`},
		[2]string{`{"type":"event"}`, `{not json`},
		[2]string{`{"type":"event"}`, `{"breadcrumbs":[]}`},
		[2]string{`{"type":"session"}`, `{"sid":"x"}`},
		[2]string{`{"type":"log"}`, `{"items":[{"body":"ok","level":"info","attributes":{"n":{"value":0,"type":"integer"},"bare":"v","big":{"value":12345678901234567890,"type":"integer"}}}]}`},
	)
	if err == nil || !strings.Contains(err.Error(), "event: invalid character") {
		t.Errorf("error %v, want one naming the unreadable event", err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Kind)+":"+r.Level+":"+message(&r))
	}
	want := []string{
		"error:error:formatted text", "error:warning:only raw", "error:error:from logentry",
		"error:error:a string", `error:error:{"unexpected":1}`, "log:info:ok",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("records\n got %q\nwant %q", got, want)
	}
	for _, r := range recs {
		if r.Source != SourceServer || !r.Timestamp.Equal(received) {
			t.Errorf("%s: source %q timestamp %s", message(&r), r.Source, r.Timestamp)
		}
	}
	// A zero-valued attribute is data, not absence; big integers stay exact.
	attrs := recs[len(recs)-1].Log.Attributes
	if got := fmt.Sprint(attrs); got != "[{bare  v} {big integer 12345678901234567890} {n integer 0}]" {
		t.Errorf("attributes %s, want bare, big (exact) and n (zero)", got)
	}
}

func TestInferSource(t *testing.T) {
	for _, c := range []struct {
		sdk, ua, payload string
		want             Source
	}{
		{"sentry.javascript.react-native", "", `{}`, SourceMobile},
		{"sentry.javascript.react", "", `{}`, SourceBrowser},
		{"sentry.java.android.timber", "", `{}`, SourceMobile},
		{"sentry.java.spring-boot.jakarta", "", `{}`, SourceServer},
		{"sentry.cocoa", "", `{}`, SourceMobile},
		{"sentry.spotlight.stdio", "", `{}`, SourceServer},
		{"sentry.javascript.nextjs", "Mozilla/5.0 (X11)", `{}`, SourceBrowser},
		{"sentry.javascript.nextjs", "node", `{}`, SourceServer},
		{"sentry.javascript.nextjs", "", `{"contexts":{"runtime":{"name":"node"}}}`, SourceServer},
		{"sentry.javascript.nextjs", "", `{"contexts":{"browser":{"name":"Chrome"}}}`, SourceBrowser},
		{"sentry.javascript.nextjs", "", `{"request":{"headers":{"User-Agent":"Mozilla/5.0"}}}`, SourceBrowser},
		{"", "", `{"contexts":{"os":{"name":"iOS"}}}`, SourceMobile},
		{"", "", `{"platform":"python"}`, SourceServer},
		{"", "", `{}`, SourceUnknown},
	} {
		env := &envelope.Envelope{
			Header: json.RawMessage(`{"sdk":{"name":"` + c.sdk + `"}}`),
			Items:  []envelope.Item{{Type: "event", Payload: []byte(strings.Replace(c.payload, "{", `{"message":"m",`, 1))}},
		}
		if c.payload == `{}` {
			env.Items[0].Payload = []byte(`{"message":"m"}`)
		}
		recs, err := records(Decode(env, Meta{UserAgent: c.ua}))
		if err != nil || len(recs) != 1 {
			t.Fatalf("%+v: %v %d", c, err, len(recs))
		}
		if recs[0].Source != c.want {
			t.Errorf("sdk %q ua %q payload %s: %s, want %s", c.sdk, c.ua, c.payload, recs[0].Source, c.want)
		}
	}
}

// Logs of a meta-framework SDK: the attributes tell server from browser.
func TestInferLogSource(t *testing.T) {
	for attrs, want := range map[string]Source{
		`{"server.address":{"value":"vm","type":"string"}}`:                     SourceServer,
		`{"user_agent.original":{"value":"Mozilla/5.0 (X11)","type":"string"}}`: SourceBrowser,
		`{}`: SourceUnknown,
	} {
		recs, err := decodeJSON(t, `{"sdk":{"name":"sentry.javascript.nextjs"}}`,
			[2]string{`{"type":"log"}`, `{"items":[{"body":"b","level":"info","attributes":` + attrs + `}]}`})
		if err != nil || len(recs) != 1 || recs[0].Source != want {
			t.Errorf("attributes %s: %v %v, want %s", attrs, recs, err, want)
		}
	}
}

func span(id, parent string, startMS int) *Span {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return &Span{SpanID: id, ParentSpanID: parent, Op: "op." + id, Start: base.Add(time.Duration(startMS) * time.Millisecond),
		End: base.Add(time.Duration(startMS+10) * time.Millisecond), TraceID: "t1"}
}

func TestBuildTraceTree(t *testing.T) {
	tr := BuildTrace("t1", []*Span{
		span("c2", "root", 5), span("root", "", 0), span("c1", "root", 1), span("gc", "c1", 2),
		span("orphan", "missing", 3), span("x", "y", 4), span("y", "x", 6), span("c1", "root", 9),
	}, 0, 0).Trace
	var lines []string
	for _, s := range tr.Spans {
		lines = append(lines, strings.Repeat(".", s.Depth)+s.SpanID)
	}
	want := "root .c1 ..gc .c2 orphan x y"
	if got := strings.Join(lines, " "); got != want {
		t.Errorf("tree %q, want %q", got, want)
	}
	if tr.SpanCount != 7 || tr.RootSpanID != "root" || !tr.HasRoot || tr.Op != "op.root" {
		t.Errorf("trace %+v; want 7 spans (c1 once) under root", tr)
	}
}

func TestFilters(t *testing.T) {
	recs := decodeFile(t, "envelope_php_error.txt")
	recs = append(recs, decodeFile(t, "log_envelope.txt")...)
	recs = append(recs, decodeFile(t, "envelope_java_formatted_message.txt")...)

	if got := len(OfKind(recs, KindLog)); got != 7 {
		t.Errorf("OfKind(log): %d", got)
	}
	if got := WithFrameFile(recs, "index.php"); len(got) != 1 || got[0].Platform != "php" {
		t.Errorf("WithFrameFile(index.php): %d", len(got))
	}
	if got := WithFrameFile(recs, "SentryDemoApplication.java"); len(got) != 1 {
		t.Errorf("WithFrameFile on a thread stack: %d", len(got))
	}
	if got := WithFrameFile(recs, "nope.go"); len(got) != 0 {
		t.Errorf("WithFrameFile(nope.go): %d", len(got))
	}
	from := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	if got := Between(recs, from, time.Time{}); len(got) != 7 {
		t.Errorf("Between(from 2025-06): %d, want the 7 logs", len(got))
	}
	if got := Between(recs, time.Time{}, from); len(got) != 2 {
		t.Errorf("Between(until 2025-06): %d", len(got))
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "[error log trace attachment]"},
		{[]string{"*"}, "[error log trace attachment]"},
		{[]string{"logs", "errors", "logs"}, "[error log]"},
		{[]string{"Traces"}, "[trace]"},
		{[]string{"everything"}, "[error log trace attachment]"},
		{[]string{"all"}, "[error log trace attachment]"},
		{[]string{"errors", "*"}, "[error log trace attachment]"},
		{[]string{"attachments"}, "[attachment]"},
		{[]string{"attachment", "trace"}, "[trace attachment]"},
		{[]string{"errors,logs"}, "[error log]"},
		{[]string{"errors, traces,", "attachments"}, "[error trace attachment]"},
	} {
		got, err := ParseTypes(c.args)
		if err != nil || fmt.Sprint(got) != c.want {
			t.Errorf("ParseTypes(%v) = %v, %v; want %s", c.args, got, err, c.want)
		}
	}
	if _, err := ParseTypes([]string{","}); err == nil || !strings.Contains(err.Error(), "no type") {
		t.Errorf("ParseTypes(,): %v", err)
	}
	if _, err := ParseTypes([]string{"metrics"}); err == nil || !strings.Contains(err.Error(), "errors, logs, traces, attachments, all, everything, *") {
		t.Errorf("ParseTypes(metrics): %v", err)
	}
}

// decodeFile reads one of the format package's recorded envelopes.
func decodeFile(t *testing.T, name string) []Record {
	t.Helper()
	env := loadEnvelope(t, "../format/testdata/envelopes/"+name)
	recs, err := records(Decode(env, Meta{ID: "id-" + name, Received: received}))
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %d records, %v", name, len(recs), err)
	}
	return recs
}

func loadEnvelope(t testing.TB, path string) *envelope.Envelope {
	return testenvelope.Load(t, path)
}
