package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// UnsafeDirs are directories that a registry must refuse, made in a
// temporary directory of the test.
type UnsafeDirs struct {
	Target        string // a private directory (0700), the symlink's target
	Symlink       string // a symlink to Target
	File          string // a regular file
	WorldWritable string // a directory with mode 0777
}

// MakeUnsafeDirs creates UnsafeDirs below t.TempDir().
func MakeUnsafeDirs(t testing.TB) UnsafeDirs {
	t.Helper()
	base := t.TempDir()
	d := UnsafeDirs{
		Target:        filepath.Join(base, "private"),
		Symlink:       filepath.Join(base, "link"),
		File:          filepath.Join(base, "file"),
		WorldWritable: filepath.Join(base, "open"),
	}
	for _, err := range []error{
		os.Mkdir(d.Target, 0o700),
		os.Symlink(d.Target, d.Symlink),
		os.WriteFile(d.File, nil, 0o600),
		os.Mkdir(d.WorldWritable, 0o700),
		os.Chmod(d.WorldWritable, 0o777), // after Mkdir, which the umask narrows
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return d
}
