//go:build !linux

package proc

import "errors"

// Memory is known on Linux only (/proc/<pid>/status).
func Memory(pid int) (rss, peak int64, err error) {
	return 0, 0, errors.New("process memory is read from /proc, on Linux only")
}
