package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

func TestPlainStripsEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                               "plain text",
		"\x1b[31mred\x1b[0m":                       "red",
		"\x1b[38;5;196mx\x1b[m":                    "x",
		"\x1b]0;title\x07after":                    "after",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"a\x1b(Bb":                                 "ab",
		"bell\x07 bs\x08 del\x7f":                  "bell bs del",
		"c1 \u009b31mcsi":                          "c1 csi",
		"crlf\r\nlf\rcr":                           "crlf\nlf\ncr",
		"tab\tnl\n":                                "tab\tnl\n",
		"bad \xff utf8":                            "bad \uFFFD utf8",
		"unicode ✓ ok":                             "unicode ✓ ok",
		"trailing esc \x1b":                        "trailing esc ",
		"\x1b[":                                    "",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
	if got := oneLine("\n first\n\tsecond \n\n"); got != `first\n second` {
		t.Errorf("oneLine: %q", got)
	}
}

func TestLogfmtQuoting(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeLogfmt(w, []Field{
		{"a", "simple"}, {"b", "with space"}, {"c", ""}, {"d", `q"uote`}, {"e", "x=y"},
		{"f", "new\nline"}, {"g", 3}, {"h", 1.5}, {"i", false}, {"bad key=", "v"}, {"j", `back\slash`},
	})
	w.Flush()
	want := `a=simple b="with space" c="" d="q\"uote" e="x=y" f="new\nline" g=3 h=1.5 i=false bad_key_=v j="back\\slash"` + "\n"
	if buf.String() != want {
		t.Errorf("logfmt:\n got %s\nwant %s", buf.String(), want)
	}
}

// decodeJSON builds an envelope of JSON items for table tests.
func decodeJSON(t *testing.T, header string, items ...[2]string) ([]Record, error) {
	t.Helper()
	env := &envelope.Envelope{Header: json.RawMessage(header)}
	for _, it := range items {
		var h struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(it[0]), &h); err != nil {
			t.Fatal(err)
		}
		env.Items = append(env.Items, envelope.Item{Header: json.RawMessage(it[0]), Type: h.Type, Payload: []byte(it[1])})
	}
	return Decode(env, Meta{ID: "e1", Received: received})
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
	if err == nil || !strings.Contains(err.Error(), "item 6 (event)") {
		t.Errorf("error %v, want one naming item 6", err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Kind)+":"+r.Level+":"+r.Message())
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
			t.Errorf("%s: source %q timestamp %s", r.Message(), r.Source, r.Timestamp)
		}
	}
	// A zero-valued attribute is data, not absence.
	var buf bytes.Buffer
	if err := Write(&buf, JSON, Options{}, recs[len(recs)-1]); err != nil ||
		!strings.Contains(buf.String(), `"attributes.bare":"v","attributes.big":12345678901234567890,"attributes.n":0`) {
		t.Errorf("json %s (%v), want attributes bare, big (exact) and n (zero)", buf.String(), err)
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
		recs, err := Decode(env, Meta{UserAgent: c.ua})
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

func span(id, parent string, startMS int) Span {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return Span{SpanID: id, ParentSpanID: parent, Op: "op." + id, Start: base.Add(time.Duration(startMS) * time.Millisecond),
		End: base.Add(time.Duration(startMS+10) * time.Millisecond), TraceID: "t1"}
}

func TestSpanTree(t *testing.T) {
	tree := SpanTree([]Span{
		span("c2", "root", 5), span("root", "", 0), span("c1", "root", 1), span("gc", "c1", 2),
		span("orphan", "missing", 3), span("x", "y", 4), span("y", "x", 6), span("c1", "root", 9),
	})
	var lines []string
	var walk func(ns []*SpanNode, depth int)
	walk = func(ns []*SpanNode, depth int) {
		for _, n := range ns {
			lines = append(lines, strings.Repeat(".", depth)+n.SpanID)
			walk(n.Children, depth+1)
		}
	}
	walk(tree, 0)
	want := "root .c1 ..gc .c2 orphan x y"
	if got := strings.Join(lines, " "); got != want {
		t.Errorf("tree %q, want %q", got, want)
	}
}

// Spans of one trace sent in separate envelopes (a transaction and a
// standalone span) form one tree.
func TestWriteTraceMDAcrossEnvelopes(t *testing.T) {
	tx, err := decodeJSON(t, `{}`, [2]string{`{"type":"transaction"}`, `{"transaction":"GET /","start_timestamp":1735689600,"timestamp":1735689600.1,
		"contexts":{"trace":{"trace_id":"t1","span_id":"root","op":"http.server"}},
		"spans":[{"span_id":"db","parent_span_id":"root","op":"db","description":"SELECT 1","start_timestamp":1735689600.01,"timestamp":1735689600.02}]}`})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := decodeJSON(t, `{}`, [2]string{`{"type":"span"}`, `{"trace_id":"t1","span_id":"ui","parent_span_id":"db","op":"ui.click","description":"button","start_timestamp":1735689600.012,"timestamp":1735689600.015,"status":"cancelled"}`})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := decodeJSON(t, `{}`, [2]string{`{"type":"span"}`, `{"trace_id":"t2","span_id":"zz","op":"other","start_timestamp":1,"timestamp":2}`})
	recs := append(append(append([]Record{}, tx...), sp...), other...)
	recs = append(recs, tx...) // the same transaction twice: its spans count once
	var buf bytes.Buffer
	if err := WriteTraceMD(&buf, recs, "t1", Options{}); err != nil {
		t.Fatal(err)
	}
	want := "## Trace `t1`\n\n" +
		"- **Start:** 2025-01-01 00:00:00.000 UTC\n- **Duration:** 100ms\n- **Spans:** 3 spans\n\n" +
		"- `http.server` GET / — 100ms\n" +
		"  - `db` SELECT 1 — 10ms (+10ms)\n" +
		"    - `ui.click` button — 3.00ms (+12ms) **cancelled**\n\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if got := len(WithTrace(recs, "t2")); got != 1 {
		t.Errorf("WithTrace t2: %d records", got)
	}
}

func TestFilters(t *testing.T) {
	recs := decodeFile(t, "testdata/envelopes/envelope_php_error.txt")
	recs = append(recs, decodeFile(t, "testdata/envelopes/log_envelope.txt")...)
	recs = append(recs, decodeFile(t, "testdata/envelopes/envelope_java_formatted_message.txt")...)

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

func TestInlineCodeAndFences(t *testing.T) {
	if got := inlineCode("a`b"); got != "``a`b``" {
		t.Errorf("inlineCode: %s", got)
	}
	if got := inlineCode("`x`"); got != "`` `x` ``" {
		t.Errorf("inlineCode: %s", got)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	mdWriter{w, Options{}}.fence("", "code\n```\nmore")
	w.Flush()
	if want := "````\ncode\n```\nmore\n````\n"; buf.String() != want {
		t.Errorf("fence:\n%s", buf.String())
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		420 * time.Microsecond:  "0.42ms",
		123 * time.Millisecond:  "123ms",
		1460 * time.Millisecond: "1.46s",
		123 * time.Second:       "2m3s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%s) = %s, want %s", d, got, want)
		}
	}
}
