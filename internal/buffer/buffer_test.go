package buffer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// entry makes an envelope entry labelled l: a header-only envelope {"l":"<l>"}.
func entry(l string) *Entry {
	e, err := NewEnvelope([]byte(`{"l":"`+l+`"}`+"\n"), "")
	if err != nil {
		panic(err)
	}
	return e
}

func add(b *Buffer, l string) *Entry { return b.Add(entry(l)) }

// label is the l of an entry made by entry.
func label(e *Entry) string {
	var h struct{ L string }
	if err := json.Unmarshal(e.Envelope().Header, &h); err != nil {
		panic(err)
	}
	return h.L
}

func ids(es []*Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func bodies(es []*Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = label(e)
	}
	return out
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// next reads one batch with a deadline so a broken buffer fails instead of hanging.
func next(t *testing.T, s *Subscription) []*Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	es, err := s.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return es
}

// nothingReady asserts Next has nothing to deliver right now.
func nothingReady(t *testing.T, s *Subscription) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if es, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next = %v, %v; want nothing ready", bodies(es), err)
	}
}

func TestAddAssignsIncreasingUUIDv7(t *testing.T) {
	b := New(Options{MaxEntries: 5000})
	prev := ""
	for i := range 3000 {
		e := add(b, "x")
		u, err := uuid.Parse(e.ID)
		if err != nil || u.Version() != 7 || u.String() != e.ID {
			t.Fatalf("id %q is not a canonical UUIDv7 (%v)", e.ID, err)
		}
		if e.ID <= prev {
			t.Fatalf("entry %d: id %s not greater than previous %s", i, e.ID, prev)
		}
		if e.Event != EventEnvelope || e.Received.IsZero() {
			t.Fatalf("Add left Event=%q Received=%v", e.Event, e.Received)
		}
		prev = e.ID
	}
}

func TestBoundByCount(t *testing.T) {
	b := New(Options{MaxEntries: 3})
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		add(b, s)
	}
	if got := bodies(b.Snapshot()); !equal(got, []string{"c", "d", "e"}) {
		t.Fatalf("Snapshot = %v", got)
	}
	if n, size := b.Len(); n != 3 || size != 3*entry("c").cost() {
		t.Fatalf("Len = %d, %d; want 3, %d", n, size, 3*entry("c").cost())
	}
}

func TestBoundByBytes(t *testing.T) {
	one := entry("aaaaaaaaaaaaaaaaaaaa").cost()
	b := New(Options{MaxEntries: 100, MaxBytes: 2*one + one/2})
	for _, s := range []string{"aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc"} {
		add(b, s)
	}
	if got := bodies(b.Snapshot()); len(got) != 2 || got[0][0] != 'b' || got[1][0] != 'c' {
		t.Fatalf("Snapshot = %v; want the last two", got)
	}
	// An entry larger than MaxBytes on its own is kept (alone) so it still
	// reaches subscribers.
	big := add(b, strings.Repeat("x", 5000))
	if n, size := b.Len(); n != 1 || size != big.cost() {
		t.Fatalf("Len after oversized entry = %d, %d", n, size)
	}
	add(b, "z")
	if got := bodies(b.Snapshot()); !equal(got, []string{"z"}) {
		t.Fatalf("oversized entry not evicted by the next one: %d entries", len(got))
	}
	st := b.Stats()
	if st.Evicted != 4 || st.EvictedBytes != 3*one+big.cost() || st.LastEvictedAt == nil || st.Entries != 1 {
		t.Fatalf("Stats = %+v; want a, b, c and the big one evicted (%d bytes)", st, 3*one+big.cost())
	}
	b.Clear()
	if st := b.Stats(); st.Evicted != 4 || st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("Clear counted as eviction: %+v", st)
	}
}

func TestDefaults(t *testing.T) {
	b := New(Options{})
	if b.opts.MaxEntries != DefaultMaxEntries || b.opts.MaxBytes != DefaultMaxBytes {
		t.Fatalf("defaults = %+v", b.opts)
	}
}

func TestGet(t *testing.T) {
	b := New(Options{MaxEntries: 2})
	a := add(b, "a")
	add(b, "b")
	c := add(b, "c")
	if e, ok := b.Get(c.ID); !ok || label(e) != "c" {
		t.Fatalf("Get(c) = %v, %v", e, ok)
	}
	if _, ok := b.Get(a.ID); ok {
		t.Fatal("Get found an evicted entry")
	}
	if _, ok := b.Get(uuid.Must(uuid.NewV7()).String()); ok {
		t.Fatal("Get found an unknown id")
	}
}

func TestReplayThenLive(t *testing.T) {
	b := New(Options{})
	add(b, "a")
	add(b, "b")
	s := b.Subscribe("")
	defer s.Close()
	if got := bodies(next(t, s)); !equal(got, []string{"a", "b"}) {
		t.Fatalf("replay = %v", got)
	}
	nothingReady(t, s)
	add(b, "c")
	if got := bodies(next(t, s)); !equal(got, []string{"c"}) {
		t.Fatalf("live = %v", got)
	}
}

func TestReplayIsBatched(t *testing.T) {
	b := New(Options{MaxEntries: 1000})
	var want []string
	for i := range 1000 {
		want = append(want, add(b, fmt.Sprint(i)).ID)
	}
	s := b.Subscribe("")
	defer s.Close()
	var got []string
	for len(got) < len(want) {
		batch := next(t, s)
		if len(batch) > maxBatch {
			t.Fatalf("batch of %d entries exceeds %d", len(batch), maxBatch)
		}
		got = append(got, ids(batch)...)
	}
	if !equal(got, want) {
		t.Fatal("batched replay differs from the buffer")
	}
}

func TestSubscribeAfterID(t *testing.T) {
	older := uuid.Must(uuid.NewV7()).String() // as if from a previous run
	b := New(Options{MaxEntries: 3})
	evicted := add(b, "a").ID
	add(b, "b")
	c := add(b, "c").ID
	add(b, "d")
	future := uuid.Must(uuid.NewV7()).String()

	cases := []struct {
		name, after string
		want        []string
	}{
		{"empty", "", []string{"b", "c", "d"}},
		{"known", c, []string{"d"}},
		{"known uppercase", uppercase(c), []string{"d"}},
		{"evicted", evicted, []string{"b", "c", "d"}},
		{"unknown but older", older, []string{"b", "c", "d"}},
		{"malformed", "not-a-uuid", []string{"b", "c", "d"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := b.Subscribe(tc.after)
			defer s.Close()
			if got := bodies(next(t, s)); !equal(got, tc.want) {
				t.Fatalf("Subscribe(%q) replayed %v; want %v", tc.after, got, tc.want)
			}
		})
	}
	t.Run("from the future", func(t *testing.T) {
		s := b.Subscribe(future)
		defer s.Close()
		nothingReady(t, s)
		add(b, "e")
		if got := bodies(next(t, s)); !equal(got, []string{"e"}) {
			t.Fatalf("got %v; want only the new entry", got)
		}
	})
}

func uppercase(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c >= 'a' && c <= 'f' {
			out[i] = c - 'a' + 'A'
		}
	}
	return string(out)
}

func TestClear(t *testing.T) {
	b := New(Options{})
	a := add(b, "a")
	s := b.Subscribe("")
	defer s.Close()
	b.Clear()
	if n, size := b.Len(); n != 0 || size != 0 || len(b.Snapshot()) != 0 {
		t.Fatalf("after Clear: Len = %d, %d", n, size)
	}
	if _, ok := b.Get(a.ID); ok {
		t.Fatal("Get found a cleared entry")
	}
	add(b, "b")
	// The subscriber had not read "a" yet; it was cleared, so only "b" comes.
	if got := bodies(next(t, s)); !equal(got, []string{"b"}) {
		t.Fatalf("after Clear subscriber got %v", got)
	}
	if s2 := b.Subscribe(""); !equal(bodies(next(t, s2)), []string{"b"}) {
		t.Fatal("a new subscriber replays cleared entries")
	}
}

func TestBroadcastIsEphemeral(t *testing.T) {
	b := New(Options{MaxEntries: 2})
	add(b, "a")
	add(b, "b")
	s := b.Subscribe("")
	defer s.Close()
	next(t, s)
	for i := range 10 {
		b.Broadcast(&Entry{Event: EventInstancePing, Data: []byte(fmt.Sprint(i))})
	}
	if got := bodies(b.Snapshot()); !equal(got, []string{"a", "b"}) {
		t.Fatalf("broadcast changed the buffer: %v", got)
	}
	got := next(t, s)
	if len(got) != 10 || got[0].Event != EventInstancePing || string(got[9].Data) != "9" || got[0].ID != "" {
		t.Fatalf("broadcast delivered %d entries: %+v", len(got), got[0])
	}
	// A subscriber created later does not see earlier broadcasts.
	s2 := b.Subscribe("")
	defer s2.Close()
	if got := next(t, s2); len(got) != 2 || got[0].Event != EventEnvelope {
		t.Fatalf("late subscriber got %d entries", len(got))
	}
}

func TestBroadcastQueueDropsOldest(t *testing.T) {
	b := New(Options{})
	s := b.Subscribe("")
	defer s.Close()
	for i := range 3 * maxPending {
		b.Broadcast(&Entry{Event: EventInstancePing, Data: []byte(fmt.Sprint(i))})
	}
	got := next(t, s)
	if len(got) != maxPending || string(got[0].Data) != fmt.Sprint(2*maxPending) || string(got[maxPending-1].Data) != fmt.Sprint(3*maxPending-1) {
		t.Fatalf("got %d pings from %s to %s", len(got), got[0].Data, got[len(got)-1].Data)
	}
}

// A subscriber that never reads must not block Add nor another subscriber,
// and costs no memory beyond the buffer's own bound.
func TestSlowSubscriber(t *testing.T) {
	b := New(Options{MaxEntries: 100})
	slow := b.Subscribe("")
	defer slow.Close()
	fast := b.Subscribe("")
	defer fast.Close()
	var last *Entry
	for i := range 1000 {
		last = add(b, fmt.Sprint(i))
		got := next(t, fast)
		if len(got) != 1 || got[0] != last {
			t.Fatalf("fast subscriber got %v at %d", bodies(got), i)
		}
	}
	if n, _ := b.Len(); n != 100 {
		t.Fatalf("buffer holds %d entries", n)
	}
	got := next(t, slow)
	if len(got) != 100 || label(got[0]) != "900" || got[99] != last {
		t.Fatalf("slow subscriber resumed with %d entries starting %s", len(got), label(got[0]))
	}
	if slow.Skipped() != 900 || fast.Skipped() != 0 {
		t.Fatalf("Skipped = %d (slow), %d (fast)", slow.Skipped(), fast.Skipped())
	}
}

func TestClose(t *testing.T) {
	b := New(Options{})
	s := b.Subscribe("")
	errc := make(chan error, 1)
	go func() {
		_, err := s.Next(context.Background())
		errc <- err
	}()
	s.Close()
	s.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Next after Close = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next did not return after Close")
	}
	add(b, "a") // must not wake or keep a closed subscription
	if len(b.subs) != 0 {
		t.Fatalf("%d subscriptions still registered", len(b.subs))
	}
}

// Run with -race: writers and subscribers that join at random moments; every
// subscriber must see every entry exactly once, in id order.
func TestConcurrentAddSubscribe(t *testing.T) {
	const writers, perWriter, readers = 4, 500, 8
	b := New(Options{MaxEntries: writers * perWriter})
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := range perWriter {
				add(b, fmt.Sprintf("%d-%d", w, i))
			}
		})
	}
	results := make([][]string, readers)
	var rwg sync.WaitGroup
	for r := range readers {
		rwg.Go(func() {
			<-start
			s := b.Subscribe("")
			defer s.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for len(results[r]) < writers*perWriter {
				es, err := s.Next(ctx)
				if err != nil {
					t.Errorf("reader %d after %d entries: %v", r, len(results[r]), err)
					return
				}
				results[r] = append(results[r], ids(es)...)
			}
		})
	}
	close(start)
	wg.Wait()
	rwg.Wait()
	want := ids(b.Snapshot())
	for r, got := range results {
		if !equal(got, want) {
			t.Errorf("reader %d saw %d entries, not the buffer's %d in order", r, len(got), len(want))
		}
	}
}

// A batch is bounded in bytes (a single larger entry is a batch alone), so
// a reader holds little while it writes however much the buffer holds.
func TestBatchBoundedInBytes(t *testing.T) {
	b := New(Options{})
	for range 5 {
		b.Add(&Entry{Data: make([]byte, 600<<10)})
	}
	b.Add(&Entry{Data: make([]byte, 3<<20)})
	s := b.Subscribe("")
	defer s.Close()
	var sizes []int
	for {
		batch := s.TryNext()
		if batch == nil {
			break
		}
		var n int64
		for _, e := range batch {
			n += e.cost()
		}
		if n > maxBatchBytes && len(batch) > 1 {
			t.Fatalf("batch of %d entries holds %d bytes; want at most %d", len(batch), n, maxBatchBytes)
		}
		sizes = append(sizes, len(batch))
		s.Release()
	}
	if len(sizes) != 6 {
		t.Fatalf("batches %v; want six of one entry each", sizes)
	}
}

// Lost tells the reader of a batch that an entry of it was evicted, until
// the batch is released.
func TestLostSignalsEvictedBatch(t *testing.T) {
	b := New(Options{MaxEntries: 2})
	b.Add(&Entry{Data: []byte("1")})
	s := b.Subscribe("")
	defer s.Close()
	if len(s.TryNext()) != 1 {
		t.Fatal("no batch")
	}
	b.Add(&Entry{Data: []byte("2")})
	select {
	case <-s.Lost():
		t.Fatal("Lost signalled while the held entry is still buffered")
	default:
	}
	b.Add(&Entry{Data: []byte("3")}) // evicts entry 1, which s holds
	select {
	case <-s.Lost():
	default:
		t.Fatal("Lost not signalled when the held entry was evicted")
	}
	s.Release()
	s.TryNext() // holds 2 and 3
	s.Release()
	b.Add(&Entry{Data: []byte("4")})
	b.Add(&Entry{Data: []byte("5")})
	select {
	case <-s.Lost():
		t.Fatal("Lost signalled for a released batch")
	default:
	}
}
