package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/testutil/testenvelope"
)

// The renderers' tests read envelopes through the event model; these
// shorthands keep them about rendering.
type (
	Record = event.Record
	Meta   = event.Meta
	Kind   = event.Kind
	Source = event.Source
)

const (
	KindError      = event.KindError
	KindLog        = event.KindLog
	KindTrace      = event.KindTrace
	KindAttachment = event.KindAttachment
	SourceServer   = event.SourceServer
	SourceBrowser  = event.SourceBrowser
	SourceMobile   = event.SourceMobile
	SourceUnknown  = event.SourceUnknown
)

// Decode is one envelope as `spotlight tail` renders it: its records and
// its traces, the unreadable items returned as errors (naming their type).
func Decode(env *envelope.Envelope, meta Meta) ([]Record, error) {
	var out []Record
	var errs []error
	for _, r := range event.Decode(env, meta).WithTraces() {
		if r.Item != nil {
			errs = append(errs, errors.New(r.Item.ItemType+": "+r.Item.Reason))
			continue
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// storeOf decodes JSON items, one envelope per item, into a store.
func storeOf(t *testing.T, items ...[2]string) *event.Store {
	t.Helper()
	st := event.NewStore(nil)
	for i, it := range items {
		var h struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(it[0]), &h); err != nil {
			t.Fatal(err)
		}
		env := &envelope.Envelope{Header: json.RawMessage(`{}`), Items: []envelope.Item{{Header: json.RawMessage(it[0]), Type: h.Type, Payload: []byte(it[1])}}}
		st.Append(event.Decode(env, Meta{ID: fmt.Sprintf("e%d", i), Received: received}))
	}
	return st
}

// Spans of one trace sent in separate envelopes (a transaction and a
// standalone span, the transaction twice) form one tree.
func TestWriteTraceMDAcrossEnvelopes(t *testing.T) {
	tx := [2]string{`{"type":"transaction"}`, `{"transaction":"GET /","start_timestamp":1735689600,"timestamp":1735689600.1,
		"contexts":{"trace":{"trace_id":"t1","span_id":"root","op":"http.server"}},
		"spans":[{"span_id":"db","parent_span_id":"root","op":"db","description":"SELECT 1","start_timestamp":1735689600.01,"timestamp":1735689600.02}]}`}
	st := storeOf(t, tx,
		[2]string{`{"type":"span"}`, `{"trace_id":"t1","span_id":"ui","parent_span_id":"db","op":"ui.click","description":"button","start_timestamp":1735689600.012,"timestamp":1735689600.015,"status":"cancelled"}`},
		[2]string{`{"type":"span"}`, `{"trace_id":"t2","span_id":"zz","op":"other","start_timestamp":1,"timestamp":2}`},
		tx)
	tr, ok := st.Get(event.KindTrace, "t1")
	if !ok {
		t.Fatal("no trace t1")
	}
	var buf bytes.Buffer
	if err := WriteTraceMD(&buf, "t1", tr.Trace, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "## Trace `t1`\n\n" +
		"- **Start:** 2025-01-01 00:00:00.000 UTC\n- **Duration:** 100ms\n- **Spans:** 3\n\n" +
		"- `http.server` GET / — 100ms\n" +
		"  - `db` SELECT 1 — 10ms (+10ms)\n" +
		"    - `ui.click` button — 3.00ms (+12ms) **cancelled**\n\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if _, total, _ := st.List(event.KindTrace, event.Query{}); total != 2 {
		t.Errorf("%d traces; want 2 (t1 and t2)", total)
	}
}

// decodeJSON builds one envelope of JSON items and decodes it as Decode.
func decodeJSON(t *testing.T, header string, items ...[2]string) ([]Record, error) {
	t.Helper()
	return Decode(testenvelope.Of(t, header, items...), Meta{ID: "e1", Received: received})
}
