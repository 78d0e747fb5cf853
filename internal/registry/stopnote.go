package registry

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/google/uuid"
)

// A stop note tells a `spotlight run` being terminated who asked for it
// ("`spotlight terminate` (pid 123)", "the Control Center at ..."): a
// signal does not say who sent it. Terminate writes it into the registry
// directory (private to the user, like the instance files, and reached
// through the same root handle) just before SIGTERM; the instance reads and
// removes it when the signal arrives.

// maxStopNote bounds what TakeStopNote reads.
const maxStopNote = 512

func stopNoteName(id string) string { return "stop_" + id + ".txt" }

// writeStopNote records who stops id, atomically (temp file and rename).
func (r *Registry) writeStopNote(id, by string) error {
	tmp := tempPrefix + uuid.NewString() + ".tmp"
	f, err := r.openFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(by)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = r.root.Rename(tmp, stopNoteName(id))
	}
	if werr != nil {
		_ = r.root.Remove(tmp)
	}
	return werr
}

// removeStopNote removes a note the instance did not take.
func (r *Registry) removeStopNote(id string) { _ = r.root.Remove(stopNoteName(id)) }

// TakeStopNote returns who asked instance id to stop, removing the note;
// "" when nobody left one (Ctrl+C, a plain kill).
func (r *Registry) TakeStopNote(id string) string {
	if !ValidID(id) {
		return ""
	}
	f, err := r.openFile(stopNoteName(id), os.O_RDONLY, 0)
	if err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStopNote))
	f.Close()
	if rerr := r.root.Remove(stopNoteName(id)); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		r.logger.Debug("cannot remove the stop note", "id", id, "err", rerr)
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
