package sidecar

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// oneCopy is a merged copy holding what the test adds.
type oneCopy struct {
	buf   *buffer.Buffer
	store *event.Store
}

func (c *oneCopy) Buffer() *buffer.Buffer { return c.buf }
func (c *oneCopy) Events() *event.Store   { return c.store }
func (c *oneCopy) Hidden(string) bool     { return false }
func (c *oneCopy) View(string) (func(*buffer.Entry) bool, error) {
	return func(*buffer.Entry) bool { return true }, nil
}

// In the Control Center's merged copy, an error's frames are read from the
// project of the instance that sent it, not from the Control Center's.
func TestErrorSourceInTheMergedCopy(t *testing.T) {
	const instance = "3b0c8f0e-9a57-4d1e-8f53-1d2a5c7b9e10"
	shop, home := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(shop, "app.py"), []byte("a\nb\nc = 1 / 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := event.NewStore(nil)
	merged := &oneCopy{buf: buffer.New(buffer.Options{Model: store}), store: store}
	own := event.NewStore(nil)
	ts := start(t, Config{Buffer: buffer.New(buffer.Options{Model: own}), Events: own, All: merged,
		ProjectOf: func(id string) localfile.Roots {
			if id == instance {
				return localfile.Roots{shop}
			}
			return localfile.Roots{home}
		}})
	body := env(`{"event_id":"33333333333333333333333333333333","spotlight_instance":{"instanceId":"`+instance+`","project":"shop","port":4000}}`, `{"type":"event"}`,
		`{"event_id":"33333333333333333333333333333333","platform":"python","exception":{"values":[{"type":"ZeroDivisionError","value":"division by zero","stacktrace":{"frames":[{"filename":"app.py","function":"f","lineno":3,"in_app":true}]}}]}}`)
	e, err := buffer.NewEnvelope(body, "")
	if err != nil {
		t.Fatal(err)
	}
	e.Origin = &buffer.Origin{InstanceID: instance, Project: "shop", Port: 4000}
	merged.buf.Add(e)

	var list listOf
	getJSON(t, ts, "/api/errors?instance=all", &list)
	if list.Total != 1 {
		t.Fatalf("merged errors: %+v", list)
	}
	id := list.Items[0]["id"].(string)
	r := do(t, ts, http.MethodGet, "/api/errors/"+id+"/source?instance=all", nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"contextLine":"c = 1 / 0"`) {
		t.Fatalf("source in the merged copy: %d %s", r.status, r.body)
	}
	if r := do(t, ts, http.MethodGet, "/api/errors/"+id+"/source", nil); r.status != http.StatusNotFound {
		t.Errorf("the sidecar's own events hold it too: %d", r.status)
	}
}
