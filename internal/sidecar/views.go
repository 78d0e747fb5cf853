package sidecar

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
)

// AllInstances is the Control Center's merged copy of every instance's
// events (see controlcenter.Hub).
type AllInstances interface {
	Buffer() *buffer.Buffer
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
