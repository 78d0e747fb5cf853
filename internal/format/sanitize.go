package format

import (
	"strings"

	"github.com/spotlight-dev/spotlight/internal/plaintext"
)

// plain makes payload text safe to print (see plaintext.Of); our own
// colour is added after this, never before.
func plain(s string) string { return plaintext.Of(s) }

// oneLine is plain text on a single line for human output: surrounding
// space trimmed, inner newlines shown as "\n", tabs as spaces.
func oneLine(s string) string {
	s = strings.TrimSpace(plain(s))
	if strings.ContainsAny(s, "\n\t") {
		s = strings.NewReplacer("\n", `\n`, "\t", " ").Replace(s)
	}
	return s
}
