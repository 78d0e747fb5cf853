// Package format renders events (errors, logs, traces, attachments) and
// Control Center instances in the four output formats shared by
// `spotlight run`, `tail`, `list` and the MCP tools.
package format

import (
	"fmt"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/suggest"
)

// Format is an output format name.
type Format string

const (
	Human  Format = "human"
	JSON   Format = "json"
	Logfmt Format = "logfmt"
	MD     Format = "md"
)

// Formats lists the accepted formats in the order help texts show them.
func Formats() []Format { return []Format{Human, JSON, Logfmt, MD} }

// ParseFormat accepts a format name; the error lists the valid ones.
func ParseFormat(s string) (Format, error) {
	all := Formats()
	for _, f := range all {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q%s: use one of %s", s, suggest.DidYouMean(s, names), strings.Join(names, ", "))
}
