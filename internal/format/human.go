package format

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/event"
)

// ANSI SGR codes of our own colour (the only escapes human output emits).
const (
	ansiReset   = "\x1b[0m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiBlue    = "\x1b[34m"
	ansiMagenta = "\x1b[35m"
	ansiCyan    = "\x1b[36m"
)

// Column widths, with one space after each: 10 characters hold every level
// label ("[ATTACH]" is the longest we write; "[WARNING]" fits) and every
// source ("[browser]", "[unknown]"), giving "12:00:02 [TRACE]   [server]  ".
const (
	levelWidth  = len("[WARNING]")
	sourceWidth = len("[browser]")
)

// writeHuman writes "HH:MM:SS [LEVEL]   [source]  message ..." on one line.
func writeHuman(w *bufio.Writer, opts Options, r *event.Record) {
	label, color := levelLabel(r)
	paint := func(s, code string) string {
		if !opts.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	w.WriteString(paint(r.Timestamp.In(opts.loc()).Format("15:04:05"), ansiDim))
	w.WriteByte(' ')
	column(w, paint, "["+label+"]", color, levelWidth)
	src := r.Source
	if src == "" {
		src = event.SourceUnknown
	}
	column(w, paint, "["+string(src)+"]", ansiCyan, sourceWidth)
	w.WriteString(humanMessage(r, paint))
	w.WriteByte('\n')
}

// column writes s painted, padded with spaces to width plus one separator
// (padding outside the colour, so colour and plain output line up alike).
func column(w *bufio.Writer, paint func(s, code string) string, s, code string, width int) {
	w.WriteString(paint(s, code))
	w.WriteString(strings.Repeat(" ", max(width-len(s), 0)+1))
}

// levelLabel is the upper-case level column and its colour.
func levelLabel(r *event.Record) (string, string) {
	switch r.Kind {
	case event.KindTrace:
		return "TRACE", ansiMagenta
	case event.KindAttachment:
		return "ATTACH", ansiBlue
	case event.KindItem:
		return "UNREAD", ansiRed
	}
	switch r.Level {
	case "fatal", "critical":
		return "FATAL", ansiRed
	case "error":
		return "ERROR", ansiRed
	case "warning", "warn":
		return "WARN", ansiYellow
	case "info", "log":
		return "INFO", ansiGreen
	case "debug":
		return "DEBUG", ansiDim
	case "trace":
		return "TRACE", ansiDim
	case "":
		return "-", ""
	}
	return strings.ToUpper(oneLine(r.Level)), ""
}

// humanMessage is the rest of the line; paint adds colour when enabled.
func humanMessage(r *event.Record, paint func(s, code string) string) string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	bracket := func(s string) string { return paint("["+oneLine(s)+"]", ansiDim) }
	switch {
	case r.Error != nil:
		add(oneLine(r.Error.Summary()))
		if f := r.Error.TopFrame(); f != nil {
			add(bracket(f.Location()))
			add(oneLine(functionName(f)))
		}
	case r.Log != nil:
		add(oneLine(r.Log.Body))
		for _, a := range r.Log.Attributes {
			if !strings.HasPrefix(a.Key, "sentry.") {
				add(bracket(a.Key + "=" + a.Text()))
			}
		}
	case r.Trace != nil:
		t := r.Trace
		if t.Op != "" {
			add(bracket(t.Op))
		}
		add(oneLine(t.Name))
		if d := t.Duration(); d > 0 {
			add(bracket(formatDuration(d)))
		}
		if t.Status != "" && t.Status != "ok" {
			add(paint("["+oneLine(t.Status)+"]", ansiRed))
		}
		add(bracket(plural(t.SpanCount, "span")))
	case r.Attachment != nil:
		a := r.Attachment
		add(oneLine(a.Filename))
		if a.ContentType != "" {
			add(bracket(a.ContentType))
		}
		add(bracket(byteSize(a.Size)))
		if t := a.Truncated; t != nil {
			add(bracket(truncation(t)))
		}
	case r.Item != nil:
		add(oneLine(r.Item.ItemType + " item: " + r.Item.Reason))
		add(bracket(byteSize(r.Item.Size)))
	}
	return strings.Join(parts, " ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func byteSize(n int) string {
	switch {
	case n < 1024:
		return plural(n, "byte")
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}

// functionName is the frame's function, "" when unknown: JavaScript SDKs
// send "?" for an anonymous function, which printed alone ends a line in a
// lone " ?".
func functionName(f *event.Frame) string {
	if f.Function == "?" {
		return ""
	}
	return f.Function
}

// truncation says how much of a cut item arrived.
func truncation(t *envelope.Truncation) string {
	return fmt.Sprintf("truncated: %d of %d bytes arrived", t.Received, t.Declared)
}
