package mcp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Source is where the tools read envelopes from: the buffer of this process,
// or another sidecar over HTTP. Entries come oldest first.
type Source interface {
	Entries(ctx context.Context) ([]*buffer.Entry, error)
	// URL is where the sidecar is reached (http://localhost:<port>), for
	// messages that tell the agent how to point an app at it.
	URL() string
}

// describe names the source in messages.
func describe(s Source) string { return "the sidecar at " + s.URL() }

// Local reads the buffer of a sidecar in this process.
type Local struct {
	Buffer *buffer.Buffer
	// Port is the sidecar's port; a func because it is known only once the
	// sidecar listens, after the handler was built.
	Port func() int
	// Keep, when set, selects the entries read (the Control Center's merged
	// copy leaves out dismissed instances).
	Keep func(*buffer.Entry) bool
}

// Entries returns the buffered envelopes.
func (l *Local) Entries(context.Context) ([]*buffer.Entry, error) {
	entries := l.Buffer.Snapshot()
	if l.Keep != nil {
		entries = slices.DeleteFunc(entries, func(e *buffer.Entry) bool { return !l.Keep(e) })
	}
	return entries, nil
}

// URL is the sidecar's URL.
func (l *Local) URL() string { return "http://localhost:" + strconv.Itoa(l.Port()) }

// Time-outs and bounds of a Remote.
const (
	// RemoteConnectTimeout bounds connecting and the response headers: the
	// sidecar is on this machine, so anything slower means it is hung.
	RemoteConnectTimeout = 5 * time.Second
	// RemoteStallTimeout cuts a response body that stops arriving. A full
	// buffer of large envelopes is over 100 MB of JSON and takes seconds
	// to read and decode on a slow machine, so the body has no fixed
	// deadline as long as it keeps coming, up to RemoteMaxDuration.
	RemoteStallTimeout = 5 * time.Second
	RemoteMaxDuration  = 2 * time.Minute
	// RemoteMaxBytes bounds the response: the JSON of a full default buffer
	// (buffer.DefaultMaxBytes counts raw bodies plus their JSON form).
	RemoteMaxBytes = buffer.DefaultMaxBytes
)

// Remote reads another sidecar's buffer through GET /api/envelopes. It keeps
// what it read, so each call fetches only the envelopes that arrived since
// the previous one (?after=) and drops the ones the sidecar no longer holds
// (X-Spotlight-Oldest-Id): what it keeps is bounded by that sidecar's buffer.
type Remote struct {
	BaseURL      string        // e.g. http://localhost:8969
	View         string        // "all": the Control Center's merged copy (?instance=all)
	MaxBytes     int64         // 0: RemoteMaxBytes
	StallTimeout time.Duration // 0: RemoteStallTimeout
	Secret       string        // presented as registry.SecretHeader when set

	mu   sync.Mutex // one fetch at a time, and guards kept
	kept []*buffer.Entry
}

// URL is the sidecar's URL.
func (r *Remote) URL() string { return r.BaseURL }

// remoteEntry is one element of GET /api/envelopes.
type remoteEntry struct {
	ID         string          `json:"id"`
	ReceivedAt time.Time       `json:"receivedAt"`
	UserAgent  string          `json:"userAgent"`
	Envelope   json.RawMessage `json:"envelope"`
}

// Entries returns the sidecar's buffered envelopes, fetching the new ones.
// Decoding them into records is left to the caller, which skips the
// envelopes it decoded before.
func (r *Remote) Entries(ctx context.Context) ([]*buffer.Entry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	after := ""
	if n := len(r.kept); n > 0 {
		after = r.kept[n-1].ID
	}
	fresh, oldest, err := r.fetch(ctx, after)
	if err != nil {
		return nil, err
	}
	// Ids increase with time, so string order is arrival order.
	first := len(r.kept)
	for i, e := range r.kept {
		if oldest != "" && e.ID >= oldest {
			first = i
			break
		}
	}
	r.kept = append(slices.Clip(r.kept[first:]), fresh...)
	return slices.Clone(r.kept), nil
}

// fetch reads the envelopes after the id after ("" for all) and the id of
// the oldest envelope the sidecar holds.
func (r *Remote) fetch(ctx context.Context, after string) (entries []*buffer.Entry, oldest string, err error) {
	limit := cmp.Or(r.MaxBytes, RemoteMaxBytes)
	stallAfter := cmp.Or(r.StallTimeout, RemoteStallTimeout)
	ctx, cancel := context.WithTimeout(ctx, RemoteMaxDuration)
	defer cancel()
	q := neturl.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if r.View != "" {
		q.Set("instance", r.View)
	}
	url := strings.TrimSuffix(r.BaseURL, "/") + "/api/envelopes"
	if len(q) > 0 {
		url += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Accept", "application/json")
	if r.Secret != "" {
		req.Header.Set(registry.SecretHeader, r.Secret)
	}
	client := &http.Client{Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: RemoteConnectTimeout}).DialContext,
		ResponseHeaderTimeout: RemoteConnectTimeout,
		DisableKeepAlives:     true, // one request per client
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("no Spotlight sidecar answers at %s (%v): start one with `spotlight`, or call list_instances for the running ones", r.BaseURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s answered %s: is a Spotlight sidecar (of the same version) running there?", url, resp.Status)
	}
	stall := time.AfterFunc(stallAfter, cancel)
	defer stall.Stop()
	lr := &io.LimitedReader{R: progressReader{resp.Body, stall, stallAfter}, N: limit + 1}
	entries, err = decodeEntries(lr)
	if lr.N <= 0 {
		return nil, "", fmt.Errorf("GET %s: response larger than %d bytes", url, limit)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("the sidecar stopped sending for %s, or took longer than %s: %w", stallAfter, RemoteMaxDuration, err)
		}
		return nil, "", fmt.Errorf("GET %s: %w", url, err)
	}
	return entries, resp.Header.Get("X-Spotlight-Oldest-Id"), nil
}

// progressReader restarts the stall timer whenever bytes arrive.
type progressReader struct {
	r     io.Reader
	stall *time.Timer
	after time.Duration
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.stall.Reset(p.after)
	}
	return n, err
}

// decodeEntries decodes the JSON array of GET /api/envelopes. An envelope
// whose stream form does not read back is kept as an entry without an
// envelope (Data only), which decodes to no records.
func decodeEntries(r io.Reader) ([]*buffer.Entry, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("reading the envelope list: %w", err)
	} else if tok != json.Delim('[') {
		return nil, errors.New("the envelope list is not a JSON array")
	}
	var out []*buffer.Entry
	for dec.More() {
		var re remoteEntry
		if err := dec.Decode(&re); err != nil {
			return nil, fmt.Errorf("reading envelope %d of the list: %w", len(out)+1, err)
		}
		e := remoteEnvelope(re.Envelope, re.UserAgent)
		e.ID, e.Received = re.ID, re.ReceivedAt
		out = append(out, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("reading the end of the envelope list: %w", err)
	}
	return out, nil
}

// remoteEnvelope turns a stream form back into an entry (see decodeEntries).
func remoteEnvelope(data []byte, userAgent string) *buffer.Entry {
	if env, err := envelope.UnmarshalStream(data); err == nil {
		if e, err := buffer.NewEnvelope(env.Encode(), userAgent); err == nil {
			return e
		}
	}
	return &buffer.Entry{Event: buffer.EventEnvelope, Data: data, UserAgent: userAgent}
}
