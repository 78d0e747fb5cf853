package sidecar

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// sseWriteTimeout drops a subscriber whose connection accepts no data for
// this long (a dead client); a merely slow one skips evicted envelopes
// instead (see package buffer).
const sseWriteTimeout = 30 * time.Second

// sseBufferSize is each stream's write buffer: a batch of small envelopes
// fits, a large one streams through.
const sseBufferSize = 32 << 10

// handleStream is GET /stream: Server-Sent Events, one event per envelope
// (event: its type, id: its buffer id, data: MarshalStream's one-line JSON),
// the buffered envelopes first, or those after Last-Event-ID (header, or the
// lastEventId query parameter for clients that cannot set headers).
//
// With ?userAgent=1 each envelope event also carries a `user-agent:` field,
// the sender's User-Agent, for clients that infer where an event came from
// (`spotlight tail`). EventSource and other spec-following parsers ignore
// unknown fields, and clients that do not ask never see it.
//
// ?instance=all (or an instance id) streams the Control Center's merged copy
// of every instance's events instead, ?instances=1 only the instance
// announcements (a light connection for pages viewing another instance),
// and ?follower=1 marks the Control Center following this sidecar (see
// AwaitFollowers).
func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = query.Get("lastEventId")
	}
	withUserAgent := query.Get("userAgent") == "1"
	v, err := s.viewOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	sub := v.buf.Subscribe(last)
	defer sub.Close()
	if isSet(query.Get("follower")) {
		s.addFollower(sub)
		defer s.removeFollower(sub)
	}

	rc, bw, ok, deadline := startSSE(w)
	keepAlive := time.NewTicker(s.cfg.KeepAlive)
	defer keepAlive.Stop()
	// A reader stuck on a batch whose entries the buffer has since evicted
	// would keep them alive until the write time-out: cut its write short
	// instead (it reconnects with Last-Event-ID and skips what was evicted).
	stopWatch := watchLost(sub, rc)
	defer stopWatch()
	if _, err := bw.Write([]byte("\n")); !ok(err) {
		return
	}
	var scratch []byte
	// send writes what is ready; false when the client is gone.
	send := func() bool {
		entries := sub.TryNext()
		if entries == nil {
			return true
		}
		deadline()
		var err error
		for _, e := range entries {
			if !v.shows(e) {
				continue
			}
			if scratch, err = writeEvent(bw, scratch[:0], e, withUserAgent); err != nil {
				return false
			}
		}
		return ok(nil)
	}
	for {
		select {
		case <-sub.Ready():
			if !send() {
				return
			}
			sub.Release()
		case <-keepAlive.C:
			deadline()
			if _, err := bw.Write([]byte(": keep-alive\n\n")); !ok(err) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.closing:
			// What was added before the shutdown still goes out: a follower
			// must not lose the last events of an instance that exits.
			if send() {
				sub.Release()
			}
			return
		}
	}
}

// watchLost ends the current write of the stream when sub's batch in flight
// loses an entry to eviction. The returned stop waits for the watcher to end.
func watchLost(sub *buffer.Subscription, rc *http.ResponseController) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-sub.Lost():
				_ = rc.SetWriteDeadline(time.Now())
			case <-done:
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// startSSE sends the headers of an event stream (read deadline lifted)
// and returns its writer: events are gathered in bw so that a batch leaves
// in one chunk (one write) instead of a chunk per Write call; ok flushes
// what was written, failing if the client takes too long; deadline gives
// the next write its time-out (set once here).
func startSSE(w http.ResponseWriter) (rc *http.ResponseController, bw *bufio.Writer, ok func(error) bool, deadline func()) {
	rc = http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // tell proxies not to buffer the stream
	w.WriteHeader(http.StatusOK)
	bw = bufio.NewWriterSize(w, sseBufferSize)
	ok = func(err error) bool { return err == nil && bw.Flush() == nil && rc.Flush() == nil }
	deadline = func() { _ = rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout)) }
	deadline()
	return rc, bw, ok, deadline
}

// writeEvent writes one SSE event, using scratch for the small parts (an
// envelope's stream form is written from its body, not built first). A
// broadcast's data is split on newlines into several data: lines; the stream
// form of an envelope has none.
func writeEvent(w io.Writer, scratch []byte, e *buffer.Entry, withUserAgent bool) ([]byte, error) {
	scratch = append(scratch, "event: "...)
	scratch = append(scratch, e.Event...)
	scratch = append(scratch, '\n')
	if e.ID != "" {
		scratch = append(scratch, "id: "...)
		scratch = append(scratch, e.ID...)
		scratch = append(scratch, '\n')
	}
	if withUserAgent && e.UserAgent != "" && !strings.ContainsAny(e.UserAgent, "\r\n") {
		scratch = append(scratch, "user-agent: "...)
		scratch = append(scratch, e.UserAgent...)
		scratch = append(scratch, '\n')
	}
	if e.IsEnvelope() {
		scratch = append(scratch, "data: "...)
		if _, err := w.Write(scratch); err != nil {
			return scratch, err
		}
		if err := e.WriteStream(w); err != nil {
			return scratch, err
		}
		_, err := w.Write([]byte("\n\n"))
		return scratch, err
	}
	data := e.Data
	for {
		line, rest, more := bytes.Cut(data, []byte{'\n'})
		scratch = append(scratch, "data: "...)
		if _, err := w.Write(scratch); err != nil {
			return scratch, err
		}
		if _, err := w.Write(bytes.TrimSuffix(line, []byte{'\r'})); err != nil {
			return scratch, err
		}
		scratch = append(scratch[:0], '\n')
		if !more {
			break
		}
		data = rest
	}
	_, err := w.Write(append(scratch, '\n'))
	return scratch, err
}
