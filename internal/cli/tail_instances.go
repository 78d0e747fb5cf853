package cli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// instanceLabel is the instance column's text.
func instanceLabel(d *event.Decoded) string {
	return cmp.Or(controlcenter.Label(d.Instance), "unknown")
}

// writeWithInstance renders each record with its instance in a column of
// its own: the first column of a human or logfmt line, the first member of
// a JSON object, a line above each Markdown section. Records are rendered
// one at a time, and human, json and logfmt put one record on one line.
func writeWithInstance(w io.Writer, f format.Format, opts format.Options, label string, recs []event.Record) error {
	var prefix []byte
	switch f {
	case format.JSON:
		name, _ := json.Marshal(label) // cannot fail: a string
		prefix = fmt.Appendf(nil, `{"instance":%s,`, name)
	case format.Logfmt:
		prefix = []byte("instance=" + strconv.Quote(label) + " ")
	case format.MD:
		prefix = []byte("**Instance:** `" + label + "`\n\n")
	default:
		prefix = fmt.Appendf(nil, "%-20s ", label)
	}
	var buf bytes.Buffer
	for i := range recs {
		buf.Reset()
		if err := format.Write(&buf, f, opts, recs[i]); err != nil {
			return err
		}
		out := buf.Bytes()
		if f == format.JSON {
			out = bytes.TrimPrefix(out, []byte("{"))
		}
		if _, err := w.Write(append(prefix[:len(prefix):len(prefix)], out...)); err != nil {
			return err
		}
	}
	return nil
}
