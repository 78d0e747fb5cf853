package runner

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// StdioSDKName marks the logs that `spotlight run` makes of the child's
// output (envelope header sdk.name and the sentry.sdk.name attribute).
const StdioSDKName = "sentry.spotlight.stdio"

// logContentType is the content type of a log item holding {"items": [...]}.
const logContentType = "application/vnd.sentry.items.log+json"

type logAttr struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// stdioEntry builds one buffer entry: an envelope with one log item holding
// the lines, shaped as an SDK would send it so every reader handles it alike.
func stdioEntry(lines []logLine, opts RelayOptions) *buffer.Entry {
	payload := logPayload(lines, opts)
	now := opts.Now()
	header, _ := json.Marshal(map[string]any{
		"sent_at": now.UTC().Format(time.RFC3339Nano),
		"sdk":     map[string]string{"name": StdioSDKName, "version": opts.Version},
	})
	itemHeader := []byte(`{"type":"log","item_count":` + strconv.Itoa(len(lines)) + `,"content_type":"` + logContentType + `"}`)
	env := &envelope.Envelope{
		Header: header,
		Items: []envelope.Item{{
			Header:      itemHeader,
			Type:        "log",
			ContentType: logContentType,
			Payload:     payload,
		}},
	}
	e, err := buffer.NewEnvelope(env.Encode(), StdioSDKName+"/"+opts.Version)
	if err != nil {
		panic("runner: the stdio log envelope does not parse: " + err.Error()) // built above: a bug
	}
	e.Received = now
	return e
}

// logPayload encodes {"items":[...]} by hand: this is the relay's hot path,
// and encoding/json spends most of its time re-validating the parts that
// are the same for every line (trace id, level, attributes).
func logPayload(lines []logLine, opts RelayOptions) []byte {
	var buf bytes.Buffer
	size := 16
	for _, l := range lines {
		size += len(l.body) + 320 // the other fields and some escaping
	}
	buf.Grow(size)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	quote := func(s string) {
		_ = enc.Encode(s) // a string always encodes
		buf.Truncate(buf.Len() - 1)
	}
	type attrKey struct {
		stream string
		src    *Source
	}
	attrs := map[attrKey][]byte{}
	buf.WriteString(`{"items":[`)
	for i, l := range lines {
		if i > 0 {
			buf.WriteByte(',')
		}
		key := attrKey{l.stream.Name, l.src}
		a, ok := attrs[key]
		if !ok {
			m := map[string]logAttr{
				"sentry.sdk.name":    {Value: StdioSDKName, Type: "string"},
				"sentry.sdk.version": {Value: opts.Version, Type: "string"},
				"sentry.origin":      {Value: "auto.log.stdio." + l.stream.Name, Type: "string"},
			}
			if l.src != nil {
				for _, x := range l.src.Attrs {
					m[x.Key] = logAttr{Value: x.Value, Type: "string"}
				}
			}
			a, _ = json.Marshal(m)
			attrs[key] = a
		}
		buf.WriteString(`{"timestamp":`)
		buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), float64(l.at.UnixMicro())/1e6, 'f', -1, 64))
		buf.WriteString(`,"trace_id":`)
		quote(opts.TraceID)
		buf.WriteString(`,"level":`)
		quote(l.stream.Level)
		buf.WriteString(`,"body":`)
		quote(l.body)
		buf.WriteString(`,"severity_number":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(l.stream.Severity), 10))
		buf.WriteString(`,"attributes":`)
		buf.Write(a)
		buf.WriteByte('}')
	}
	buf.WriteString(`]}`)
	return buf.Bytes()
}
