package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/testutil/testenvelope"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/golden")
	record = flag.Bool("record", false, "record testdata/envelopes/go_*.txt again with sentry-go")
)

// goldenZone is not UTC so the tests prove the time zone is injected.
var goldenOpts = Options{Location: time.FixedZone("CET", 3600)}

// received is the fallback timestamp of records whose payload has none.
var received = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func loadEnvelope(t testing.TB, path string) *envelope.Envelope {
	return testenvelope.Load(t, path)
}

func decodeFile(t *testing.T, path string) []Record {
	t.Helper()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	recs, err := Decode(loadEnvelope(t, path), Meta{ID: "id-" + name, Received: received})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: no records", path)
	}
	return recs
}

func envelopeFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/envelopes/*.txt")
	if err != nil || len(files) < 10 {
		t.Fatalf("testdata/envelopes: %d files, %v", len(files), err)
	}
	return files
}

// checkGolden compares got with testdata/golden/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/format -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (review, then -update):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	for _, path := range envelopeFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		recs := decodeFile(t, path)
		for _, f := range Formats() {
			t.Run(name+"."+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, f, goldenOpts, recs...); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name+"."+string(f), buf.Bytes())
			})
		}
	}
}

// TestGoldenColor covers human colour on payloads full of their own ANSI.
func TestGoldenColor(t *testing.T) {
	recs := decodeFile(t, "testdata/envelopes/envelope_with_ansi_logs.txt")
	recs = append(recs, decodeFile(t, "testdata/envelopes/envelope_javascript.txt")...)
	opts := goldenOpts
	opts.Color = true
	var buf bytes.Buffer
	if err := Write(&buf, Human, opts, recs...); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "color.human", buf.Bytes())
	ours := regexp.MustCompile(`\x1b\[[0-9]+m`)
	if rest := ours.ReplaceAllString(buf.String(), ""); strings.ContainsAny(rest, "\x1b\x07\r") {
		t.Errorf("human output holds control characters besides our colour: %q", rest)
	}
}

// Every format but coloured human output must be free of escapes, and json
// must be one valid object per line with the always-present fields.
func TestNoEscapesAndJSONLines(t *testing.T) {
	for _, path := range envelopeFiles(t) {
		recs := decodeFile(t, path)
		for _, f := range Formats() {
			var buf bytes.Buffer
			if err := Write(&buf, f, goldenOpts, recs...); err != nil {
				t.Fatal(err)
			}
			if i := strings.IndexAny(buf.String(), "\x1b\x07\r\u009b"); i >= 0 {
				t.Errorf("%s %s: control character at %d: %q", path, f, i, buf.String()[max(0, i-20):i+5])
			}
			if f == Human || f == Logfmt {
				if n := strings.Count(buf.String(), "\n"); n != len(recs) {
					t.Errorf("%s %s: %d lines for %d records", path, f, n, len(recs))
				}
			}
			if f != JSON {
				continue
			}
			sc := bufio.NewScanner(&buf)
			sc.Buffer(nil, 1<<20)
			lines := 0
			for sc.Scan() {
				lines++
				var obj map[string]any
				if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
					t.Fatalf("%s line %d: %v: %s", path, lines, err, sc.Bytes())
				}
				for _, k := range []string{"timestamp", "type", "level", "source", "message"} {
					if _, ok := obj[k]; !ok {
						t.Errorf("%s line %d: no %q field", path, lines, k)
					}
				}
			}
			if lines != len(recs) {
				t.Errorf("%s: %d json lines for %d records", path, lines, len(recs))
			}
		}
	}
}
