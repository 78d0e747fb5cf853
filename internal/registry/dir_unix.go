//go:build !windows

package registry

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

func checkOwner(dir string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("refusing registry directory %s: it is owned by uid %d, not by you (uid %d); remove it or set %s to a directory of your own", dir, st.Uid, uid, EnvDir)
	}
	return checkParent(dir)
}

// checkParent refuses a parent that another user could use to swap the
// directory (rename it away and put their own in place): one owned by
// another user (root aside), or writable by others without the sticky bit
// that /tmp has.
func checkParent(dir string) error {
	parent := filepath.Dir(filepath.Clean(dir))
	fi, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid && st.Uid != 0 {
		return fmt.Errorf("refusing registry directory %s: its parent %s is owned by uid %d, not by you (uid %d), who could replace it; remove %s or set %s to a directory of your own", dir, parent, st.Uid, uid, parent, EnvDir)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("refusing registry directory %s: its parent %s is writable by others (mode %04o), who could replace it; fix it with: chmod go-w %s", dir, parent, fi.Mode().Perm(), parent)
	}
	return nil
}

// syncDir makes a rename durable; failure only weakens durability, never
// atomicity, so it is ignored.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
