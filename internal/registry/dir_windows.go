//go:build windows

package registry

import "io/fs"

// checkOwner: %TEMP% is already per-user on Windows, and its ACLs keep other
// users out; POSIX ownership does not apply.
func checkOwner(string, fs.FileInfo) error { return nil }

func syncDir(string) {}
