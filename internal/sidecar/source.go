package sidecar

import (
	"fmt"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// sourceRoutes registers what the UI asks about an error's code: the source
// of its frames (GET /api/errors/{id}/source).
func (s *Server) sourceRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/errors/{id}/source", s.readers(http.HandlerFunc(s.handleErrorSource)))
}

// heldError is the error named by the path, or a 404 said.
func (s *Server) heldError(w http.ResponseWriter, r *http.Request) (event.Record, bool) {
	id := r.PathValue("id")
	rec, ok := s.cfg.Events.Get(event.KindError, id)
	if !ok || rec.Error == nil {
		http.Error(w, fmt.Sprintf("no error %q is held (never received, evicted or cleared); list them with GET /api/errors", id), http.StatusNotFound)
		return rec, false
	}
	return rec, true
}

// handleErrorSource answers sourcecontext.ErrorSources: code read from
// disk for in-app frames sent without it, and the original location and
// code of dev-server frames through their source maps.
func (s *Server) handleErrorSource(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.heldError(w, r)
	if !ok {
		return
	}
	src, err := s.sources.ForError(r.Context(), rec.Error)
	if err != nil {
		http.Error(w, "finding the source of the frames: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, src)
}
