package event

import (
	"os"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

func TestNormalizedStatement(t *testing.T) {
	for _, c := range []struct{ op, stmt, want string }{
		{"db", `SELECT "a"."id" FROM "a" WHERE "a"."id" = %s LIMIT 21`, `SELECT "a"."id" FROM "a" WHERE "a"."id" = ? LIMIT ?`},
		{"db.query", `select * from users where name = 'bob' and id in (1, 2, 3)`, `SELECT * FROM users WHERE name = ? AND id IN ( ? )`},
		{"db.sql.query", `SELECT * FROM t WHERE x = %(name)s`, `SELECT * FROM t WHERE x = ?`},
		{"http.client", `GET /users/1`, ``},
	} {
		s := Span{Op: c.op, Description: c.stmt}
		if got := normalizedStatement(&s); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.op, c.stmt, got, c.want)
		}
	}
	// db.query.text wins over the description.
	s := Span{Op: "db", Description: "users.find", Data: []Attribute{{Key: "db.query.text", Value: "SELECT 1"}}}
	if got := normalizedStatement(&s); got != "SELECT ?" {
		t.Errorf("db.query.text: %q", got)
	}
}

func TestScoreOfThresholds(t *testing.T) {
	for _, c := range []struct {
		name string
		v    float64
		want Score
	}{
		{"lcp", 2500, ScoreGood}, {"lcp", 2501, ScoreNeedsImprovement}, {"lcp", 4001, ScorePoor},
		{"cls", 0.1, ScoreGood}, {"cls", 0.2, ScoreNeedsImprovement}, {"cls", 0.3, ScorePoor},
		{"inp", 200, ScoreGood}, {"inp", 5576, ScorePoor}, {"ttfb", 900, ScoreNeedsImprovement},
		{"fcp", 1800, ScoreGood}, {"fcp", 3001, ScorePoor}, {"fp", 1, ""},
	} {
		if got := ScoreOf(c.name, c.v); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.name, c.v, got, c.want)
		}
	}
}

func TestSDKWarning(t *testing.T) {
	if w := sdkWarning("sentry.javascript.browser", "8.55.0"); w == "" {
		t.Error("8.55.0 of the browser SDK sends no logs")
	}
	if w := sdkWarning("sentry.javascript.node", "10.5.0"); w != "" {
		t.Errorf("10.5.0: %s", w)
	}
	if w := sdkWarning("sentry.python", "2.35.0"); w != "" {
		t.Errorf("2.35.0: %s", w)
	}
}

func loadFile(t *testing.T, b *buffer.Buffer, path string) {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	addTo(t, b, string(body))
}

// Trace filters and search over the Python (Django) transaction: an
// attribute value finds it, and so do the method, name and duration.
func TestTraceFiltersAndSearch(t *testing.T) {
	st := NewStore(nil)
	b := buffer.New(buffer.Options{MaxEntries: 100, Model: st})
	loadFile(t, b, "../format/testdata/envelopes/envelope_python.txt")
	loadFile(t, b, "../format/testdata/envelopes/envelope_java.txt")
	// An error whose trace has no span held.
	addTo(t, b, `{}`+"\n"+`{"type":"event"}`+"\n"+`{"event_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","transaction":"GET /lonely","exception":{"values":[{"type":"E","value":"v"}]},"contexts":{"trace":{"trace_id":"abababababababababababababababab","span_id":"abababababababab"}},"timestamp":1700000000}`+"\n")
	count := func(q Query) int {
		_, n, _ := st.List(KindTrace, q)
		return n
	}
	for _, c := range []struct {
		q    Query
		want int
	}{
		{Query{}, 2},
		{Query{Text: "hsqldb"}, 1},     // a span attribute's value (db.system)
		{Query{Text: "db.name"}, 2},    // an attribute's key (both have db spans)
		{Query{Text: "postgresql"}, 1}, // the Django spans' db.system
		{Query{Method: "POST"}, 1},
		{Query{Method: "GET"}, 0},
		{Query{Transaction: "person"}, 1},
		{Query{MinMS: 100}, 2},
		{Query{MaxMS: 100}, 0},
		{Query{Environment: "production"}, 1},
		{Query{WithoutSpans: true}, 3},
		{Query{WithoutSpans: true, Transaction: "lonely"}, 1},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%+v: %d traces, want %d", c.q, got, c.want)
		}
	}
	page, _, _ := st.List(KindTrace, Query{WithoutSpans: true, Transaction: "lonely"})
	if len(page) != 1 || !page[0].Trace.NoSpans || page[0].Trace.ErrorCount != 1 || page[0].Timestamp.IsZero() {
		t.Fatalf("span-less trace: %+v", page)
	}
	if got, ok := st.Get(KindTrace, "abababababababababababababababab"); !ok || !got.Trace.NoSpans || got.Trace.Name != "GET /lonely" {
		t.Fatalf("a span-less trace's detail: %v %+v", ok, got.Trace)
	}
}

// A transaction received twice (not byte for byte: another envelope id)
// counts its queries once.
func TestQueriesCountASpanOnce(t *testing.T) {
	st := NewStore(nil)
	b := buffer.New(buffer.Options{MaxEntries: 10, Model: st})
	loadFile(t, b, "../format/testdata/envelopes/envelope_java.txt")
	once := st.Queries(Query{}, "")
	body, err := os.ReadFile("../format/testdata/envelopes/envelope_java.txt")
	if err != nil {
		t.Fatal(err)
	}
	addTo(t, b, "{}"+string(body[strings.IndexByte(string(body), '\n'):]))
	twice := st.Queries(Query{}, "")
	if len(once) != 1 || len(twice) != 1 || twice[0].Count != once[0].Count || once[0].Count != 1 {
		t.Fatalf("once %+v, twice %+v", once, twice)
	}
}
