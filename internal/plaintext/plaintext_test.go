package plaintext

import "testing"

// The renderers' test (format's TestPlainStripsEscapes) covers every
// sequence; this pins what searches rely on: the words a coloured line
// shows, and plain text returned as it is.
func TestOf(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[32mrequest\x1b[0m 12-0 done":         "request 12-0 done",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"plain ✓": "plain ✓",
	} {
		if got := Of(in); got != want {
			t.Errorf("Of(%q) = %q, want %q", in, got, want)
		}
	}
}
