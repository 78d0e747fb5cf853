package event

import (
	"cmp"
	"slices"
	"time"
)

// A flame graph is built on request from the samples of one or more
// profiles (a profile's own, or the chunks that cover a span's time):
// frames aggregated by stack, so that the UI only draws what it is served.

// FlameSource is the part of one profile a flame graph is built from.
type FlameSource struct {
	Profile *Profile
	// From and To bound the samples' time (zero: unbounded); To is exclusive.
	From, To time.Time
	// Thread is the thread id; "" means the profile's ActiveThread.
	Thread string
}

// Flame is an icicle graph: Nodes in depth-first order, each child after
// its parent and children heaviest first, so that a node's x is the sum of
// the totals of the earlier siblings and their parent's x.
type Flame struct {
	Samples int `json:"samples"`
	// Idle is how many of the Samples had an empty stack (the thread was
	// waiting): they are in no node.
	Idle int `json:"idle"`
	// SampleMS is the time one sample stands for (the mean interval between
	// the samples): self and total times are counts times this.
	SampleMS  float64         `json:"sampleMs"`
	Frames    []FlameFrame    `json:"frames"`
	Nodes     []FlameNode     `json:"nodes"`
	Functions []FlameFunction `json:"functions"` // heaviest by self time first
}

// FlameFrame is a distinct frame of the graph.
type FlameFrame struct {
	Function string `json:"function"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Module   string `json:"module,omitempty"`
	InApp    bool   `json:"inApp"`
}

// FlameNode is one box of the icicle: frame F (an index into Frames) at
// depth D (0 = the outermost call), starting X samples from the left, T
// samples wide of which S ended in it (self).
type FlameNode struct {
	F int `json:"f"`
	D int `json:"d"`
	X int `json:"x"`
	T int `json:"t"`
	S int `json:"s"`
}

// FlameFunction is one function's weight over the whole graph: Self the
// samples it was running in, Total those it was on the stack in (once per
// sample, whatever the recursion). F names one of its frames.
type FlameFunction struct {
	F     int `json:"f"`
	Self  int `json:"self"`
	Total int `json:"total"`
}

// maxFunctions bounds the heaviest-functions table.
const maxFunctions = 100

type flameKey struct {
	function, file string
	line, col      int
	inApp          bool
}

type trieNode struct {
	frame       int32
	total, self int
	children    []int32
}

// BuildFlame aggregates the sources' samples.
func BuildFlame(srcs []FlameSource) Flame {
	var fl Flame
	frameIdx := map[flameKey]int32{}
	funcIdx := map[[2]string]int{}
	var funcs []FlameFunction
	nodes := []trieNode{{frame: -1}}
	child := map[[2]int32]int32{}
	var spanNS float64
	intervals := 0
	for _, src := range srcs {
		p := src.Profile
		counts, n, first, last := p.stackCounts(src)
		if n == 0 {
			continue
		}
		fl.Samples += n
		if n > 1 {
			spanNS += float64(last - first)
			intervals += n - 1
		}
		global := make([]int32, len(p.frames)) // profile frame -> graph frame, 0 = not yet
		frameOf := func(i int32) int32 {
			if g := global[i]; g > 0 {
				return g - 1
			}
			f := &p.frames[i]
			k := flameKey{f.Function, f.File(), f.Lineno, f.Colno, f.InApp}
			g, ok := frameIdx[k]
			if !ok {
				g = int32(len(fl.Frames))
				frameIdx[k] = g
				name := f.Function
				if name == "" {
					name = f.InstructionAddr
				}
				if name == "" {
					name = "<unknown>"
				}
				fl.Frames = append(fl.Frames, FlameFrame{Function: name, File: f.File(), Line: f.Lineno, Column: f.Colno, Module: f.Module, InApp: f.InApp})
			}
			global[i] = g + 1
			return g
		}
		for st, w := range counts {
			if w == 0 {
				continue
			}
			stack := p.stackFrames[p.stackOff[st]:p.stackOff[st+1]]
			if len(stack) == 0 {
				fl.Idle += w
				continue
			}
			nodes[0].total += w
			at := int32(0)
			seen := map[int]bool{}
			for i := len(stack) - 1; i >= 0; i-- { // sent leaf first
				g := frameOf(stack[i])
				k := [2]int32{at, g}
				c, ok := child[k]
				if !ok {
					c = int32(len(nodes))
					nodes = append(nodes, trieNode{frame: g})
					child[k] = c
					nodes[at].children = append(nodes[at].children, c)
				}
				nodes[c].total += w
				at = c
				fr := &fl.Frames[g]
				fk := [2]string{fr.Function, fr.File}
				fi, ok := funcIdx[fk]
				if !ok {
					fi = len(funcs)
					funcIdx[fk] = fi
					funcs = append(funcs, FlameFunction{F: int(g)})
				}
				if !seen[fi] {
					seen[fi] = true
					funcs[fi].Total += w
				}
				if i == 0 {
					funcs[fi].Self += w
				}
			}
			nodes[at].self += w
		}
	}
	if intervals > 0 {
		fl.SampleMS = spanNS / float64(intervals) / 1e6
	}
	fl.Nodes = flatten(nodes)
	slices.SortStableFunc(funcs, func(a, b FlameFunction) int {
		return cmp.Or(cmp.Compare(b.Self, a.Self), cmp.Compare(b.Total, a.Total))
	})
	fl.Functions = funcs[:min(len(funcs), maxFunctions)]
	if fl.Frames == nil {
		fl.Frames, fl.Nodes, fl.Functions = []FlameFrame{}, []FlameNode{}, []FlameFunction{}
	}
	return fl
}

// flatten lays the trie out depth first, heaviest child first.
func flatten(nodes []trieNode) []FlameNode {
	out := make([]FlameNode, 0, len(nodes)-1)
	type item struct{ node, depth, x int32 }
	stack := []item{}
	push := func(parent int32, depth, x int32) {
		cs := nodes[parent].children
		slices.SortStableFunc(cs, func(a, b int32) int { return cmp.Compare(nodes[b].total, nodes[a].total) })
		// pushed in reverse so that the heaviest is taken first
		xs := make([]int32, len(cs))
		for i := range cs {
			xs[i] = x
			x += int32(nodes[cs[i]].total)
		}
		for i := len(cs) - 1; i >= 0; i-- {
			stack = append(stack, item{cs[i], depth, xs[i]})
		}
	}
	push(0, 0, 0)
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := &nodes[it.node]
		out = append(out, FlameNode{F: int(n.frame), D: int(it.depth), X: int(it.x), T: n.total, S: n.self})
		push(it.node, it.depth+1, it.x)
	}
	return out
}

// stackCounts counts the samples of src per stack id; n is their number,
// first and last the times (ns after Start) of the first and last.
func (p *Profile) stackCounts(src FlameSource) (counts []int, n int, first, last int64) {
	thread := src.Thread
	if thread == "" {
		thread = p.ActiveThread
	}
	ti := int32(slices.IndexFunc(p.Threads, func(t ProfileThread) bool { return t.ID == thread }))
	if ti < 0 {
		return nil, 0, 0, 0
	}
	from, to := int64(0), int64(1<<62)
	if !src.From.IsZero() {
		from = src.From.Sub(p.Start).Nanoseconds()
	}
	if !src.To.IsZero() {
		to = src.To.Sub(p.Start).Nanoseconds()
	}
	counts = make([]int, len(p.stackOff)-1)
	for _, s := range p.samples {
		if s.thread != ti || s.at < from || s.at >= to {
			continue
		}
		if n == 0 {
			first = s.at
		}
		last = s.at
		n++
		counts[s.stack]++
	}
	return counts, n, first, last
}

// HasThread reports whether the profile sampled the thread.
func (p *Profile) HasThread(id string) bool {
	return slices.ContainsFunc(p.Threads, func(t ProfileThread) bool { return t.ID == id })
}

// Overlaps reports whether the profile's samples span any of [from, to).
func (p *Profile) Overlaps(from, to time.Time) bool {
	return !p.Start.IsZero() && p.Start.Before(to) && !p.End.Before(from)
}
