package event

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/envelope"
	"github.com/spotlight-dev/spotlight/internal/plaintext"
)

// Store indexes the decoded envelopes a buffer holds: records by kind in
// arrival order, and traces by trace id built from the spans of every
// envelope. It is the buffer's Model (buffer.Options.Model): envelopes are
// decoded once as the buffer stores them, cached with their entry, counted
// in its byte bound and forgotten when the buffer evicts them. It also
// keeps the feed of changes the API streams.
//
// A Store can also be filled without a buffer (Append), e.g. by the MCP
// tools over another sidecar's envelopes.
type Store struct {
	dec    *Decoder
	detail *Decoder // dec's item decoders, with details (Get)

	mu      sync.Mutex
	held    []*heldEnvelope // buffer order
	byEnv   map[string]*heldEnvelope
	records map[Kind][]*Record // arrival order
	traces  map[string]*traceState
	counts  map[string]*traceCounts // errors and logs by trace id
	feed    feed
}

type heldEnvelope struct {
	entry *buffer.Entry // nil when appended without one
	d     *Decoded
}

// traceState is what the store knows of one trace id.
type traceState struct {
	spans []*Span // arrival order
	built *Record // BuildTrace's answer, until the trace changes
}

// NewStore returns an empty store decoding with dec (nil: NewDecoder()).
func NewStore(dec *Decoder) *Store {
	if dec == nil {
		dec = NewDecoder()
	}
	return &Store{
		dec:     dec,
		detail:  &Decoder{items: dec.items, details: true},
		byEnv:   map[string]*heldEnvelope{},
		records: map[Kind][]*Record{},
		traces:  map[string]*traceState{},
		counts:  map[string]*traceCounts{},
		feed:    newFeed(),
	}
}

// Decoder is the store's decoder.
func (s *Store) Decoder() *Decoder { return s.dec }

// Decode implements buffer.Model: it decodes an envelope entry (before the
// buffer has assigned its id; Added fills the ids in).
func (s *Store) Decode(e *buffer.Entry) (any, int64) {
	env := e.Envelope()
	if env == nil {
		var err error
		if env, err = envelope.UnmarshalStream(e.Data); err != nil {
			return nil, 0
		}
	}
	d := s.dec.Decode(env, Meta{ID: e.ID, Received: e.Received, UserAgent: e.UserAgent})
	return d, d.Bytes
}

// Added implements buffer.Model.
func (s *Store) Added(e *buffer.Entry) {
	d, ok := e.Model.(*Decoded)
	if !ok {
		return
	}
	if d.EnvelopeID != e.ID {
		d.setEnvelope(e.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(&heldEnvelope{entry: e, d: d})
}

// Append adds an envelope decoded elsewhere (with its id set), as the newest.
func (s *Store) Append(d *Decoded) { s.AppendEntry(nil, d) }

// AppendEntry is Append of an entry's decoded envelope: Get reads the
// entry again for details.
func (s *Store) AppendEntry(e *buffer.Entry, d *Decoded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(&heldEnvelope{entry: e, d: d})
}

// Details replaces the records of recs by their complete form (Get: those
// that have more to show, i.e. errors), e.g. before rendering a page.
func (s *Store) Details(recs []Record) {
	for i := range recs {
		if recs[i].Kind == KindError {
			if full, ok := s.Get(KindError, recs[i].ID); ok {
				recs[i] = full
			}
		}
	}
}

// Removed implements buffer.Model.
func (s *Store) Removed(es []*buffer.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(es) >= len(s.held) {
		s.clear()
		return
	}
	for _, e := range es {
		s.remove(e.ID)
	}
}

// DropOldest forgets the n oldest envelopes (for stores filled by Append).
func (s *Store) DropOldest(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ; n > 0 && len(s.held) > 0; n-- {
		s.remove(s.held[0].d.EnvelopeID)
	}
}

func (s *Store) add(h *heldEnvelope) {
	d := h.d
	s.held = append(s.held, h)
	s.byEnv[d.EnvelopeID] = h
	touched := map[string]bool{}
	for i := range d.Records {
		r := &d.Records[i]
		s.records[r.Kind] = append(s.records[r.Kind], r)
		s.feed.add(opAdd, r.Kind, r.ID)
		if s.count(r, 1) {
			touched[r.TraceID] = true
		}
	}
	var fresh []string
	for i := range d.Spans {
		sp := &d.Spans[i]
		t := s.traces[sp.TraceID]
		if t == nil {
			t = &traceState{}
			s.traces[sp.TraceID] = t
			fresh = append(fresh, sp.TraceID)
		}
		t.spans = append(t.spans, sp)
		t.built = nil
		touched[sp.TraceID] = true
	}
	for _, id := range fresh {
		s.feed.add(opAdd, KindTrace, id)
		delete(touched, id)
	}
	for _, id := range sortedKeys(touched) {
		if t := s.traces[id]; t != nil {
			t.built = nil
			s.feed.add(opUpdate, KindTrace, id)
		}
	}
}

// countsInTrace: errors (real exceptions, not messages) and logs are
// counted on their trace.
func countsInTrace(r *Record) bool {
	return r.TraceID != "" && (r.Kind == KindLog || (r.Kind == KindError && r.Error.ExceptionCount > 0))
}

// traceCounts is how many errors and logs of a trace id are held, whether
// or not a span of it is.
type traceCounts struct{ errors, logs int }

// count adds n to the counts of r's trace and reports whether r counts.
func (s *Store) count(r *Record, n int) bool {
	if !countsInTrace(r) {
		return false
	}
	c := s.counts[r.TraceID]
	if c == nil {
		c = &traceCounts{}
		s.counts[r.TraceID] = c
	}
	if r.Kind == KindLog {
		c.logs += n
	} else {
		c.errors += n
	}
	if c.errors == 0 && c.logs == 0 {
		delete(s.counts, r.TraceID)
	}
	return true
}

func (s *Store) remove(envID string) {
	h := s.byEnv[envID]
	if h == nil {
		return
	}
	delete(s.byEnv, envID)
	// Evictions take the oldest: what they remove leads every list.
	if len(s.held) > 0 && s.held[0] == h {
		s.held[0] = nil
		s.held = s.held[1:]
	} else {
		s.held = slices.DeleteFunc(s.held, func(x *heldEnvelope) bool { return x == h })
	}
	d := h.d
	touched := map[string]bool{}
	for i := range d.Records {
		r := &d.Records[i]
		list := s.records[r.Kind]
		if len(list) > 0 && list[0] == r {
			list[0] = nil
			s.records[r.Kind] = list[1:]
		} else {
			s.records[r.Kind] = slices.DeleteFunc(list, func(x *Record) bool { return x == r })
		}
		s.feed.add(opRemove, r.Kind, r.ID)
		if s.count(r, -1) {
			touched[r.TraceID] = true
		}
	}
	for i := range d.Spans {
		sp := &d.Spans[i]
		t := s.traces[sp.TraceID]
		if t == nil {
			continue
		}
		if len(t.spans) > 0 && t.spans[0] == sp {
			t.spans[0] = nil
			t.spans = t.spans[1:]
		} else {
			t.spans = slices.DeleteFunc(t.spans, func(x *Span) bool { return x == sp })
		}
		touched[sp.TraceID] = true
	}
	for _, id := range sortedKeys(touched) {
		t := s.traces[id]
		switch {
		case t == nil:
		case len(t.spans) == 0:
			delete(s.traces, id)
			s.feed.add(opRemove, KindTrace, id)
		default:
			t.built = nil
			s.feed.add(opUpdate, KindTrace, id)
		}
	}
}

func (s *Store) clear() {
	s.held = nil
	s.byEnv = map[string]*heldEnvelope{}
	s.records = map[Kind][]*Record{}
	s.traces = map[string]*traceState{}
	s.counts = map[string]*traceCounts{}
	s.feed.add(opClear, "", "")
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// trace returns the built record of a trace. Caller holds s.mu.
func (s *Store) trace(id string) (*Record, bool) {
	t := s.traces[id]
	if t == nil {
		return nil, false
	}
	if t.built == nil {
		var c traceCounts
		if n := s.counts[id]; n != nil {
			c = *n
		}
		r := BuildTrace(id, t.spans, c.errors, c.logs)
		t.built = &r
	}
	return t.built, true
}

// Query selects and pages records. The zero Query selects everything.
type Query struct {
	Text        string   // case-insensitive substring (see Matches)
	Levels      []string // lower case
	Sources     []Source
	Environment string
	Release     string
	TraceID     string
	Types       []string // errors: the primary exception's type, exact
	GroupKey    string   // errors: one group (Error.GroupKey)
	Status      string   // traces: "ok" (ok, unset or unknown) or "failed"
	Sort        string   // traces: one of SortNames (default newest)
	// Traces (tracefilter.go): Transaction is a substring of the trace's
	// name, Method its root's HTTP method, MinMS/MaxMS bound its duration
	// (0: open), and WithoutSpans adds the trace ids only errors or logs
	// have so far ("no spans received").
	Transaction  string
	Method       string
	MinMS, MaxMS float64
	WithoutSpans bool
	Since        time.Time // inclusive
	Until        time.Time // exclusive
	// Instance selects the records of one instance (Header.Instance.ID;
	// a trace with a span from it), and Hidden leaves out those of the
	// instances it names (a trace when every one of its instances is).
	Instance string
	Hidden   func(instanceID string) bool
	Offset   int
	Limit    int // 0: all
}

// List returns one page of the records of kind that q selects, in the
// order every view shows them (see Order), the number selected, and the
// feed cursor at this moment.
func (s *Store) List(kind Kind, q Query) (page []Record, total int, cursor string) {
	s.mu.Lock()
	var recs []*Record
	if kind == KindTrace {
		recs = make([]*Record, 0, len(s.traces))
		for id := range s.traces {
			r, _ := s.trace(id)
			recs = append(recs, r)
		}
		// arrival order for ties: the envelope that created the trace
		slices.SortFunc(recs, func(a, b *Record) int {
			return cmp.Compare(firstEnvelope(a.Trace), firstEnvelope(b.Trace))
		})
		if q.WithoutSpans {
			recs = append(recs, s.spanlessTraces("")...)
		}
	} else {
		recs = slices.Clone(s.records[kind])
	}
	cursor = s.feed.cursor()
	s.mu.Unlock()

	match := q.matcher()
	recs = slices.DeleteFunc(recs, func(r *Record) bool { return !match(r) })
	Order(kind, recs)
	if kind == KindTrace {
		sortTraces(recs, q.Sort)
	}
	total = len(recs)
	recs = recs[min(q.Offset, len(recs)):]
	if q.Limit > 0 && len(recs) > q.Limit {
		recs = recs[:q.Limit]
	}
	page = make([]Record, len(recs))
	for i, r := range recs {
		page[i] = *r
	}
	return page, total, cursor
}

func firstEnvelope(t *Trace) string {
	if len(t.EnvelopeIDs) == 0 {
		return ""
	}
	return t.EnvelopeIDs[0]
}

// Order sorts records given in arrival order the way every view shows
// them: logs by timestamp then arrival (oldest first); everything else
// newest first, the later arrival first among equal timestamps.
func Order(kind Kind, recs []*Record) {
	if kind == KindLog {
		slices.SortStableFunc(recs, func(a, b *Record) int { return a.Timestamp.Compare(b.Timestamp) })
		return
	}
	slices.Reverse(recs)
	slices.SortStableFunc(recs, func(a, b *Record) int { return b.Timestamp.Compare(a.Timestamp) })
}

// Get returns the record of kind with that id (a trace id for traces),
// complete: an error's breadcrumbs, contexts, user, extra and request
// body are read again from the held envelope (NewDetailDecoder). The model
// keeps what lists, search, groups and the feed use, not what only one
// record's detail shows: that would double the memory of a browser error
// (breadcrumbs are most of its bytes) and its decoding time at ingest.
func (s *Store) Get(kind Kind, id string) (Record, bool) {
	s.mu.Lock()
	r, ok := s.get(kind, id)
	var out Record
	var entry *buffer.Entry
	if ok {
		out = *r
		if envID, _, isRecord := splitID(id); isRecord && kind != KindTrace {
			entry = s.byEnv[envID].entry
		}
	}
	s.mu.Unlock()
	if !ok || entry == nil || kind != KindError {
		return out, ok
	}
	env := entry.Envelope() // outside the lock: a packed body is unpacked here
	if env == nil {
		return out, true
	}
	d := s.detail.Decode(env, Meta{ID: entry.ID, Received: entry.Received, UserAgent: entry.UserAgent})
	if _, n, _ := splitID(id); n < len(d.Records) && d.Records[n].Kind == kind && d.Records[n].Error != nil {
		full := d.Records[n]
		full.Header = out.Header // as held (e.g. the instance a merged copy names)
		return full, true
	}
	return out, true
}

func (s *Store) get(kind Kind, id string) (*Record, bool) {
	if kind == KindTrace {
		id = normalizeID(id)
		if r, ok := s.trace(id); ok {
			return r, true
		}
		// A trace only errors or logs have so far opens too (its list row does).
		if rs := s.spanlessTraces(id); len(rs) == 1 {
			return rs[0], true
		}
		return nil, false
	}
	envID, n, ok := splitID(id)
	if !ok {
		return nil, false
	}
	h := s.byEnv[envID]
	if h == nil || n >= len(h.d.Records) || h.d.Records[n].Kind != kind {
		return nil, false
	}
	return &h.d.Records[n], true
}

// splitID reads "<envelope id>.<n>".
func splitID(id string) (string, int, bool) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return id[:i], n, err == nil && n >= 0
}

// AttachmentContent returns an attachment's bytes and content type.
func (s *Store) AttachmentContent(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.get(KindAttachment, id)
	if !ok {
		return nil, false
	}
	envID, _, _ := splitID(id)
	h := s.byEnv[envID]
	if h.entry == nil {
		return nil, false
	}
	// A packed entry decompresses its body here: read it once.
	env := h.entry.Envelope()
	if env == nil || r.Attachment.ItemIndex >= len(env.Items) {
		return nil, false
	}
	return env.Items[r.Attachment.ItemIndex].Payload, true
}

// TraceOf returns the errors and logs with a trace id, errors oldest first
// and logs in time order.
func (s *Store) TraceOf(traceID string) (errors, logs []Record) {
	q := Query{TraceID: normalizeID(traceID)}
	errors, _, _ = s.List(KindError, q)
	slices.Reverse(errors)
	logs, _, _ = s.List(KindLog, q)
	return errors, logs
}

// Counts is how many records of each kind (and traces) are held.
func (s *Store) Counts() (map[Kind]int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[Kind]int{KindTrace: len(s.traces)}
	for _, k := range []Kind{KindError, KindLog, KindAttachment, KindItem, KindProfile} {
		out[k] = len(s.records[k])
	}
	return out, s.feed.cursor()
}

// TypeCount is how many held errors have one primary exception type.
type TypeCount struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// ErrorTypes lists the primary exception types of the held errors that q
// selects (Offset and Limit aside), the most frequent first (then by name);
// messages without exception are not counted.
func (s *Store) ErrorTypes(q Query) []TypeCount {
	match := q.matcher()
	s.mu.Lock()
	counts := map[string]int{}
	for _, r := range s.records[KindError] {
		if r.Error != nil && r.Error.Type != "" && match(r) {
			counts[r.Error.Type]++
		}
	}
	s.mu.Unlock()
	out := make([]TypeCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TypeCount{t, n})
	}
	slices.SortFunc(out, func(a, b TypeCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Type, b.Type))
	})
	return out
}

// matcher returns q's filter (Offset and Limit aside).
// Selects reports whether q's filters (not its paging) select r.
func (q *Query) Selects(r *Record) bool { return q.matcher()(r) }

func (q *Query) matcher() func(*Record) bool {
	text := strings.ToLower(strings.TrimSpace(q.Text))
	levels := make([]string, len(q.Levels))
	for i, l := range q.Levels {
		levels[i] = canonicalLevel(l)
	}
	return func(r *Record) bool {
		switch {
		case len(levels) > 0 && !slices.Contains(levels, canonicalLevel(r.Level)):
			return false
		case q.GroupKey != "" && (r.Error == nil || r.Error.GroupKey != q.GroupKey):
			return false
		case q.Status == "ok" && (r.Trace == nil || traceFailed(r.Trace)):
			return false
		case q.Status == "failed" && (r.Trace == nil || !traceFailed(r.Trace)):
			return false
		case len(q.Sources) > 0 && !slices.Contains(q.Sources, r.Source):
			return false
		case q.Environment != "" && r.Environment != q.Environment:
			return false
		case q.Release != "" && r.Release != q.Release:
			return false
		case q.TraceID != "" && r.TraceID != q.TraceID:
			return false
		case len(q.Types) > 0 && (r.Error == nil || !slices.Contains(q.Types, r.Error.Type)):
			return false
		case !q.Since.IsZero() && r.Timestamp.Before(q.Since):
			return false
		case !q.Until.IsZero() && !r.Timestamp.Before(q.Until):
			return false
		case r.Trace != nil && !q.selectsTrace(r):
			return false
		case q.Instance != "" && !fromInstance(r, func(id string) bool { return id == q.Instance }):
			return false
		case q.Hidden != nil && !fromInstance(r, func(id string) bool { return !q.Hidden(id) }):
			return false
		}
		return text == "" || Matches(r, text)
	}
}

// fromInstance reports whether r comes from an instance whose id passes
// ok: a trace if any of its instances does.
func fromInstance(r *Record, ok func(id string) bool) bool {
	if r.Trace != nil && len(r.Trace.Instances) > 0 {
		return slices.ContainsFunc(r.Trace.Instances, func(in Instance) bool { return ok(in.ID) })
	}
	return r.Instance != nil && ok(r.Instance.ID)
}

// Matches reports whether the record's searchable text holds text (lower
// case): errors their title, message, culprit, transaction and frames;
// traces their name, id and any span's op, name or attribute (key or value); logs their body and
// attribute values; attachments their file name and type; items their
// type and reason.
func Matches(r *Record, text string) bool {
	// Matched as shown: escapes stripped (a coloured log line is found by
	// the words it shows).
	has := func(ss ...string) bool {
		for _, s := range ss {
			if s != "" && strings.Contains(strings.ToLower(plaintext.Of(s)), text) {
				return true
			}
		}
		return false
	}
	switch {
	case r.Error != nil:
		e := r.Error
		if has(e.Title, e.Message, e.Culprit, e.Transaction, e.Logger, r.EventID) {
			return true
		}
		frameHas := func(fs []Frame) bool {
			return slices.ContainsFunc(fs, func(f Frame) bool { return has(f.Filename, f.AbsPath, f.Function, f.Module) })
		}
		for i := range e.Exceptions {
			if has(e.Exceptions[i].Type, e.Exceptions[i].Value) || frameHas(e.Exceptions[i].Frames) {
				return true
			}
		}
		return frameHas(e.Frames)
	case r.Trace != nil:
		t := r.Trace
		if has(t.Name, t.Op, r.TraceID) {
			return true
		}
		return slices.ContainsFunc(t.Spans, func(s Span) bool { return SpanMatches(&s, text) })
	case r.Log != nil:
		if has(r.Log.Body) {
			return true
		}
		return slices.ContainsFunc(r.Log.Attributes, func(a Attribute) bool { return has(a.Text()) })
	case r.Attachment != nil:
		return has(r.Attachment.Filename, r.Attachment.ContentType)
	case r.Item != nil:
		return has(r.Item.ItemType, r.Item.Reason)
	case r.Profile != nil:
		return has(r.Profile.Transaction, r.Platform, r.TraceID, r.Profile.ProfilerID)
	}
	return false
}

// SpanMatches reports whether a span's op, name or any attribute's key or
// value holds text (lower case): what trace search and the search inside
// one trace match.
func SpanMatches(s *Span, text string) bool {
	has := func(ss ...string) bool {
		for _, v := range ss {
			if v != "" && strings.Contains(strings.ToLower(plaintext.Of(v)), text) {
				return true
			}
		}
		return false
	}
	return has(s.Op, s.Description, s.SpanID) || slices.ContainsFunc(s.Data, func(a Attribute) bool { return has(a.Key, a.Text()) })
}
