//go:build windows

package registry

import (
	"io/fs"
	"os"
)

// checkOwner: %TEMP% is already per-user on Windows, and its ACLs keep other
// users out; POSIX ownership does not apply.
func checkOwner(string, fs.FileInfo) error { return nil }

// checkParent: see checkOwner.
func checkParent(string) error { return nil }

// syscallNoFollow: Windows has no O_NOFOLLOW; os.Root refuses links that
// leave the directory.
const syscallNoFollow = 0

// checkFile: see checkOwner.
func checkFile(string, *os.File) error { return nil }
