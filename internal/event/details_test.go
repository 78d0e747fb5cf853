package event

import (
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// An error's breadcrumbs, user, contexts, extra and request body are not
// kept decoded (they are most of its memory), but every read of the record
// (Get) has them, decoded again from the envelope the buffer holds, packed
// or not.
func TestShedDetailsAreReadBack(t *testing.T) {
	crumbs := strings.Repeat(`{"category":"ui.click","message":"button#save clicked","data":{"x":1}},`, 200)
	body := []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}` + "\n" + `{"type":"event"}` + "\n" +
		`{"message":"boom","level":"error","breadcrumbs":{"values":[` + crumbs + `{"message":"last"}]},` +
		`"request":{"url":"http://localhost/x","method":"GET"},"user":{"id":"42"},"contexts":{"os":{"name":"Linux"}},"extra":{"k":"v"}}` + "\n")
	store := NewStore(nil)
	b := buffer.New(buffer.Options{Model: store, PackAfter: -1})
	e, err := buffer.NewEnvelope(body, "ua")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(e)
	full := store.detail.Decode(e.Envelope(), Meta{ID: e.ID, Received: e.Received, UserAgent: "ua"})
	if e.ModelBytes >= full.Bytes/2 {
		t.Fatalf("model holds %d bytes; the full decode is %d: details not shed", e.ModelBytes, full.Bytes)
	}
	list, _, _ := store.List(KindError, Query{Limit: 10})
	if len(list) != 1 || list[0].Error.Message != "boom" {
		t.Fatalf("list = %+v", list)
	}
	r, ok := store.Get(KindError, list[0].ID)
	if !ok {
		t.Fatal("Get found nothing")
	}
	got := r.Error
	if len(got.Breadcrumbs) != 201 || got.Breadcrumbs[200].Message != "last" || got.Request == nil || got.Request.URL != "http://localhost/x" ||
		!strings.Contains(string(got.User), "42") || !strings.Contains(string(got.Contexts), "Linux") || !strings.Contains(string(got.Extra), `"k"`) {
		t.Fatalf("Get lost details: %d breadcrumbs, request %+v, user %s, contexts %s, extra %s", len(got.Breadcrumbs), got.Request, got.User, got.Contexts, got.Extra)
	}
	// The held record stays lean: reading it did not put the details back.
	if again, _, _ := store.List(KindError, Query{Limit: 10}); len(again) != 1 {
		t.Fatal("list changed")
	}
	store.mu.Lock()
	held, _ := store.get(KindError, list[0].ID)
	lean := held.Error.Breadcrumbs == nil && held.Error.User == nil && held.Error.Contexts == nil
	store.mu.Unlock()
	if !lean {
		t.Fatal("Get put the details back into the held record")
	}
}
