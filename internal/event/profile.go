package event

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// KindProfile is a sampled profile: a transaction's profile (v1, the
// `profile` item) or one chunk of a continuous profiler session (v2, the
// `profile_chunk` item). Flame graphs are built from it on request (flame.go).
const KindProfile Kind = "profile"

// Profile formats.
const (
	ProfileSampled    = "sampled"    // v1: one profile per transaction
	ProfileContinuous = "continuous" // v2: chunks of a profiler session
)

// Profile is what lists show of a profile, plus its samples for flame
// graphs (not in JSON: GET /api/profiles/{id} serves the flame graph).
type Profile struct {
	Format     string `json:"format"`
	ProfileID  string `json:"profileId,omitempty"`  // v1 event_id
	ProfilerID string `json:"profilerId,omitempty"` // v2 session
	ChunkID    string `json:"chunkId,omitempty"`
	// Transaction names the profiled transaction (v1).
	Transaction   string          `json:"transaction,omitempty"`
	TransactionID string          `json:"transactionId,omitempty"`
	Start         time.Time       `json:"start"`
	End           time.Time       `json:"end,omitzero"`
	DurationMS    float64         `json:"durationMs"`
	SampleCount   int             `json:"sampleCount"`
	StackCount    int             `json:"stackCount"`
	FrameCount    int             `json:"frameCount"`
	Threads       []ProfileThread `json:"threads,omitempty"` // most samples first
	// ActiveThread is the thread flame graphs show by default: the
	// transaction's (v1), else the one with most samples.
	ActiveThread string `json:"activeThread,omitempty"`
	// Cut says what could not be read (a payload shorter than its declared
	// length, samples whose stack was lost, ...); empty when all was read.
	Cut []string `json:"cut,omitempty"`

	samples []sample
	// stacks are flattened: stack i is frames[stackFrames[stackOff[i]:stackOff[i+1]]],
	// leaf first as sent. Flat so that the size estimate is O(1) per profile.
	stackFrames []int32
	stackOff    []int32
	frames      []Frame
}

// ProfileThread is one sampled thread.
type ProfileThread struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Samples int    `json:"samples"`
}

// sample is one sample: its time after Profile.Start, its stack and its
// thread (an index into Profile.Threads). No pointers: 100k samples are
// one allocation, sized by what arrived.
type sample struct {
	at     int64 // ns after Start
	stack  int32
	thread int32
}

type profilePayload struct {
	EventID     string              `json:"event_id"`
	Timestamp   json.RawMessage     `json:"timestamp"`
	Platform    string              `json:"platform"`
	Version     string              `json:"version"`
	Release     string              `json:"release"`
	Environment string              `json:"environment"`
	ProfilerID  string              `json:"profiler_id"`
	ChunkID     string              `json:"chunk_id"`
	ClientSDK   SDK                 `json:"client_sdk"`
	Transaction *profileTransaction `json:"transaction"`
	// Transactions is the older v1 shape (a list of one).
	Transactions []profileTransaction `json:"transactions"`
	Profile      struct {
		Samples []struct {
			Elapsed   flexNumber `json:"elapsed_since_start_ns"`
			Timestamp flexNumber `json:"timestamp"`
			StackID   flexNumber `json:"stack_id"`
			ThreadID  flexNumber `json:"thread_id"`
		} `json:"samples"`
		Stacks         [][]json.RawMessage        `json:"stacks"`
		Frames         []profileFrame             `json:"frames"`
		ThreadMetadata map[string]json.RawMessage `json:"thread_metadata"`
	} `json:"profile"`
}

type profileTransaction struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	TraceID      string          `json:"trace_id"`
	ActiveThread json.RawMessage `json:"active_thread_id"`
}

type profileFrame struct {
	Function        string          `json:"function"`
	Filename        string          `json:"filename"`
	AbsPath         string          `json:"abs_path"`
	Module          string          `json:"module"`
	Package         string          `json:"package"`
	Lineno          json.RawMessage `json:"lineno"`
	Colno           json.RawMessage `json:"colno"`
	InApp           *bool           `json:"in_app"`
	InstructionAddr string          `json:"instruction_addr"`
	// sentry-python before 1.11 names them name, file and line.
	Name string          `json:"name"`
	File string          `json:"file"`
	Line json.RawMessage `json:"line"`
}

// decodeProfile reads a `profile` or `profile_chunk` item.
func decodeProfile(c *ItemContext, it *envelope.Item) error {
	var cut []string
	payload := it.Payload
	if t := it.Truncated; t != nil {
		cut = append(cut, fmt.Sprintf("the item declares %d bytes but %d arrived", t.Declared, t.Received))
	}
	var p profilePayload
	if err := json.Unmarshal(payload, &p); err != nil {
		fixed, n := closeJSON(payload)
		if n < 0 || json.Unmarshal(fixed, &p) != nil {
			return fmt.Errorf("%s: %w", it.Type, err)
		}
		cut = append(cut, fmt.Sprintf("the JSON ends early (%v): read its first %d of %d bytes", err, n, len(payload)))
	}
	r := Record{Header: c.Base()}
	r.Kind = KindProfile
	if p.Platform != "" {
		r.Platform = p.Platform
	}
	if p.Environment != "" {
		r.Environment = p.Environment
	}
	if p.Release != "" {
		r.Release = p.Release
	}
	if p.ClientSDK.Name != "" && r.SDK == nil {
		sdk := p.ClientSDK
		r.SDK = &sdk
	}
	prof := &Profile{Format: ProfileSampled, ProfileID: p.EventID, ProfilerID: p.ProfilerID, ChunkID: p.ChunkID}
	if it.Type == "profile_chunk" || p.Version == "2" {
		prof.Format = ProfileContinuous
		prof.ProfileID = ""
	}
	tx := p.Transaction
	if tx == nil && len(p.Transactions) > 0 {
		tx = &p.Transactions[0]
	}
	if tx != nil {
		prof.Transaction, prof.TransactionID = tx.Name, tx.ID
		prof.ActiveThread = flexString(tx.ActiveThread)
		if tx.TraceID != "" {
			r.TraceID = tx.TraceID
		}
	}
	cut = append(cut, prof.read(&p, parseTime(p.Timestamp))...)
	prof.Cut = cut
	r.Timestamp = prof.Start
	if r.Timestamp.IsZero() {
		r.Timestamp = c.Base().Timestamp
	}
	r.Profile = prof
	c.AddRecord(r)
	return nil
}

// read fills the samples, stacks, frames and threads; it returns what it
// had to leave out. A v1 sample's time is start + elapsed_since_start_ns, a
// v2 sample's its own timestamp (Unix seconds).
func (prof *Profile) read(p *profilePayload, start time.Time) (cut []string) {
	pp := &p.Profile
	for _, f := range pp.Frames {
		prof.frames = append(prof.frames, f.frame())
	}
	lostFrames := 0
	prof.stackOff = make([]int32, 1, len(pp.Stacks)+1)
	for _, st := range pp.Stacks {
		for _, raw := range st {
			i, ok := flexInt(raw)
			if !ok || i < 0 || i >= len(prof.frames) {
				lostFrames++
				continue
			}
			prof.stackFrames = append(prof.stackFrames, int32(i))
		}
		prof.stackOff = append(prof.stackOff, int32(len(prof.stackFrames)))
	}
	threadIdx := map[string]int32{}
	type raw struct {
		at     float64 // ns (v1: since start; v2: since the epoch)
		stack  int32
		thread int32
	}
	rs := make([]raw, 0, len(pp.Samples))
	lostStacks, untimed := 0, 0
	first := math.Inf(1)
	for _, s := range pp.Samples {
		st, ok := s.StackID.int()
		if !ok || st < 0 || st >= len(pp.Stacks) {
			lostStacks++
			continue
		}
		var at float64
		switch {
		case s.Timestamp.ok:
			at = math.Round(s.Timestamp.f*1e6) * 1e3 // µs, as SDKs send: float noise is below
		case s.Elapsed.ok:
			at = s.Elapsed.f
		default:
			untimed++
			continue
		}
		tid := s.ThreadID.text
		ti, seen := threadIdx[tid]
		if !seen {
			ti = int32(len(prof.Threads))
			threadIdx[tid] = ti
			prof.Threads = append(prof.Threads, ProfileThread{ID: tid, Name: threadName(pp.ThreadMetadata[tid])})
		}
		prof.Threads[ti].Samples++
		first = min(first, at)
		rs = append(rs, raw{at, int32(st), ti})
	}
	v2 := prof.Format == ProfileContinuous
	if v2 && len(rs) > 0 {
		start = time.Unix(0, int64(first)).UTC()
	} else if !v2 {
		first = 0
	}
	prof.Start = start
	prof.samples = make([]sample, len(rs))
	var last int64
	for i, s := range rs {
		prof.samples[i] = sample{at: int64(s.at - first), stack: s.stack, thread: s.thread}
		last = max(last, prof.samples[i].at)
	}
	slices.SortStableFunc(prof.samples, func(a, b sample) int { return cmp.Compare(a.at, b.at) })
	if len(rs) > 0 && !start.IsZero() {
		prof.End = start.Add(time.Duration(last))
		prof.DurationMS = durationMS(time.Duration(last))
	}
	prof.SampleCount, prof.StackCount, prof.FrameCount = len(prof.samples), len(pp.Stacks), len(prof.frames)
	slices.SortStableFunc(prof.Threads, func(a, b ProfileThread) int { return b.Samples - a.Samples })
	// Threads moved: map the samples' indexes to the new order.
	order := make([]int32, len(prof.Threads))
	for i, t := range prof.Threads {
		order[threadIdx[t.ID]] = int32(i)
	}
	for i := range prof.samples {
		prof.samples[i].thread = order[prof.samples[i].thread]
	}
	if prof.ActiveThread == "" && len(prof.Threads) > 0 {
		prof.ActiveThread = prof.Threads[0].ID
	}
	if lostStacks > 0 {
		cut = append(cut, fmt.Sprintf("%d samples name a stack that is not in the profile; left out", lostStacks))
	}
	if untimed > 0 {
		cut = append(cut, fmt.Sprintf("%d samples have no readable time; left out", untimed))
	}
	if lostFrames > 0 {
		cut = append(cut, fmt.Sprintf("%d stack entries name a frame that is not in the profile; left out of their stacks", lostFrames))
	}
	return cut
}

func threadName(raw json.RawMessage) string {
	var m struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	return m.Name
}

func (f *profileFrame) frame() Frame {
	line, _ := flexInt(f.Lineno)
	if line == 0 {
		line, _ = flexInt(f.Line)
	}
	col, _ := flexInt(f.Colno)
	fr := Frame{
		Function: first(f.Function, f.Name), Filename: f.Filename, AbsPath: first(f.AbsPath, f.File), Module: f.Module,
		Lineno: line, Colno: col, InstructionAddr: f.InstructionAddr,
	}
	if fr.Module == "" {
		fr.Module = f.Package
	}
	if f.InApp != nil {
		fr.InApp = *f.InApp
	} else {
		fr.InApp = guessInApp(&fr)
	}
	return fr
}

// guessInApp tells a frame the SDK did not mark (browser JS profiles say
// nothing) by its path: code under node_modules, site-packages or a
// system directory, or a browser extension's, is a library's; any other file is the app's; a frame
// without a file (native, the profiler's own "Profiler" root) is not.
func guessInApp(f *Frame) bool {
	p := f.AbsPath
	if p == "" {
		p = f.Filename
	}
	if p == "" {
		return false
	}
	for _, lib := range []string{"node_modules", "site-packages", "dist-packages", "/usr/lib/", "node:", "<frozen", "-extension://"} {
		if strings.Contains(p, lib) {
			return false
		}
	}
	return true
}

// flexString reads a JSON string or number as text (thread ids come as both).
func flexString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if isNull(raw) {
		return ""
	}
	var s string
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	return string(raw)
}

// flexFloat reads a JSON number or a string holding one.
func flexFloat(raw json.RawMessage) (float64, bool) {
	s := flexString(raw)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func flexInt(raw json.RawMessage) (int, bool) {
	f, ok := flexFloat(raw)
	if !ok || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// closeJSON makes a JSON text that ends early whole again: it cuts it
// after the last complete value and closes the objects and arrays left
// open, so that what arrived can be read. n is the number of bytes of b
// kept, -1 if nothing can be read.
func closeJSON(b []byte) (fixed []byte, n int) {
	var stack []byte // open '{' / '['
	cutAt, cutStack := -1, ""
	inStr, esc := false, false
	for i, ch := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
		case '{', '[':
			stack = append(stack, ch)
			cutAt, cutStack = i+1, string(stack)
		case '}', ']':
			if len(stack) == 0 {
				return nil, -1
			}
			stack = stack[:len(stack)-1]
			cutAt, cutStack = i+1, string(stack)
		case ',':
			cutAt, cutStack = i, string(stack)
		}
	}
	if cutAt < 0 || cutStack == "" {
		return nil, -1
	}
	out := append([]byte(nil), bytes.TrimRight(b[:cutAt], " \t\r\n,:")...)
	n = len(out)
	for i := len(cutStack) - 1; i >= 0; i-- {
		if cutStack[i] == '{' {
			out = append(out, '}')
		} else {
			out = append(out, ']')
		}
	}
	return out, n
}

// SpanProfile is the samples of a trace's time, or of one of its spans: the
// flame graph of those samples and the profiles they came from. v1
// profiles belong to the trace they name; v2 chunks are tied to a span by
// time and thread (the span's thread.id, else the chunk's main thread).
type SpanProfile struct {
	TraceID  string    `json:"traceId"`
	SpanID   string    `json:"spanId,omitempty"`
	Thread   string    `json:"thread,omitempty"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Profiles []Record  `json:"profiles"`
	Flame    Flame     `json:"flame"`
}

// SpanProfile finds the samples of the trace (spanID "") or of one span;
// ok is false when the trace or span is not held, or no profile covers it.
func (s *Store) SpanProfile(traceID, spanID string) (sp SpanProfile, ok bool) {
	tr, ok := s.Get(KindTrace, traceID)
	if !ok {
		return sp, false
	}
	t := tr.Trace
	sp = SpanProfile{TraceID: tr.TraceID, SpanID: spanID, From: t.Start, To: t.End}
	if spanID != "" {
		i := slices.IndexFunc(t.Spans, func(x Span) bool { return x.SpanID == spanID })
		if i < 0 {
			return sp, false
		}
		span := &t.Spans[i]
		sp.From, sp.To = span.Start, span.End
		for _, a := range span.Data {
			if a.Key == "thread.id" {
				sp.Thread = a.Text()
			}
		}
	}
	if sp.To.IsZero() || sp.To.Before(sp.From) {
		sp.To = sp.From
	}
	to := sp.To.Add(time.Microsecond) // the sample at the span's last instant counts
	s.mu.Lock()
	profiles := slices.Clone(s.records[KindProfile])
	s.mu.Unlock()
	var srcs []FlameSource
	for _, r := range profiles {
		p := r.Profile
		// A transaction profile is on its transaction's clock: its own
		// timestamp is not always the transaction's start (sentry-python
		// 1.9 sends its end), the samples' offsets are.
		var shift time.Duration
		if p.Format == ProfileSampled {
			if r.TraceID != tr.TraceID {
				continue
			}
			if i := slices.IndexFunc(t.Spans, func(x Span) bool { return x.Segment && x.EventID == p.TransactionID }); i >= 0 {
				shift = t.Spans[i].Start.Sub(p.Start)
			}
		}
		from, until := sp.From.Add(-shift), to.Add(-shift)
		if !p.Overlaps(from, until) {
			continue
		}
		src := FlameSource{Profile: p, From: from, To: until}
		if sp.Thread != "" && p.HasThread(sp.Thread) {
			src.Thread = sp.Thread
		} else if p.Format == ProfileContinuous && sp.Thread != "" {
			continue
		}
		srcs = append(srcs, src)
		sp.Profiles = append(sp.Profiles, r.Summary())
	}
	sp.Flame = BuildFlame(srcs)
	return sp, sp.Flame.Samples > 0
}

// flexNumber is a sample field sent as a number or a string holding one
// (elapsed times and thread ids come as both), read in place: a profile has
// 100k samples, and a json.RawMessage per field cost a third more memory.
type flexNumber struct {
	f    float64
	ok   bool   // f holds a finite number
	text string // as sent, without quotes (thread ids)
}

func (n *flexNumber) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' {
		b = b[1 : len(b)-1]
		if bytes.IndexByte(b, '\\') >= 0 {
			return nil // no number or id SDKs send has escapes
		}
	} else if string(b) == "null" {
		return nil
	}
	n.text = string(b)
	f, err := strconv.ParseFloat(n.text, 64)
	n.f, n.ok = f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	return nil
}

func (n *flexNumber) int() (int, bool) {
	if !n.ok || n.f != math.Trunc(n.f) || math.Abs(n.f) > math.MaxInt32 {
		return 0, false
	}
	return int(n.f), true
}
