package runner

import (
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

type logRecord struct {
	Timestamp      float64            `json:"timestamp"`
	TraceID        string             `json:"trace_id"`
	Level          string             `json:"level"`
	Body           string             `json:"body"`
	SeverityNumber int                `json:"severity_number"`
	Attributes     map[string]logAttr `json:"attributes"`
}

// stdioEntry builds one buffer entry: an envelope with one log item holding
// the lines, shaped as an SDK would send it so every reader handles it alike.
func stdioEntry(lines []logLine, opts RelayOptions) *buffer.Entry {
	records := make([]logRecord, len(lines))
	for i, l := range lines {
		records[i] = logRecord{
			Timestamp:      float64(l.at.UnixMicro()) / 1e6,
			TraceID:        opts.TraceID,
			Level:          l.stream.Level,
			Body:           l.body,
			SeverityNumber: l.stream.Severity,
			Attributes: map[string]logAttr{
				"sentry.sdk.name":    {Value: StdioSDKName, Type: "string"},
				"sentry.sdk.version": {Value: opts.Version, Type: "string"},
				"sentry.origin":      {Value: "auto.log.stdio." + l.stream.Name, Type: "string"},
			},
		}
	}
	payload, _ := json.Marshal(struct {
		Items []logRecord `json:"items"`
	}{records}) // cannot fail: only strings and numbers
	now := opts.Now()
	header, _ := json.Marshal(map[string]any{
		"sent_at": now.UTC().Format(time.RFC3339Nano),
		"sdk":     map[string]string{"name": StdioSDKName, "version": opts.Version},
	})
	itemHeader := []byte(`{"type":"log","item_count":` + strconv.Itoa(len(records)) + `,"content_type":"` + logContentType + `"}`)
	env := &envelope.Envelope{
		Header: header,
		Items: []envelope.Item{{
			Header:      itemHeader,
			Type:        "log",
			ContentType: logContentType,
			Payload:     payload,
		}},
	}
	data, _ := env.MarshalStream() // a JSON log item always marshals
	return &buffer.Entry{
		Event:     buffer.EventEnvelope,
		Received:  now,
		Body:      env.Encode(),
		Envelope:  env,
		Data:      data,
		UserAgent: StdioSDKName + "/" + opts.Version,
	}
}
