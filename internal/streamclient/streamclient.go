// Package streamclient reads a sidecar's Server-Sent Events stream (GET
// /stream): it connects with time-outs, parses events, reconnects with
// Last-Event-ID and backoff when the sidecar goes away, and never delivers
// an event id twice.
package streamclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"io"
	"mime"
	"net"
	"net/http"
	"time"
)

// Defaults of the Client's zero fields.
const (
	DefaultIdleTimeout   = 45 * time.Second // the sidecar sends a keep-alive every 15 s
	DefaultMinBackoff    = 100 * time.Millisecond
	DefaultMaxBackoff    = 2 * time.Second
	DefaultMaxEventBytes = 64 << 20 // an envelope may be 20 MiB, larger as JSON
	dedupeWindow         = 4096     // ids remembered to drop repeats
)

// Event is one Server-Sent Event.
type Event struct {
	Name string // the event: field, "message" when absent
	ID   string // the id: field, "" for ephemeral broadcasts
	Data []byte // the data: lines joined by newlines
	// UserAgent is the sender's User-Agent: the user-agent: field a
	// Spotlight sidecar adds when the URL asks for it (?userAgent=1).
	UserAgent string
}

// ErrNotAStream is returned when the URL answers, but not with an event
// stream (another server on the port, or a wrong path): retrying is useless.
var ErrNotAStream = errors.New("not a Spotlight event stream")

// ErrRefused is returned when the sidecar refuses the reader (403: another
// user's Spotlight); the error carries the sidecar's reason.
var ErrRefused = errors.New("refused by the sidecar")

// ErrEventTooLarge is passed to OnSkip for events over MaxEventBytes.
var ErrEventTooLarge = errors.New("event too large")

// Client reads one stream. Set URL; the other fields have defaults.
type Client struct {
	URL string // e.g. http://localhost:8969/stream
	// LastEventID resumes after that event (sent on the first connection).
	LastEventID string
	// Secret, when set, is presented as registry.SecretHeader (the sidecar
	// then needs no way to tell the user of the connection).
	Secret string
	// HTTP makes the requests; nil means one with connect and response
	// header time-outs (and no overall time-out: the stream is long-lived).
	HTTP *http.Client
	// IdleTimeout reconnects when nothing, not even a keep-alive comment,
	// arrives for this long (a hung or stopped sidecar).
	IdleTimeout            time.Duration
	MinBackoff, MaxBackoff time.Duration
	MaxEventBytes          int
	// OnConnect is called on each successful connection; reconnect is
	// false the first time.
	OnConnect func(reconnect bool)
	// OnDisconnect is called once when a connection that was up drops.
	OnDisconnect func(err error)
	// OnSkip is called for an event that could not be delivered (too large).
	OnSkip func(id string, err error)
}

// Run connects and calls handle for every event, in order, until ctx ends
// (returning nil) or handle returns an error (returned). When the stream
// drops it reconnects with backoff, sending the last delivered id as
// Last-Event-ID; ids already delivered are skipped if sent again. It
// returns an error wrapping ErrNotAStream when the URL serves something else.
func (c *Client) Run(ctx context.Context, handle func(Event) error) error {
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTPClient()
	}
	minB, maxB := orDefault(c.MinBackoff, DefaultMinBackoff), orDefault(c.MaxBackoff, DefaultMaxBackoff)
	s := &session{c: c, hc: hc, handle: handle, last: c.LastEventID, seen: newIDSet(dedupeWindow)}
	backoff := minB
	connected := false
	for {
		up, err := s.connect(ctx, connected)
		if ctx.Err() != nil {
			return nil
		}
		var herr *handlerError
		if errors.As(err, &herr) {
			return herr.err
		}
		if errors.Is(err, ErrNotAStream) || errors.Is(err, ErrRefused) {
			return err
		}
		if up {
			connected = true
			backoff = minB
			if c.OnDisconnect != nil {
				c.OnDisconnect(err)
			}
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		backoff = min(backoff*2, maxB)
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func defaultHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 nil, // the sidecar is local: never via a proxy
		DialContext:           (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 15 * time.Second}).DialContext,
		ResponseHeaderTimeout: 5 * time.Second,
		MaxIdleConns:          1,
		IdleConnTimeout:       30 * time.Second,
	}}
}

// handlerError marks an error returned by the caller's handler.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }

// session is the state that survives reconnects.
type session struct {
	c      *Client
	hc     *http.Client
	handle func(Event) error
	last   string
	seen   *idSet
}

// connect opens one connection and reads it until it ends. up reports
// whether the stream was established (so a drop is worth reporting).
func (s *session) connect(ctx context.Context, reconnect bool) (up bool, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.c.URL, nil)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrNotAStream, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if s.c.Secret != "" {
		req.Header.Set(registry.SecretHeader, s.c.Secret)
	}
	if s.last != "" {
		req.Header.Set("Last-Event-ID", s.last)
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if err := checkResponse(resp); err != nil {
		return false, err
	}
	if s.c.OnConnect != nil {
		s.c.OnConnect(reconnect)
	}
	idle := orDefault(s.c.IdleTimeout, DefaultIdleTimeout)
	errIdle := fmt.Errorf("no data for %s", idle)
	timer := time.AfterFunc(idle, func() { cancel(errIdle) })
	defer timer.Stop()
	body := &idleReader{r: resp.Body, reset: func() { timer.Reset(idle) }}
	err = s.read(bufio.NewReaderSize(body, 64<<10))
	if cause := context.Cause(ctx); cause == errIdle {
		err = cause
	}
	return true, err
}

func checkResponse(resp *http.Response) error {
	if resp.StatusCode == http.StatusForbidden {
		reason, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%w: %s", ErrRefused, bytes.TrimSpace(reason))
	}
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		err := fmt.Errorf("GET %s: %s: %s", resp.Request.URL, resp.Status, bytes.TrimSpace(snippet))
		if resp.StatusCode >= 500 {
			return err // a sidecar in trouble may recover
		}
		return fmt.Errorf("%w (%v)", ErrNotAStream, err)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/event-stream" {
		return fmt.Errorf("%w: GET %s answered with Content-Type %q", ErrNotAStream, resp.Request.URL, mt)
	}
	return nil
}

// idleReader calls reset after every read that returned data.
type idleReader struct {
	r     io.Reader
	reset func()
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.reset()
	}
	return n, err
}

// read parses events until the stream ends (io.EOF is reported as an
// error: for a stream, ending is a disconnect).
func (s *session) read(br *bufio.Reader) error {
	limit := s.c.MaxEventBytes
	if limit <= 0 {
		limit = DefaultMaxEventBytes
	}
	var ev Event
	var data []byte
	hasData, tooLarge := false, false
	for {
		line, err := readLine(br, limit)
		if errors.Is(err, ErrEventTooLarge) {
			tooLarge = true
			continue
		}
		if err == io.EOF {
			return errors.New("the stream ended")
		}
		if err != nil {
			return err
		}
		if len(line) == 0 { // a blank line ends the event
			if hasData || tooLarge {
				if err := s.dispatch(ev, data, tooLarge, limit); err != nil {
					return err
				}
			}
			ev, data, hasData, tooLarge = Event{}, nil, false, false
			continue
		}
		if line[0] == ':' {
			continue // a comment: the keep-alive
		}
		field, value, _ := bytes.Cut(line, []byte{':'})
		value = bytes.TrimPrefix(value, []byte{' '})
		switch string(field) {
		case "event":
			ev.Name = string(value)
		case "id":
			ev.ID = string(value)
		case "user-agent":
			ev.UserAgent = string(value)
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
			if len(data) > limit {
				tooLarge, data = true, nil
			}
		}
	}
}

func (s *session) dispatch(ev Event, data []byte, tooLarge bool, limit int) error {
	if ev.ID != "" {
		if s.seen.has(ev.ID) {
			return nil
		}
		s.seen.add(ev.ID)
		s.last = ev.ID
	}
	if tooLarge {
		if s.c.OnSkip != nil {
			s.c.OnSkip(ev.ID, fmt.Errorf("%w: over %d bytes", ErrEventTooLarge, limit))
		}
		return nil
	}
	if ev.Name == "" {
		ev.Name = "message"
	}
	ev.Data = data
	if err := s.handle(ev); err != nil {
		return &handlerError{err}
	}
	return nil
}

// readLine reads one line without its LF or CRLF. A line longer than limit
// is read to its end and dropped, reported as ErrEventTooLarge, so one huge
// event does not end the stream (nor hold more than limit bytes).
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	over := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !over {
			if len(line)+len(chunk) > limit+2 {
				over, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, err // io.EOF mid-line: the stream ended
		}
		if over {
			return nil, ErrEventTooLarge
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

// idSet remembers the last n ids (a ring plus a map).
type idSet struct {
	ring []string
	next int
	set  map[string]struct{}
}

func newIDSet(n int) *idSet {
	return &idSet{ring: make([]string, n), set: make(map[string]struct{}, n)}
}

func (s *idSet) has(id string) bool { _, ok := s.set[id]; return ok }

func (s *idSet) add(id string) {
	if old := s.ring[s.next]; old != "" {
		delete(s.set, old)
	}
	s.ring[s.next] = id
	s.set[id] = struct{}{}
	s.next = (s.next + 1) % len(s.ring)
}
