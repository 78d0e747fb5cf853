package capture

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFromEnv(t *testing.T) {
	cwd := t.TempDir()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvVar {
				return v
			}
			return ""
		}
	}
	for _, off := range []string{"", "0", "false", "off"} {
		if d, err := FromEnv(env(off), cwd); d != nil || err != nil {
			t.Errorf("%s=%q: %v %v; want capturing off", EnvVar, off, d, err)
		}
	}
	if d, err := FromEnv(env("1"), cwd); err != nil || d.Path() != cwd {
		t.Errorf("%s=1: %v %v; want the working directory", EnvVar, d, err)
	}
	d, err := FromEnv(env("captured/today"), cwd)
	if err != nil || d.Path() != filepath.Join(cwd, "captured", "today") {
		t.Fatalf("%s=captured/today: %v %v", EnvVar, d, err)
	}
	if st, err := os.Stat(d.Path()); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("capture folder not created 0700: %v %v", st, err)
	}
	if _, err := FromEnv(env(filepath.Join(cwd, "captured", "today")), "/elsewhere"); err != nil {
		t.Fatalf("absolute folder: %v", err)
	}
	file := filepath.Join(cwd, "a-file")
	_ = os.WriteFile(file, nil, 0o600)
	if _, err := FromEnv(env(file), cwd); err == nil || !strings.Contains(err.Error(), "cannot create the capture folder") {
		t.Fatalf("a file as the folder: %v", err)
	}
}

func TestSaveNamesLikeUpstreamAndNeverOverwrites(t *testing.T) {
	at := time.Unix(1706290053, 204000000)
	d := &Dir{path: t.TempDir(), now: func() time.Time { return at }}
	first, err := d.Save("application/x-sentry-envelope", []byte("one"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(first) != "application_x_sentry_envelope-1706290053204000000.txt" {
		t.Fatalf("file name %s", filepath.Base(first))
	}
	second, err := d.Save("application/x-sentry-envelope", []byte("two"))
	if err != nil || filepath.Base(second) != "application_x_sentry_envelope-1706290053204000001.txt" {
		t.Fatalf("second file in the same nanosecond: %s %v", second, err)
	}
	for path, want := range map[string]string{first: "one", second: "two"} {
		if b, err := os.ReadFile(path); err != nil || string(b) != want {
			t.Errorf("%s holds %q (%v), want %q", path, b, err, want)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", path, st.Mode().Perm())
		}
	}
	if p, _ := d.Save("", nil); !strings.HasPrefix(filepath.Base(p), "no_content_type-") {
		t.Errorf("no content type: %s", p)
	}
}
