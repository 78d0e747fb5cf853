package suggest

import "testing"

func TestClosest(t *testing.T) {
	words := []string{"errors", "logs", "traces", "attachments"}
	for _, tc := range []struct{ word, want string }{
		{"erors", "errors"},
		{"TRACSE", "traces"},
		{"log", "logs"},
		{"profiles", ""},
		{"", ""},
	} {
		if got := Closest(tc.word, words); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	if got := DidYouMean("jsn", []string{"human", "json", "logfmt", "md"}); got != " (did you mean json?)" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("xml", []string{"json"}); got != "" {
		t.Errorf("DidYouMean for no close word = %q", got)
	}
}
