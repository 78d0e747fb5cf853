package buffer

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// envelopeBodies are envelopes of the kinds packing must keep byte for byte:
// a repetitive JSON event and text that the stream form escapes (both pack)
// and random bytes (do not shrink: stay raw).
func envelopeBodies() [][]byte {
	// The space after "breadcrumbs": makes the stream form compact it.
	event := `{"breadcrumbs": [` + strings.Repeat(`{"category":"ui.click","message":"button#save","timestamp":1700000000.5},`, 400) + `{}]}`
	binary := make([]byte, 20000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range binary {
		binary[i] = byte(rng.Uint32())
	}
	return [][]byte{
		[]byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}` + "\n" + `{"type":"event","length":` + strconv.Itoa(len(event)) + "}\n" + event + "\n"),
		append([]byte(`{}`+"\n"+`{"type":"attachment","length":20000,"content_type":"application/octet-stream"}`+"\n"), append(binary, '\n')...),
		[]byte("{}\n{\"type\":\"attachment\",\"content_type\":\"text/plain\"}\n" + strings.Repeat("line \"quoted\"\t\\ ", 300) + "\n"),
	}
}

func TestPackingKeepsEveryByte(t *testing.T) {
	b := New(Options{PackAfter: -1}) // packed by hand below
	var held []*Entry
	var bodies, streams [][]byte
	for _, body := range envelopeBodies() {
		e, err := NewEnvelope(bytes.Clone(body), "ua")
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, body)
		streams = append(streams, e.AppendStream(nil))
		held = append(held, b.Add(e))
	}
	before := b.Stats()
	saved := b.packAddedBefore(time.Now().Add(time.Hour))
	after := b.Stats()
	if after.Packed != 2 || !held[0].packed() || held[1].packed() || !held[2].packed() {
		t.Fatalf("packed %d entries (event %v, binary %v, text %v); want all but the binary one", after.Packed, held[0].packed(), held[1].packed(), held[2].packed())
	}
	if saved <= 0 || after.Bytes != before.Bytes-saved {
		t.Fatalf("bytes %d -> %d, saved %d: the count does not follow the packing", before.Bytes, after.Bytes, saved)
	}
	for i, e := range held {
		if !bytes.Equal(e.Body(), bodies[i]) {
			t.Errorf("entry %d: body differs after packing", i)
		}
		if got := e.AppendStream(nil); !bytes.Equal(got, streams[i]) {
			t.Errorf("entry %d: stream form differs after packing:\n%s\nwant\n%s", i, got, streams[i])
		}
	}
	// Packing again finds nothing to do; an entry cleared while it was
	// being packed is not counted back in.
	if saved := b.packAddedBefore(time.Now().Add(time.Hour)); saved != 0 {
		t.Fatalf("second pass saved %d bytes", saved)
	}
	e, _ := NewEnvelope(bytes.Clone(bodies[0]), "")
	b.Add(e)
	b.Clear()
	if saved := b.packEntry(e); saved != 0 || b.Stats().Bytes != 0 {
		t.Fatalf("a cleared entry was packed into the count: saved %d, bytes %d", saved, b.Stats().Bytes)
	}
}

// Eviction racing the packer: entries are evicted while a packing pass runs
// and between the pass and its scheduling of the next one (a Control Center
// following busy instances churns its buffer this way). Nothing may panic.
func TestPackWhileEvicting(t *testing.T) {
	b := New(Options{MaxEntries: 4, PackAfter: time.Microsecond})
	body := bytes.Repeat([]byte(`{"message":"a compressible line of text"}`), 40)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5000 {
				e, err := NewEnvelope(append([]byte("{}\n{\"type\":\"event\"}\n"), body...), "")
				if err != nil {
					panic(err)
				}
				b.Add(e)
			}
		})
	}
	wg.Wait()
	if n, _ := b.Len(); n != 4 {
		t.Errorf("held %d entries, want 4", n)
	}
}

// Readers of an entry being packed see the same bytes before and after the
// swap (run with -race: the form is swapped atomically, never modified).
func TestPackingWhileReading(t *testing.T) {
	b := New(Options{PackAfter: -1})
	body := envelopeBodies()[0]
	want, _ := NewEnvelope(bytes.Clone(body), "")
	stream := want.AppendStream(nil)
	var held []*Entry
	for range 50 {
		e, err := NewEnvelope(bytes.Clone(body), "")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, b.Add(e))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.packAddedBefore(time.Now().Add(time.Hour))
	}()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		for _, e := range held {
			if !bytes.Equal(e.Body(), body) || !bytes.Equal(e.AppendStream(nil), stream) || len(e.Envelope().Items) != 1 {
				t.Fatal("an entry read differently while it was packed")
			}
		}
	}
	if b.Stats().Packed != len(held) {
		t.Fatalf("%d of %d packed", b.Stats().Packed, len(held))
	}
}
