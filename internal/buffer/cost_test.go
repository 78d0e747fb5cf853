package buffer

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What the buffer counts is what it holds: after a collection, the heap
// grown by a full buffer is at most the bytes counted (so MaxBytes bounds
// memory), and not far below them (so the bound is not spent on nothing),
// for small, large and huge envelopes, held raw and packed. No timing: sizes
// only.
//
// It runs alone in a process of its own: the other tests' buffers, still
// packing on their timers, would move the heap it measures.
func TestCostIsWhatTheHeapHolds(t *testing.T) {
	if os.Getenv(costChild) != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCostIsWhatTheHeapHolds$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), costChild+"=1")
		out, err := cmd.CombinedOutput()
		t.Logf("%s", out)
		if err != nil {
			t.Fatalf("the measuring process failed: %v", err)
		}
		return
	}
	for _, tc := range []struct {
		name  string
		size  int
		count int
	}{
		{"3.5KB", 3500, 2000},
		{"130KB", 130 << 10, 200},
		{"1MiB", 1 << 20, 24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New(Options{MaxEntries: tc.count, MaxBytes: 1 << 40, PackAfter: -1})
			// The zstd tables (≈0.7 MiB) are the buffer's, not its
			// entries': made first, at their largest.
			b.codec.pack(eventBody(1<<20, 99))
			before := heap()
			for i := range tc.count {
				e, err := NewEnvelope(eventBody(tc.size, uint64(i)), "sentry.javascript.browser/10.0.0")
				if err != nil {
					t.Fatal(err)
				}
				b.Add(e)
			}
			check := func(state string) {
				t.Helper()
				grown, counted := heap()-before, b.Stats().Bytes
				t.Logf("%s %s: counted %d, heap grew %d", tc.name, state, counted, grown)
				if grown > counted+counted/50+64<<10 {
					t.Errorf("%s: the heap grew by %d bytes but %d were counted", state, grown, counted)
				}
				if counted > grown+grown/3+64<<10 {
					t.Errorf("%s: %d bytes counted for %d held", state, counted, grown)
				}
			}
			check("raw")
			b.packAddedBefore(time.Now().Add(time.Hour))
			if b.Stats().Packed == 0 {
				t.Fatal("nothing packed")
			}
			check("packed")
			runtime.KeepAlive(b)
		})
	}
}

// costChild marks the process TestCostIsWhatTheHeapHolds measures in.
const costChild = "SPOTLIGHT_BUFFER_COST_TEST"

// heap is the live heap after a collection.
func heap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// eventBody is an error envelope of about size bytes: breadcrumbs that
// repeat (they compress, as real ones do) around a random stack of words.
func eventBody(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 15))
	var p bytes.Buffer
	p.WriteString(`{"message":"boom","breadcrumbs":[`)
	for p.Len() < size-200 {
		p.WriteString(`{"category":"ui.click","message":"button#save-` + strconv.Itoa(rng.IntN(1000)) + `","timestamp":1700000000.` + strconv.Itoa(rng.IntN(1000)) + `},`)
	}
	p.WriteString(`{}],"extra":{"words":"` + strings.Repeat("x", 50) + `"}}`)
	return []byte(`{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}` + "\n" + `{"type":"event","length":` + strconv.Itoa(p.Len()) + "}\n" + p.String() + "\n")
}
