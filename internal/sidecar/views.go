package sidecar

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/event"
)

// AllInstances is the Control Center's merged copy of every instance's
// events (see controlcenter.Hub).
type AllInstances interface {
	Buffer() *buffer.Buffer
	// Events is the event model of Buffer (its buffer.Model).
	Events() *event.Store
	// Hidden reports whether an instance's events are left out of "all"
	// (dismissed by the user).
	Hidden(instanceID string) bool
	// View returns which envelopes of Buffer make up the view named by
	// instance ("all", or one instance's id), or an error saying what is
	// accepted.
	View(instance string) (func(*buffer.Entry) bool, error)
}

// errNoAll answers ?instance= on a sidecar that holds only its own events.
var errNoAll = errors.New("this sidecar holds only its own events: other instances' events are kept by the Control Center (the `spotlight` sidecar on port 8969)")

// view is what a reading request asks for: this sidecar's own buffer (the
// default), the merged copy (?instance=all or ?instance=<id>), or, on
// GET /stream?instances=1, only the instance announcements.
type view struct {
	buf  *buffer.Buffer
	keep func(*buffer.Entry) bool // nil: every envelope
}

func (s *Server) viewOf(r *http.Request) (view, error) {
	q := r.URL.Query()
	if isSet(q.Get("instances")) {
		return view{buf: s.cfg.Buffer, keep: func(*buffer.Entry) bool { return false }}, nil
	}
	instance := q.Get("instance")
	if instance == "" {
		return view{buf: s.cfg.Buffer}, nil
	}
	if s.cfg.All == nil {
		return view{}, errNoAll
	}
	keep, err := s.cfg.All.View(instance)
	if err != nil {
		return view{}, err
	}
	return view{buf: s.cfg.All.Buffer(), keep: keep}, nil
}

func isSet(v string) bool { return v == "1" || v == "true" }

// shows reports whether the stream of v carries e: broadcasts always,
// envelopes when they belong to the view.
func (v view) shows(e *buffer.Entry) bool {
	return e.ID == "" || v.keep == nil || v.keep(e)
}

// eventView is the event model a request of the event API reads: this
// sidecar's own, or the Control Center's merged copy (?instance=all, or
// ?instance=<id> for one instance's part of it).
type eventView struct {
	store    *event.Store
	instance string               // one instance's records only
	hidden   func(id string) bool // "all": the dismissed instances
}

// eventsOf answers 404 (and false) when the request names a view this
// sidecar does not hold.
func (s *Server) eventsOf(w http.ResponseWriter, r *http.Request) (eventView, bool) {
	instance := r.URL.Query().Get("instance")
	if instance == "" {
		return eventView{store: s.cfg.Events}, true
	}
	if s.cfg.All == nil {
		http.Error(w, errNoAll.Error(), http.StatusNotFound)
		return eventView{}, false
	}
	if _, err := s.cfg.All.View(instance); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return eventView{}, false
	}
	v := eventView{store: s.cfg.All.Events()}
	if instance == "all" {
		v.hidden = s.cfg.All.Hidden
	} else {
		v.instance = instance
	}
	return v, true
}

// queryOf is the prologue of the list routes: the request's query (400 when
// malformed), narrowed to the view it names (404 when not held).
func (s *Server) queryOf(w http.ResponseWriter, r *http.Request) (eventView, event.Query, bool) {
	q, err := parseQuery(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return eventView{}, q, false
	}
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return eventView{}, q, false
	}
	ev.filter(&q)
	return ev, q, true
}

// counts is how many records of each kind the view holds, and the feed
// cursor.
func (v eventView) counts() (map[event.Kind]int, string) {
	if v.instance == "" && v.hidden == nil {
		return v.store.Counts()
	}
	out := map[event.Kind]int{}
	var cursor string
	for _, k := range []event.Kind{event.KindError, event.KindTrace, event.KindLog, event.KindAttachment, event.KindItem, event.KindProfile} {
		q := event.Query{Limit: 1}
		v.filter(&q)
		_, out[k], cursor = v.store.List(k, q)
	}
	return out, cursor
}

// filter narrows q to the view.
func (v eventView) filter(q *event.Query) {
	q.Instance, q.Hidden = v.instance, v.hidden
}

// shows reports whether a record belongs to the view.
func (v eventView) shows(r *event.Record) bool {
	var q event.Query
	v.filter(&q)
	return q.Selects(r)
}

// followerPoll is how often AwaitFollowers looks at its followers.
const followerPoll = 10 * time.Millisecond

// addFollower and removeFollower track the streams opened with
// ?follower=1: the Control Center following this sidecar.
func (s *Server) addFollower(sub *buffer.Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.followers == nil {
		s.followers = map[*buffer.Subscription]struct{}{}
	}
	s.followers[sub] = struct{}{}
}

func (s *Server) removeFollower(sub *buffer.Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.followers, sub)
}

// AwaitFollowers waits until every follower (a Control Center reading this
// sidecar's stream with ?follower=1) has been handed every buffered
// envelope, so that a short-lived `spotlight run` does not take its last
// events away with it. With expect set it also waits for a follower to
// connect (the Control Center answered a ping, so it will). It returns when
// that holds or ctx ends, whichever is first.
func (s *Server) AwaitFollowers(ctx context.Context, expect bool) {
	t := time.NewTicker(followerPoll)
	defer t.Stop()
	for {
		if s.followersCaughtUp(expect) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) followersCaughtUp(expect bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if expect && len(s.followers) == 0 {
		return false
	}
	for sub := range s.followers {
		if !sub.CaughtUp() {
			return false
		}
	}
	return true
}
