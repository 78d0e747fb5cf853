package event

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// Decoded is one envelope read into the model.
type Decoded struct {
	EnvelopeID string
	Received   time.Time
	// Records holds the errors, logs, attachments and undecodable items
	// (and the kinds other item decoders add), in item order.
	Records []Record
	// Spans holds every span of the envelope's transactions and span
	// items; traces are built from the spans of all envelopes (Store).
	Spans []Span
	// Instance and SDK are the envelope header's spotlight_instance (nil
	// outside the Control Center's merged copy) and sdk (nil without one),
	// for readers that act on the envelope as a whole.
	Instance *Instance
	SDK      *SDK
	// Bytes estimates the memory the decoded form holds.
	Bytes int64
}

// WithTraces is the envelope on its own: its records with a trace record
// for each trace id among its spans (built from this envelope's spans
// only), in item order. A Store builds traces across envelopes instead.
func (d *Decoded) WithTraces() []Record {
	var ids []string
	byID := map[string][]*Span{}
	for i := range d.Spans {
		id := d.Spans[i].TraceID
		if byID[id] == nil {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], &d.Spans[i])
	}
	out := make([]Record, 0, len(d.Records)+len(ids))
	rest := d.Records
	for _, id := range ids {
		spans := byID[id]
		item := spans[0].item
		for len(rest) > 0 && rest[0].item <= item {
			out, rest = append(out, rest[0]), rest[1:]
		}
		errs, logs := 0, 0
		for i := range d.Records {
			if r := &d.Records[i]; r.TraceID == id && countsInTrace(r) {
				if r.Kind == KindLog {
					logs++
				} else {
					errs++
				}
			}
		}
		out = append(out, BuildTrace(id, spans, errs, logs))
	}
	return append(out, rest...)
}

// setEnvelope gives the records and spans their ids once the buffer has
// assigned the envelope's.
func (d *Decoded) setEnvelope(id string) {
	d.EnvelopeID = id
	for i := range d.Records {
		r := &d.Records[i]
		r.EnvelopeID = id
		r.ID = id + "." + strconv.Itoa(i)
		if r.Attachment != nil {
			r.Attachment.ContentURL = "/api/attachments/" + r.ID + "/content"
		}
	}
	for i := range d.Spans {
		d.Spans[i].EnvelopeID = id
	}
}

// ItemDecoder reads one envelope item into c. An error makes the item an
// undecodable one (shown with its payload and the error); records and
// spans it added before failing are dropped.
type ItemDecoder func(c *ItemContext, it *envelope.Item) error

// ItemContext is what an ItemDecoder gets: the fields shared by every
// record of the envelope, and where to put what it read.
type ItemContext struct {
	base    Header
	hints   hints
	out     *Decoded
	details bool
}

// Details reports whether the decoder reads details too (NewDetailDecoder):
// a decoder may skip what only a record's detail shows otherwise.
func (c *ItemContext) Details() bool { return c.details }

// Base returns the header every record of this envelope starts from (SDK,
// environment, release, trace id and time of the envelope header).
func (c *ItemContext) Base() Header { return c.base }

// AddRecord adds a record (its ID and Source are filled in by Decode).
func (c *ItemContext) AddRecord(r Record) { c.out.Records = append(c.out.Records, r) }

// AddSpan adds a span to the envelope's spans.
func (c *ItemContext) AddSpan(s Span) { c.out.Spans = append(c.out.Spans, s) }

// Decoder decodes envelopes with a table of item decoders by item type.
// Types without a decoder (sessions, client reports, replays...) are left
// in the raw envelope and yield nothing.
type Decoder struct {
	items   map[string]ItemDecoder
	details bool
}

// NewDecoder returns a decoder of every item type the model covers, into
// the model every view reads (what the buffer caches).
func NewDecoder() *Decoder { return &Decoder{items: itemDecoders()} }

// NewDetailDecoder is NewDecoder that also reads what only one record's
// detail shows (an error's breadcrumbs, contexts, user, extra and request
// body): Store.Get decodes the held envelope again with it.
func NewDetailDecoder() *Decoder { return &Decoder{items: itemDecoders(), details: true} }

// itemDecoders is the one table of item types the model reads. A decoder
// for a new item type (profiles, ...) lives in its own file and is listed
// here.
func itemDecoders() map[string]ItemDecoder {
	return map[string]ItemDecoder{
		"event":       decodeEvent,
		"transaction": decodeTransaction,
		"span":        decodeSpans,
		"log":         decodeLogs,
		"attachment":  decodeAttachment,
		// profile.go
		"profile":       decodeProfile,
		"profile_chunk": decodeProfile,
	}
}

// Decode reads an envelope once, details included (NewDetailDecoder): for
// one-off readers such as `spotlight tail`. Stores keep the lighter model
// of NewDecoder.
func Decode(env *envelope.Envelope, meta Meta) *Decoded { return NewDetailDecoder().Decode(env, meta) }

// Decode reads env into the model. It never fails: an item that cannot be
// read becomes a KindItem record with the reason, and the other items are
// read as usual.
func (dec *Decoder) Decode(env *envelope.Envelope, meta Meta) *Decoded {
	d := &Decoded{Received: meta.Received}
	var hdr envelopeHeader
	var hdrErr error
	if !isNull(env.Header) {
		hdrErr = json.Unmarshal(env.Header, &hdr)
	}
	c := &ItemContext{out: d, details: dec.details, base: Header{
		Received:    meta.Received,
		Timestamp:   meta.Received,
		EventID:     hdr.EventID,
		Environment: hdr.Trace.Environment,
		Release:     hdr.Trace.Release,
		TraceID:     hdr.Trace.TraceID,
	}}
	if hdr.SDK.Name != "" {
		c.base.SDK = &SDK{Name: hdr.SDK.Name, Version: hdr.SDK.Version}
	}
	if in := hdr.Instance; in != nil && in.ID != "" {
		c.base.Instance = &Instance{ID: in.ID, Project: in.Project, Port: in.Port}
	}
	d.Instance, d.SDK = c.base.Instance, c.base.SDK
	if c.base.Timestamp.IsZero() {
		c.base.Timestamp = parseTime(hdr.SentAt)
		c.base.Received = c.base.Timestamp
	}
	if hdrErr != nil {
		c.AddRecord(undecodable(c.base, "envelope header", "", env.Header, nil, fmt.Errorf("envelope header: %w", hdrErr)))
	}
	for i := range env.Items {
		it := &env.Items[i]
		fn := dec.items[it.Type]
		if fn == nil {
			continue
		}
		nr, ns := len(d.Records), len(d.Spans)
		c.base.item = i
		if err := safely(fn, c, it); err != nil {
			clear(d.Records[nr:])
			d.Records, d.Spans = d.Records[:nr], d.Spans[:ns]
			rec := undecodable(c.base, it.Type, it.ContentType, it.Header, it.Payload, err)
			rec.Item.Truncated = it.Truncated
			c.AddRecord(rec)
			continue
		}
		if it.Type == "attachment" && nr < len(d.Records) {
			d.Records[nr].Attachment.ItemIndex = i
		}
	}
	// An attachment belongs to the event it came with: it takes its time.
	for i := range d.Records {
		if d.Records[i].Kind != KindAttachment {
			continue
		}
		if t, ok := eventTime(d); ok {
			d.Records[i].Timestamp = t
		}
	}
	for i := range d.Records {
		d.Records[i].Source = inferSource(&d.Records[i].Header, hdr.SDK.Name, meta.UserAgent, &c.hints)
	}
	for i := range d.Spans {
		d.Spans[i].Source = inferSource(&d.Spans[i].Header, hdr.SDK.Name, meta.UserAgent, &c.hints)
		d.Spans[i].Instance = c.base.Instance
	}
	d.setEnvelope(meta.ID)
	d.Bytes = sizeOf(d)
	return d
}

// safely runs an item decoder, turning a panic (a decoder bug on input
// nobody foresaw) into the item's error: the sidecar keeps running and the
// item is shown as undecodable.
func safely(fn ItemDecoder, c *ItemContext, it *envelope.Item) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the decoder failed on this item: %v", p)
		}
	}()
	return fn(c, it)
}

// eventTime is the time of the envelope's error event or transaction.
func eventTime(d *Decoded) (time.Time, bool) {
	for i := range d.Records {
		if d.Records[i].Kind == KindError {
			return d.Records[i].Timestamp, true
		}
	}
	for i := range d.Spans {
		if d.Spans[i].EventID != "" {
			return d.Spans[i].Start, true
		}
	}
	return time.Time{}, false
}

// maxItemPayload bounds the payload text kept in an undecodable item's
// record (the whole item stays in the raw envelope).
const maxItemPayload = 64 << 10

func undecodable(base Header, itemType, contentType string, header json.RawMessage, payload []byte, err error) Record {
	r := Record{Header: base}
	r.Kind, r.Level = KindItem, "error"
	r.EventID = ""
	it := &Item{ItemType: itemType, ContentType: contentType, Reason: err.Error(), Size: len(payload)}
	if json.Valid(header) {
		it.RawHeader = append(json.RawMessage(nil), header...)
	}
	n := min(len(payload), maxItemPayload)
	for n < len(payload) && n > 0 && !utf8.RuneStart(payload[n]) {
		n-- // cut text on a character boundary
	}
	shown := payload[:n]
	if utf8.Valid(shown) {
		it.Payload, it.PayloadEncoding = string(shown), "text"
	} else {
		it.Payload, it.PayloadEncoding = base64.StdEncoding.EncodeToString(shown), "base64"
	}
	r.Item = it
	return r
}

// withEvent fills the header fields shared by events and transactions.
func withEvent(base Header, p *eventPayload) Header {
	r := base
	if p.EventID != "" {
		r.EventID = p.EventID
	}
	if t := parseTime(p.Timestamp); !t.IsZero() {
		r.Timestamp = t
	}
	r.Platform = p.Platform
	if p.SDK.Name != "" {
		sdk := p.SDK
		r.SDK = &sdk
	}
	if p.Environment != "" {
		r.Environment = p.Environment
	}
	if p.Release != "" {
		r.Release = p.Release
	}
	r.ServerName = p.ServerName
	r.Tags = pairs(p.Tags)
	return r
}
