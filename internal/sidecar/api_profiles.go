package sidecar

import (
	"fmt"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// Flame graphs (docs/ARCHITECTURE.md, "Profiles"): GET /api/profiles/{id}
// serves a profile with its flame graph; GET /api/traces/{id}/profile the
// samples of a trace's or a span's time.

func (s *Server) profileRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/traces/{id}/profile", s.readers(http.HandlerFunc(s.handleTraceProfile)))
}

// profileMore is what GET /api/profiles/{id} adds: the flame graph of one
// thread (?thread=<id>, default the profile's active thread).
func profileMore(r *http.Request, rec event.Record) any {
	src := event.FlameSource{Profile: rec.Profile, Thread: r.URL.Query().Get("thread")}
	if src.Thread == "" {
		src.Thread = rec.Profile.ActiveThread
	}
	return struct {
		Thread string      `json:"thread"`
		Flame  event.Flame `json:"flame"`
	}{src.Thread, event.BuildFlame([]event.FlameSource{src})}
}

func (s *Server) handleTraceProfile(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	id, span := r.PathValue("id"), r.URL.Query().Get("spanId")
	sp, ok := ev.store.SpanProfile(id, span)
	if !ok {
		what := fmt.Sprintf("trace %q", id)
		if span != "" {
			what = fmt.Sprintf("span %q of trace %q", span, id)
		}
		http.Error(w, fmt.Sprintf("no profile samples are held for %s (no profile of it was received, or it was evicted)", what), http.StatusNotFound)
		return
	}
	writeJSON(w, sp)
}
