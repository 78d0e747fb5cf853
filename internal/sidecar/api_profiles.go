package sidecar

import (
	"fmt"
	"net/http"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// Flame graphs and AI calls (docs/ARCHITECTURE.md, "Profiles", "AI calls"):
// GET /api/profiles/{id} serves a profile with its flame graph; GET
// /api/traces/{id}/profile the samples of a trace's or a span's time;
// GET /api/ai-calls[/{id}] the AI calls and agent runs of the held traces.

func (s *Server) profileRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/traces/{id}/profile", s.readers(http.HandlerFunc(s.handleTraceProfile)))
	mux.Handle("GET /api/ai-calls", s.readers(http.HandlerFunc(s.handleAIRuns)))
	mux.Handle("GET /api/ai-calls/{id}", s.readers(http.HandlerFunc(s.handleAIRun)))
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

// aiRunsAnswer is GET /api/ai-calls.
type aiRunsAnswer struct {
	Items  []event.AIRun `json:"items"`
	Total  int           `json:"total"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
	Cursor string        `json:"cursor"`
}

func (s *Server) handleAIRuns(w http.ResponseWriter, r *http.Request) {
	ev, q, ok := s.queryOf(w, r)
	if !ok {
		return
	}
	_, cursor := ev.store.Counts()
	runs, total := ev.store.AIRuns(q)
	if runs == nil {
		runs = []event.AIRun{}
	}
	writeJSON(w, aiRunsAnswer{Items: runs, Total: total, Offset: q.Offset, Limit: q.Limit, Cursor: cursor})
}

func (s *Server) handleAIRun(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	run, ok := ev.store.AIRun(id)
	if !ok {
		http.Error(w, fmt.Sprintf("no AI call %q is held (ids are <trace id>-<span id>; list them with GET /api/ai-calls)", id), http.StatusNotFound)
		return
	}
	writeJSON(w, run)
}
