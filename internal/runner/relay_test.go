package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/testutil"
)

type relayedLog struct {
	Level          string  `json:"level"`
	Body           string  `json:"body"`
	SeverityNumber int     `json:"severity_number"`
	TraceID        string  `json:"trace_id"`
	Timestamp      float64 `json:"timestamp"`
	Attributes     map[string]struct {
		Value string `json:"value"`
		Type  string `json:"type"`
	} `json:"attributes"`
}

func newTestRelay(b *buffer.Buffer, logger *slog.Logger) *Relay {
	return NewRelay(RelayOptions{Buffer: b, Logger: logger, Version: "1.2.3", TraceID: "0123456789abcdef0123456789abcdef"})
}

// logsOf decodes every stdio log in the buffer, checking each entry is an
// envelope an SDK could have sent (wire body, stream data and parsed form
// agree).
func logsOf(t *testing.T, b *buffer.Buffer) (logs []relayedLog, entries int) {
	t.Helper()
	for _, e := range b.Snapshot() {
		entries++
		if e.Event != buffer.EventEnvelope || e.ID == "" {
			t.Fatalf("entry event %q id %q", e.Event, e.ID)
		}
		env, err := envelope.Parse(e.Body())
		if err != nil {
			t.Fatalf("relayed body does not parse: %v\n%s", err, e.Body())
		}
		if !fromStdio(event.Decode(env, event.Meta{})) || !fromStdio(event.Decode(e.Envelope(), event.Meta{})) {
			t.Fatalf("header %s does not name %s", env.Header, StdioSDKName)
		}
		streamed, err := envelope.UnmarshalStream(e.AppendStream(nil))
		if err != nil || len(streamed.Items) != 1 || !bytes.Equal(streamed.Items[0].Payload, env.Items[0].Payload) {
			t.Fatalf("stream data does not match the body: %v\n%s", err, e.AppendStream(nil))
		}
		if len(env.Items) != 1 || env.Items[0].Type != "log" || env.Items[0].ContentType != logContentType {
			t.Fatalf("items: %+v", env.Items)
		}
		var head struct {
			ItemCount int `json:"item_count"`
		}
		var payload struct{ Items []relayedLog }
		if err := json.Unmarshal(env.Items[0].Header, &head); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(env.Items[0].Payload, &payload); err != nil {
			t.Fatal(err)
		}
		if head.ItemCount != len(payload.Items) || len(payload.Items) == 0 || len(payload.Items) > maxBatch {
			t.Fatalf("item_count %d for %d logs", head.ItemCount, len(payload.Items))
		}
		logs = append(logs, payload.Items...)
	}
	return logs, entries
}

func bodies(logs []relayedLog) []string {
	out := make([]string, len(logs))
	for i, l := range logs {
		out[i] = l.Body
	}
	return out
}

func TestRelayRealChildOutput(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	cmd := exec.Command("sh", "-c", `printf 'one\r\n\n   \n\033[32mtwo\033[0m\n'; printf 'oops\n' >&2; printf 'no newline at the end'`)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var termOut, termErr bytes.Buffer
	// stderr first, whole: the order of the two streams is then known.
	if err := r.Pump(stderr, &termErr, Stderr()); err != nil {
		t.Fatal(err)
	}
	if err := r.Pump(stdout, &termOut, Stdout()); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	r.Close()

	if got, want := termOut.String(), "one\r\n\n   \n\033[32mtwo\033[0m\nno newline at the end"; got != want {
		t.Errorf("terminal stdout %q, want %q unchanged", got, want)
	}
	if termErr.String() != "oops\n" {
		t.Errorf("terminal stderr %q", termErr.String())
	}
	logs, _ := logsOf(t, b)
	want := []relayedLog{
		{Level: "error", Body: "oops", SeverityNumber: 17},
		{Level: "info", Body: "one", SeverityNumber: 9},
		{Level: "info", Body: "\033[32mtwo\033[0m", SeverityNumber: 9},
		{Level: "info", Body: "no newline at the end", SeverityNumber: 9},
	}
	if len(logs) != len(want) {
		t.Fatalf("relayed %q, want %d logs", bodies(logs), len(want))
	}
	for i, l := range logs {
		w := want[i]
		if l.Level != w.Level || l.Body != w.Body || l.SeverityNumber != w.SeverityNumber {
			t.Errorf("log %d = %s/%d %q, want %s/%d %q", i, l.Level, l.SeverityNumber, l.Body, w.Level, w.SeverityNumber, w.Body)
		}
		if l.TraceID != "0123456789abcdef0123456789abcdef" || l.Timestamp < float64(time.Now().Add(-time.Hour).Unix()) {
			t.Errorf("log %d: trace id %q, timestamp %v", i, l.TraceID, l.Timestamp)
		}
		if l.Attributes["sentry.sdk.name"].Value != StdioSDKName || l.Attributes["sentry.sdk.version"].Value != "1.2.3" {
			t.Errorf("log %d attributes %+v", i, l.Attributes)
		}
	}
}

func TestRelaySplitsLongLinesLosingNothing(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	ascii := strings.Repeat("x", 2*MaxLineBytes+100)
	// 'é' is two bytes: a cut at MaxLineBytes falls inside one of them.
	accented := "a" + strings.Repeat("é", MaxLineBytes)
	if err := r.Pump(strings.NewReader(ascii+"\n"+accented), io.Discard, Stdout()); err != nil {
		t.Fatal(err)
	}
	r.Close()
	logs, _ := logsOf(t, b)
	var joined strings.Builder
	for _, l := range logs {
		if len(l.Body) > MaxLineBytes || !utf8.ValidString(l.Body) {
			t.Fatalf("log of %d bytes (valid UTF-8: %v)", len(l.Body), utf8.ValidString(l.Body))
		}
		joined.WriteString(l.Body)
	}
	if joined.String() != ascii+accented {
		t.Fatalf("pieces (%d) do not add up to the lines", len(logs))
	}
	if len(logs) != 3+3 {
		t.Errorf("%d logs, want 3 for each line", len(logs))
	}
}

func TestRelayBatchesBursts(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	var in strings.Builder
	const n = 1000
	for i := range n {
		in.WriteString("line " + strings.Repeat("-", i%7) + "\n")
	}
	if err := r.Pump(strings.NewReader(in.String()), io.Discard, Stdout()); err != nil {
		t.Fatal(err)
	}
	r.Close()
	logs, entries := logsOf(t, b)
	if len(logs) != n {
		t.Fatalf("%d logs, want %d", len(logs), n)
	}
	if entries >= n/10 {
		t.Errorf("%d envelopes for a burst of %d lines: not batched", entries, n)
	}
	for i, l := range logs {
		if want := "line " + strings.Repeat("-", i%7); l.Body != want {
			t.Fatalf("log %d = %q, want %q (order lost)", i, l.Body, want)
		}
	}
}

func TestRelayStopsWhenSDKSendsTheSameLines(t *testing.T) {
	for _, sdkFirst := range []bool{false, true} {
		b := buffer.New(buffer.Options{})
		var debug testutil.SafeBuffer
		r := newTestRelay(b, slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug})))
		var term bytes.Buffer
		if sdkFirst {
			r.NoteSDKLog("server listening on :3000")
		}
		if err := r.Pump(strings.NewReader("booting\n\033[1mserver listening on :3000\033[0m  \n"), &term, Stdout()); err != nil {
			t.Fatal(err)
		}
		if !sdkFirst {
			if !r.Relaying() {
				t.Fatal("relaying stopped before the SDK sent anything")
			}
			r.NoteSDKLog("server listening on :3000")
		}
		if r.Relaying() {
			t.Fatalf("sdkFirst=%v: still relaying after the SDK sent a relayed line", sdkFirst)
		}
		if err := r.Pump(strings.NewReader("GET /\nGET /about\n"), &term, Stdout()); err != nil {
			t.Fatal(err)
		}
		r.NoteSDKLog("GET /")
		r.Close()
		logs, _ := logsOf(t, b)
		want := []string{"booting", "\033[1mserver listening on :3000\033[0m  "}
		if sdkFirst {
			want = want[:1]
		}
		if strings.Join(bodies(logs), "|") != strings.Join(want, "|") {
			t.Errorf("sdkFirst=%v: relayed %q, want %q", sdkFirst, bodies(logs), want)
		}
		if !strings.HasSuffix(term.String(), "GET /\nGET /about\n") {
			t.Errorf("the terminal lost output after relaying stopped: %q", term.String())
		}
		if c := strings.Count(debug.String(), "no longer relaying"); c != 1 {
			t.Errorf("said it stopped relaying %d times, want once:\n%s", c, debug.String())
		}
	}
}

func TestRelayUnrelatedSDKLogsKeepRelaying(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	r.NoteSDKLog("user signed in")
	r.NoteSDKLog("")
	if err := r.Pump(strings.NewReader("compiled in 120ms\n"), io.Discard, Stderr()); err != nil {
		t.Fatal(err)
	}
	r.NoteSDKLog("cache warmed")
	r.Close()
	if logs, _ := logsOf(t, b); !r.Relaying() || len(logs) != 1 {
		t.Fatalf("relaying %v, logs %q", r.Relaying(), bodies(logs))
	}
}

func TestRelayStopsWhenTheTerminalIsClosed(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	defer pw.Close()
	err = r.Pump(strings.NewReader("one\ntwo\n"), pw, Stdout())
	if !errors.Is(err, ErrTerminalGone) || !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("Pump = %v, want ErrTerminalGone wrapping EPIPE", err)
	}
	r.Close()
	if logs, _ := logsOf(t, b); len(logs) != 0 {
		t.Errorf("relayed %q that the terminal never showed", bodies(logs))
	}
}

// Progress bars redraw one terminal line with carriage returns: the log gets
// what the terminal ended up showing, and a bar that never ends its line
// does not pile up in memory.
func TestRelayCarriageReturnsOverwrite(t *testing.T) {
	b := buffer.New(buffer.Options{})
	r := newTestRelay(b, nil)
	var in strings.Builder
	in.WriteString("building 10%\rbuilding 20%\rbuilding 100%\r\ndone\r\n")
	for i := range 5000 { // 60 KB of redraws, no newline until the end
		in.WriteString("\rdownloading " + strings.Repeat("#", i%50))
	}
	in.WriteString("\rdownloaded\n")
	var term bytes.Buffer
	if err := r.Pump(strings.NewReader(in.String()), &term, Stdout()); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if term.String() != in.String() {
		t.Error("the terminal did not get the output unchanged")
	}
	logs, _ := logsOf(t, b)
	if got := strings.Join(bodies(logs), "|"); got != "building 100%|done|downloaded" {
		t.Errorf("relayed %q", got)
	}
}

// Compose interleaves several programs' output: the one whose SDK sends its
// lines as logs stops being relayed, the others go on.
func TestRelayDoubledLogsStopPerSource(t *testing.T) {
	sources := map[string]*Source{"web": {Attrs: []Attr{{"service.name", "web"}}}, "db": {Attrs: []Attr{{"service.name", "db"}}}}
	b := buffer.New(buffer.Options{})
	r := NewRelay(RelayOptions{Buffer: b, Version: "1", TraceID: "0123456789abcdef0123456789abcdef",
		Label: func(line []byte) ([]byte, *Source) {
			name, body, _ := bytes.Cut(line, []byte(": "))
			return body, sources[string(name)]
		}})
	if err := r.Pump(strings.NewReader("web: listening\ndb: ready\n"), io.Discard, Stdout()); err != nil {
		t.Fatal(err)
	}
	r.NoteSDKLog("listening")
	if err := r.Pump(strings.NewReader("web: GET /\ndb: checkpoint\n"), io.Discard, Stdout()); err != nil {
		t.Fatal(err)
	}
	r.Close()
	logs, _ := logsOf(t, b)
	var got []string
	for _, l := range logs {
		got = append(got, l.Attributes["service.name"].Value+": "+l.Body)
	}
	if want := "web: listening|db: ready|db: checkpoint"; strings.Join(got, "|") != want {
		t.Errorf("relayed %q, want %q", got, want)
	}
	if !r.Relaying() {
		t.Error("Relaying() = false while db's lines are still relayed")
	}
}

// With a hold, the lines printed before the SDK's first log batch wait; the
// batch ends the hold, and the ones the SDK sent itself are dropped (its copy, with its level, is
// the one kept), the others become logs with the time they were printed.
func TestRelayHoldDropsEarlierCopiesOfSDKLogs(t *testing.T) {
	b := buffer.New(buffer.Options{})
	printed := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	r := NewRelay(RelayOptions{Buffer: b, Version: "1", TraceID: "0123456789abcdef0123456789abcdef", Hold: time.Hour,
		Now: func() time.Time { return printed }})
	var term bytes.Buffer
	if err := r.Pump(strings.NewReader("> app@1.0.0 dev\nlistening on :3000\n"), &term, Stdout()); err != nil {
		t.Fatal(err)
	}
	if err := r.Pump(strings.NewReader("\033[33mdisk almost full\033[0m\n"), &term, Stderr()); err != nil {
		t.Fatal(err)
	}
	// The batcher holds them: nothing is in the buffer yet.
	testutil.Eventually(t, 5*time.Second, func() bool { return len(r.lines) == 0 }, "the batcher never took the lines")
	time.Sleep(3 * batchDelay) // a batch would have been flushed by now
	if n, _ := b.Len(); n != 0 {
		t.Fatalf("%d envelopes during the hold, want none", n)
	}
	// The SDK's first batch (its console.log and console.warn) ends the hold.
	r.NoteSDKLogs([]string{"listening on :3000", "disk almost full"})
	testutil.Eventually(t, 5*time.Second, func() bool { n, _ := b.Len(); return n == 1 }, "the SDK's batch did not end the hold")
	r.Close()
	logs, _ := logsOf(t, b)
	if got := bodies(logs); len(got) != 1 || got[0] != "> app@1.0.0 dev" {
		t.Fatalf("relayed %q, want only the line the SDK did not send", got)
	}
	if logs[0].Timestamp != float64(printed.Unix()) {
		t.Errorf("held log stamped %v, want when it was printed (%v)", logs[0].Timestamp, printed.Unix())
	}
	if term.String() != "> app@1.0.0 dev\nlistening on :3000\n\033[33mdisk almost full\033[0m\n" {
		t.Errorf("the terminal got %q", term.String())
	}
}
