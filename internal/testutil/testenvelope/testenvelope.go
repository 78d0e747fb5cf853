// Package testenvelope builds and loads envelopes for table tests (apart
// from testutil, which the envelope package's own tests import).
package testenvelope

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Of builds an envelope of JSON items for table tests: header is
// the envelope header, each item an item header (with its "type") and a
// payload.
func Of(t testing.TB, header string, items ...[2]string) *envelope.Envelope {
	t.Helper()
	env := &envelope.Envelope{Header: json.RawMessage(header)}
	for _, it := range items {
		var h struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(it[0]), &h); err != nil {
			t.Fatalf("item header %s: %v", it[0], err)
		}
		env.Items = append(env.Items, envelope.Item{Header: json.RawMessage(it[0]), Type: h.Type, Payload: []byte(it[1])})
	}
	return env
}

// Load parses the envelope file at path.
func Load(t testing.TB, path string) *envelope.Envelope {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env, err := envelope.Parse(body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return env
}
