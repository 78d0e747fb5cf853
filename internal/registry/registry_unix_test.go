//go:build !windows

package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotlight-dev/spotlight/internal/testutil"
)

func TestOpenRefusesUnsafe(t *testing.T) {
	unsafe := testutil.MakeUnsafeDirs(t)
	base := filepath.Dir(unsafe.Target)
	openParent := filepath.Join(base, "shared")
	if err := os.Mkdir(openParent, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(openParent, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(openParent, "instances"), "chmod go-w " + openParent},
		{unsafe.Symlink, "is a symlink"},
		{unsafe.File, "not a directory"},
		{unsafe.WorldWritable, "chmod 700 " + unsafe.WorldWritable},
		{"", EnvDir},
	} {
		_, err := Open(c.dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want an error containing %q", c.dir, err, c.want)
		}
	}
	// The symlink's target was not touched.
	if entries, _ := os.ReadDir(unsafe.Target); len(entries) != 0 {
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
