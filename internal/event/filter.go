package event

import (
	"fmt"
	"strings"
	"time"

	"github.com/spotlight-dev/spotlight/internal/suggest"
)

// typeKind maps the type names users type (`spotlight tail errors logs`)
// to kinds; "all", "everything" and "*" select every kind.
func typeKind(name string) (Kind, bool) {
	switch name {
	case "errors", "error":
		return KindError, true
	case "logs", "log":
		return KindLog, true
	case "traces", "trace":
		return KindTrace, true
	case "attachments", "attachment":
		return KindAttachment, true
	}
	return "", false
}

// TypeNames are the accepted type names, for help texts and errors.
func TypeNames() []string {
	return []string{"errors", "logs", "traces", "attachments", "all", "everything", "*"}
}

// ParseTypes turns type names into kinds; none, "all", "everything" or "*"
// mean every kind. An unknown name is an error listing the valid ones.
func ParseTypes(names []string) ([]Kind, error) {
	if len(names) == 0 {
		return Kinds(), nil
	}
	want := map[Kind]bool{}
	var split []string // "errors,logs" is "errors logs", as -A takes origins
	for _, arg := range names {
		for n := range strings.SplitSeq(arg, ",") {
			if strings.TrimSpace(n) != "" {
				split = append(split, n)
			}
		}
	}
	if len(split) == 0 {
		return nil, fmt.Errorf("no type in %q: use one or more of %s", names, strings.Join(TypeNames(), ", "))
	}
	for _, n := range split {
		switch n := strings.ToLower(strings.TrimSpace(n)); n {
		case "all", "everything", "*":
			return Kinds(), nil
		default:
			k, ok := typeKind(n)
			if !ok {
				return nil, fmt.Errorf("unknown type %q%s: use one or more of %s", n, suggest.DidYouMean(n, TypeNames()), strings.Join(TypeNames(), ", "))
			}
			want[k] = true
		}
	}
	var out []Kind
	for _, k := range Kinds() {
		if want[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// keep returns the records for which ok is true, in order.
func keep(recs []Record, ok func(*Record) bool) []Record {
	var out []Record
	for i := range recs {
		if ok(&recs[i]) {
			out = append(out, recs[i])
		}
	}
	return out
}

// OfKind keeps the records of the given kinds.
func OfKind(recs []Record, kinds ...Kind) []Record {
	return keep(recs, func(r *Record) bool {
		for _, k := range kinds {
			if r.Kind == k {
				return true
			}
		}
		return false
	})
}

// WithFrameFile keeps errors with a stack frame whose file name or absolute
// path ends with suffix (e.g. "checkout.ts" or "src/api/users.py").
func WithFrameFile(recs []Record, suffix string) []Record {
	match := func(fs []Frame) bool {
		for i := range fs {
			if strings.HasSuffix(fs[i].Filename, suffix) || strings.HasSuffix(fs[i].AbsPath, suffix) {
				return true
			}
		}
		return false
	}
	return keep(recs, func(r *Record) bool {
		if r.Error == nil {
			return false
		}
		for i := range r.Error.Exceptions {
			if match(r.Error.Exceptions[i].Frames) {
				return true
			}
		}
		return match(r.Error.Frames)
	})
}

// Between keeps the records timestamped in [from, to); a zero bound is open.
func Between(recs []Record, from, to time.Time) []Record {
	return keep(recs, func(r *Record) bool {
		return (from.IsZero() || !r.Timestamp.Before(from)) && (to.IsZero() || r.Timestamp.Before(to))
	})
}
