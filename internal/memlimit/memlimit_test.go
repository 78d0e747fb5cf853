package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64)) // restore whatever was set
	if got, want := Limit(256<<20), int64(256<<20+32<<20+Base); got != want {
		t.Fatalf("Limit(256 MiB) = %d, want %d", got, want)
	}
	noEnv := func(string) string { return "" }
	if got := Apply(noEnv, 64<<20); got != Limit(64<<20) || debug.SetMemoryLimit(-1) != Limit(64<<20) {
		t.Fatalf("Apply set %d (runtime says %d), want %d", got, debug.SetMemoryLimit(-1), Limit(64<<20))
	}
	// The user's GOMEMLIMIT (already applied by the runtime) wins.
	debug.SetMemoryLimit(1 << 30)
	userSet := func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}
	if got := Apply(userSet, 64<<20); got != 1<<30 || debug.SetMemoryLimit(-1) != 1<<30 {
		t.Fatalf("Apply with GOMEMLIMIT set = %d; want the user's 1 GiB kept", got)
	}
}

func TestReleaserAccumulates(t *testing.T) {
	var r Releaser
	r.Freed(releaseAfter/2, false)
	if r.freed != releaseAfter/2 {
		t.Fatalf("freed = %d after half the threshold", r.freed)
	}
	r.Freed(releaseAfter/2, false) // reaches it: released, and the count starts over
	if r.freed != 0 || r.last.IsZero() {
		t.Fatalf("freed = %d, last %v: not released at the threshold", r.freed, r.last)
	}
	// Caught up soon after a release: the release waits for releaseEvery.
	r.Freed(1<<20, true)
	r.mu.Lock()
	pending := r.pending != nil && r.freed == 1<<20
	r.mu.Unlock()
	if !pending {
		t.Fatal("a caught-up release right after another was not deferred")
	}
}
