package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// Stream is one of the child's output streams, with the log level its lines
// get.
type Stream struct {
	Name     string // "stdout" or "stderr"
	Level    string
	Severity int
}

// The child's streams: stdout lines are info logs, stderr lines error logs.
func Stdout() Stream { return Stream{Name: "stdout", Level: "info", Severity: 9} }
func Stderr() Stream { return Stream{Name: "stderr", Level: "error", Severity: 17} }

// Relay limits and batching.
const (
	// MaxLineBytes bounds one log line; a longer line becomes several logs,
	// so nothing is lost and memory stays bounded.
	MaxLineBytes = 16 << 10
	// maxBatch lines go into one envelope at most.
	maxBatch = 200
	// batchDelay is how long the first line of a batch may wait for others:
	// a dev server prints in bursts, and one envelope per burst keeps the
	// buffer and the stream cheap.
	batchDelay = 25 * time.Millisecond
	// queueLen bounds lines waiting for the batcher; a full queue slows the
	// reader (and so the child) rather than growing memory.
	queueLen = 4096
	readSize = 32 << 10
	// holdFor is how long `spotlight run` holds the child's first lines back,
	// from the first one (RelayOptions.Hold), unless the SDK's first log
	// batch comes sooner: an SDK that sends the console as logs sends it
	// within about 5 s (@sentry/node flushes every 5 s). The lines it sent
	// are then dropped from the held ones, so they are not
	// kept twice and the SDK's level wins (a console.warn is warn, not the
	// stderr copy's error); the rest become logs as usual, late but with the
	// time they were printed.
	holdFor = 6 * time.Second
	// maxHeldBytes ends the hold early rather than grow memory.
	maxHeldBytes = 4 << 20
)

// RelayOptions configures a Relay.
type RelayOptions struct {
	Buffer  *buffer.Buffer
	Now     func() time.Time
	Logger  *slog.Logger
	Version string // the SDK version reported for stdio logs
	// TraceID groups this run's stdio logs (32 hex digits).
	TraceID string
	// Hold, when positive, holds the first stdio lines back for that long
	// before they become logs (see holdFor).
	Hold time.Duration
	// Label, when set, tells a line's log body and its source (compose's
	// `web-1  | ` prefix names a container). Lines of different sources come
	// from different programs, so each source stops being relayed on its
	// own once the SDK turns out to send its lines.
	Label func(line []byte) (body []byte, src *Source)
}

// Source is where relayed lines come from: the attributes their logs get.
// Label returns the same *Source for every line of one source; the relay
// keys its state by it. nil is the child itself.
type Source struct{ Attrs []Attr }

// maxSources bounds the sources whose doubled logs are told apart; lines
// of further sources share the first source's state.
const maxSources = 32

// Attr is a string attribute of a relayed log.
type Attr struct{ Key, Value string }

// Relay copies the child's output to the terminal unchanged and turns each
// non-empty line into a Sentry log in the buffer, until the app's own SDK
// turns out to send the same lines as logs.
type Relay struct {
	opts  RelayOptions
	lines chan logLine
	done  chan struct{}
	// sdkSeen tells the batcher the SDK sent logs (ends the hold).
	sdkSeen chan struct{}
	// dedups notice doubled logs, per source (nil: the child itself).
	dedupMu sync.Mutex
	dedups  map[*Source]*dedup
	close   sync.Once
}

type logLine struct {
	at     time.Time
	body   string
	stream Stream
	src    *Source
}

// NewRelay starts the batcher; Close stops it.
func NewRelay(opts RelayOptions) *Relay {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Relay{
		opts:    opts,
		lines:   make(chan logLine, queueLen),
		sdkSeen: make(chan struct{}, 1),
		done:    make(chan struct{}),
		dedups:  map[*Source]*dedup{nil: newDedup(opts.Logger)},
	}
	go r.batch()
	return r
}

// ErrTerminalGone is returned by Pump when the terminal side was closed
// (`spotlight run ... | head`). The caller then closes the child's pipe, so
// the child meets the closed pipe on its next write (SIGPIPE), just as it
// would without spotlight in between.
var ErrTerminalGone = errors.New("the output was closed")

// Pump copies src to term and relays its lines until src ends, flushing a
// final partial line.
func (r *Relay) Pump(src io.Reader, term io.Writer, s Stream) error {
	buf := make([]byte, readSize)
	var partial []byte
	for {
		n, err := src.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if _, werr := term.Write(chunk); werr != nil {
				r.emitLine(partial, s)
				return fmt.Errorf("%w: %w", ErrTerminalGone, werr)
			}
			if len(partial) > 0 {
				chunk = append(partial, chunk...)
			}
			partial = r.split(chunk, s)
		}
		if err != nil {
			r.emitLine(partial, s)
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) {
				return nil
			}
			return err
		}
	}
}

// split emits every complete line of data and returns the rest, copied so
// the read buffer is reusable. The rest is bounded: text a carriage return
// has overwritten (progress bars) is dropped, and MaxLineBytes pieces of an
// over-long line are emitted as they come.
func (r *Relay) split(data []byte, s Stream) []byte {
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		r.emitLine(data[:i], s)
		data = data[i+1:]
	}
	data = overwritten(data)
	for len(data) > MaxLineBytes {
		i := cut(data)
		r.emit(data[:i], s)
		data = data[i:]
	}
	return append([]byte(nil), data...)
}

// overwritten drops what a carriage return inside line overwrites on the
// terminal, keeping what the developer saw last ("10%\r20%\r30%" is "30%").
// A trailing \r (of \r\n) overwrites nothing.
func overwritten(line []byte) []byte {
	if i := bytes.LastIndexByte(bytes.TrimRight(line, "\r"), '\r'); i >= 0 {
		return line[i+1:]
	}
	return line
}

// emitLine emits one complete line, in MaxLineBytes pieces if need be.
func (r *Relay) emitLine(line []byte, s Stream) {
	line = overwritten(bytes.TrimRight(line, "\r"))
	for len(line) > MaxLineBytes {
		i := cut(line)
		r.emit(line[:i], s)
		line = line[i:]
	}
	r.emit(line, s)
}

// cut returns where to split an over-long line: at most MaxLineBytes, and
// never inside a UTF-8 sequence.
func cut(data []byte) int {
	i := MaxLineBytes
	for k := 1; k < utf8.UTFMax && !utf8.RuneStart(data[i]); k++ {
		i--
	}
	if !utf8.RuneStart(data[i]) {
		return MaxLineBytes // not UTF-8: any cut will do
	}
	return i
}

// emit relays one log line unless it is blank or relaying has stopped.
func (r *Relay) emit(line []byte, s Stream) {
	var src *Source
	if r.opts.Label != nil {
		line, src = r.opts.Label(line)
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	body := string(line)
	if !r.dedupOf(src).relay(body) {
		return
	}
	r.lines <- logLine{at: r.opts.Now(), body: body, stream: s, src: src}
}

// NoteSDKLog tells the relay about a log body the app's own SDK sent.
func (r *Relay) NoteSDKLog(body string) { r.NoteSDKLogs([]string{body}) }

// NoteSDKLogs tells the relay about the log bodies of one SDK envelope. The
// first ends the hold: held lines the SDK sent are dropped, the rest
// relayed, together with the SDK's batch (so in time order with it).
func (r *Relay) NoteSDKLogs(bodies []string) {
	for _, d := range r.allDedups() {
		for _, b := range bodies {
			d.sdkSent(b)
		}
	}
	select {
	case r.sdkSeen <- struct{}{}:
	default: // already signalled
	}
}

// dedupOf returns the doubled-log state of src.
func (r *Relay) dedupOf(src *Source) *dedup {
	r.dedupMu.Lock()
	defer r.dedupMu.Unlock()
	d := r.dedups[src]
	if d == nil {
		if len(r.dedups) >= maxSources {
			return r.dedups[nil]
		}
		var names []string
		for _, a := range src.Attrs {
			names = append(names, a.Key+"="+a.Value)
		}
		d = newDedup(r.opts.Logger.With("source", strings.Join(names, " ")))
		r.dedups[src] = d
	}
	return d
}

func (r *Relay) allDedups() []*dedup {
	r.dedupMu.Lock()
	defer r.dedupMu.Unlock()
	out := make([]*dedup, 0, len(r.dedups))
	for _, d := range r.dedups {
		out = append(out, d)
	}
	return out
}

// Relaying reports whether the lines of some source are still relayed as
// logs.
func (r *Relay) Relaying() bool {
	for _, d := range r.allDedups() {
		if !d.isOff() {
			return true
		}
	}
	return false
}

// Close flushes pending lines into the buffer and stops the batcher. Call it
// after every Pump has returned.
func (r *Relay) Close() {
	r.close.Do(func() { close(r.lines) })
	<-r.done
}

func (r *Relay) batch() {
	defer close(r.done)
	var pending, held []logLine
	heldBytes := 0
	// The hold counts from the first line: the SDK's own batch timer starts
	// with its first log, and a slow start (a busy machine) delays both.
	holding := r.opts.Hold > 0
	hold := time.NewTimer(time.Hour)
	hold.Stop()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	add := func(lines []logLine) {
		for len(lines) > 0 {
			n := min(len(lines), maxBatch)
			r.opts.Buffer.Add(stdioEntry(lines[:n], r.opts))
			lines = lines[n:]
		}
	}
	release := func() {
		holding = false
		hold.Stop()
		add(slices.DeleteFunc(held, func(l logLine) bool { return r.dedupOf(l.src).fromSDK(l.body) }))
		held = nil
	}
	flush := func() {
		if len(pending) == 0 {
			return
		}
		if holding {
			if len(held) == 0 {
				hold.Reset(r.opts.Hold)
			}
			for _, l := range pending {
				heldBytes += len(l.body)
			}
			held = append(held, pending...)
			pending = pending[:0]
			if heldBytes > maxHeldBytes {
				release()
			}
			return
		}
		add(pending)
		pending = pending[:0]
	}
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				flush()
				release()
				return
			}
			if len(pending) == 0 {
				timer.Reset(batchDelay)
			}
			pending = append(pending, l)
			if len(pending) >= maxBatch {
				timer.Stop()
				flush()
			}
		case <-timer.C:
			flush()
		case <-hold.C:
			flush()
			release()
		case <-r.sdkSeen:
			if holding {
				flush()
				release()
			}
		}
	}
}
