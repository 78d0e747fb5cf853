//go:build !windows

package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRefusesUnsafe(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	openParent := filepath.Join(base, "shared")
	if err := os.Mkdir(openParent, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(openParent, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(openParent, "instances"), "chmod go-w " + openParent},
		{link, "is a symlink"},
		{file, "not a directory"},
		{open, "chmod 700 " + open},
		{"", EnvDir},
	} {
		_, err := Open(c.dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", c.dir, err, c.want)
		}
	}
	// The symlink's target was not touched.
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Errorf("symlink target changed: %v", entries)
	}
}

func TestOpenRefusesForeignOwner(t *testing.T) {
	// As root, chown a directory away; as anyone else, / is already foreign.
	dir := "/"
	if os.Getuid() == 0 {
		dir = filepath.Join(t.TempDir(), "foreign")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "not by you") {
		t.Errorf("Open(foreign) = %v", err)
	}
	// Our own directory inside another user's: they could swap it.
	if _, err := Open(filepath.Join(dir, "instances")); os.Getuid() == 0 && (err == nil || !strings.Contains(err.Error(), "its parent "+dir+" is owned by uid 65534")) {
		t.Errorf("Open(inside a foreign directory) = %v", err)
	}
}
