package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
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
}

// Entries returns the buffered envelopes.
func (l *Local) Entries(context.Context) ([]*buffer.Entry, error) {
	return l.Buffer.Snapshot(), nil
}

// URL is the sidecar's URL.
func (l *Local) URL() string { return "http://localhost:" + strconv.Itoa(l.Port()) }

// Defaults of a Remote.
const (
	// RemoteTimeout bounds one GET /api/envelopes: it reads a local sidecar,
	// so anything slower means the sidecar is hung.
	RemoteTimeout = 5 * time.Second
	// RemoteMaxBytes bounds the response: the JSON of a full default buffer
	// (buffer.DefaultMaxBytes counts raw bodies plus their JSON form).
	RemoteMaxBytes = buffer.DefaultMaxBytes
)

// Remote reads another sidecar's buffer through GET /api/envelopes.
type Remote struct {
	BaseURL  string       // e.g. http://localhost:8969
	Client   *http.Client // nil: a client with RemoteTimeout
	MaxBytes int64        // 0: RemoteMaxBytes
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

// Entries fetches the sidecar's buffered envelopes, decoding them one at a
// time so memory stays near the size of the response.
func (r *Remote) Entries(ctx context.Context) ([]*buffer.Entry, error) {
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: RemoteTimeout}
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = RemoteMaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, RemoteTimeout)
	defer cancel()
	url := strings.TrimSuffix(r.BaseURL, "/") + "/api/envelopes"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no Spotlight sidecar answers at %s (%v): start one with `spotlight`, or call list_instances for the running ones", r.BaseURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %s: is a Spotlight sidecar (of the same version) running there?", url, resp.Status)
	}
	lr := &io.LimitedReader{R: resp.Body, N: limit + 1}
	entries, err := decodeEntries(lr)
	if lr.N <= 0 {
		return nil, fmt.Errorf("GET %s: response larger than %d bytes", url, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return entries, nil
}

// decodeEntries decodes the JSON array of GET /api/envelopes. An envelope
// that does not decode is skipped: the others are still worth showing.
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
		env, err := envelope.UnmarshalStream(re.Envelope)
		if err != nil {
			continue
		}
		out = append(out, &buffer.Entry{
			ID:        re.ID,
			Event:     buffer.EventEnvelope,
			Received:  re.ReceivedAt,
			Envelope:  env,
			UserAgent: re.UserAgent,
		})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("reading the end of the envelope list: %w", err)
	}
	return out, nil
}
