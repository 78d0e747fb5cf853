package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

// The tool against the real binary: every POST succeeds and every envelope
// reaches every subscriber.
func TestLoadAgainstRealSidecar(t *testing.T) {
	dir := t.TempDir()
	bin, err := testutil.BuildBinary(dir)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "envelope.txt")
	env := "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n{\"type\":\"event\"}\n{\"message\":\"load\"}\n"
	if err := os.WriteFile(file, []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o := options{spawn: bin, file: file, path: "/api/0/envelope/", clients: 2, duration: 300 * time.Millisecond, rate: 200, subscribers: 3}
	if err := run(t.Context(), o, &out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`requests: [1-9]\d* ok, 0 failed`),
		regexp.MustCompile(`POST latency: p50 \S+ +p90`),
		regexp.MustCompile(`delivery to 3 subscribers \(POST start to SSE event\): p50 \S+`),
		regexp.MustCompile(`sidecar CPU: `),
	} {
		if !want.MatchString(report) {
			t.Errorf("report lacks %s:\n%s", want, report)
		}
	}
	if strings.Contains(report, "missing") {
		t.Errorf("deliveries missing:\n%s", report)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []options{
		{},
		{file: "x", url: "http://a", spawn: "b", clients: 1, duration: time.Second},
		{file: "x", url: "http://a", clients: 0, duration: time.Second},
	} {
		if err := run(t.Context(), o, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%+v) accepted", o)
		}
	}
}
