package sourcecontext

import (
	"context"
	"slices"

	"github.com/spotlight-dev/spotlight/internal/event"
	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// ErrorSources is what was found for an error's frames, in the shape of
// event.Error: Exceptions[i][j] is for Exceptions[i].Frames[j], Frames[j]
// for Frames[j]. A frame that needed nothing, or where nothing was found
// and there was nothing to say, is null.
type ErrorSources struct {
	Exceptions [][]*Result `json:"exceptions"`
	Frames     []*Result   `json:"frames"`
}

// needsSource says whether a frame is worth a look: a browser frame of a
// loopback dev server (its source map gives the original location even when
// the SDK sent code, which is then the generated code), or an in-app frame
// sent without code.
func needsSource(f *event.Frame) bool {
	if f.Lineno <= 0 {
		return false
	}
	if _, ok := loopbackURL(frameFile(f)); ok {
		return true
	}
	return f.InApp && f.ContextLine == ""
}

// frameFile is the file to look at: abs_path is the full path or URL,
// filename may be relative or shortened.
func frameFile(f *event.Frame) string {
	if f.AbsPath != "" {
		return f.AbsPath
	}
	return f.Filename
}

// ForError resolves the frames of e that need it, in one Resolve call.
func (r *Resolver) ForError(ctx context.Context, roots localfile.Roots, e *event.Error) (*ErrorSources, error) {
	var frames []Frame
	var slots []**Result
	out := &ErrorSources{Exceptions: make([][]*Result, len(e.Exceptions)), Frames: make([]*Result, len(e.Frames))}
	collect := func(fs []event.Frame, dst []*Result) {
		for i := range fs {
			if f := &fs[i]; needsSource(f) {
				frames = append(frames, Frame{File: frameFile(f), Line: f.Lineno, Column: f.Colno, Function: f.Function})
				slots = append(slots, &dst[i])
			}
		}
	}
	for i := range e.Exceptions {
		out.Exceptions[i] = make([]*Result, len(e.Exceptions[i].Frames))
		collect(e.Exceptions[i].Frames, out.Exceptions[i])
	}
	collect(e.Frames, out.Frames)
	frames, slots = frames[:min(len(frames), MaxFrames)], slots[:min(len(slots), MaxFrames)]
	res, err := r.Resolve(ctx, roots, frames)
	if err != nil {
		return nil, err
	}
	for i := range res {
		*slots[i] = &res[i]
	}
	return out, nil
}

// Apply returns a copy of e whose frames carry what was found: code read
// from disk as their context lines, and mapped frames moved to their
// original file, line and function (for renderers such as the Markdown of
// Copy for AI). e itself, shared by every view, is not changed.
func (s *ErrorSources) Apply(e *event.Error) *event.Error {
	c := *e
	c.Exceptions = slices.Clone(e.Exceptions)
	for i := range c.Exceptions {
		c.Exceptions[i].Frames = applyFrames(c.Exceptions[i].Frames, s.Exceptions[i])
	}
	c.Frames = applyFrames(e.Frames, s.Frames)
	return &c
}

func applyFrames(frames []event.Frame, res []*Result) []event.Frame {
	out := slices.Clone(frames)
	for i, r := range res {
		if r == nil || i >= len(out) {
			continue
		}
		f := &out[i]
		if m := r.Mapped; m != nil {
			f.Filename, f.AbsPath, f.Lineno, f.Colno, f.Function = m.File, m.AbsPath, m.Line, m.Column, m.Function
			f.ContextLine, f.PreContext, f.PostContext = "", nil, nil
		}
		if l := r.Context; l != nil {
			f.ContextLine, f.PreContext, f.PostContext = l.Line, l.Pre, l.Post
		}
	}
	return out
}
