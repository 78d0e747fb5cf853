package format

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// exampleTrace is the example: a server transaction of 5 spans,
// 123 ms, internal_error, starting at 12:00:02 in goldenOpts' zone.
func exampleTrace(t *testing.T) []Record {
	t.Helper()
	recs, err := decodeJSON(t, `{"sdk":{"name":"sentry.javascript.node","version":"9.0.0"}}`,
		[2]string{`{"type":"transaction"}`, `{"transaction":"GET /api/users","platform":"node",
		"start_timestamp":"2025-01-02T11:00:02.000Z","timestamp":"2025-01-02T11:00:02.123Z",
		"contexts":{"trace":{"trace_id":"0123456789abcdef0123456789abcdef","span_id":"a000000000000000","op":"http.server","status":"internal_error"}},
		"spans":[
		 {"span_id":"a000000000000001","parent_span_id":"a000000000000000","op":"middleware","start_timestamp":1735815602.001,"timestamp":1735815602.002},
		 {"span_id":"a000000000000002","parent_span_id":"a000000000000000","op":"db.query","description":"SELECT * FROM users","start_timestamp":1735815602.003,"timestamp":1735815602.1},
		 {"span_id":"a000000000000003","parent_span_id":"a000000000000002","op":"db.connect","start_timestamp":1735815602.003,"timestamp":1735815602.01},
		 {"span_id":"a000000000000004","parent_span_id":"a000000000000000","op":"serialize","start_timestamp":1735815602.1,"timestamp":1735815602.12,"status":"internal_error"}]}`})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	return recs
}

func humanLines(t *testing.T, opts Options, recs []Record) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, Human, opts, recs...); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// The trace line, byte for byte; and its md span tree indented
// by depth with durations.
func TestHumanTraceExample(t *testing.T) {
	recs := exampleTrace(t)
	want := "12:00:02 [TRACE]   [server]  [http.server] GET /api/users [123ms] [internal_error] [5 spans]"
	if got := humanLines(t, goldenOpts, recs); len(got) != 1 || got[0] != want {
		t.Errorf("human\n got %q\nwant %q", got, want)
	}
	var buf bytes.Buffer
	if err := Write(&buf, MD, goldenOpts, recs...); err != nil {
		t.Fatal(err)
	}
	tree := "- `http.server` GET /api/users — 123ms **internal_error**\n" +
		"  - `middleware` — 1.00ms (+1.00ms)\n" +
		"  - `db.query` SELECT * FROM users — 97ms (+3.00ms)\n" +
		"    - `db.connect` — 7.00ms (+3.00ms)\n" +
		"  - `serialize` — 20ms (+100ms) **internal_error**\n"
	if !strings.Contains(buf.String(), "### Span tree\n\n"+tree) {
		t.Errorf("md lacks the indented span tree\n%s\nin\n%s", tree, buf.String())
	}
}

// Every level and source column lines up: the message starts at the same
// column on every line (golden file aligned.human).
func TestHumanColumnsLineUp(t *testing.T) {
	recs := exampleTrace(t)
	recs = append(recs, decodeFile(t, "testdata/envelopes/envelope_javascript.txt")...) // browser error
	recs = append(recs, decodeFile(t, "testdata/envelopes/log_envelope.txt")...)        // every log level
	recs = append(recs, decodeFile(t, "testdata/envelopes/attachment_text.txt")...)     // ATTACH
	mobile, err := decodeJSON(t, `{"sdk":{"name":"sentry.cocoa"}}`,
		[2]string{`{"type":"event"}`, `{"message":"low memory","level":"warning","timestamp":1735815600}`})
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, mobile...)
	lines := humanLines(t, goldenOpts, recs)
	checkGolden(t, "aligned.human", []byte(strings.Join(lines, "\n")+"\n"))

	// "HH:MM:SS " then the level and source columns, each padded to 10.
	prefix := regexp.MustCompile(`^\d\d:\d\d:\d\d \[[A-Z]+\] +\[[a-z]+\] +`)
	levels, sources := map[string]bool{}, map[string]bool{}
	for _, l := range lines {
		m := prefix.FindString(l)
		if len(m) != 29 {
			t.Errorf("message does not start at column 29 (%d): %q", len(m), l)
			continue
		}
		f := strings.Fields(m)
		levels[f[1]], sources[f[2]] = true, true
	}
	if len(levels) < 7 || len(sources) < 4 {
		t.Errorf("the golden covers levels %v and sources %v; want all of them", levels, sources)
	}
}

// Error lines: type, value, top in-app frame and function; log lines: body
// and the non-sentry attributes.
func TestHumanErrorAndLogLines(t *testing.T) {
	recs, err := decodeJSON(t, `{"sdk":{"name":"sentry.python"}}`,
		[2]string{`{"type":"event"}`, `{"timestamp":1735815600,"exception":{"values":[{"type":"KeyError","value":"'id'",
		"stacktrace":{"frames":[
		 {"filename":"app.py","function":"main","lineno":3,"colno":1,"in_app":true},
		 {"filename":"views.py","function":"get_user","lineno":42,"colno":7,"in_app":true},
		 {"filename":"lib/dict.py","function":"__getitem__","lineno":9,"in_app":false}]}}]}}`},
		[2]string{`{"type":"log"}`, `{"items":[{"timestamp":1735815601,"level":"info","body":"user loaded",
		"attributes":{"sentry.sdk.name":{"value":"sentry.python","type":"string"},"user.id":{"value":7,"type":"integer"},"cached":{"value":true,"type":"boolean"}}}]}`})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"12:00:00 [ERROR]   [server]  KeyError: 'id' [views.py:42:7] get_user",
		"12:00:01 [INFO]    [server]  user loaded [cached=true] [user.id=7]",
	}
	if got := humanLines(t, goldenOpts, recs); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("human\n got %q\nwant %q", got, want)
	}
}

// JavaScript SDKs name an anonymous function "?": the human line then ends
// at the location, the md frame says <anonymous>, and json keeps it as sent.
func TestAnonymousFunction(t *testing.T) {
	recs, err := decodeJSON(t, `{"sdk":{"name":"sentry.javascript.node"}}`,
		[2]string{`{"type":"event"}`, `{"timestamp":1735815600,"exception":{"values":[{"type":"Error","value":"checkout failed",
		"stacktrace":{"frames":[{"filename":"/app/cart.js","function":"?","lineno":3,"colno":9,"in_app":true}]}}]}}`})
	if err != nil {
		t.Fatal(err)
	}
	if got := humanLines(t, goldenOpts, recs); len(got) != 1 || !strings.HasSuffix(got[0], "Error: checkout failed [/app/cart.js:3:9]") {
		t.Errorf("human %q; want it to end at the location", got)
	}
	var md, js bytes.Buffer
	if err := Write(&md, MD, goldenOpts, recs...); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "## Error: checkout failed\n") || !strings.Contains(md.String(), "- `<anonymous>` at `/app/cart.js:3:9`") {
		t.Errorf("md:\n%s", md.String())
	}
	if err := Write(&js, JSON, goldenOpts, recs...); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"function":"?"`) || !strings.Contains(js.String(), `"filename":"/app/cart.js","lineno":3,"colno":9`) {
		t.Errorf("json: %s", js.String())
	}
}

// hostile.txt carries clear-screen, cursor movement, OSC title, clipboard
// and hyperlink, terminal reset, C1 CSI, backspaces and carriage returns in
// every payload field. None may reach the output of any format; only our
// own colour codes may appear, and only in coloured human output.
func TestHostileEscapes(t *testing.T) {
	recs := decodeFile(t, "testdata/envelopes/hostile_escapes.txt")
	if len(recs) != 4 {
		t.Fatalf("%d records, want an error, a log, a trace and an attachment", len(recs))
	}
	ours := regexp.MustCompile(`\x1b\[(0|2|3[1-6])m`)
	for _, color := range []bool{false, true} {
		for _, f := range Formats() {
			var buf bytes.Buffer
			if err := Write(&buf, f, Options{Color: color, Location: time.UTC}, recs...); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if color && f == Human {
				out = ours.ReplaceAllString(out, "")
			}
			if i := strings.IndexAny(out, "\x1b\x07\x08\r\u009b"); i >= 0 {
				t.Errorf("%s (colour %v): control character at %d: %q", f, color, i, out[max(0, i-20):min(len(out), i+20)])
			}
			for _, gone := range []string{"pwned-title", "cm0gLXJmIH4", "evil.example"} {
				if strings.Contains(out, gone) {
					t.Errorf("%s: the payload of an OSC sequence (%s) was printed", f, gone)
				}
			}
			kept := []string{"bad thing happened", "log body end", "GET /x"}
			if f == MD {
				kept = append(kept, "SELECT 1") // md alone shows every span
			}
			for _, k := range kept {
				if !strings.Contains(out, k) {
					t.Errorf("%s: the text around the escapes (%q) is lost:\n%s", f, k, out)
				}
			}
		}
	}
}

// An attachment the envelope ended inside says how much of it arrived, in
// every format.
func TestTruncatedAttachment(t *testing.T) {
	env, err := envelope.Parse([]byte("{}\n{\"type\":\"attachment\",\"length\":900,\"filename\":\"shot.png\",\"content_type\":\"image/png\"}\n\x89PNG"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := Decode(env, Meta{ID: "e1", Received: received})
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for f, want := range map[Format]string{
		Human:  "[truncated: 4 of 900 bytes arrived]",
		MD:     "- **Truncated:** 4 of 900 bytes arrived",
		JSON:   `"size":4,"truncated":true,"declared_length":900`,
		Logfmt: "size=4 truncated=true declared_length=900",
	} {
		var buf bytes.Buffer
		if err := Write(&buf, f, goldenOpts, recs...); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), want) {
			t.Errorf("%s lacks %q:\n%s", f, want, buf.String())
		}
	}
}
