package registry

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A stop note tells a `spotlight run` being terminated who asked for it
// ("`spotlight terminate` (pid 123)", "the Control Center at ..."): a
// signal does not say who sent it. Terminate writes it into the registry
// directory (private to the user, like the instance files) just before
// SIGTERM; the instance reads and removes it when the signal arrives.

// maxStopNote bounds what TakeStopNote reads.
const maxStopNote = 512

func stopNotePath(dir, id string) string { return filepath.Join(dir, "stop_"+id+".txt") }

// writeStopNote records who stops id, atomically (temp file and rename).
func (r *Registry) writeStopNote(id, by string) error {
	f, err := os.CreateTemp(r.dir, tempPrefix+"*.tmp") // created 0600
	if err != nil {
		return err
	}
	_, werr := f.WriteString(by)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), stopNotePath(r.dir, id))
	}
	if werr != nil {
		_ = os.Remove(f.Name())
	}
	return werr
}

// TakeStopNote returns who asked instance id to stop, removing the note;
// "" when nobody left one (Ctrl+C, a plain kill).
func (r *Registry) TakeStopNote(id string) string {
	if !ValidID(id) {
		return ""
	}
	path := stopNotePath(r.dir, id)
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStopNote))
	f.Close()
	if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		r.logger.Debug("cannot remove the stop note", "path", path, "err", rerr)
	}
	if err != nil {
		return ""
	}
	// Printed on a terminal: no control characters.
	note := strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return ' '
		}
		return c
	}, strings.ToValidUTF8(string(b), "?"))
	return strings.TrimSpace(note)
}
