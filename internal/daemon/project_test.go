package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/localfile"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// Which project's files the UI may open: this sidecar's for its own events,
// a registered instance's for the records of the merged copy, none for an
// instance the registry does not know.
func TestProjectOf(t *testing.T) {
	reg, err := registry.Open(filepath.Join(t.TempDir(), "instances"))
	if err != nil {
		t.Fatal(err)
	}
	other := registry.Metadata{InstanceID: uuid.NewString(), Port: 40001, PID: os.Getpid(), CWD: "/home/dev/shop", Command: "npm"}
	if err := reg.Register(other); err != nil {
		t.Fatal(err)
	}
	self := &registry.Metadata{CWD: "/home/dev/api"}
	d := &Daemon{Registry: reg}
	projectOf := d.projectOf(func() *registry.Metadata { return self }, "/home/dev/api/server")
	for instance, want := range map[string]localfile.Roots{
		"":                {"/home/dev/api", "/home/dev/api/server"},
		"home":            {"/home/dev/api", "/home/dev/api/server"},
		other.InstanceID:  {"/home/dev/shop"},
		uuid.NewString():  nil,
		"not-an-instance": nil,
	} {
		if got := projectOf(instance); !slices.Equal(got, want) {
			t.Errorf("projectOf(%q) = %v; want %v", instance, got, want)
		}
	}
	// Before `spotlight run` registers, its own project is where it started.
	early := d.projectOf(func() *registry.Metadata { return nil }, "/home/dev/api")
	if got := early(""); !slices.Equal(got, localfile.Roots{"/home/dev/api"}) {
		t.Errorf("unregistered: %v", got)
	}
}
