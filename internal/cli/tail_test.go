package cli

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestIDTime(t *testing.T) {
	u, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	got := idTime(u.String())
	if got.Before(before) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("idTime(%s) = %s, want about now", u, got)
	}
	for _, id := range []string{"", "not-a-uuid", uuid.NewString() /* v4: no time */} {
		if got := idTime(id); !got.IsZero() {
			t.Errorf("idTime(%q) = %s, want the zero time", id, got)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0) // a terminal device
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	for _, c := range []struct {
		name    string
		out     io.Writer
		noColor string
		want    bool
	}{
		{"pipe", w, "", false},
		{"buffer", &bytes.Buffer{}, "", false},
		{"terminal", tty, "", true},
		{"terminal with NO_COLOR", tty, "1", false},
	} {
		env := &Env{Out: c.out, Getenv: func(k string) string {
			if k == "NO_COLOR" {
				return c.noColor
			}
			return ""
		}}
		if got := colorEnabled(env); got != c.want {
			t.Errorf("%s: colour %v, want %v", c.name, got, c.want)
		}
	}
}
