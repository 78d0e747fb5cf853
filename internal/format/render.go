package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// Options tune the renderers. The zero value is plain output in UTC.
type Options struct {
	// Color adds ANSI colour to human output. The caller decides (stdout
	// is a terminal and NO_COLOR is unset); payload text never carries
	// escapes of its own.
	Color bool
	// Location is the time zone of human and md times (nil: UTC).
	Location *time.Location
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Write renders records in format f: human and logfmt one line each, json
// one object per line (NDJSON), md one section each followed by a blank
// line.
func Write(w io.Writer, f Format, opts Options, recs ...event.Record) error {
	if _, err := ParseFormat(string(f)); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i := range recs {
		r := &recs[i]
		switch f {
		case Human:
			writeHuman(bw, opts, r)
		case JSON:
			if err := writeJSON(bw, Fields(r)); err != nil {
				return err
			}
		case Logfmt:
			writeLogfmt(bw, Fields(r))
		case MD:
			writeMD(bw, opts, r)
		}
	}
	return bw.Flush()
}

// writeJSON writes one flat object on one line, keys in field order.
func writeJSON(w *bufio.Writer, fs []Field) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(f.Key); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		if err := enc.Encode(f.Value); err != nil {
			return fmt.Errorf("field %s: %w", f.Key, err)
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString("}\n")
	_, err := w.Write(buf.Bytes())
	return err
}

// writeLogfmt writes key=value pairs; values are quoted (Go syntax, so
// newlines and quotes are escaped) when they are empty or hold spaces,
// '=', quotes or anything not printable.
func writeLogfmt(w *bufio.Writer, fs []Field) {
	for i, f := range fs {
		if i > 0 {
			w.WriteByte(' ')
		}
		w.WriteString(logfmtKey(f.Key))
		w.WriteByte('=')
		w.WriteString(logfmtValue(f.Value))
	}
	w.WriteByte('\n')
}

func logfmtKey(k string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '=' || r == '"' || r == 0x7f {
			return '_'
		}
		return r
	}, k)
}

func logfmtValue(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		s = fmt.Sprint(x)
	}
	if s == "" || strings.ContainsAny(s, " =\"\\") || !strconv.IsPrint(firstNonPrintable(s)) {
		return strconv.Quote(s)
	}
	return s
}

// firstNonPrintable returns the first rune of s that strconv.IsPrint
// rejects, or 'a' when all are printable.
func firstNonPrintable(s string) rune {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return r
		}
	}
	return 'a'
}

// formatDuration is compact and readable: 0.42ms, 123ms, 1.46s, 2m3s.
func formatDuration(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(durationMS(d), 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	}
	return d.Round(time.Second).String()
}
