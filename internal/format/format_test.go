package format

import (
	"bufio"
	"bytes"
	"testing"
	"time"
)

func TestPlainStripsEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                               "plain text",
		"\x1b[31mred\x1b[0m":                       "red",
		"\x1b[38;5;196mx\x1b[m":                    "x",
		"\x1b]0;title\x07after":                    "after",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\": "link",
		"a\x1b(Bb":                                 "ab",
		"bell\x07 bs\x08 del\x7f":                  "bell bs del",
		"c1 \u009b31mcsi":                          "c1 csi",
		"crlf\r\nlf\rcr":                           "crlf\nlf\ncr",
		"tab\tnl\n":                                "tab\tnl\n",
		"bad \xff utf8":                            "bad \uFFFD utf8",
		"unicode ✓ ok":                             "unicode ✓ ok",
		"trailing esc \x1b":                        "trailing esc ",
		"\x1b[":                                    "",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
	if got := oneLine("\n first\n\tsecond \n\n"); got != `first\n second` {
		t.Errorf("oneLine: %q", got)
	}
}

func TestLogfmtQuoting(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeLogfmt(w, []Field{
		{"a", "simple"}, {"b", "with space"}, {"c", ""}, {"d", `q"uote`}, {"e", "x=y"},
		{"f", "new\nline"}, {"g", 3}, {"h", 1.5}, {"i", false}, {"bad key=", "v"}, {"j", `back\slash`},
	})
	w.Flush()
	want := `a=simple b="with space" c="" d="q\"uote" e="x=y" f="new\nline" g=3 h=1.5 i=false bad_key_=v j="back\\slash"` + "\n"
	if buf.String() != want {
		t.Errorf("logfmt:\n got %s\nwant %s", buf.String(), want)
	}
}

func TestInlineCodeAndFences(t *testing.T) {
	if got := inlineCode("a`b"); got != "``a`b``" {
		t.Errorf("inlineCode: %s", got)
	}
	if got := inlineCode("`x`"); got != "`` `x` ``" {
		t.Errorf("inlineCode: %s", got)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	mdWriter{w, Options{}}.fence("", "code\n```\nmore")
	w.Flush()
	if want := "````\ncode\n```\nmore\n````\n"; buf.String() != want {
		t.Errorf("fence:\n%s", buf.String())
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		420 * time.Microsecond:  "0.42ms",
		123 * time.Millisecond:  "123ms",
		1460 * time.Millisecond: "1.46s",
		123 * time.Second:       "2m3s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%s) = %s, want %s", d, got, want)
		}
	}
}
