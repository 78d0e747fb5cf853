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

// syscallNoFollow makes opening a symlink in the directory fail.
const syscallNoFollow = syscall.O_NOFOLLOW

// trustedOwner: the user, or root, who could do anything anyway.
func trustedOwner(fi fs.FileInfo) (uint32, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, true
	}
	return st.Uid, int(st.Uid) == os.Getuid() || st.Uid == 0
}

// checkParent checks the whole path above dir: no directory on it may let
// another user swap what follows (rename it away and put their own in
// place), so each must be owned by the user or root, and not writable by
// others unless sticky (as /tmp is). Symlinks on the path must be the
// user's or root's (macOS's /tmp -> /private/tmp), and the directories they
// lead to are checked the same way.
func checkParent(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
	}
	parent := filepath.Dir(abs)
	name := func(p string) string {
		if p == parent {
			return "its parent " + p
		}
		return "its ancestor " + p
	}
	for p := parent; ; p = filepath.Dir(p) {
		fi, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
		}
		if uid, ok := trustedOwner(fi); fi.Mode()&fs.ModeSymlink != 0 && !ok {
			return fmt.Errorf("refusing registry directory %s: %s is a symlink owned by uid %d, not by you (uid %d), who could point it elsewhere; set %s to a directory of your own", dir, name(p), uid, os.Getuid(), EnvDir)
		}
		if p == filepath.Dir(p) {
			break
		}
	}
	resolved, err := filepath.EvalSymlinks(parent)
	if err != nil {
		return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
	}
	for p := resolved; ; p = filepath.Dir(p) {
		fi, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("cannot use registry directory %s: %w", dir, err)
		}
		shown := name(p)
		if uid, ok := trustedOwner(fi); !ok {
			return fmt.Errorf("refusing registry directory %s: %s is owned by uid %d, not by you (uid %d), who could replace it; remove %s or set %s to a directory of your own", dir, shown, uid, os.Getuid(), p, EnvDir)
		}
		if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
			return fmt.Errorf("refusing registry directory %s: %s is writable by others (mode %04o), who could replace it; fix it with: chmod go-w %s", dir, shown, fi.Mode().Perm(), p)
		}
		if p == filepath.Dir(p) {
			break
		}
	}
	return nil
}

// checkFile refuses a registry file that is not a regular file of the
// user's own, not writable by others: only such a file's PIDs are believed.
func checkFile(path string, f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.Mode().IsRegular():
		return fmt.Errorf("refusing %s: not a regular file", path)
	case ok && int(st.Uid) != os.Getuid():
		return fmt.Errorf("refusing %s: owned by uid %d, not by you (uid %d)", path, st.Uid, os.Getuid())
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("refusing %s: writable by group or others (mode %04o)", path, fi.Mode().Perm())
	}
	return nil
}
