package event

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	sqllexer "github.com/DataDog/go-sqllexer"
)

// Insights: the queries, web vitals and resources pages, aggregated here
// from the held spans so every view (the API, MCP) shows the same figures.

// Measurement is one measurement of a transaction or span.
type Measurement struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
}

func measurements(raw json.RawMessage) []Measurement {
	if isNull(raw) {
		return nil
	}
	var m map[string]struct {
		Value *float64 `json:"value"`
		Unit  string   `json:"unit"`
	}
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	out := make([]Measurement, 0, len(m))
	for name, v := range m {
		if v.Value != nil && !math.IsNaN(*v.Value) && !math.IsInf(*v.Value, 0) {
			out = append(out, Measurement{Name: lower(name), Value: *v.Value, Unit: v.Unit})
		}
	}
	slices.SortFunc(out, func(a, b Measurement) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// spanAttr is a span attribute's text ("" when absent); Data is not sorted
// once span v2 attributes are appended, so this looks linearly.
func spanAttr(s *Span, key string) string {
	for i := range s.Data {
		if s.Data[i].Key == key {
			return s.Data[i].Text()
		}
	}
	return ""
}

// IsDBSpan: the queries page takes spans whose op is db or db.* (Sentry's
// span operation convention: db, db.query, db.sql.query, ...).
func IsDBSpan(s *Span) bool {
	return s.Op == "db" || strings.HasPrefix(s.Op, "db.")
}

// rawStatement is a db span's statement: db.query.text (OpenTelemetry
// semantic conventions), db.statement (older ones), else the description.
func rawStatement(s *Span) string {
	for _, k := range []string{"db.query.text", "db.statement"} {
		if v := spanAttr(s, k); v != "" {
			return v
		}
	}
	return s.Description
}

// The normalizer and obfuscator are configuration only: safe to share.
// go-sqllexer (DataDog's SQL lexer, used by their agents to group queries)
// replaces literals with ?, collapses IN lists and normalises whitespace
// and keyword case across dialects, which a hand-written regexp would not.
var (
	sqlObfuscator = sqllexer.NewObfuscator(sqllexer.WithReplaceDigits(true), sqllexer.WithReplaceBoolean(true), sqllexer.WithReplaceNull(false), sqllexer.WithReplacePositionalParameter(true), sqllexer.WithReplaceBindParameter(true))
	sqlNormalizer = sqllexer.NewNormalizer(sqllexer.WithUppercaseKeywords(true), sqllexer.WithKeepSQLAlias(true), sqllexer.WithKeepIdentifierQuotation(true))
	// Driver placeholders the lexer does not know: Python's %s and
	// %(name)s, and ?-style ones that are already fine.
	pyPlaceholder = regexp.MustCompile(`%(\([A-Za-z_][A-Za-z0-9_]*\))?s`)
)

// maxStatement bounds what is normalised (and kept) of one statement.
const maxStatement = 8 << 10

// normalizedStatement is a db span's statement with literals as
// placeholders ("" for other spans). A statement the lexer cannot read is
// kept with whitespace collapsed, so it still groups with itself.
func normalizedStatement(s *Span) string {
	if !IsDBSpan(s) {
		return ""
	}
	raw := strings.TrimSpace(rawStatement(s))
	if raw == "" {
		return ""
	}
	if len(raw) > maxStatement {
		raw = raw[:maxStatement]
	}
	raw = pyPlaceholder.ReplaceAllString(raw, "?")
	out, _, err := sqllexer.ObfuscateAndNormalize(raw, sqlObfuscator, sqlNormalizer)
	if err != nil || out == "" {
		return strings.Join(strings.Fields(raw), " ")
	}
	return out
}

// SpanRef points at one span from an insight (a drill-down row).
type SpanRef struct {
	TraceID     string    `json:"traceId"`
	SpanID      string    `json:"spanId"`
	Transaction string    `json:"transaction,omitempty"`
	Description string    `json:"description,omitempty"`
	Start       time.Time `json:"start"`
	DurationMS  float64   `json:"durationMs"`
}

func refOf(s *Span) SpanRef {
	return SpanRef{TraceID: s.TraceID, SpanID: s.SpanID, Transaction: s.SegmentName, Description: s.Description, Start: s.Start, DurationMS: s.DurationMS}
}

// NPlusOneRepeats is how many times one statement must run under one
// parent span of one trace to be flagged as N+1 (Sentry's own detector
// also starts from a handful of repeated sibling queries).
const NPlusOneRepeats = 3

// QueryGroup is one normalised statement and its figures.
type QueryGroup struct {
	ID        string  `json:"id"` // stable: a hash of the statement
	Statement string  `json:"statement"`
	System    string  `json:"system,omitempty"` // db.system of its first span
	Count     int     `json:"count"`
	TotalMS   float64 `json:"totalMs"`
	AvgMS     float64 `json:"avgMs"`
	P95MS     float64 `json:"p95Ms"`
	Traces    int     `json:"traces"`
	// NPlusOne: in some trace it ran NPlusOneRepeats or more times under
	// one parent span; MaxRepeats is the most times it did.
	NPlusOne   bool `json:"nPlusOne"`
	MaxRepeats int  `json:"maxRepeats"`
	// Slowest are its slowest occurrences (up to 5); Spans, in a group's
	// detail only, all of them, slowest first.
	Slowest []SpanRef `json:"slowest"`
	Spans   []SpanRef `json:"spans,omitempty"`
}

func statementID(stmt string) string {
	h := sha1.Sum([]byte(stmt))
	return hex.EncodeToString(h[:8])
}

// heldSpans returns every held span q's instance and environment filters
// select, each span id of a trace once (the spans are immutable once
// decoded: safe to read unlocked).
func (s *Store) heldSpans(q Query, keep func(*Span) bool) []*Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Span
	var seen map[string]bool
	for _, t := range s.traces {
		clear(seen)
		for _, sp := range t.spans {
			if !keep(sp) || (q.Environment != "" && sp.Environment != q.Environment) {
				continue
			}
			// A span id received twice (in two envelopes) counts once, as in BuildTrace.
			if sp.SpanID != "" {
				if seen == nil {
					seen = map[string]bool{}
				}
				if seen[sp.SpanID] {
					continue
				}
				seen[sp.SpanID] = true
			}
			if q.Instance != "" && (sp.Instance == nil || sp.Instance.ID != q.Instance) {
				continue
			}
			if q.Hidden != nil && sp.Instance != nil && q.Hidden(sp.Instance.ID) {
				continue
			}
			out = append(out, sp)
		}
	}
	return out
}

// Queries groups the held db spans by normalised statement, the most total
// time first. With id set only that group is returned, with all its spans.
func (s *Store) Queries(q Query, id string) []QueryGroup {
	spans := s.heldSpans(q, func(sp *Span) bool { return sp.Statement != "" })
	type acc struct {
		g       *QueryGroup
		spans   []*Span
		traces  map[string]bool
		repeats map[[2]string]int // trace id, parent span id
	}
	byStmt := map[string]*acc{}
	var order []*acc
	for _, sp := range spans {
		a := byStmt[sp.Statement]
		if a == nil {
			a = &acc{g: &QueryGroup{ID: statementID(sp.Statement), Statement: sp.Statement, System: spanAttr(sp, "db.system")}, traces: map[string]bool{}, repeats: map[[2]string]int{}}
			if id != "" && a.g.ID != id {
				continue
			}
			byStmt[sp.Statement] = a
			order = append(order, a)
		}
		a.spans = append(a.spans, sp)
		a.traces[sp.TraceID] = true
		a.repeats[[2]string{sp.TraceID, sp.ParentSpanID}]++
	}
	out := make([]QueryGroup, 0, len(order))
	for _, a := range order {
		g := a.g
		slices.SortFunc(a.spans, func(x, y *Span) int {
			return cmp.Or(cmp.Compare(y.DurationMS, x.DurationMS), cmp.Compare(x.SpanID, y.SpanID))
		})
		durs := make([]float64, len(a.spans))
		for i, sp := range a.spans {
			durs[i] = sp.DurationMS
			g.TotalMS += sp.DurationMS
		}
		g.Count, g.Traces = len(a.spans), len(a.traces)
		g.AvgMS = round3(g.TotalMS / float64(g.Count))
		g.TotalMS = round3(g.TotalMS)
		g.P95MS = percentile(durs, 95)
		for _, n := range a.repeats {
			g.MaxRepeats = max(g.MaxRepeats, n)
		}
		g.NPlusOne = g.MaxRepeats >= NPlusOneRepeats
		for i, sp := range a.spans {
			if i < 5 {
				g.Slowest = append(g.Slowest, refOf(sp))
			}
			if id != "" {
				g.Spans = append(g.Spans, refOf(sp))
			}
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b QueryGroup) int {
		return cmp.Or(cmp.Compare(b.TotalMS, a.TotalMS), cmp.Compare(a.Statement, b.Statement))
	})
	return out
}

// percentile is the nearest-rank p-th percentile of vs (sorted in place).
func percentile(vs []float64, p float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	slices.Sort(vs)
	rank := int(math.Ceil(p / 100 * float64(len(vs))))
	return round3(vs[max(rank, 1)-1])
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// Web vitals and their thresholds, as published by Google at
// https://web.dev/articles/vitals (LCP https://web.dev/articles/lcp,
// FCP https://web.dev/articles/fcp, CLS https://web.dev/articles/cls,
// INP https://web.dev/articles/inp, TTFB https://web.dev/articles/ttfb):
// good at or below Good, poor above Poor, needs improvement between.
// web.dev scores a page at the 75th percentile of its samples; so do we.
var webVitals = []struct {
	Name       string
	Good, Poor float64
	Unit       string
}{
	{"lcp", 2500, 4000, "millisecond"},
	{"fcp", 1800, 3000, "millisecond"},
	{"cls", 0.1, 0.25, ""},
	{"inp", 200, 500, "millisecond"},
	{"ttfb", 800, 1800, "millisecond"},
}

// Score is a web vital's rating.
type Score string

const (
	ScoreGood             Score = "good"
	ScoreNeedsImprovement Score = "needs-improvement"
	ScorePoor             Score = "poor"
)

// ScoreOf rates a value of a web vital ("" for a name that is not one).
func ScoreOf(name string, v float64) Score {
	for _, w := range webVitals {
		if w.Name == name {
			switch {
			case v <= w.Good:
				return ScoreGood
			case v <= w.Poor:
				return ScoreNeedsImprovement
			}
			return ScorePoor
		}
	}
	return ""
}

// Vital is one web vital of a page: its 75th percentile and rating.
type Vital struct {
	Name    string  `json:"name"`
	P75     float64 `json:"p75"`
	Score   Score   `json:"score"`
	Samples int     `json:"samples"`
	Good    float64 `json:"good"` // the thresholds it was rated against
	Poor    float64 `json:"poor"`
}

// VitalSample is one measurement of a page, linked to its trace.
type VitalSample struct {
	Name   string    `json:"name"`
	Value  float64   `json:"value"`
	Score  Score     `json:"score"`
	Op     string    `json:"op"` // pageload, navigation or the web-vital span's
	Trace  string    `json:"traceId"`
	SpanID string    `json:"spanId"`
	Time   time.Time `json:"time"`
}

// PageVitals is a page's web vitals.
type PageVitals struct {
	Page    string        `json:"page"`
	Vitals  []Vital       `json:"vitals"`
	Samples []VitalSample `json:"samples,omitempty"` // in a page's detail only
	Loads   int           `json:"loads"`             // pageload and navigation spans
}

// vitalSource: pageload and navigation transactions carry measurements;
// browser SDKs since 8.x also send standalone spans (ui.webvital.lcp,
// ui.webvital.cls, ui.interaction.* with an inp measurement).
func vitalSource(s *Span) bool {
	return len(s.Measurements) > 0 && (s.Op == "pageload" || s.Op == "navigation" || strings.HasPrefix(s.Op, "ui.webvital.") || strings.HasPrefix(s.Op, "ui.interaction."))
}

// pageOf is the page a vital belongs to: the transaction (route) name, or
// for a standalone span its transaction attribute.
func pageOf(s *Span) string {
	if s.Op == "pageload" || s.Op == "navigation" {
		return cmp.Or(s.SegmentName, s.Description)
	}
	return cmp.Or(spanAttr(s, "transaction"), spanAttr(s, "sentry.transaction"), s.SegmentName, s.Description)
}

// WebVitals lists the pages with web vitals, the most samples first; with
// page set only that page, with its samples (newest first).
func (s *Store) WebVitals(q Query, page string) []PageVitals {
	spans := s.heldSpans(q, vitalSource)
	byPage := map[string]*PageVitals{}
	values := map[string]map[string][]float64{}
	for _, sp := range spans {
		p := pageOf(sp)
		if page != "" && p != page {
			continue
		}
		pv := byPage[p]
		if pv == nil {
			pv = &PageVitals{Page: p}
			byPage[p] = pv
			values[p] = map[string][]float64{}
		}
		if sp.Op == "pageload" || sp.Op == "navigation" {
			pv.Loads++
		}
		for _, m := range sp.Measurements {
			sc := ScoreOf(m.Name, m.Value)
			if sc == "" {
				continue
			}
			values[p][m.Name] = append(values[p][m.Name], m.Value)
			if page != "" {
				pv.Samples = append(pv.Samples, VitalSample{Name: m.Name, Value: m.Value, Score: sc, Op: sp.Op, Trace: sp.TraceID, SpanID: sp.SpanID, Time: sp.Start})
			}
		}
	}
	out := make([]PageVitals, 0, len(byPage))
	for p, pv := range byPage {
		n := 0
		for _, w := range webVitals {
			vs := values[p][w.Name]
			if len(vs) == 0 {
				continue
			}
			v := percentile(vs, 75)
			pv.Vitals = append(pv.Vitals, Vital{Name: w.Name, P75: v, Score: ScoreOf(w.Name, v), Samples: len(vs), Good: w.Good, Poor: w.Poor})
			n += len(vs)
		}
		if n == 0 {
			continue
		}
		slices.SortFunc(pv.Samples, func(a, b VitalSample) int {
			return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(a.Name, b.Name))
		})
		out = append(out, *pv)
	}
	slices.SortFunc(out, func(a, b PageVitals) int {
		return cmp.Or(cmp.Compare(sampleCount(b), sampleCount(a)), cmp.Compare(a.Page, b.Page))
	})
	return out
}

func sampleCount(p PageVitals) int {
	n := 0
	for _, v := range p.Vitals {
		n += v.Samples
	}
	return n
}

// Resource is one resource URL of one type and its figures.
type Resource struct {
	URL             string  `json:"url"` // query string stripped
	Type            string  `json:"type"`
	Count           int     `json:"count"`
	AvgMS           float64 `json:"avgMs"`
	AvgTransfer     float64 `json:"avgTransferBytes"`
	AvgDecoded      float64 `json:"avgDecodedBytes"`
	AvgEncoded      float64 `json:"avgEncodedBytes"`
	RenderBlocking  string  `json:"renderBlocking"` // blocking, non-blocking, mixed or ""
	Traces          int     `json:"traces"`
	ExampleTraceID  string  `json:"exampleTraceId"`
	ExampleSpanID   string  `json:"exampleSpanId"`
	sizes, transfer int
}

// ResourceTypes are the types resources are shown by.
var resourceExt = map[string]string{
	".js": "script", ".mjs": "script", ".cjs": "script", ".ts": "script", ".tsx": "script", ".jsx": "script",
	".css": "css",
	".png": "img", ".jpg": "img", ".jpeg": "img", ".gif": "img", ".svg": "img", ".webp": "img", ".avif": "img", ".ico": "img",
	".woff": "font", ".woff2": "font", ".ttf": "font", ".otf": "font", ".eot": "font",
}

// resourceType: the span op's suffix (resource.script, resource.css,
// resource.img, resource.link, resource.other), refined by the file
// extension for link and other (a stylesheet <link>, a font).
func resourceType(op, u string) string {
	kind := strings.TrimPrefix(op, "resource.")
	switch kind {
	case "script", "css", "img", "font":
		return kind
	case "image":
		return "img"
	}
	if t, ok := resourceExt[strings.ToLower(path.Ext(u))]; ok {
		return t
	}
	return "other"
}

// stripQuery drops a URL's query string and fragment.
func stripQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// Resources groups the held resource.* spans by URL (query stripped) and
// type, the most total time first.
func (s *Store) Resources(q Query) []Resource {
	spans := s.heldSpans(q, func(sp *Span) bool { return strings.HasPrefix(sp.Op, "resource.") })
	type key struct{ url, typ string }
	by := map[key]*Resource{}
	traces := map[key]map[string]bool{}
	var order []key
	for _, sp := range spans {
		raw := sp.Description
		u := stripQuery(raw)
		if pu, err := url.Parse(u); err == nil && pu.Host != "" && pu.Path == "" {
			u += "/"
		}
		k := key{u, resourceType(sp.Op, u)}
		r := by[k]
		if r == nil {
			r = &Resource{URL: k.url, Type: k.typ, ExampleTraceID: sp.TraceID, ExampleSpanID: sp.SpanID}
			by[k], traces[k] = r, map[string]bool{}
			order = append(order, k)
		}
		r.Count++
		r.AvgMS += sp.DurationMS
		traces[k][sp.TraceID] = true
		if v, ok := number(spanAttr(sp, "http.response_transfer_size")); ok {
			r.AvgTransfer += v
			r.transfer++
		}
		dec, okD := number(spanAttr(sp, "http.decoded_response_content_length"))
		enc, okE := number(spanAttr(sp, "http.response_content_length"))
		if okD || okE {
			r.AvgDecoded += dec
			r.AvgEncoded += enc
			r.sizes++
		}
		switch b := spanAttr(sp, "resource.render_blocking_status"); {
		case b == "":
		case r.RenderBlocking == "":
			r.RenderBlocking = b
		case r.RenderBlocking != b:
			r.RenderBlocking = "mixed"
		}
	}
	out := make([]Resource, 0, len(order))
	for _, k := range order {
		r := by[k]
		r.Traces = len(traces[k])
		total := r.AvgMS
		r.AvgMS = round3(total / float64(r.Count))
		if r.transfer > 0 {
			r.AvgTransfer = math.Round(r.AvgTransfer / float64(r.transfer))
		}
		if r.sizes > 0 {
			r.AvgDecoded = math.Round(r.AvgDecoded / float64(r.sizes))
			r.AvgEncoded = math.Round(r.AvgEncoded / float64(r.sizes))
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Resource) int {
		return cmp.Or(cmp.Compare(b.AvgMS*float64(b.Count), a.AvgMS*float64(a.Count)), cmp.Compare(a.URL, b.URL), cmp.Compare(a.Type, b.Type))
	})
	return out
}

func number(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return 0, false
	}
	return f, true
}
