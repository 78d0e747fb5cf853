package sidecar

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
)

const envelopeContentType = "application/x-sentry-envelope"

// routes splits the sidecar in two: what anyone who can connect may do (send
// envelopes, ask /health), and everything else, which only the user running
// the sidecar may do (see sameUser). New routes belong in ownRoutes unless
// other users must reach them.
func (s *Server) routes() http.Handler {
	own := s.sameUser(s.ownRoutes())
	// The ingest routes under /api/ live on their own mux because
	// "/api/{id}/envelope" and "/api/instances/" overlap
	// (/api/instances/envelope) without either being more specific, which
	// one ServeMux refuses.
	api := http.NewServeMux()
	ingest := postOnly(http.HandlerFunc(s.handleIngest))
	api.Handle("/api/{projectId}/envelope", ingest)
	api.Handle("/api/{projectId}/envelope/{$}", ingest)
	store := postOnly(http.HandlerFunc(s.handleStore))
	api.Handle("/api/{projectId}/store", store)
	api.Handle("/api/{projectId}/store/{$}", store)
	api.Handle("/", own)

	mux := http.NewServeMux()
	mux.Handle("POST /stream", ingest)
	mux.HandleFunc("GET /health", s.handleHealth)
	mux.Handle("/api/", api)
	mux.Handle("/api/instances", own)
	mux.Handle("/api/instances/", own)
	mux.Handle("/", own)
	return mux
}

// postOnly answers 405 to anything but POST.
func postOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "send envelopes with POST", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ownRoutes are the routes that read events and instances or change state.
func (s *Server) ownRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stream", s.handleStream)
	mux.HandleFunc("GET /envelope/{id}", s.handleGetEnvelope)
	mux.HandleFunc("GET /api/envelopes", s.handleListEnvelopes)
	mux.Handle("DELETE /clear", s.sameOrigin(http.HandlerFunc(s.handleClear)))
	mux.HandleFunc("GET /api/stats", s.handleStats)
	mux.Handle("POST /open", s.sameOrigin(http.HandlerFunc(s.handleOpen)))
	if s.cfg.Events != nil {
		s.apiRoutes(mux)
		s.sourceRoutes(mux)
	}
	if h := s.cfg.Instances; h != nil {
		mux.Handle("/api/instances", s.sameOrigin(h))
		mux.Handle("/api/instances/", s.sameOrigin(h))
	}
	if h := s.cfg.MCP; h != nil {
		// MCP's streamable HTTP transport holds responses open (SSE), so
		// the server-wide timeouts must not cut it.
		mux.Handle("/mcp", s.sameOrigin(withoutDeadlines(h)))
		mux.Handle("/mcp/", s.sameOrigin(withoutDeadlines(h)))
	}
	ui := s.cfg.UI
	if ui == nil {
		ui = http.HandlerFunc(noUI)
	}
	mux.Handle("/", s.sameOrigin(ui))
	return mux
}

func noUI(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Spotlight is running, but this binary has no web UI: run `make ui` then rebuild.", http.StatusNotFound)
}

// withoutDeadlines lifts the server's read and write deadlines for
// long-lived responses.
func withoutDeadlines(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		h.ServeHTTP(w, r)
	})
}

// isEnvelopeRequest applies the content-type rule: application/x-sentry-envelope;
// no type or application/octet-stream (some SDKs and tools send no type);
// and text/plain from the browser SDK, which uses it to avoid a CORS
// preflight (sentry_client=sentry.javascript.browser... and an Origin).
func isEnvelopeRequest(r *http.Request) (bool, string) {
	return hasBodyType(r, envelopeContentType)
}

// isStoreRequest is the same rule for the store endpoint, whose bodies are
// application/json.
func isStoreRequest(r *http.Request) (bool, string) {
	return hasBodyType(r, "application/json")
}

func hasBodyType(r *http.Request, want string) (bool, string) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true, ""
	}
	// The media type is all that matters; parameters are ignored.
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case want, "application/octet-stream":
		return true, mt
	case "text/plain":
		if strings.HasPrefix(r.URL.Query().Get("sentry_client"), "sentry.javascript.browser") && r.Header.Get("Origin") != "" {
			return true, mt
		}
	}
	return false, mt
}

func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	ok, got := isEnvelopeRequest(r)
	const send = "send Sentry envelopes as " + envelopeContentType + " (text/plain is accepted only from the browser SDK: sentry_client=sentry.javascript.browser... with an Origin header)"
	s.receive(w, r, ok, got, send, func(body []byte) {
		e, err := buffer.NewEnvelope(body, r.UserAgent())
		if errors.Is(err, envelope.ErrTooManyItems) {
			http.Error(w, "envelope refused: "+err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		if err != nil {
			s.log.Debug("malformed envelope", "err", err, "user_agent", r.UserAgent())
			http.Error(w, "malformed envelope: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.accept(w, r, e, nil)
	})
}

// handleStore is the deprecated store endpoint older SDKs post bare events
// to (Debian's python3-sentry-sdk 1.9 sends its errors there): each event is
// buffered as an envelope with that one item, and the answer is Sentry's
// {"id": "<event id>"}. X-Sentry-Auth is not checked: nothing is secret here.
func (s *Server) handleStore(w http.ResponseWriter, r *http.Request) {
	ok, got := isStoreRequest(r)
	s.receive(w, r, ok, got, "send events to the store endpoint as application/json", func(body []byte) {
		env, wire, err := envelope.FromEvent(body)
		var e *buffer.Entry
		if err == nil {
			e, err = buffer.NewEnvelope(wire, r.UserAgent())
		}
		if err != nil {
			s.log.Debug("malformed store event", "err", err, "user_agent", r.UserAgent())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer, _ := json.Marshal(map[string]string{"id": env.EventID()})
		s.accept(w, r, e, answer)
	})
}

// receive is what both ingest routes do before parsing: unless typeOK, it
// answers 415 naming the media type got and what to send instead; it reads
// the decompressed body (see readBody), answering the error itself when it
// cannot, and hands the body to keep. The body's reservation of receiving
// bytes lasts until keep returns, that is until the envelope is parsed and
// buffered (the buffer counts it from then on).
func (s *Server) receive(w http.ResponseWriter, r *http.Request, typeOK bool, got, send string, keep func(body []byte)) {
	if !typeOK {
		http.Error(w, fmt.Sprintf("unsupported Content-Type %q: %s", got, send), http.StatusUnsupportedMediaType)
		return
	}
	var held int64
	defer func() { s.receiving.release(held) }()
	limit := s.cfg.MaxBodyBytes
	body, err := s.readBody(w, r, limit, &held)
	if err != nil {
		status, msg := decodeError(err, limit, s.cfg.MaxReceivingBytes)
		s.log.Debug("envelope refused", "status", status, "err", err, "user_agent", r.UserAgent())
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		}
		http.Error(w, msg, status)
		return
	}
	keep(body)
}

// accept buffers an envelope and answers 200 with answer ({} when nil).
// An envelope with a truncated item is kept, and the answer says so, in a
// "warning" member of the body and an X-Spotlight-Warning header.
func (s *Server) accept(w http.ResponseWriter, r *http.Request, e *buffer.Entry, answer []byte) {
	env := e.Envelope() // read before Add: once held, the entry may be packed
	var first *arrival
	var dup bool
	if s.recent != nil {
		first, dup = s.recent.claim(e.Body(), r.URL.Path == "/stream", time.Now())
	}
	if dup {
		id := first.wait(5 * time.Second)
		s.log.Debug("envelope received twice (an SDK sending to both its DSN and Spotlight); kept once", "id", id, "user_agent", r.UserAgent())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Spotlight-Envelope-Id", id)
		_, _ = w.Write([]byte("{}"))
		return
	}
	if c := s.cfg.Capture; c != nil {
		// Captured as an envelope whatever route or content type brought it
		// (a store event is saved in its envelope form).
		if path, err := c.Save(envelopeContentType, e.Body()); err != nil {
			s.log.Warn("could not capture the envelope", "err", err)
		} else {
			s.log.Debug("envelope captured", "file", path)
		}
	}
	s.cfg.Buffer.Add(e)
	if first != nil {
		s.recent.finish(first, e.ID)
	}
	if s.log.Enabled(r.Context(), slog.LevelDebug) { // skip building attrs otherwise
		s.log.Debug("envelope received", "id", e.ID, "items", itemTypes(env), "bytes", len(e.Body()), "user_agent", r.UserAgent())
	}
	if answer == nil {
		answer = []byte("{}")
	}
	if warning := env.Warning(); warning != "" {
		s.log.Debug("envelope kept with a truncated item", "id", e.ID, "warning", warning, "user_agent", r.UserAgent())
		w.Header().Set("X-Spotlight-Warning", warning)
		answer, _ = json.Marshal(map[string]string{"warning": warning})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Spotlight-Envelope-Id", e.ID)
	_, _ = w.Write(answer)
}

// readBody returns the decompressed body. Its buffer grows with the bytes
// that arrive (a claimed Content-Length sizes only the first
// envelope.StartBufferSize), and every byte of it is reserved from the
// server-wide receiving bound; held says how much, for the caller to release.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64, held *int64) ([]byte, error) {
	if r.ContentLength > limit {
		// Even compressed, a body over the limit is refused (unread).
		return nil, envelope.ErrTooLarge
	}
	hint := int64(0)
	if enc := r.Header.Get("Content-Encoding"); enc == "" || strings.EqualFold(enc, "identity") {
		hint = r.ContentLength
	}
	return envelope.DecodeWith(http.MaxBytesReader(w, r.Body, limit), r.Header.Get("Content-Encoding"), envelope.DecodeOptions{
		Limit:    limit,
		SizeHint: hint,
		Reserve: func(n int) error {
			if !s.receiving.reserve(int64(n)) {
				return errBusy
			}
			*held += int64(n)
			return nil
		},
	})
}

func itemTypes(env *envelope.Envelope) string {
	types := make([]string, len(env.Items))
	for i, it := range env.Items {
		types[i] = it.Type
	}
	return strings.Join(types, ",")
}

// decodeError maps envelope.Decode errors to a status and a message.
func decodeError(err error, limit, receiving int64) (int, string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable, fmt.Sprintf("busy: envelopes being received at once already take the limit of %d bytes; retry in %d s", receiving, retryAfterSeconds)
	case errors.Is(err, envelope.ErrUnsupportedEncoding):
		return http.StatusUnsupportedMediaType, err.Error()
	case errors.Is(err, envelope.ErrTooLarge), errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("envelope too large: the limit is %d bytes after decompression", limit)
	case errors.Is(err, envelope.ErrCorruptBody):
		return http.StatusBadRequest, err.Error()
	}
	return http.StatusBadRequest, "reading the request body: " + err.Error()
}

func (s *Server) handleGetEnvelope(w http.ResponseWriter, r *http.Request) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		http.Error(w, fmt.Sprintf("malformed envelope id %q: expected a UUID as sent in the stream's id: field", r.PathValue("id")), http.StatusBadRequest)
		return
	}
	v, err := s.viewOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	e, ok := v.buf.Get(id.String())
	if ok && !v.shows(e) {
		ok = false
	}
	if !ok {
		http.Error(w, fmt.Sprintf("envelope %s is not in the buffer (never received, evicted or cleared)", id), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", envelopeContentType)
	// A download link saves it under a name saying what it is (the UI's
	// download attribute is ignored for another instance's sidecar).
	w.Header().Set("Content-Disposition", `attachment; filename="envelope-`+id.String()+`.txt"`)
	_, _ = w.Write(e.Body())
}

// handleListEnvelopes is GET /api/envelopes: every buffered envelope, oldest
// first, as a JSON array of {id, receivedAt, userAgent, envelope} where
// envelope is the stream form (what `spotlight mcp` reads from another
// sidecar). Written entry by entry, so memory does not double.
//
// With ?after=<id> only the envelopes received after that one are listed, so
// a reader that keeps what it read before fetches only what is new. The
// X-Spotlight-Oldest-Id header names the oldest envelope still buffered
// (empty when none is): a reader drops what it kept from before it, which
// covers eviction, DELETE /clear and a restarted sidecar alike.
func (s *Server) handleListEnvelopes(w http.ResponseWriter, r *http.Request) {
	after := r.URL.Query().Get("after")
	if after != "" {
		id, err := uuid.Parse(after)
		if err != nil {
			http.Error(w, "after must be an envelope id (a UUID) from an earlier answer", http.StatusBadRequest)
			return
		}
		after = id.String()
	}
	v, err := s.viewOf(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	entries := v.buf.Snapshot()
	oldest := ""
	if len(entries) > 0 {
		oldest = entries[0].ID
	}
	// Ids increase with time (see buffer.Add), so string order is arrival order.
	first, _ := slices.BinarySearchFunc(entries, after, func(e *buffer.Entry, id string) int {
		if e.ID <= id {
			return -1
		}
		return 1
	})
	w.Header().Set("X-Spotlight-Oldest-Id", oldest)
	w.Header().Set("Content-Type", "application/json")
	var scratch []byte
	sep := byte('[')
	for _, e := range entries[first:] {
		if !v.shows(e) {
			continue
		}
		scratch = append(scratch[:0], sep)
		scratch = append(scratch, `{"id":`...)
		scratch, _ = appendJSONString(scratch, e.ID)
		scratch = append(scratch, `,"receivedAt":"`...)
		scratch = e.Received.UTC().AppendFormat(scratch, time.RFC3339Nano)
		scratch = append(scratch, `","userAgent":`...)
		scratch, _ = appendJSONString(scratch, e.UserAgent)
		scratch = append(scratch, `,"envelope":`...)
		if _, err := w.Write(scratch); err != nil {
			return
		}
		if err := e.WriteStream(w); err != nil {
			return
		}
		if _, err := w.Write([]byte{'}'}); err != nil {
			return
		}
		sep = ','
	}
	if sep == '[' {
		_, _ = w.Write([]byte("[]"))
		return
	}
	_, _ = w.Write([]byte{']'})
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) ([]byte, error) {
	b, err := json.Marshal(s)
	return append(dst, b...), err
}

func (s *Server) handleClear(w http.ResponseWriter, r *http.Request) {
	s.cfg.Buffer.Clear()
	s.log.Debug("buffer cleared")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("Cleared"))
}

// handleStats is GET /api/stats: what the buffer holds (entries, bytes as
// counted against --buffer-bytes, how many are packed), its bounds, and the
// envelopes evicted to stay within them (buffer.Stats).
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(stats{Stats: s.cfg.Buffer.Stats(), Process: readProcessMemory()})
}

// stats is the answer of GET /api/stats: the buffer's, and the process's
// memory as the Go runtime sees it (the whole process, every buffer in it).
type stats struct {
	buffer.Stats
	Process processMemory `json:"process"`
}

type processMemory struct {
	HeapBytes   int64 `json:"heapBytes"`   // live and not yet collected heap objects
	MemoryLimit int64 `json:"memoryLimit"` // the soft limit (see memlimit)
}

// readProcessMemory reads runtime/metrics (no stop-the-world, unlike
// runtime.ReadMemStats).
func readProcessMemory() processMemory {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(samples)
	return processMemory{HeapBytes: int64(samples[0].Value.Uint64()), MemoryLimit: int64(samples[1].Value.Uint64())}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if s.cfg.InstanceID != "" {
		w.Header().Set("X-Spotlight-Instance-Id", s.cfg.InstanceID)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("OK"))
}
