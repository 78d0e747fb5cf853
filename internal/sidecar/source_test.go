package sidecar

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
	"github.com/spotlight-dev/spotlight/internal/sourcecontext"
)

// An error whose in-app frame came without code, a library frame, a frame
// with code, and a browser frame of a dev server: the route answers per
// frame, in the shape of the error.
func TestErrorSource(t *testing.T) {
	root := t.TempDir()
	var src strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&src, "line %d\n", i)
	}
	if err := os.WriteFile(filepath.Join(root, "app.py"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	gen, err := os.ReadFile("../sourcecontext/testdata/vite-main.js")
	if err != nil {
		t.Fatal(err)
	}
	dev := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(gen) }))
	t.Cleanup(dev.Close)

	store := event.NewStore(nil)
	ts := start(t, Config{Buffer: buffer.New(buffer.Options{Model: store}), Events: store,
		ProjectOf: func(string) localfile.Roots { return localfile.Roots{root} }})
	frames := fmt.Sprintf(`[`+
		`{"filename":"/usr/lib/python3/threading.py","function":"run","lineno":1000,"in_app":false},`+
		`{"filename":"sent.py","function":"f","lineno":3,"in_app":true,"context_line":"as sent"},`+
		`{"abs_path":%q,"filename":"app.py","function":"handler","lineno":12,"in_app":true}]`, filepath.Join(root, "app.py"))
	postEnvelope(t, ts, "/stream", env(`{"event_id":"22222222222222222222222222222222"}`, `{"type":"event"}`,
		`{"event_id":"22222222222222222222222222222222","platform":"python","breadcrumbs":{"values":[{"timestamp":1700000000,"category":"http","data":{"url":"/cart","status_code":500}}]},"exception":{"values":[`+
			`{"type":"KeyError","value":"x","stacktrace":{"frames":`+frames+`}},`+
			`{"type":"Error","value":"y","stacktrace":{"frames":[{"filename":"`+dev.URL+`/src/main.ts","function":"total","lineno":3,"colno":9,"in_app":true}]}}]}}`))
	var list listOf
	getJSON(t, ts, "/api/errors", &list)
	if list.Total != 1 {
		t.Fatalf("errors: %+v", list)
	}
	var got sourcecontext.ErrorSources
	getJSON(t, ts, "/api/errors/"+list.Items[0]["id"].(string)+"/source", &got)
	if len(got.Exceptions) != 2 || len(got.Exceptions[0]) != 3 || len(got.Exceptions[1]) != 1 {
		t.Fatalf("shape: %s", mustJSON(got))
	}
	if got.Exceptions[0][0] != nil || got.Exceptions[0][1] != nil {
		t.Errorf("a library frame and a frame with code need nothing: %s", mustJSON(got.Exceptions[0][:2]))
	}
	if c := got.Exceptions[0][2]; c == nil || c.Context == nil || c.Context.Line != "line 12" || len(c.Context.Pre) != 5 {
		t.Errorf("disk frame: %s", mustJSON(c))
	}
	if m := got.Exceptions[1][0]; m == nil || m.Mapped == nil || m.Mapped.Line != 5 || m.Context == nil ||
		m.Context.Line != "    throw new Error('empty cart');" {
		t.Errorf("mapped frame: %s", mustJSON(m))
	}
	// Copy for AI: the Markdown of tail -f md, with the code found.
	md := do(t, ts, http.MethodGet, "/api/errors/"+list.Items[0]["id"].(string)+"/markdown", nil)
	if md.status != http.StatusOK || md.header.Get("Content-Type") != "text/markdown; charset=utf-8" {
		t.Fatalf("markdown: %d %s", md.status, md.header)
	}
	for _, want := range []string{"## Error: y\n", "#### 2. KeyError: x", "12 > line 12", "`total` at `src/main.ts:5:11` (in app)", "5 >     throw new Error('empty cart');", "### Breadcrumbs (oldest first)", "`http` `{\"url\":\"/cart\",\"status_code\":500}`"} {
		if !strings.Contains(md.body, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.body)
		}
	}
	if r := do(t, ts, http.MethodGet, "/api/errors/nope.0/source", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown error: %d %s", r.status, r.body)
	}
	if r := do(t, ts, http.MethodGet, "/api/errors/"+list.Items[0]["id"].(string)+"/source", nil, "Origin", "https://evil.example"); r.status != http.StatusForbidden {
		t.Errorf("a foreign page read the source: %d", r.status)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
