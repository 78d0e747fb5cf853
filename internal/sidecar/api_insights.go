package sidecar

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// Insights, the envelope inspector and the SDK list (docs/ARCHITECTURE.md,
// "Insights"): aggregated by event.Store, served as they are.

func (s *Server) insightRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/insights/queries", s.readers(http.HandlerFunc(s.handleQueries)))
	mux.Handle("GET /api/insights/queries/{id}", s.readers(http.HandlerFunc(s.handleQueries)))
	mux.Handle("GET /api/insights/web-vitals", s.readers(http.HandlerFunc(s.handleWebVitals)))
	mux.Handle("GET /api/insights/resources", s.readers(http.HandlerFunc(s.handleResources)))
	mux.Handle("GET /api/inspector/envelopes", s.readers(http.HandlerFunc(s.handleInspectList)))
	mux.Handle("GET /api/inspector/envelopes/{id}", s.readers(http.HandlerFunc(s.handleInspectOne)))
	mux.Handle("GET /api/sdks", s.readers(http.HandlerFunc(s.handleSDKs)))
	mux.Handle("GET /api/traces/{id}/search", s.readers(http.HandlerFunc(s.handleTraceSearch)))
}

// insightQuery is the view's filter (instance) with ?environment=.
func (s *Server) insightQuery(w http.ResponseWriter, r *http.Request) (eventView, event.Query, bool) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return ev, event.Query{}, false
	}
	q := event.Query{Environment: r.URL.Query().Get("environment")}
	ev.filter(&q)
	return ev, q, true
}

// itemsAnswer wraps a list so the answer can grow members.
type itemsAnswer[T any] struct {
	Items []T `json:"items"`
}

func items[T any](xs []T) itemsAnswer[T] {
	if xs == nil {
		xs = []T{}
	}
	return itemsAnswer[T]{xs}
}

func (s *Server) handleQueries(w http.ResponseWriter, r *http.Request) {
	ev, q, ok := s.insightQuery(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	groups := ev.store.Queries(q, id)
	if id == "" {
		if r.URL.Query().Get("nplusone") == "1" {
			groups = onlyNPlusOne(groups)
		}
		writeJSON(w, items(groups))
		return
	}
	if len(groups) == 0 {
		http.Error(w, fmt.Sprintf("no query group %q is held (its spans were evicted or cleared); list them with GET /api/insights/queries", id), http.StatusNotFound)
		return
	}
	writeJSON(w, groups[0])
}

func onlyNPlusOne(gs []event.QueryGroup) []event.QueryGroup {
	var out []event.QueryGroup
	for _, g := range gs {
		if g.NPlusOne {
			out = append(out, g)
		}
	}
	return out
}

func (s *Server) handleWebVitals(w http.ResponseWriter, r *http.Request) {
	ev, q, ok := s.insightQuery(w, r)
	if !ok {
		return
	}
	page := r.URL.Query().Get("page")
	pages := ev.store.WebVitals(q, page)
	if page == "" {
		writeJSON(w, items(pages))
		return
	}
	if len(pages) == 0 {
		http.Error(w, fmt.Sprintf("no web vitals of page %q are held", page), http.StatusNotFound)
		return
	}
	writeJSON(w, pages[0])
}

func (s *Server) handleResources(w http.ResponseWriter, r *http.Request) {
	ev, q, ok := s.insightQuery(w, r)
	if !ok {
		return
	}
	writeJSON(w, items(ev.store.Resources(q)))
}

// inspectAnswer is GET /api/inspector/envelopes.
type inspectAnswer struct {
	Items  []event.EnvelopeSummary `json:"items"`
	Total  int                     `json:"total"`
	Offset int                     `json:"offset"`
	Limit  int                     `json:"limit"`
}

func (s *Server) handleInspectList(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	q, err := parseQuery(r) // its offset and limit
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	offset, limit := q.Offset, q.Limit
	list, total := ev.store.Envelopes(offset, limit)
	if list == nil {
		list = []event.EnvelopeSummary{}
	}
	writeJSON(w, inspectAnswer{Items: list, Total: total, Offset: offset, Limit: limit})
}

func (s *Server) handleInspectOne(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	d, ok := ev.store.Envelope(r.PathValue("id"))
	if !ok {
		http.Error(w, fmt.Sprintf("envelope %q is not held (never received, evicted or cleared)", r.PathValue("id")), http.StatusNotFound)
		return
	}
	writeJSON(w, d)
}

func (s *Server) handleSDKs(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	writeJSON(w, items(ev.store.SDKs()))
}

// handleTraceSearch is GET /api/traces/{id}/search?q=: the ids of the
// trace's spans that match, in the trace's (waterfall) order.
func (s *Server) handleTraceSearch(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	rec, ok := ev.store.Get(event.KindTrace, r.PathValue("id"))
	if !ok {
		http.Error(w, fmt.Sprintf("no trace %q is held", r.PathValue("id")), http.StatusNotFound)
		return
	}
	text := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	matches := []string{}
	for i := range rec.Trace.Spans {
		if text != "" && event.SpanMatches(&rec.Trace.Spans[i], text) {
			matches = append(matches, rec.Trace.Spans[i].SpanID)
		}
	}
	writeJSON(w, map[string]any{"q": text, "matches": matches})
}
