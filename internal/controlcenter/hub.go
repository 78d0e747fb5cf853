package controlcenter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/peer"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/streamclient"
)

// Instance names in the views of the merged copy.
const (
	// ViewAll is every instance that is not dismissed.
	ViewAll = "all"
	// HomeInstance labels the Control Center's own envelopes (SDKs that
	// send to it directly, with no `spotlight run` around them).
	HomeInstance = "home"
	// StatusEnded is the status of an instance that exited while the
	// Control Center still holds its events.
	StatusEnded registry.Status = "ended"
	// OriginHeader is the envelope header member that names the instance
	// of an envelope in the merged copy, for clients of its stream.
	OriginHeader = "spotlight_instance"
)

// endGrace bounds how long a follower keeps reading after its instance was
// seen to exit: the stream normally ends by itself at once, after the last
// envelopes (the sidecar sends what it holds before closing).
const endGrace = 3 * time.Second

// HubOptions configures a Hub.
type HubOptions struct {
	// Home is the Control Center's own buffer, copied into the merged
	// copy with the origin HomeInstance.
	Home     *buffer.Buffer
	HomePort func() int
	// Bounds are the merged copy's own bounds (zero: the buffer defaults).
	Bounds buffer.Options
	Logger *slog.Logger
	Now    func() time.Time
	// Secret returns the per-user secret presented to the instances' sidecars
	// where the OS cannot tell them who connects (nil: none).
	Secret func() string
}

// Hub is the Control Center's merged copy of every instance's events. It
// follows the stream of each instance the registry lists (Observe, called
// by Watch: the registry reads only the user's own files) and copies each
// envelope, labelled with its instance, into a buffer of its own, bounded
// like any other. When an instance exits its events stay, marked as from an
// ended instance, until that buffer evicts them or the user dismisses them.
type Hub struct {
	o      HubOptions
	buf    *buffer.Buffer
	events *event.Store // buf's model: traces merge across instances by trace id
	wg     sync.WaitGroup

	mu        sync.Mutex
	instances map[string]*followed
}

// followed is one instance the hub follows or followed.
type followed struct {
	meta    registry.Metadata
	origin  *buffer.Origin
	label   json.RawMessage // the OriginHeader value
	stop    context.CancelFunc
	endedAt time.Time // zero while it runs
	// dismissed hides its events from every view; the memory is given back
	// as the buffer evicts them.
	dismissed bool
}

// NewHub returns a hub; Run copies the home buffer, Observe follows instances.
func NewHub(o HubOptions) *Hub {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	events := event.NewStore(nil)
	o.Bounds.Model = events
	return &Hub{o: o, buf: buffer.New(o.Bounds), events: events, instances: map[string]*followed{}}
}

// Buffer is the merged copy.
func (h *Hub) Buffer() *buffer.Buffer { return h.buf }

// Events is the event model of the merged copy. Every instance's
// envelopes are decoded into one store, so a trace whose spans come from
// several instances is one trace, each span labelled with its instance.
func (h *Hub) Events() *event.Store { return h.events }

// Hidden reports whether an instance was dismissed.
func (h *Hub) Hidden(id string) bool { return h.dismissed(id) }

// Run copies the Control Center's own envelopes into the merged copy until
// ctx ends.
func (h *Hub) Run(ctx context.Context) {
	if h.o.Home == nil {
		<-ctx.Done()
		return
	}
	origin := &buffer.Origin{InstanceID: HomeInstance, Port: h.o.HomePort()}
	label := originLabel(origin)
	sub := h.o.Home.Subscribe("")
	defer sub.Close()
	for {
		entries, err := sub.Next(ctx)
		if err != nil {
			return
		}
		for _, e := range entries {
			if env := e.Envelope(); e.Event == buffer.EventEnvelope && env != nil {
				h.add(env, origin, label, e.Received, e.UserAgent)
			}
		}
	}
}

func originLabel(o *buffer.Origin) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"instanceId": o.InstanceID, "project": o.Project, "port": o.Port}) // cannot fail
	return b
}

// add copies env into the merged copy, its header naming its instance.
func (h *Hub) add(env *envelope.Envelope, origin *buffer.Origin, label json.RawMessage, received time.Time, userAgent string) {
	e, err := buffer.NewEnvelope(env.WithHeaderMember(OriginHeader, label).Encode(), userAgent)
	if err != nil {
		h.o.Logger.Debug("merged copy: cannot encode an envelope", "instanceId", origin.InstanceID, "error", err)
		return
	}
	e.Received, e.Origin = received, origin
	h.buf.Add(e)
}

// Observe is told what Watch found of an instance: a running one (healthy
// or unresponsive) is followed, one that exited (orphaned: its sidecar is
// gone; dead) is marked ended.
func (h *Hub) Observe(ctx context.Context, in registry.Instance) {
	running := in.Status == registry.StatusHealthy || in.Status == registry.StatusUnresponsive
	var counts map[string]int
	if !running {
		counts = h.counts() // before the lock: it takes the buffer's
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.instances[in.InstanceID]
	switch {
	case running:
		if f != nil && f.endedAt.IsZero() && f.meta.Port == in.Port {
			return // already followed
		}
		if f != nil && f.stop != nil {
			f.stop()
		}
		h.start(ctx, in.Metadata)
	default:
		if f == nil || !f.endedAt.IsZero() {
			return
		}
		f.endedAt = h.o.Now()
		// The stream ends by itself after the instance's last envelopes;
		// should it hang, stop anyway.
		time.AfterFunc(endGrace, f.stop)
		h.pruneWith(counts)
	}
}

// start follows the stream of m. Caller holds h.mu.
func (h *Hub) start(ctx context.Context, m registry.Metadata) {
	ctx, cancel := context.WithCancel(ctx)
	origin := &buffer.Origin{InstanceID: m.InstanceID, Project: m.ProjectName, Port: m.Port}
	f := &followed{meta: m, origin: origin, label: originLabel(origin), stop: cancel}
	h.instances[m.InstanceID] = f
	secret := ""
	if h.o.Secret != nil {
		secret = h.o.Secret()
	}
	c := &streamclient.Client{
		URL:    m.URL() + "/stream?userAgent=1&follower=1",
		HTTP:   followerClient(),
		Secret: secret,
		// Once the instance ended, a dropped stream is its end: do not
		// reconnect to a port that some other program may take next.
		OnDisconnect: func(error) {
			if h.ended(f) {
				cancel()
			}
		},
		OnSkip: func(id string, err error) {
			h.o.Logger.Debug("merged copy: skipped an envelope", "instanceId", m.InstanceID, "id", id, "error", err)
		},
	}
	h.wg.Go(func() {
		defer cancel()
		err := c.Run(ctx, func(ev streamclient.Event) error {
			if ev.Name != buffer.EventEnvelope {
				return nil
			}
			env, err := envelope.UnmarshalStream(ev.Data)
			if err != nil {
				h.o.Logger.Debug("merged copy: unreadable envelope", "instanceId", m.InstanceID, "id", ev.ID, "error", err)
				return nil
			}
			h.add(env, origin, f.label, receivedAt(ev.ID, h.o.Now), ev.UserAgent)
			return nil
		})
		if err != nil {
			h.o.Logger.Debug("merged copy: stopped following", "instanceId", m.InstanceID, "error", err)
		}
	})
}

// followerClient reads an instance's stream, connecting only to a socket
// of the user's own: once an instance exits, another local user could take
// its port and feed the merged copy. Time-outs as streamclient's default.
func followerClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 nil, // the instance is local: never via a proxy
		DialContext:           peer.DialOwn(&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 15 * time.Second}),
		ResponseHeaderTimeout: 5 * time.Second,
		MaxIdleConns:          1,
		IdleConnTimeout:       30 * time.Second,
	}}
}

// receivedAt is when the instance received the envelope: its id is a
// UUIDv7, whose first 48 bits are the Unix time in milliseconds.
func receivedAt(id string, now func() time.Time) time.Time {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		return now()
	}
	sec, nsec := u.Time().UnixTime()
	return time.Unix(sec, nsec)
}

func (h *Hub) ended(f *followed) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !f.endedAt.IsZero()
}

// Wait waits for the followers to stop (they stop with the context given
// to Observe). Call it once nothing calls Observe any more.
func (h *Hub) Wait() { h.wg.Wait() }

// View implements sidecar.AllInstances: "all" is every instance not
// dismissed, an instance id (or "home") that instance alone (read-only
// opening of an ended one included).
func (h *Hub) View(instance string) (func(*buffer.Entry) bool, error) {
	if instance == ViewAll {
		return func(e *buffer.Entry) bool { return e.Origin != nil && !h.dismissed(e.Origin.InstanceID) }, nil
	}
	if instance != HomeInstance && !registry.ValidID(instance) {
		return nil, fmt.Errorf("instance must be %q, %q or an instance id (a UUID), not %q", ViewAll, HomeInstance, instance)
	}
	return func(e *buffer.Entry) bool { return e.Origin != nil && e.Origin.InstanceID == instance }, nil
}

func (h *Hub) dismissed(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.instances[id]
	return f != nil && f.dismissed
}

// Ended is an instance whose sidecar is gone while the merged copy holds
// its events, as GET /api/instances?all=1 lists it: ended (with its exit
// time), or orphaned (its child still runs).
type Ended struct {
	registry.Instance
	ExitedAt string `json:"exitedAt,omitempty"` // ISO 8601 UTC (an orphan's child still runs: none)
	Events   int    `json:"events"`             // envelopes held
}

// Ended lists the ended instances that still have events, most recently
// ended first, leaving out those the registry still lists (skip).
func (h *Hub) Ended(skip func(id string) bool) []Ended {
	counts := h.counts()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pruneWith(counts)
	var out []Ended
	for id, f := range h.instances {
		if f.endedAt.IsZero() || f.dismissed || skip(id) {
			continue
		}
		out = append(out, Ended{
			Instance: registry.Instance{Metadata: f.meta, Status: StatusEnded, URL: f.meta.URL()},
			ExitedAt: f.endedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
			Events:   counts[id],
		})
	}
	slices.SortFunc(out, func(a, b Ended) int {
		return cmp.Or(cmp.Compare(b.ExitedAt, a.ExitedAt), cmp.Compare(a.InstanceID, b.InstanceID))
	})
	return out
}

// Held is the number of envelopes the copy holds per instance id.
func (h *Hub) Held() map[string]int { return h.counts() }

// counts is the number of envelopes held per instance.
func (h *Hub) counts() map[string]int {
	counts := map[string]int{}
	for _, e := range h.buf.Snapshot() {
		if e.Origin != nil {
			counts[e.Origin.InstanceID]++
		}
	}
	return counts
}

// pruneWith forgets the ended instances none of whose events remain, so
// the table is bounded by the running instances plus the buffer's entries.
// Caller holds h.mu.
func (h *Hub) pruneWith(counts map[string]int) {
	for id, f := range h.instances {
		if !f.endedAt.IsZero() && counts[id] == 0 && h.o.Now().Sub(f.endedAt) > endGrace {
			delete(h.instances, id)
		}
	}
}

// ErrRunning is returned by Dismiss for an instance that has not ended.
var ErrRunning = errors.New("the instance is still running: only an ended instance can be dismissed")

// Dismiss hides an ended instance and its events from every view.
func (h *Hub) Dismiss(id string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.instances[id]
	switch {
	case f == nil:
		return fs.ErrNotExist
	case f.endedAt.IsZero():
		return ErrRunning
	}
	f.dismissed = true
	return nil
}
