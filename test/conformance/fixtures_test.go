//go:build conformance

// Package conformance checks spotlight against envelopes that real Sentry
// SDKs sent (../shared/fixtures/envelopes beside the project, see its
// NOTICE.md): each is parsed with the expected items, and the real binary
// accepts it and streams it back over SSE with the same items and payloads.
package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// fixturesDir returns the folder of envelope fixtures: $SPOTLIGHT_FIXTURES/envelopes
// when that variable is set, else ../shared/fixtures/envelopes relative to the
// module root. A missing folder fails the test: it is what this package checks.
func fixturesDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("SPOTLIGHT_FIXTURES")
	if root == "" {
		mod, err := testutil.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		root = filepath.Join(mod, "..", "shared", "fixtures")
	}
	dir := filepath.Join(root, "envelopes")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("envelope fixtures not found at %s: the conformance tests need the shared fixtures "+
			"(../shared/fixtures beside the project); set SPOTLIGHT_FIXTURES to the folder holding envelopes/", dir)
	}
	return dir
}

// cut is a truncated item: its index+1, the length its header declares and
// the bytes the file still holds.
type cut struct {
	item               int
	declared, received int64
}

// rawCheck is what a raw (non-JSON) item must stream as.
type rawCheck struct {
	data   string // the payload bytes after decoding the stream's "data"
	base64 bool   // whether the stream carries them as base64
}

// fixture is what one fixture file must parse to.
type fixture struct {
	types []string // item types in order
	// cut, when set, is the item the body ends inside: these fixtures are
	// damaged (see damaged below), and the item is kept, marked truncated.
	cut  *cut
	raw  map[int]rawCheck // by item index
	jpeg int              // index+1 of an item that must decode as a JPEG image
	logs map[int]int      // item index -> number of log records in its payload
	ansi bool             // log bodies keep their ANSI escape sequences
	doc  bool             // not an envelope (documentation beside the fixtures)
}

// damaged: these four fixtures declare a final item "length" larger than the
// bytes that follow. The Flutter replay and the screenshot lost bytes when
// they were stored (their binary data has most bytes above 0x7f replaced by
// 0xfd); the profile chunks are hand-written and their lengths are 27 bytes
// too large. As upstream does, the envelope is kept: every intact item, and
// the short one with what arrived, marked truncated (issue 14).

// expectations lists every file in the fixtures folder; a file missing here
// fails the test, so new fixtures get expectations.
func expectations() map[string]fixture {
	return map[string]fixture{
		"Capture.Message.in.a.transaction.txt":                                     {types: []string{"event"}},
		"Capture.Message.txt":                                                      {types: []string{"event"}},
		"ai_sdk/application_x_sentry_envelope-1747909903831299791.txt":             {types: []string{"transaction"}},
		"ai_sdk/application_x_sentry_envelope-1747909905571196666.txt":             {types: []string{"transaction"}},
		"ai_sdk/application_x_sentry_envelope-1747910023484922333.txt":             {types: []string{"transaction"}},
		"ai_sdk/application_x_sentry_envelope-1747910024047185083.txt":             {types: []string{"transaction"}},
		"ai_sdk/application_x_sentry_envelope-1747910024622759916.txt":             {types: []string{"transaction"}},
		"application_x_sentry_envelope-1706290053204.txt":                          {types: []string{"event", "session", "attachment"}},
		"attachments/envelope_with_json.txt":                                       {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: `{"name":"John","age":20}`}}},
		"attachments/envelope_with_text.txt":                                       {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: "Hello, world!"}}},
		"continuous_profiling/README.md":                                           {doc: true},
		"continuous_profiling/profile_chunk_1.txt":                                 {types: []string{"profile_chunk"}, cut: &cut{1, 1671, 1644}},
		"continuous_profiling/profile_chunk_2.txt":                                 {types: []string{"profile_chunk"}, cut: &cut{1, 1432, 1405}},
		"continuous_profiling/transaction.txt":                                     {types: []string{"transaction"}},
		"envelope_angular.txt":                                                     {types: []string{"event"}},
		"envelope_astro_ssr_browser.txt":                                           {types: []string{"transaction"}},
		"envelope_astro_ssr_node.txt":                                              {types: []string{"transaction"}},
		"envelope_binary.bin":                                                      {types: []string{"attachment", "event"}, raw: map[int]rawCheck{0: {data: "\xEF\xBB\xBFHello\r\n"}}},
		"envelope_empty.txt":                                                       {types: []string{}},
		"envelope_empty_payload.txt":                                               {types: []string{"attachment", "attachment"}, raw: map[int]rawCheck{0: {data: ""}, 1: {data: ""}}},
		"envelope_flutter_replay.bin":                                              {types: []string{"replay_video"}, cut: &cut{1, 19422, 18856}},
		"envelope_java.txt":                                                        {types: []string{"transaction"}},
		"envelope_java_formatted_message.txt":                                      {types: []string{"event"}},
		"envelope_javascript.txt":                                                  {types: []string{"event"}},
		"envelope_no_len_w_eof.txt":                                                {types: []string{"attachment"}, raw: map[int]rawCheck{0: {data: "helloworld", base64: true}}},
		"envelope_no_len_w_eof_empty_headers.txt":                                  {types: []string{"session"}},
		"envelope_no_len_w_new_line.txt":                                           {types: []string{"attachment"}, raw: map[int]rawCheck{0: {data: "helloworld", base64: true}}},
		"envelope_php.txt":                                                         {types: []string{"transaction"}},
		"envelope_php_error.txt":                                                   {types: []string{"event"}},
		"envelope_php_metrics.txt":                                                 {types: []string{"statsd"}, raw: map[int]rawCheck{0: {data: "counter:1|c|#environment:local,release:1.0.0,transaction:/|T1712239920"}}},
		"envelope_php_wordpress.txt":                                               {types: []string{"event"}},
		"envelope_python.txt":                                                      {types: []string{"transaction"}},
		"envelope_with_ansi_logs.txt":                                              {types: []string{"log"}, logs: map[int]int{0: 1}, ansi: true},
		"envelope_with_css.txt":                                                    {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: "body { background-color: red; }"}}},
		"envelope_with_csv.txt":                                                    {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: "name,age\nJohn,20\nJane,21"}}},
		"envelope_with_html.txt":                                                   {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: "<html><body><h1>Hello, world!</h1></body></html>"}}},
		"envelope_with_image.txt":                                                  {types: []string{"event", "attachment"}, jpeg: 2},
		"envelope_with_js.txt":                                                     {types: []string{"event", "attachment"}, raw: map[int]rawCheck{1: {data: "console.log('Hello, world!');"}}},
		"envelope_with_nextjs_ansi_escapes.txt":                                    {types: []string{"event"}},
		"envelope_with_only_span.txt":                                              {types: []string{"span"}},
		"envelope_with_screenshot.bin":                                             {types: []string{"event", "attachment"}, cut: &cut{2, 48833, 47000}},
		"enveplope_browser_js_profile.bin":                                         {types: []string{"transaction", "profile"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423917432.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423923130.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423923131.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423923661.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423923773.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423923942.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423927454.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423927482.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423927991.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423928010.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423928556.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423928659.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423928840.txt": {types: []string{"transaction"}},
		"large_sentry_transaction/application_x_sentry_envelope-1701423930091.txt": {types: []string{"transaction", "profile"}},
		"log_envelope.txt":                                                         {types: []string{"log"}, logs: map[int]int{0: 7}},
	}
}

// fixtureFile is one file of the fixtures folder with its expectation.
type fixtureFile struct {
	name string // slash-separated, relative to the folder
	body []byte
	want fixture
}

// loadFixtures reads every file of the folder, failing on a file that has no
// expectation and on an expectation whose file is gone.
func loadFixtures(t *testing.T) []fixtureFile {
	t.Helper()
	dir := fixturesDir(t)
	fixtures := expectations()
	var files []fixtureFile
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		name := filepath.ToSlash(rel)
		want, ok := fixtures[name]
		if !ok {
			t.Errorf("fixture %s has no expectation: add it to the fixtures table", name)
			return nil
		}
		seen[name] = true
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, fixtureFile{name: name, body: body, want: want})
		return nil
	})
	if err != nil {
		t.Fatalf("reading fixtures in %s: %v", dir, err)
	}
	for name := range fixtures {
		if !seen[name] {
			t.Errorf("fixture %s is expected but missing from %s", name, dir)
		}
	}
	return files
}
