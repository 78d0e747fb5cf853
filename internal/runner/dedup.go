package runner

import (
	"hash/maphash"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// dedupWindow is how many recent bodies of each side are remembered. Hashes
// are stored, not bodies, so memory stays small however long lines are.
const dedupWindow = 1024

// ansiEscape matches terminal escape sequences (CSI and OSC), which a dev
// server prints around its console text but an SDK's log body lacks.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)`)

// dedup notices when the app's own Sentry SDK sends, as logs, the lines the
// relay has been sending from stdio (or is about to: the SDK may be faster
// than the pipe), and then switches stdio relaying off for good.
type dedup struct {
	seed   maphash.Seed
	logger *slog.Logger

	mu    sync.Mutex
	off   bool
	stdio window
	sdk   window
}

func newDedup(logger *slog.Logger) *dedup {
	return &dedup{seed: maphash.MakeSeed(), logger: logger, stdio: newWindow(), sdk: newWindow()}
}

// relay records a stdio line and reports whether it should still be relayed.
func (d *dedup) relay(body string) bool {
	h, ok := d.key(body)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.off {
		return false
	}
	if ok && d.sdk.has(h) {
		d.switchOff()
		return false
	}
	if ok {
		d.stdio.add(h)
	}
	return true
}

// sdkSent records a log body the SDK sent.
func (d *dedup) sdkSent(body string) {
	h, ok := d.key(body)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.off && d.stdio.has(h) {
		d.switchOff()
	}
	d.sdk.add(h) // also once off: held stdio lines are checked against it
}

// fromSDK reports whether the SDK has sent body as a log (among its last
// dedupWindow bodies).
func (d *dedup) fromSDK(body string) bool {
	h, ok := d.key(body)
	if !ok {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sdk.has(h)
}

func (d *dedup) isOff() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.off
}

// switchOff is called with d.mu held.
func (d *dedup) switchOff() {
	d.off = true
	d.stdio = window{}
	d.logger.Debug("the app's Sentry SDK sends its console output as logs; no longer relaying stdout/stderr as logs (the terminal still shows them)")
}

func (d *dedup) key(body string) (uint64, bool) {
	norm := strings.TrimSpace(ansiEscape.ReplaceAllString(body, ""))
	if norm == "" {
		return 0, false
	}
	return maphash.String(d.seed, norm), true
}

// window is a bounded set of the most recent hashes.
type window struct {
	ring  []uint64
	next  int
	count map[uint64]int
}

func newWindow() window {
	return window{ring: make([]uint64, 0, dedupWindow), count: make(map[uint64]int)}
}

func (w *window) has(h uint64) bool { return w.count[h] > 0 }

func (w *window) add(h uint64) {
	if len(w.ring) < dedupWindow {
		w.ring = append(w.ring, h)
	} else {
		old := w.ring[w.next]
		if w.count[old]--; w.count[old] == 0 {
			delete(w.count, old)
		}
		w.ring[w.next] = h
		w.next = (w.next + 1) % dedupWindow
	}
	w.count[h]++
}
