package compose

import (
	"os"
	"strings"
)

// interpolate expands $VAR, ${VAR} and ${VAR:-default} (or -default) in s
// with getenv, as compose does in the values spotlight reads (`name:`); $$
// is a literal $. An empty variable counts as unset, and the rest of
// compose's syntax (${VAR:?err}, ${VAR:+alt}) expands to the value.
func interpolate(s string, getenv func(string) string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	const dollar = "\x00"
	s = os.Expand(strings.ReplaceAll(s, "$$", dollar), func(expr string) string {
		name, def, _ := strings.Cut(expr, "-")
		name = strings.TrimSuffix(name, ":")
		if i := strings.IndexAny(name, ":?+"); i >= 0 {
			name, def = name[:i], ""
		}
		if v := getenv(name); v != "" {
			return v
		}
		return def
	})
	return strings.ReplaceAll(s, dollar, "$")
}
