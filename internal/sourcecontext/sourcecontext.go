// Package sourcecontext finds the source of stack frames that the SDK sent
// without it: lines read from disk for local files, and the original
// location and source of browser frames served by a loopback dev server
// (Vite, Next.js, webpack), through the generated file's source map.
//
// Everything it reads is bounded: local files only under the project
// (localfile.Roots), network reads only from loopback addresses, with size
// caps and time-outs, and one resolution at a time.
package sourcecontext

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/spotlight-dev/spotlight/internal/localfile"
)

// Frame is what is known of one frame: the fields of a Sentry frame that
// locate it. Line and Column are 1-based.
type Frame struct {
	File     string `json:"file"` // abs_path, else filename
	Line     int    `json:"line"`
	Column   int    `json:"column,omitempty"`
	Function string `json:"function,omitempty"`
}

// Lines are the source around a line, as the model's preContext,
// context_line and post_context.
type Lines struct {
	LineNo int      `json:"lineno"`
	Pre    []string `json:"preContext"`
	Line   string   `json:"contextLine"`
	Post   []string `json:"postContext"`
}

// Location is a position in a file; Line and Column are 1-based.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column,omitempty"`
}

// Mapped is a frame's original location, from a source map.
type Mapped struct {
	// File is the original file as the project knows it (src/main.ts),
	// AbsPath its path on disk when it is a project file (for the editor).
	File     string `json:"file"`
	AbsPath  string `json:"absPath,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column,omitempty"`
	Function string `json:"function,omitempty"`
	// Generated is where the browser ran it: the frame as the SDK sent it.
	Generated Location `json:"generated"`
}

// Result is what was found for one frame: Context and, for a frame mapped
// through a source map, Mapped (Context is then the original source).
// Error says why nothing was found.
type Result struct {
	Mapped  *Mapped `json:"mapped,omitempty"`
	Context *Lines  `json:"context,omitempty"`
	// AbsPath is the frame's file on disk when it is a project file.
	AbsPath string `json:"absPath,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Bounds of a resolution. A dev server's files are small (a module and its
// map, a few KB to a few hundred KB); the caps only stop a runaway.
const (
	// ContextLines is how many lines before and after are returned.
	ContextLines = 5
	// maxLineRunes cuts long (minified) lines.
	maxLineRunes = 400
	// maxDiskRead bounds how much of a local file is scanned for a line.
	maxDiskRead = 64 << 20
	// maxGenerated and maxSourceMap cap one fetched file.
	maxGenerated = 8 << 20
	maxSourceMap = 8 << 20
	// maxFetchedPerCall caps the bytes fetched for one Resolve call.
	maxFetchedPerCall = 16 << 20
	// fetchTimeout bounds each request to the dev server, callTimeout a
	// whole Resolve call.
	fetchTimeout = 3 * time.Second
	callTimeout  = 10 * time.Second
	// MaxFrames is how many frames one call may ask about.
	MaxFrames = 256
)

// errHidden: frame paths come from events anyone on this machine (or a web
// page, through the browser SDK's route) can send, so a dot-file's lines
// (.env, .git/config) are never read for them.
var errHidden = errors.New("a hidden file (.env, .git/, ...): its lines are not read for source context")

// ErrTooManyFrames is returned for a call with more than MaxFrames frames.
var ErrTooManyFrames = errors.New("too many frames: at most 256 per request")

// Resolver resolves frames. It is safe for concurrent use; calls run one at
// a time, so the memory of fetched maps is bounded by one call's budget.
type Resolver struct {
	client *http.Client
	one    chan struct{}
}

// New returns a Resolver that reads loopback dev servers.
func New() *Resolver {
	return &Resolver{client: loopbackClient(), one: make(chan struct{}, 1)}
}

// Resolve finds the source of each frame, reading local files only under
// roots (the project of the app that sent them); results are in the
// frames' order.
func (r *Resolver) Resolve(ctx context.Context, roots localfile.Roots, frames []Frame) ([]Result, error) {
	if len(frames) > MaxFrames {
		return nil, ErrTooManyFrames
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	select {
	case r.one <- struct{}{}:
		defer func() { <-r.one }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c := &call{r: r, roots: roots, maps: map[string]*generated{}, budget: maxFetchedPerCall}
	out := make([]Result, len(frames))
	for i, f := range frames {
		out[i] = c.frame(ctx, f)
	}
	return out, nil
}

// call is the state of one Resolve: each generated file is fetched once.
type call struct {
	r      *Resolver
	roots  localfile.Roots
	maps   map[string]*generated
	budget int64
}

func (c *call) frame(ctx context.Context, f Frame) Result {
	if f.Line <= 0 {
		return Result{Error: "the frame has no line number"}
	}
	if u, ok := loopbackURL(f.File); ok {
		return c.mapped(ctx, u, f)
	}
	path, err := c.roots.Resolve(f.File)
	if err != nil {
		return Result{Error: err.Error()}
	}
	if c.roots.Hidden(path) {
		return Result{AbsPath: path, Error: errHidden.Error()}
	}
	lines, err := fromDisk(path, f.Line)
	if err != nil {
		return Result{AbsPath: path, Error: err.Error()}
	}
	return Result{AbsPath: path, Context: lines}
}
