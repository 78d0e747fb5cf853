package format

import (
	"bufio"
	"io"
	"strconv"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// WriteTraceMD writes the md span tree of one trace record (event.Store or
// event.BuildTrace), with a heading and the trace's time span; a nil trace
// says that no span of it was received.
func WriteTraceMD(w io.Writer, traceID string, tr *event.Trace, opts Options) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("## Trace " + inlineCode(traceID) + "\n\n")
	if tr == nil || len(tr.Spans) == 0 {
		bw.WriteString("No spans of this trace were received.\n\n")
		return bw.Flush()
	}
	md := mdWriter{bw, opts}
	md.item("Start", md.time(tr.Start))
	md.item("Duration", formatDuration(tr.Duration()))
	md.item("Spans", strconv.Itoa(tr.SpanCount))
	bw.WriteString("\n")
	md.spanTree(tr.Spans, tr.Start)
	bw.WriteString("\n")
	return bw.Flush()
}
