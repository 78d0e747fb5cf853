//go:build !windows

package registry

import (
	"fmt"
	"io/fs"
	"os"
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
