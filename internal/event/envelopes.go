package event

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// The envelope inspector and the SDK list: what the store holds, read per
// envelope (every held one, newest first) rather than per record.

// ItemRoute says where one item of an envelope went: the views (kinds) and
// ids of what it became, or why it went nowhere.
type ItemRoute struct {
	Index  int      `json:"index"`
	Type   string   `json:"type"`
	Size   int      `json:"size"`
	Views  []string `json:"views"` // errors, traces, logs, attachments, items, profiles
	IDs    []string `json:"ids,omitempty"`
	Reason string   `json:"reason,omitempty"` // when Views is empty, or an undecodable item's
}

// EnvelopeSummary is one held envelope as the inspector lists it.
type EnvelopeSummary struct {
	ID        string      `json:"id"`
	Received  time.Time   `json:"received"`
	SDK       *SDK        `json:"sdk,omitempty"`
	Platform  string      `json:"platform,omitempty"`
	UserAgent string      `json:"userAgent,omitempty"`
	Size      int         `json:"size"`
	ItemTypes []string    `json:"itemTypes"`
	Items     []ItemRoute `json:"items"`
	Warning   string      `json:"warning,omitempty"` // a truncated item
}

// InspectedItem is one item with its header and payload for display.
type InspectedItem struct {
	ItemRoute
	Header json.RawMessage `json:"header"`
	// Payload is pretty-printed JSON, text as sent, or for binary a hex
	// dump of its first PreviewBytes (PayloadKind says which).
	Payload     string `json:"payload"`
	PayloadKind string `json:"payloadKind"` // json, text, binary
	Truncated   bool   `json:"truncated"`   // shown in part
}

// EnvelopeDetail is one envelope opened in the inspector.
type EnvelopeDetail struct {
	EnvelopeSummary
	Header json.RawMessage `json:"header"`
	Parsed []InspectedItem `json:"parsedItems"`
	RawURL string          `json:"rawUrl"`
}

// Shown bounds: a payload is shown up to ShowBytes (its download is whole),
// binary as a hex dump of PreviewBytes.
const (
	ShowBytes    = 256 << 10
	PreviewBytes = 1 << 10
)

// noViewReasons: item types that are received but that no view shows.
var noViewReasons = map[string]string{
	"session":          "sessions are release health: no Spotlight view shows them",
	"sessions":         "sessions are release health: no Spotlight view shows them",
	"client_report":    "client reports count what the SDK dropped: no view shows them",
	"replay_event":     "session replays are not shown by Spotlight",
	"replay_recording": "session replays are not shown by Spotlight",
	"statsd":           "metrics (statsd) are not shown by Spotlight",
	"metric_buckets":   "metrics are not shown by Spotlight",
	"check_in":         "cron check-ins are not shown by Spotlight",
	"user_report":      "user feedback reports are not shown by Spotlight",
}

// kindView is the API list (view) a kind is shown in.
func kindView(k Kind) string { return string(k) + "s" }

// routes tells where each item of a decoded envelope went.
func routes(d *Decoded, types []string, sizes []int) []ItemRoute {
	out := make([]ItemRoute, len(types))
	for i := range out {
		out[i] = ItemRoute{Index: i, Type: types[i], Size: sizes[i], Views: []string{}}
	}
	add := func(i int, view, id string) {
		if i < 0 || i >= len(out) {
			return
		}
		r := &out[i]
		if !slices.Contains(r.Views, view) {
			r.Views = append(r.Views, view)
		}
		if id != "" && !slices.Contains(r.IDs, id) && len(r.IDs) < 50 {
			r.IDs = append(r.IDs, id)
		}
	}
	for i := range d.Records {
		r := &d.Records[i]
		if r.Kind == KindItem && r.Item != nil {
			if r.item >= 0 && r.item < len(out) {
				out[r.item].Reason = r.Item.Reason
			}
		}
		add(r.item, kindView(r.Kind), r.ID)
	}
	for i := range d.Spans {
		add(d.Spans[i].item, kindView(KindTrace), d.Spans[i].TraceID)
	}
	for i := range out {
		r := &out[i]
		if len(r.Views) > 0 || r.Reason != "" {
			continue
		}
		r.Reason = cmp.Or(noViewReasons[r.Type], fmt.Sprintf("Spotlight has no view for %q items", r.Type))
	}
	return out
}

// heldSDK is the envelope's SDK and platform, from what it decoded to.
func heldSDK(d *Decoded) (*SDK, string) {
	for i := range d.Records {
		if r := &d.Records[i]; r.SDK != nil {
			return &SDK{Name: r.SDK.Name, Version: r.SDK.Version}, r.Platform
		}
	}
	for i := range d.Spans {
		if s := &d.Spans[i]; s.SDK != nil {
			return &SDK{Name: s.SDK.Name, Version: s.SDK.Version}, s.Platform
		}
	}
	return nil, ""
}

// Envelopes lists the held envelopes, newest first, from offset on (limit
// of them; 0: all), with the total.
func (s *Store) Envelopes(offset, limit int) ([]EnvelopeSummary, int) {
	s.mu.Lock()
	held := slices.Clone(s.held)
	s.mu.Unlock()
	slices.Reverse(held)
	total := len(held)
	held = held[min(offset, len(held)):]
	if limit > 0 && len(held) > limit {
		held = held[:limit]
	}
	out := make([]EnvelopeSummary, 0, len(held))
	for _, h := range held {
		if sum, _, ok := summarize(h); ok {
			out = append(out, sum)
		}
	}
	return out, total
}

// summarize reads an envelope's item headers, unpacking a packed entry
// once; it returns the envelope it read (nil without an entry).
func summarize(h *heldEnvelope) (EnvelopeSummary, *envelope.Envelope, bool) {
	sum := EnvelopeSummary{ID: h.d.EnvelopeID, Received: h.d.Received, ItemTypes: []string{}}
	sum.SDK, sum.Platform = heldSDK(h.d)
	if h.entry == nil {
		sum.Items = routes(h.d, nil, nil)
		return sum, nil, true
	}
	body, env := h.entry.Open()
	if env == nil {
		return sum, nil, false
	}
	sum.UserAgent = h.entry.UserAgent
	sum.Size = len(body)
	sum.Warning = env.Warning()
	types := make([]string, len(env.Items))
	sizes := make([]int, len(env.Items))
	for i, it := range env.Items {
		types[i], sizes[i] = it.Type, len(it.Payload)
		if !slices.Contains(sum.ItemTypes, it.Type) {
			sum.ItemTypes = append(sum.ItemTypes, it.Type)
		}
	}
	sum.Items = routes(h.d, types, sizes)
	if s := h.d.SDK; sum.SDK == nil && s != nil {
		// The header's sdk, decoded once with the envelope.
		sum.SDK = &SDK{Name: s.Name, Version: s.Version}
	}
	return sum, env, true
}

// Envelope opens one held envelope for the inspector.
func (s *Store) Envelope(id string) (EnvelopeDetail, bool) {
	s.mu.Lock()
	h := s.byEnv[id]
	s.mu.Unlock()
	if h == nil || h.entry == nil {
		return EnvelopeDetail{}, false
	}
	sum, env, ok := summarize(h)
	if !ok || env == nil {
		return EnvelopeDetail{}, false
	}
	d := EnvelopeDetail{EnvelopeSummary: sum, Header: pretty(env.Header), RawURL: "/envelope/" + id}
	for i, it := range env.Items {
		in := InspectedItem{ItemRoute: sum.Items[i], Header: pretty(it.Header)}
		in.Payload, in.PayloadKind, in.Truncated = showPayload(it.Payload)
		d.Parsed = append(d.Parsed, in)
	}
	return d, true
}

func pretty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	if !json.Valid(raw) {
		b, _ := json.Marshal(string(raw))
		return b
	}
	return raw
}

// showPayload renders a payload for reading.
func showPayload(p []byte) (string, string, bool) {
	cut := len(p) > ShowBytes
	shown := p[:min(len(p), ShowBytes)]
	if !cut && json.Valid(p) {
		var buf bytes.Buffer
		if json.Indent(&buf, p, "", "  ") == nil {
			return buf.String(), "json", false
		}
	}
	if utf8.Valid(shown) && !bytes.ContainsRune(shown, 0) {
		return string(shown), "text", cut
	}
	return hex.Dump(p[:min(len(p), PreviewBytes)]), "binary", len(p) > PreviewBytes
}

// SDKSeen is one SDK (name and version) the held envelopes came from.
type SDKSeen struct {
	Name      string    `json:"name"`
	Version   string    `json:"version"`
	Platform  string    `json:"platform,omitempty"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	Envelopes int       `json:"envelopes"`
	Warning   string    `json:"warning,omitempty"`
}

// logsSince are the first SDK versions that send Sentry logs with
// enableLogs / enable_logs (docs.sentry.io, "Set Up Logs" of each
// platform): older ones cannot fill the Logs view.
var logsSince = []struct {
	prefix  string
	version string
	option  string
}{
	{"sentry.javascript.", "9.41.0", "enableLogs"},
	{"sentry.python", "2.35.0", "enable_logs"},
	{"sentry.ruby", "5.24.0", "config.enable_logs"},
}

// sdkWarning says what an old SDK version cannot send.
func sdkWarning(name, version string) string {
	for _, l := range logsSince {
		if strings.HasPrefix(name, l.prefix) && version != "" && versionLess(version, l.version) {
			return fmt.Sprintf("%s %s sends no logs: the Logs view needs %s or later (with %s)", name, version, l.version, l.option)
		}
	}
	return ""
}

// versionLess compares dotted numeric versions (pre-release tails ignored).
func versionLess(a, b string) bool {
	pa, pb := versionParts(a), versionParts(b)
	for i := range max(len(pa), len(pb)) {
		x, y := 0, 0
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func versionParts(v string) []int {
	v, _, _ = strings.Cut(v, "-")
	var out []int
	for p := range strings.SplitSeq(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

// SDKs lists every SDK name and version of the held envelopes, the most
// recently seen first.
func (s *Store) SDKs() []SDKSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	by := map[[2]string]*SDKSeen{}
	for _, h := range s.held {
		sdk, platform := heldSDK(h.d)
		if sdk == nil {
			continue
		}
		k := [2]string{sdk.Name, sdk.Version}
		x := by[k]
		if x == nil {
			x = &SDKSeen{Name: sdk.Name, Version: sdk.Version, Platform: platform, FirstSeen: h.d.Received, Warning: sdkWarning(sdk.Name, sdk.Version)}
			by[k] = x
		}
		x.Envelopes++
		if h.d.Received.Before(x.FirstSeen) {
			x.FirstSeen = h.d.Received
		}
		if h.d.Received.After(x.LastSeen) {
			x.LastSeen = h.d.Received
		}
		if x.Platform == "" {
			x.Platform = platform
		}
	}
	out := make([]SDKSeen, 0, len(by))
	for _, x := range by {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b SDKSeen) int {
		return cmp.Or(b.LastSeen.Compare(a.LastSeen), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out
}
