package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestStopNote(t *testing.T) {
	r := openTemp(t)
	id := uuid.NewString()
	if got := r.TakeStopNote(id); got != "" {
		t.Fatalf("no note: got %q", got)
	}
	if err := r.writeStopNote(id, "the Control Center\x1b[31m at\nhttp://localhost:8969 "+strings.Repeat("x", 1000)); err != nil {
		t.Fatal(err)
	}
	got := r.TakeStopNote(id)
	if !strings.HasPrefix(got, "the Control Center [31m at http://localhost:8969 x") || len(got) > maxStopNote || strings.ContainsAny(got, "\x1b\n") {
		t.Fatalf("note %q: want it bounded and without control characters", got)
	}
	if _, err := os.Stat(filepath.Join(r.Dir(), stopNoteName(id))); !os.IsNotExist(err) {
		t.Fatalf("the note was not removed: %v", err)
	}
	if got := r.TakeStopNote("../../etc/passwd"); got != "" {
		t.Fatalf("a non-UUID id read %q", got)
	}
	// Instance files are all List reads: a note is not an instance.
	_ = r.writeStopNote(id, "x")
	if es, err := r.Entries(); err != nil || len(es) != 0 {
		t.Fatalf("entries %v %v with only a stop note", es, err)
	}
}
