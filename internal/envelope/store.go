package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// FromEvent wraps a bare event, the body older SDKs POST to the deprecated
// store endpoint (/api/<project>/store/), in an envelope with that one item:
// "transaction" when the event says "type": "transaction", else "event". The
// envelope header carries the event's event_id and sdk, as an SDK's own
// envelope would. It returns the envelope and its wire form, which the
// envelope's payload aliases (so buffering it costs the body once).
func FromEvent(event []byte) (*Envelope, []byte, error) {
	event = trimJSONSpace(event)
	if !isJSONObject(event) {
		return nil, nil, fmt.Errorf("store endpoint: the body is not a JSON event object: %s", excerpt(event))
	}
	var fields struct {
		EventID json.RawMessage `json:"event_id"`
		SDK     json.RawMessage `json:"sdk"`
		Type    string          `json:"type"`
	}
	// A value of an unexpected type (e.g. "type": 5) is not ours to refuse:
	// the event is kept and shown as an error event.
	_ = json.Unmarshal(event, &fields)
	var header bytes.Buffer
	header.WriteByte('{')
	if len(fields.EventID) > 0 && fields.EventID[0] == '"' {
		header.WriteString(`"event_id":`)
		header.Write(fields.EventID)
	}
	if len(fields.SDK) > 0 && fields.SDK[0] == '{' {
		if header.Len() > 1 {
			header.WriteByte(',')
		}
		header.WriteString(`"sdk":`)
		_ = json.Compact(&header, fields.SDK) // valid: part of a valid object
	}
	header.WriteByte('}')
	typ := "event"
	if fields.Type == "transaction" {
		typ = "transaction"
	}
	wire := (&Envelope{Header: header.Bytes(), Items: []Item{{Type: typ, Payload: event}}}).Encode()
	env, err := Parse(wire)
	if err != nil { // cannot happen: Encode writes what Parse reads
		return nil, nil, fmt.Errorf("store endpoint: %w", err)
	}
	return env, wire, nil
}
