package sidecar

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/event"
)

// The event API: lists, details and a live feed of the decoded model
// (event.Store), for the web UI. Routes and shapes: docs/ARCHITECTURE.md.

// Paging bounds of the list routes.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
	// feedBatch bounds the changes written (and flushed) at once.
	feedBatch = 256
)

// listKinds maps the list routes to kinds.
var listRoutes = []struct {
	path string
	kind event.Kind
}{
	{"errors", event.KindError},
	{"traces", event.KindTrace},
	{"logs", event.KindLog},
	{"attachments", event.KindAttachment},
	{"items", event.KindItem},
	{"profiles", event.KindProfile},
}

// apiRoutes registers the event API on mux.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	for _, r := range listRoutes {
		mux.Handle("GET /api/"+r.path, s.readers(s.listHandler(r.kind)))
		mux.Handle("GET /api/"+r.path+"/{id}", s.readers(s.detailHandler(r.kind)))
	}
	mux.Handle("GET /api/attachments/{id}/content", s.readers(http.HandlerFunc(s.handleAttachmentContent)))
	mux.Handle("GET /api/counts", s.readers(http.HandlerFunc(s.handleCounts)))
	mux.Handle("GET /api/error-types", s.readers(http.HandlerFunc(s.handleErrorTypes)))
	mux.Handle("GET /api/feed", s.readers(withoutDeadlines(http.HandlerFunc(s.handleFeed))))
	s.profileRoutes(mux) // api_profiles.go
	s.insightRoutes(mux) // api_insights.go
}

// readers refuses a browser page of a foreign origin outright, reads
// included: the events are the developer's (the Host check of guard applies
// as everywhere). Requests without Origin (same-origin GETs, CLI tools) pass.
func (s *Server) readers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !s.origins.originAllowed(origin) {
			http.Error(w, fmt.Sprintf("reading events from origin %q is not allowed: start spotlight with -A %s to allow it", origin, origin), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// listAnswer is the shape of every list route.
type listAnswer struct {
	Items  []event.Record `json:"items"`
	Total  int            `json:"total"`
	Offset int            `json:"offset"`
	Limit  int            `json:"limit"`
	Cursor string         `json:"cursor"`
}

func (s *Server) listHandler(kind event.Kind) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, q, ok := s.queryOf(w, r)
		if !ok {
			return
		}
		if kind == event.KindError && r.URL.Query().Get("group") == "1" {
			groups, total, cursor := ev.store.Groups(q)
			writeJSON(w, groupAnswer{Items: nonNilGroups(groups), Total: total, Offset: q.Offset, Limit: q.Limit, Cursor: cursor})
			return
		}
		page, total, cursor := ev.store.List(kind, q)
		for i := range page {
			page[i] = page[i].Summary()
		}
		writeJSON(w, listAnswer{Items: page, Total: total, Offset: q.Offset, Limit: q.Limit, Cursor: cursor})
	})
}

// groupAnswer is GET /api/errors?group=1.
type groupAnswer struct {
	Items  []event.Group `json:"items"`
	Total  int           `json:"total"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
	Cursor string        `json:"cursor"`
}

func nonNilGroups(gs []event.Group) []event.Group {
	if gs == nil {
		return []event.Group{}
	}
	return gs
}

// detail is a record with the fields of More after its own (a trace's
// errors and logs, an error's group and attachments).
type detail struct {
	event.Record
	More any
}

func (d detail) MarshalJSON() ([]byte, error) {
	head, err := d.Record.MarshalJSON()
	if err != nil {
		return nil, err
	}
	more, err := json.Marshal(d.More)
	if err != nil {
		return nil, err
	}
	return append(append(head[:len(head)-1], ','), more[1:]...), nil
}

// traceMore is what GET /api/traces/{id} adds to the trace.
type traceMore struct {
	Errors []event.Record `json:"errors"`
	Logs   []event.Record `json:"logs"`
}

// errorMore is what GET /api/errors/{id} adds to the error.
type errorMore struct {
	Group struct {
		Key   string `json:"key"`
		Count int    `json:"count"`
	} `json:"group"`
	Attachments []event.Record `json:"attachments"` // those of its envelope
}

func (s *Server) detailHandler(kind event.Kind) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		ev, ok := s.eventsOf(w, r)
		if !ok {
			return
		}
		rec, ok := ev.store.Get(kind, id)
		if !ok {
			http.Error(w, fmt.Sprintf("no %s %q is held (never received, evicted or cleared); list them with GET /api/%ss", kind, id, kindPath(kind)), http.StatusNotFound)
			return
		}
		switch kind {
		case event.KindError:
			var more errorMore
			more.Group.Key = rec.Error.GroupKey
			more.Group.Count = ev.store.GroupCount(rec.Error.GroupKey)
			more.Attachments = nonNil(ev.store.EnvelopeRecords(rec.EnvelopeID, event.KindAttachment))
			writeJSON(w, detail{rec, more})
			return
		case event.KindTrace:
		case event.KindProfile:
			writeJSON(w, detail{rec, profileMore(r, rec)})
			return
		default:
			writeJSON(w, rec)
			return
		}
		errs, logs := ev.store.TraceOf(rec.TraceID)
		for i := range errs {
			errs[i] = errs[i].Summary()
		}
		writeJSON(w, detail{rec, traceMore{Errors: nonNil(errs), Logs: nonNil(logs)}})
	})
}

func nonNil(rs []event.Record) []event.Record {
	if rs == nil {
		return []event.Record{}
	}
	return rs
}

func kindPath(k event.Kind) string {
	for _, r := range listRoutes {
		if r.kind == k {
			return r.path[:len(r.path)-1]
		}
	}
	return string(k)
}

func (s *Server) handleAttachmentContent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	rec, ok := ev.store.Get(event.KindAttachment, id)
	body, held := ev.store.AttachmentContent(id)
	if !ok || !held {
		http.Error(w, fmt.Sprintf("no attachment %q is held (never received, evicted or cleared)", id), http.StatusNotFound)
		return
	}
	ct := rec.Attachment.ContentType
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	// The bytes are the user's file: never let the browser run them here.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": rec.Attachment.Filename}))
	_, _ = w.Write(body)
}

func (s *Server) handleCounts(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	counts, cursor := ev.counts()
	writeJSON(w, map[string]any{
		"errors": counts[event.KindError], "traces": counts[event.KindTrace], "logs": counts[event.KindLog],
		"attachments": counts[event.KindAttachment], "items": counts[event.KindItem],
		"profiles": counts[event.KindProfile], "cursor": cursor,
	})
}

// handleErrorTypes lists the held errors' exception types with their counts
// (the choices of the UI's type filter, ?type= of GET /api/errors).
func (s *Server) handleErrorTypes(w http.ResponseWriter, r *http.Request) {
	ev, ok := s.eventsOf(w, r)
	if !ok {
		return
	}
	var q event.Query
	ev.filter(&q)
	writeJSON(w, ev.store.ErrorTypes(q))
}

// feedChange is one event of GET /api/feed.
type feedChange struct {
	Op   event.Op      `json:"op"`
	Kind event.Kind    `json:"kind,omitempty"`
	ID   string        `json:"id,omitempty"`
	Item *event.Record `json:"item,omitempty"`
}

// handleFeed is GET /api/feed: Server-Sent Events, one per change of the
// model (id: the cursor after it), from the cursor given as Last-Event-ID
// or ?cursor=, or from now.
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	ev, found := s.eventsOf(w, r)
	if !found {
		return
	}
	cursor := r.Header.Get("Last-Event-ID")
	if cursor == "" {
		cursor = r.URL.Query().Get("cursor")
	}
	// Broadcasts (instance pings) reach the feed too, as they reach
	// /stream, so the UI needs no raw stream. An id above every UUIDv7
	// subscribes to what comes next only; envelopes on it are skipped.
	pings := s.cfg.Buffer.Subscribe("ffffffff-ffff-ffff-ffff-ffffffffffff")
	defer pings.Close()
	_, bw, ok, deadline := startSSE(w)
	keepAlive := time.NewTicker(s.cfg.KeepAlive)
	defer keepAlive.Stop()
	if _, err := bw.WriteString("retry: 1000\n\n"); !ok(err) {
		return
	}
	store := ev.store
	var scratch []byte
	for {
		changes, next, wait := store.Changes(cursor, feedBatch)
		if cursor == "" {
			cursor = next
		}
		if len(changes) > 0 {
			deadline()
			for _, c := range changes {
				at := store.CursorAt(c)
				if c.Op == event.OpReset {
					at = next
				}
				fc := feedChange{Op: c.Op, Kind: c.Kind, ID: c.ID}
				if c.Op == "add" || c.Op == "update" {
					item, held := store.Lookup(c)
					if !held {
						continue // removed since: its remove change follows
					}
					if !ev.shows(&item) {
						continue // another instance's (a remove of an id never sent is ignored)
					}
					fc.Item = &item
				}
				data, err := json.Marshal(fc)
				if err != nil {
					s.log.Debug("feed change not encodable", "err", err)
					continue
				}
				bw.WriteString("id: " + at + "\ndata: ")
				bw.Write(data)
				bw.WriteString("\n\n")
			}
			if !ok(nil) {
				return
			}
			cursor = next
			continue
		}
		select {
		case <-wait:
		case <-pings.Ready():
			deadline()
			wrote := false
			for _, e := range pings.TryNext() {
				if e.IsEnvelope() {
					continue
				}
				var err error
				if scratch, err = writeEvent(bw, scratch[:0], e, false); err != nil {
					return
				}
				wrote = true
			}
			if wrote && !ok(nil) {
				return
			}
		case <-keepAlive.C:
			deadline()
			if _, err := bw.WriteString(": keep-alive\n\n"); !ok(err) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		}
	}
}

// parseQuery reads the list parameters (docs/ARCHITECTURE.md).
func parseQuery(r *http.Request) (event.Query, error) {
	v := r.URL.Query()
	q := event.Query{
		Text:        v.Get("q"),
		Environment: v.Get("environment"),
		Release:     v.Get("release"),
		TraceID:     strings.ToLower(strings.ReplaceAll(v.Get("traceId"), "-", "")),
		Limit:       defaultPageSize,
	}
	for _, l := range splitList(v.Get("level")) {
		q.Levels = append(q.Levels, strings.ToLower(l))
	}
	q.Types = splitList(v.Get("type"))
	q.GroupKey = v.Get("groupKey")
	switch q.Status = v.Get("status"); q.Status {
	case "", "ok", "failed":
	default:
		return q, fmt.Errorf("status %q is not a trace status filter: use ok or failed", q.Status)
	}
	if q.Sort = v.Get("sort"); q.Sort != "" && !slices.Contains(event.SortNames(), q.Sort) {
		return q, fmt.Errorf("sort %q is not a trace order: use one of %s", q.Sort, strings.Join(event.SortNames(), ", "))
	}
	q.Transaction, q.Method = v.Get("transaction"), strings.ToUpper(v.Get("method"))
	q.WithoutSpans = v.Get("withoutSpans") == "1"
	for _, b := range []struct {
		name string
		to   *float64
	}{{"minMs", &q.MinMS}, {"maxMs", &q.MaxMS}} {
		if s := v.Get(b.name); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f < 0 {
				return q, fmt.Errorf("%s %q is not a duration: use milliseconds, 0 or more", b.name, s)
			}
			*b.to = f
		}
	}
	for _, src := range splitList(v.Get("source")) {
		q.Sources = append(q.Sources, event.Source(strings.ToLower(src)))
	}
	var err error
	if q.Since, err = parseTimeParam("since", v.Get("since")); err != nil {
		return q, err
	}
	if q.Until, err = parseTimeParam("until", v.Get("until")); err != nil {
		return q, err
	}
	if s := v.Get("offset"); s != "" {
		if q.Offset, err = strconv.Atoi(s); err != nil || q.Offset < 0 {
			return q, fmt.Errorf("offset %q is not a count: use 0 or more", s)
		}
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 1 || q.Limit > maxPageSize {
			return q, fmt.Errorf("limit %q is out of range: use 1 to %d (default %d)", s, maxPageSize, defaultPageSize)
		}
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseTimeParam accepts RFC 3339 or Unix seconds.
func parseTimeParam(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time: use RFC 3339 (2026-01-02T15:04:05Z) or Unix seconds", name, s)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}
