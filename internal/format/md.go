package format

import (
	"bufio"
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// mdWriter writes Markdown sections; payload text is stripped of ANSI
// escapes and control characters, and code spans and fences are sized so
// payload backticks cannot break out of them.
type mdWriter struct {
	w    *bufio.Writer
	opts Options
}

func writeMD(w *bufio.Writer, opts Options, r *event.Record) {
	md := mdWriter{w, opts}
	switch {
	case r.Error != nil:
		md.error(r)
	case r.Log != nil:
		md.log(r)
	case r.Trace != nil:
		md.trace(r)
	case r.Attachment != nil:
		md.attachment(r)
	case r.Item != nil:
		md.unreadable(r)
	}
	w.WriteString("\n")
}

func (md mdWriter) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(md.opts.loc()).Format("2006-01-02 15:04:05.000 MST")
}

// item writes "- **Label:** value" when value is not empty.
func (md mdWriter) item(label, value string) {
	if value != "" {
		fmt.Fprintf(md.w, "- **%s:** %s\n", label, value)
	}
}

// heading writes the first line of text (at most 120 characters) as a
// heading; callers show the full text below when it is longer.
func (md mdWriter) heading(level int, text string) {
	fmt.Fprintf(md.w, "%s %s\n\n", strings.Repeat("#", level), firstLine(text))
}

func firstLine(s string) string {
	s = strings.TrimSpace(plain(s))
	line, _, more := strings.Cut(s, "\n")
	line = strings.ReplaceAll(line, "\t", " ")
	if more && len(line) <= 120 {
		return line + " …"
	}
	return clip(line, 120)
}

// clip shortens s to n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// common writes the metadata every record has.
func (md mdWriter) common(r *event.Record) {
	md.item("Time", md.time(r.Timestamp))
	if r.Kind == event.KindError || r.Kind == event.KindLog {
		md.item("Level", oneLine(r.Level))
	}
	md.item("Source", string(r.Source))
	md.item("Platform", oneLine(r.Platform))
	md.item("SDK", strings.TrimSpace(oneLine(r.SDKName()+" "+r.SDKVersion())))
	md.item("Environment", oneLine(r.Environment))
	md.item("Release", code(r.Release))
	md.item("Server", oneLine(r.ServerName))
	md.item("Trace ID", code(r.TraceID))
	md.item("Span ID", code(r.SpanID))
	md.item("Event ID", code(r.EventID))
}

// code is an inline code span of one-line text, "" for "".
func code(s string) string {
	if s == "" {
		return ""
	}
	return inlineCode(s)
}

// inlineCode wraps s in enough backticks that its own cannot end the span.
func inlineCode(s string) string {
	s = oneLine(s)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return ticks + " " + s + " " + ticks
	}
	return ticks + s + ticks
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// fence writes text in a fenced code block indented by indent.
func (md mdWriter) fence(indent, text string) {
	text = strings.TrimRight(plain(text), "\n")
	ticks := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	md.w.WriteString(indent + ticks + "\n")
	for _, line := range strings.Split(text, "\n") {
		md.w.WriteString(strings.TrimRight(indent+line, " ") + "\n")
	}
	md.w.WriteString(indent + ticks + "\n")
}

func (md mdWriter) tags(tags []event.Tag, title string) {
	if len(tags) == 0 {
		return
	}
	md.w.WriteString("\n")
	md.heading(3, title)
	for _, t := range tags {
		fmt.Fprintf(md.w, "- %s: %s\n", inlineCode(t.Key), oneLine(t.Value))
	}
}

func isSecretHeader(name string) bool {
	switch strings.ToLower(name) {
	case "cookie", "set-cookie", "authorization", "proxy-authorization", "x-api-key":
		return true
	}
	return false
}

func (md mdWriter) error(r *event.Record) {
	e := r.Error
	// "Error: " labels the section; an exception of type Error would say it
	// twice ("## Error: Error: checkout failed").
	md.heading(2, "Error: "+strings.TrimPrefix(e.Summary(), "Error: "))
	md.common(r)
	md.item("Transaction", oneLine(e.Transaction))
	md.item("Logger", oneLine(e.Logger))
	if len(e.Exceptions) > 0 && e.Message != "" {
		md.item("Message", oneLine(e.Message))
	}
	if n := len(e.Exceptions); n > 0 {
		md.w.WriteString("\n")
		title := "Exception"
		if n > 1 {
			title = "Exception chain (most recent first)"
		}
		md.heading(3, title)
		for i := n - 1; i >= 0; i-- {
			if i < n-1 {
				md.w.WriteString("\n")
			}
			md.exception(&e.Exceptions[i], n-i)
		}
	}
	if len(e.Frames) > 0 {
		md.w.WriteString("\n")
		md.heading(3, "Stack trace (most recent call first)")
		md.frames(e.Frames)
	}
	md.tags(r.Tags, "Tags")
	if q := e.Request; q != nil {
		md.w.WriteString("\n")
		md.heading(3, "Request")
		md.item("URL", inlineCode(strings.TrimSpace(q.Method+" "+q.URL)))
		md.item("Query", code(q.Query))
		for _, h := range q.Headers {
			v := h.Value
			if isSecretHeader(h.Key) {
				v = "[filtered]"
			}
			fmt.Fprintf(md.w, "- %s: %s\n", inlineCode(h.Key), oneLine(v))
		}
	}
	md.breadcrumbs(e.Breadcrumbs)
}

// maxMDBreadcrumbs is how many of the latest breadcrumbs md shows: the
// steps right before the error are the ones that explain it.
const maxMDBreadcrumbs = 20

// breadcrumbs lists the latest breadcrumbs, oldest first: time, category,
// level when not info, and the message (else the data).
func (md mdWriter) breadcrumbs(list []event.Breadcrumb) {
	if len(list) == 0 {
		return
	}
	md.w.WriteString("\n")
	title := "Breadcrumbs (oldest first)"
	if len(list) > maxMDBreadcrumbs {
		title = fmt.Sprintf("Breadcrumbs (the last %d of %d, oldest first)", maxMDBreadcrumbs, len(list))
		list = list[len(list)-maxMDBreadcrumbs:]
	}
	md.heading(3, title)
	for _, b := range list {
		parts := []string{"-"}
		if !b.Timestamp.IsZero() {
			parts = append(parts, inlineCode(b.Timestamp.In(md.opts.loc()).Format("15:04:05.000")))
		}
		if kind := cmp.Or(b.Category, b.Type); kind != "" {
			parts = append(parts, inlineCode(kind))
		}
		if b.Level != "" && b.Level != "info" {
			parts = append(parts, "("+oneLine(b.Level)+")")
		}
		// The data says what a breadcrumb without message was (an HTTP
		// call's method, URL and status); with one it mostly repeats it.
		if b.Message != "" {
			parts = append(parts, clip(oneLine(b.Message), 200))
		} else if d := string(b.Data); d != "" && d != "null" && d != "{}" {
			parts = append(parts, inlineCode(clip(d, 200)))
		}
		md.w.WriteString(strings.Join(parts, " ") + "\n")
	}
}

// exception writes one exception of the chain: its heading, the full value
// when it spans lines, mechanism notes and frames; blocks are separated by
// blank lines and the last ends without one.
func (md mdWriter) exception(ex *event.Exception, n int) {
	title := ex.Type
	if ex.Value != "" {
		title += ": " + ex.Value
	}
	fmt.Fprintf(md.w, "#### %d. %s\n", n, firstLine(title))
	if strings.Contains(strings.TrimSpace(plain(ex.Value)), "\n") {
		md.w.WriteString("\n")
		md.fence("", ex.Value)
	}
	var notes []string
	if ex.Module != "" {
		notes = append(notes, "module "+inlineCode(ex.Module))
	}
	if m := ex.MechanismType(); m != "" {
		notes = append(notes, "mechanism "+inlineCode(m))
	}
	if h := ex.Handled(); h != nil {
		notes = append(notes, map[bool]string{true: "handled", false: "unhandled"}[*h])
	}
	if len(notes) > 0 {
		md.w.WriteString("\n" + strings.Join(notes, ", ") + "\n")
	}
	if len(ex.Frames) > 0 {
		md.w.WriteString("\nStack trace (most recent call first):\n\n")
		md.frames(ex.Frames)
	}
}

// frames lists frames most recent first, with source context and
// variables when the SDK sent them.
func (md mdWriter) frames(frames []event.Frame) {
	for i := len(frames) - 1; i >= 0; i-- {
		f := &frames[i]
		fn := functionName(f)
		if fn == "" {
			fn = "<anonymous>"
		}
		line := fmt.Sprintf("- %s at %s", inlineCode(fn), inlineCode(f.Location()))
		if f.InApp {
			line += " (in app)"
		}
		md.w.WriteString(line + "\n")
		if f.ContextLine != "" || len(f.PreContext) > 0 {
			md.fence("  ", contextLines(f))
		}
		for _, v := range f.Vars {
			fmt.Fprintf(md.w, "  - %s = %s\n", inlineCode(v.Key), inlineCode(v.Value))
		}
	}
}

// contextLines numbers the source lines around the frame, marking its line.
func contextLines(f *event.Frame) string {
	var b strings.Builder
	width := len(fmt.Sprint(f.Lineno + len(f.PostContext)))
	line := func(n int, mark, text string) {
		// Indentation matters in source: only line breaks are removed.
		text = strings.ReplaceAll(plain(text), "\n", " ")
		if f.Lineno > 0 {
			fmt.Fprintf(&b, "%*d %s %s\n", width, n, mark, text)
		} else {
			fmt.Fprintf(&b, "%s %s\n", mark, text)
		}
	}
	for i, l := range f.PreContext {
		line(f.Lineno-len(f.PreContext)+i, " ", l)
	}
	line(f.Lineno, ">", f.ContextLine)
	for i, l := range f.PostContext {
		line(f.Lineno+1+i, " ", l)
	}
	return b.String()
}

func (md mdWriter) log(r *event.Record) {
	l := r.Log
	title := "Log"
	if r.Level != "" {
		title += " (" + r.Level + ")"
	}
	md.heading(2, title+": "+firstLine(l.Body))
	md.common(r)
	md.w.WriteString("\n")
	md.fence("", l.Body)
	var attrs []event.Tag
	for _, a := range l.Attributes {
		attrs = append(attrs, event.Tag{Key: a.Key, Value: a.Text()})
	}
	md.tags(attrs, "Attributes")
}

func (md mdWriter) trace(r *event.Record) {
	t := r.Trace
	title := "Trace: " + t.Name
	if len(t.Spans) == 1 && t.Spans[0].ParentSpanID != "" {
		title = "Span: " + t.Name
	}
	md.heading(2, title)
	md.common(r)
	md.item("Op", code(t.Op))
	md.item("Duration", formatDuration(t.Duration()))
	md.item("Status", oneLine(t.Status))
	md.item("Spans", strconv.Itoa(t.SpanCount))
	md.w.WriteString("\n")
	md.heading(3, "Span tree")
	md.spanTree(t.Spans, t.Start)
	md.tags(r.Tags, "Tags")
}

// spanTree writes nested list items: op, description, duration, the
// offset from the trace start, and the status when not ok.
func (md mdWriter) spanTree(spans []event.Span, start time.Time) {
	for i := range spans {
		n := &spans[i]
		parts := []string{strings.Repeat("  ", n.Depth) + "-"}
		if n.Op != "" {
			parts = append(parts, inlineCode(n.Op))
		}
		if n.Description != "" {
			// SQL descriptions run to pages; the tree stays readable.
			parts = append(parts, clip(oneLine(n.Description), 300))
		}
		parts = append(parts, "—", formatDuration(n.Duration()))
		if !start.IsZero() && !n.Start.IsZero() && n.Start.After(start) {
			parts = append(parts, "(+"+formatDuration(n.Start.Sub(start))+")")
		}
		if n.Status != "" && n.Status != "ok" {
			parts = append(parts, "**"+oneLine(n.Status)+"**")
		}
		md.w.WriteString(strings.Join(parts, " ") + "\n")
	}
}

func (md mdWriter) attachment(r *event.Record) {
	a := r.Attachment
	md.heading(2, "Attachment: "+a.Filename)
	md.common(r)
	md.item("Content type", code(a.ContentType))
	md.item("Attachment type", code(a.AttachmentType))
	md.item("Size", byteSize(a.Size))
	if t := a.Truncated; t != nil {
		md.item("Truncated", fmt.Sprintf("%d of %d bytes arrived", t.Received, t.Declared))
	}
}

// item shows an envelope item the decoder could not read: its type, the
// reason and the start of its payload.
func (md mdWriter) unreadable(r *event.Record) {
	it := r.Item
	md.heading(2, "Unreadable "+it.ItemType+" item: "+it.Reason)
	md.common(r)
	md.item("Item type", code(it.ItemType))
	md.item("Content type", code(it.ContentType))
	md.item("Size", byteSize(it.Size))
	md.item("Envelope", code(r.EnvelopeID))
	if it.Payload != "" {
		md.w.WriteString("\n")
		md.fence("", clip(it.Payload, 2000))
	}
}
