package sidecar

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/spotlight-dev/spotlight/internal/peer"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// secretCookie carries the per-user secret for the web UI where the OS does
// not name a connection's user: `spotlight` prints the UI's URL with
// ?spotlight_secret=..., which sets it.
const secretCookie = "spotlight_secret"

// connKey is the context key of a request's *connOwner.
type connKey struct{}

// connOwner finds, once per connection, the user at its other end.
type connOwner struct {
	conn net.Conn
	once sync.Once
	uid  int
	err  error
}

func (c *connOwner) get() (int, error) {
	c.once.Do(func() { c.uid, c.err = peer.Of(c.conn) })
	return c.uid, c.err
}

// withConnOwner is the http.Server's ConnContext.
func withConnOwner(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, &connOwner{conn: c})
}

// sameUser lets through only requests from the user running the sidecar
// (or root): the local user owning the client's socket, or a client that
// presents the per-user secret (Config.Secret) as the X-Spotlight-Secret
// header or the UI's cookie. Other users, and connections whose user cannot
// be told (another machine under --host, a container), get a 403 saying why.
// Requests that did not come through a listener (Handler called in process)
// are this process's own.
func (s *Server) sameUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.presentsSecret(w, r) {
			next.ServeHTTP(w, r)
			return
		}
		c, ok := r.Context().Value(connKey{}).(*connOwner)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		uid, err := c.get()
		if err == nil && peer.Trusted(uid) {
			next.ServeHTTP(w, r)
			return
		}
		me := peer.Describe(os.Getuid())
		var why string
		if err != nil {
			why = fmt.Sprintf("%s %s is refused: %v, and this Spotlight (run by %s) serves events and instances only to its own user. "+
				"Send the secret from %s as the %s header to be let in.", r.Method, r.URL.Path, err, me, s.secretWhere(), registry.SecretHeader)
		} else {
			only := me + " (or root)"
			if os.Getuid() == 0 {
				only = me
			}
			why = fmt.Sprintf("%s %s is refused: this Spotlight belongs to %s and the request comes from %s. "+
				"Any user may send envelopes, but only %s may read events and instances, ping, clear or terminate.", r.Method, r.URL.Path, me, peer.Describe(uid), only)
		}
		s.log.Debug("refused another user", "path", r.URL.Path, "reason", why)
		http.Error(w, why, http.StatusForbidden)
	})
}

// presentsSecret reports whether r carries Config.Secret (header, cookie,
// or the ?spotlight_secret= of a printed UI link, which then sets the cookie).
func (s *Server) presentsSecret(w http.ResponseWriter, r *http.Request) bool {
	presented := r.Header.Get(registry.SecretHeader)
	c, cerr := r.Cookie(secretCookie)
	query := r.URL.Query().Get(secretCookie)
	if s.cfg.Secret == nil || (presented == "" && cerr != nil && query == "") {
		return false
	}
	want := s.cfg.Secret()
	if want == "" {
		return false
	}
	match := func(got string) bool { return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 }
	if match(presented) || (cerr == nil && match(c.Value)) {
		return true
	}
	if r.Method == http.MethodGet && match(query) {
		http.SetCookie(w, &http.Cookie{Name: secretCookie, Value: want, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

func (s *Server) secretWhere() string {
	if s.cfg.SecretPath != "" {
		return s.cfg.SecretPath
	}
	return "the registry directory"
}
