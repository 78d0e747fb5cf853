package buffer

import (
	"testing"
)

// recordingModel derives the body's length and records the hook calls.
type recordingModel struct {
	decoded int
	added   []string // bodies, in the order Added saw them
	removed []string
}

func (m *recordingModel) Decode(e *Entry) (any, int64) {
	m.decoded++
	return len(label(e)), 100
}
func (m *recordingModel) Added(e *Entry) {
	if e.ID == "" {
		panic("Added before the id was assigned")
	}
	m.added = append(m.added, label(e))
}
func (m *recordingModel) Removed(es []*Entry) {
	for _, e := range es {
		m.removed = append(m.removed, label(e))
	}
}

func TestModelHook(t *testing.T) {
	m := &recordingModel{}
	// Each entry costs what it holds plus 100 model bytes: three fit.
	one := entry("aa").cost() + 100
	b := New(Options{MaxEntries: 10, MaxBytes: 3*one + one/2, Model: m})
	for _, s := range []string{"aa", "bb", "cc", "dd"} {
		add(b, s)
	}
	if n, bytes := b.Len(); n != 3 || bytes != 3*one {
		t.Fatalf("Len = %d entries, %d bytes; want 3, %d (model bytes counted)", n, bytes, 3*one)
	}
	if got := b.Snapshot()[0]; got.Model != 2 || got.ModelBytes != 100 {
		t.Fatalf("entry model = %v (%d bytes); want 2 (100)", got.Model, got.ModelBytes)
	}
	if !equal(m.added, []string{"aa", "bb", "cc", "dd"}) || !equal(m.removed, []string{"aa"}) {
		t.Fatalf("added %v removed %v; want aa..dd added and aa evicted", m.added, m.removed)
	}
	b.Clear()
	if !equal(m.removed, []string{"aa", "bb", "cc", "dd"}) {
		t.Fatalf("after Clear removed = %v; want every entry", m.removed)
	}
	// An entry that already carries a model is not decoded again.
	e := entry("ee")
	e.Model = "given"
	b.Add(e)
	if m.decoded != 4 {
		t.Fatalf("Decode called %d times; want 4", m.decoded)
	}
}
