package sidecar

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/format"
)

// sourceRoutes registers what the UI asks about an error's code: the source
// of its frames (GET /api/errors/{id}/source) and the error as Markdown for
// a coding agent (GET /api/errors/{id}/markdown, Copy for AI).
func (s *Server) sourceRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/errors/{id}/source", s.readers(http.HandlerFunc(s.handleErrorSource)))
	mux.Handle("GET /api/errors/{id}/markdown", s.readers(http.HandlerFunc(s.handleErrorMarkdown)))
}

// heldError is the error named by the path, in the view the request names
// (?instance= as on every event route), or a 404 said.
func (s *Server) heldError(w http.ResponseWriter, r *http.Request) (event.Record, eventView, bool) {
	id := r.PathValue("id")
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return event.Record{}, ev, false
	}
	rec, ok := ev.store.Get(event.KindError, id) // with breadcrumbs and request, read back from the envelope
	if !ok || rec.Error == nil || !ev.shows(&rec) {
		http.Error(w, fmt.Sprintf("no error %q is held (never received, evicted or cleared); list them with GET /api/errors", id), http.StatusNotFound)
		return rec, ev, false
	}
	return rec, ev, true
}

// handleErrorSource answers sourcecontext.ErrorSources: code read from
// disk for in-app frames sent without it, and the original location and
// code of dev-server frames through their source maps.
func (s *Server) handleErrorSource(w http.ResponseWriter, r *http.Request) {
	rec, _, ok := s.heldError(w, r)
	if !ok {
		return
	}
	src, err := s.sources.ForError(r.Context(), s.projectOfRecord(&rec), rec.Error)
	if err != nil {
		http.Error(w, "finding the source of the frames: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	writeJSON(w, src)
}

// handleErrorMarkdown is the error in the Markdown of `tail -f md` and MCP
// (the one renderer, internal/format), with the source found for its frames
// and its trace's summary when that is held.
func (s *Server) handleErrorMarkdown(w http.ResponseWriter, r *http.Request) {
	rec, ev, ok := s.heldError(w, r)
	if !ok {
		return
	}
	if src, err := s.sources.ForError(r.Context(), s.projectOfRecord(&rec), rec.Error); err == nil {
		rec.Error = src.Apply(rec.Error) // a copy: the held record is shared
	}
	recs := []event.Record{rec}
	if rec.TraceID != "" {
		if t, ok := ev.store.Get(event.KindTrace, rec.TraceID); ok {
			recs = append(recs, t)
		}
	}
	var b bytes.Buffer
	if err := format.Write(&b, format.MD, format.Options{}, recs...); err != nil {
		http.Error(w, "rendering the error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
