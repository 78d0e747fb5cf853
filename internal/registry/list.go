package registry

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// ListOptions selects what List returns.
type ListOptions struct {
	// All includes unresponsive and orphaned instances; by default only
	// healthy ones are listed. Dead ones are never listed (they are removed).
	All bool
}

// List health-checks every registered instance concurrently and returns them
// newest first. As a side effect it cleans up: dead instances' files are
// removed, and so are invalid files older than InvalidMaxAge.
func (r *Registry) List(ctx context.Context, opts ListOptions) ([]Instance, error) {
	all, err := r.check(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, in := range all {
		if in.Status == StatusHealthy || (opts.All && in.Status != StatusDead) {
			out = append(out, in)
		}
	}
	return out, nil
}

// Cleanup removes dead instances and old invalid files, and returns the ids
// of the dead instances it removed.
func (r *Registry) Cleanup(ctx context.Context) ([]string, error) {
	all, err := r.check(ctx)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, in := range all {
		if in.Status == StatusDead {
			removed = append(removed, in.InstanceID)
		}
	}
	return removed, nil
}

// check reads and health-checks all instances, removing the dead.
func (r *Registry) check(ctx context.Context) ([]Instance, error) {
	metas, err := r.Entries()
	if err != nil {
		return nil, err
	}
	out := make([]Instance, len(metas))
	var wg sync.WaitGroup
	for i, m := range metas {
		wg.Go(func() {
			out[i] = r.Check(ctx, m)
		})
	}
	wg.Wait()
	for _, in := range out {
		if in.Status == StatusDead {
			r.logger.Debug("registry: removing dead instance", "instanceId", in.InstanceID, "project", in.ProjectName, "pid", in.PID, "childPid", in.ChildPID)
			_ = r.Unregister(in.InstanceID)
		}
	}
	slices.SortFunc(out, newestFirst)
	return out, nil
}

// Check health-checks one instance (see Health) and adds its uptime and URL.
func (r *Registry) Check(ctx context.Context, m Metadata) Instance {
	in := Instance{Metadata: m, Status: r.Health(ctx, m), URL: m.URL()}
	if started, ok := m.started(); ok {
		in.UptimeSeconds = max(0, int64(r.now().Sub(started)/time.Second))
	}
	return in
}

// started is the instance's start time: startTime, else pidStartTime.
func (m *Metadata) started() (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, m.StartTime); err == nil {
		return t, true
	}
	if m.PIDStartTime > 0 {
		return time.UnixMilli(m.PIDStartTime), true
	}
	return time.Time{}, false
}

func newestFirst(a, b Instance) int {
	ta, _ := a.started()
	tb, _ := b.started()
	if c := tb.Compare(ta); c != 0 {
		return c
	}
	return cmp.Compare(b.InstanceID, a.InstanceID)
}

// Entries returns the metadata of every valid registry file, without health
// checks, in no particular order. Files that are not instance_<uuid>.json are
// ignored; invalid ones are skipped (logged at debug level) and removed once
// older than InvalidMaxAge.
func (r *Registry) Entries() ([]Metadata, error) {
	if err := r.verify(); err != nil {
		return nil, err
	}
	d, err := r.root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("cannot read registry directory: %w", err)
	}
	des, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("cannot read registry directory: %w", err)
	}
	var out []Metadata
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, tempPrefix) {
			r.removeIfOld(name, "abandoned temporary file")
			continue
		}
		id, ok := idFromFileName(name)
		if !ok || !de.Type().IsRegular() {
			continue
		}
		m, err := r.read(id)
		if errors.Is(err, fs.ErrNotExist) {
			continue // unregistered since ReadDir
		}
		if err != nil {
			r.logger.Debug("registry: skipping invalid file", "file", name, "error", err)
			r.removeIfOld(name, "invalid file")
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// Get returns the metadata of one instance; the error wraps fs.ErrNotExist
// when there is no such instance.
func (r *Registry) Get(id string) (Metadata, error) {
	if !ValidID(id) {
		return Metadata{}, fmt.Errorf("invalid instance id %q: expected a UUID", id)
	}
	return r.read(id)
}

// maxFileSize bounds what is read of a registry file: metadata is small, and
// a huge file must not exhaust memory.
const maxFileSize = 1 << 20

func (r *Registry) read(id string) (Metadata, error) {
	f, err := r.openFile(FileName(id), os.O_RDONLY, 0)
	if err != nil {
		return Metadata{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return Metadata{}, err
	}
	if len(data) > maxFileSize {
		return Metadata{}, fmt.Errorf("file larger than %d bytes", maxFileSize)
	}
	var m Metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return Metadata{}, fmt.Errorf("not valid metadata JSON: %w", err)
	}
	if m.InstanceID != id {
		return Metadata{}, fmt.Errorf("instanceId %q does not match the file name", m.InstanceID)
	}
	if err := m.Validate(); err != nil {
		return Metadata{}, err
	}
	return m, nil
}

func (r *Registry) removeIfOld(name, what string) {
	fi, err := r.root.Lstat(name)
	if err != nil || r.now().Sub(fi.ModTime()) < r.invalidMaxAge {
		return
	}
	if err := r.root.Remove(name); err == nil {
		r.logger.Debug("registry: removed "+what, "file", name, "age", r.now().Sub(fi.ModTime()).Round(time.Second))
	}
}
