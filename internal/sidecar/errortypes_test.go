package sidecar

import (
	"fmt"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// The exception-type filter: the types held with their counts, and
// ?type= selecting errors by their primary exception's type.
func TestErrorTypeFilter(t *testing.T) {
	ts := startWithEvents(t)
	for i, typ := range []string{"TypeError", "KeyError", "TypeError", ""} {
		payload := fmt.Sprintf(`{"event_id":"%032x","exception":{"values":[{"type":%q,"value":"v%d"}]}}`, i+1, typ, i)
		if typ == "" {
			payload = fmt.Sprintf(`{"event_id":"%032x","message":"just a message"}`, i+1)
		}
		postEnvelope(t, ts, "/stream", env(fmt.Sprintf(`{"event_id":"%032x"}`, i+1), `{"type":"event"}`, payload))
	}
	var types []event.TypeCount
	getJSON(t, ts, "/api/error-types", &types)
	if fmt.Sprint(types) != "[{TypeError 2} {KeyError 1}]" {
		t.Fatalf("types = %v", types)
	}
	var list listOf
	getJSON(t, ts, "/api/errors?type=TypeError", &list)
	if list.Total != 2 || list.Items[0]["type"] != "TypeError" {
		t.Fatalf("type=TypeError: %+v", list)
	}
	getJSON(t, ts, "/api/errors?type=KeyError,TypeError", &list)
	if list.Total != 3 {
		t.Fatalf("type=KeyError,TypeError: %d", list.Total)
	}
}
