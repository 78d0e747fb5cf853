package buffer

import (
	"bytes"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Packing: an envelope is read by live subscribers within milliseconds of
// arriving, and afterwards rarely (a UI that reconnects, GET /envelope/{id},
// MCP). So once it has been held for Options.PackAfter its body is
// compressed with zstd in the background (Sentry envelopes are JSON and
// shrink 2–13×), and its parsed form is dropped: readers then decompress
// and re-parse (≈35 µs for 130 KB) instead. Packing is off the ingest path
// and costs at most one compression per envelope (≈125 µs for 130 KB, none
// for one evicted before it is old enough); it is what lets a full buffer
// sit in a fraction of the memory its raw bodies would take.

// DefaultPackAfter is Options.PackAfter when zero.
const DefaultPackAfter = 2 * time.Second

// packBatch bounds the entries packed per pass between two lock holds.
const packBatch = 32

// windowSize is zstd's window: a 130 KB body fits it whole, and the
// encoder's tables stay at about 0.7 MiB (with the default window they
// took 4.4 MiB per buffer, which its bound does not see).
const windowSize = 256 << 10

// codec compresses and decompresses bodies; one per buffer, made on first use
// (an idle sidecar never allocates the zstd tables).
type codec struct {
	once sync.Once
	enc  *zstd.Encoder
	dec  *zstd.Decoder
	err  error
}

func (c *codec) init() error {
	c.once.Do(func() {
		c.enc, c.err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(windowSize))
		if c.err == nil {
			c.dec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderLowmem(true))
		}
	})
	return c.err
}

// probeBytes is how much of a large body is compressed first to see whether
// it compresses at all: an image or other binary attachment is left raw
// without compressing (and throwing away) all of it.
const probeBytes = 32 << 10

// pack returns body compressed in a slice of its own size, or nil when that
// would not save at least a quarter.
func (c *codec) pack(body []byte) []byte {
	if c.init() != nil {
		return nil
	}
	if len(body) > 4*probeBytes {
		if probe := c.enc.EncodeAll(body[:probeBytes], nil); len(probe) > probeBytes*3/4 {
			return nil
		}
	}
	out := c.enc.EncodeAll(body, nil)
	if len(out) > len(body)*3/4 {
		return nil
	}
	return bytes.Clone(out)
}

func (c *codec) unpack(packed []byte) ([]byte, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	return c.dec.DecodeAll(packed, nil)
}

// schedulePack makes sure a packing pass will run. Caller holds b.mu.
func (b *Buffer) schedulePack(after time.Duration) {
	if b.opts.PackAfter < 0 || b.packing {
		return
	}
	b.packing = true
	time.AfterFunc(max(after, 0), b.pack)
}

// pack compresses the entries held for at least PackAfter, then schedules
// itself for the next one to come of age.
func (b *Buffer) pack() {
	saved := b.packAddedBefore(time.Now().Add(-b.opts.PackAfter))
	b.mu.Lock()
	b.packing = false
	// Entries may have been evicted since the pass: resume at the oldest held.
	b.packedTo = max(b.packedTo, b.first)
	caughtUp := b.packedTo == b.next()
	if !caughtUp {
		b.schedulePack(time.Until(b.entries[b.packedTo-b.first].added.Add(b.opts.PackAfter)))
	}
	b.mu.Unlock()
	if b.opts.Packed != nil {
		b.opts.Packed(saved, caughtUp)
	}
}

// packAddedBefore compresses the entries added before cutoff, oldest first,
// holding the lock only to pick a batch and to swap each packed entry in,
// and returns the bytes saved.
func (b *Buffer) packAddedBefore(cutoff time.Time) (saved int64) {
	for {
		b.mu.Lock()
		var todo []*Entry
		for b.packedTo = max(b.packedTo, b.first); b.packedTo < b.next() && len(todo) < packBatch; b.packedTo++ {
			e := b.entries[b.packedTo-b.first]
			if !e.added.Before(cutoff) {
				break
			}
			if f := e.form.Load(); f != nil && f.codec == nil {
				todo = append(todo, e)
			}
		}
		b.mu.Unlock()
		if len(todo) == 0 {
			return saved
		}
		for _, e := range todo {
			saved += b.packEntry(e)
		}
	}
}

// packEntry compresses one entry (outside the lock) and swaps its form in if
// it is still held; it returns the bytes saved.
func (b *Buffer) packEntry(e *Entry) int64 {
	f := e.form.Load()
	packed := b.codec.pack(f.body)
	if packed == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if e.seq < b.first {
		return 0 // evicted or cleared meanwhile
	}
	e.form.Store(&form{body: packed, codec: &b.codec})
	before := e.charged
	e.charged = e.cost()
	b.bytes += e.charged - before
	return before - e.charged
}
