package event

import (
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/spotlight-dev/spotlight/internal/envelope"
)

// decodeEvent reads an event item: an error (exceptions) or a message. An
// event with neither (e.g. a user feedback shaped as an event) yields nothing.
func decodeEvent(c *ItemContext, it *envelope.Item) error {
	var p eventPayload
	payload := it.Payload
	if !c.details {
		payload = withoutMembers(payload, detailOnly)
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return err
	}
	ctx := &p.Contexts
	e := &Error{
		Message:     messageText(p.LogEntry),
		Logger:      p.Logger,
		Transaction: p.Transaction,
		Request:     p.Request.decode(),
		Fingerprint: p.Fingerprint,
	}
	var headers []Tag
	switch {
	case e.Request != nil:
		headers = e.Request.Headers
	case p.Request != nil: // headers without a URL or method
		headers = pairs(p.Request.Headers)
	}
	c.hints.add(ctx, headers, "")
	if e.Message == "" {
		e.Message = messageText(p.Message)
	}
	exc, synthetic, err := exceptions(p.Exception)
	if err != nil {
		return fmt.Errorf("exception: %w", err)
	}
	e.Exceptions = exc
	// A synthetic exception (captureMessage with a stack) only carries the
	// message and where it was captured: it is not an exception.
	if synthetic != nil {
		if e.Message == "" {
			e.Message = synthetic.Value
		}
		e.Frames = synthetic.Frames
	}
	if len(exc) == 0 && e.Message == "" {
		return nil
	}
	if len(e.Frames) == 0 {
		if p.Stacktrace != nil {
			e.Frames = frames(p.Stacktrace)
		} else if e.Frames, err = threadFrames(p.Threads); err != nil {
			return fmt.Errorf("threads: %w", err)
		}
	}
	if c.details {
		if err := readDetails(e, it.Payload); err != nil {
			return err
		}
	}
	e.ExceptionCount = len(exc)
	if pr := e.Primary(); pr != nil {
		e.Type, e.Value = pr.Type, pr.Value
		e.Mechanism, e.Handled = pr.MechanismType(), pr.Handled()
	}
	e.Title = title(e)
	e.Top = topFrame(e)
	e.Culprit = culprit(e, p.Culprit)
	e.GroupKey = groupKey(e)

	r := Record{Header: withEvent(c.base, &p), Error: e}
	r.Kind = KindError
	if ctx.Trace.TraceID != "" {
		r.TraceID = ctx.Trace.TraceID
	}
	r.SpanID = ctx.Trace.SpanID
	r.Level = lower(p.Level)
	if r.Level == "" {
		r.Level = "error"
	}
	c.AddRecord(r)
	return nil
}

// detailOnly names the members of an event that only its detail reads
// (eventDetails), and those no view reads.
func detailOnly(key []byte) bool {
	switch string(key) {
	case `"breadcrumbs"`, `"user"`, `"extra"`, `"debug_meta"`, `"modules"`:
		return true
	}
	return false
}

// readDetails adds what only an error's detail shows (eventDetails).
func readDetails(e *Error, payload []byte) error {
	var p eventDetails
	if err := json.Unmarshal(payload, &p); err != nil {
		return err
	}
	var err error
	if e.Breadcrumbs, err = breadcrumbs(p.Breadcrumbs); err != nil {
		return fmt.Errorf("breadcrumbs: %w", err)
	}
	e.User, e.Extra, e.Contexts = rawObject(p.User), rawObject(p.Extra), rawObject(p.Contexts)
	if q := p.Request; q != nil && e.Request != nil {
		e.Request.Data, e.Request.Cookies, e.Request.Env = rawObject(q.Data), rawObject(q.Cookies), rawObject(q.Env)
	}
	return nil
}

// rawObject keeps a JSON value as sent unless it is absent, null or empty.
func rawObject(raw json.RawMessage) json.RawMessage {
	if isNull(raw) || string(raw) == "{}" || string(raw) == "[]" {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

// title is "Type: value" of the primary exception, or the message.
func title(e *Error) string {
	p := e.Primary()
	switch {
	case p == nil:
		return e.Message
	case p.Type == "":
		return p.Value
	case p.Value == "":
		return p.Type
	}
	return p.Type + ": " + p.Value
}

// topFrame is the most recent in-app frame of the primary exception (or of
// Frames), falling back to the most recent frame.
func topFrame(e *Error) *Frame {
	frames := e.Frames
	if p := e.Primary(); p != nil && len(p.Frames) > 0 {
		frames = p.Frames
	}
	// Prefer in-app frames with a line number: JavaScript marks built-ins
	// such as "<anonymous> JSON.parse" in-app, and they point nowhere.
	for _, ok := range []func(*Frame) bool{
		func(f *Frame) bool { return f.InApp && f.Lineno > 0 },
		func(f *Frame) bool { return f.InApp },
		func(f *Frame) bool { return true },
	} {
		for i := len(frames) - 1; i >= 0; i-- {
			if ok(&frames[i]) {
				f := frames[i]
				f.PreContext, f.PostContext, f.Vars = nil, nil, nil // a summary
				return &f
			}
		}
	}
	return nil
}

// culprit is "function (file:line)" of the top frame, else what the SDK sent,
// else the transaction.
func culprit(e *Error, sent string) string {
	if f := e.Top; f != nil {
		loc := f.Location()
		switch {
		case f.Function != "" && loc != "":
			return f.Function + " (" + loc + ")"
		case loc != "":
			return loc
		case f.Function != "":
			return f.Function
		}
	}
	if sent != "" {
		return sent
	}
	return e.Transaction
}

// exceptions reads {"values": [...]} or a bare list. A synthetic exception
// is returned apart (the last one, if several), not in the list.
func exceptions(raw json.RawMessage) (list []Exception, synthetic *Exception, err error) {
	ps, err := values[exceptionPayload](raw)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		ex := Exception{Type: p.Type, Value: p.Value, Module: p.Module, Frames: frames(p.Stacktrace)}
		if m := p.Mechanism; m != nil {
			mech := Mechanism(*m) // the same fields, the API's names
			ex.Mechanism = &mech
			if m.Synthetic {
				synthetic = &ex
				continue
			}
		}
		list = append(list, ex)
	}
	return list, synthetic, nil
}

// threadFrames picks the crashed (else current, else first) thread's
// stack; threads come as {"values": [...]} or, from sentry-go, a bare list.
func threadFrames(raw json.RawMessage) ([]Frame, error) {
	threads, err := values[threadPayload](raw)
	if err != nil {
		return nil, err
	}
	best := -1
	for i, t := range threads {
		if t.Stacktrace == nil {
			continue
		}
		if best < 0 || t.Crashed || (t.Current && !threads[best].Crashed) {
			best = i
		}
		if t.Crashed {
			break
		}
	}
	if best < 0 {
		return nil, nil
	}
	return frames(threads[best].Stacktrace), nil
}

func frames(st *stacktrace) []Frame {
	if st == nil || len(st.Frames) == 0 {
		return nil
	}
	out := make([]Frame, 0, len(st.Frames))
	for _, p := range st.Frames {
		line, _ := p.Lineno.Int64()
		col, _ := p.Colno.Int64()
		out = append(out, Frame{
			Filename: p.Filename, AbsPath: p.AbsPath, Module: p.Module, Function: p.Function,
			Lineno: int(line), Colno: int(col), InApp: p.InApp,
			ContextLine: p.ContextLine,
			PreContext:  lines(p.PreContext), PostContext: lines(p.PostContext),
			Vars:            pairs(p.Vars),
			InstructionAddr: p.InstructionAddr, Platform: p.Platform,
		})
	}
	return out
}

func lines(ps []*string) []string {
	if len(ps) == 0 {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

func breadcrumbs(raw json.RawMessage) ([]Breadcrumb, error) {
	ps, err := values[breadcrumbPayload](raw)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	out := make([]Breadcrumb, len(ps))
	for i, p := range ps {
		out[i] = Breadcrumb{
			Timestamp: parseTime(p.Timestamp), Type: p.Type, Category: p.Category,
			Level: lower(p.Level), Message: messageText(p.Message), Data: rawObject(p.Data),
		}
	}
	return out, nil
}

func (p *requestPayload) decode() *Request {
	if p == nil || (p.URL == "" && p.Method == "") {
		return nil
	}
	r := &Request{Method: p.Method, URL: p.URL, Headers: pairs(p.Headers)}
	var qs string
	if json.Unmarshal(p.QueryString, &qs) == nil {
		r.Query = qs
	} else if q := pairs(p.QueryString); len(q) > 0 {
		for i, kv := range q {
			if i > 0 {
				r.Query += "&"
			}
			r.Query += kv.Key + "=" + kv.Value
		}
	}
	return r
}

// groupKey names the errors of one kind, as the UI lists them: the same
// primary exception type and value (or message) raised at the same top
// frame. A short hash keeps it opaque and URL-safe.
func groupKey(e *Error) string {
	h := fnv.New64a()
	write := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	write(e.Type)
	if e.ExceptionCount > 0 {
		write(e.Value)
	} else {
		write(e.Message)
	}
	if f := e.Top; f != nil {
		write(f.File())
		write(f.Function)
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
