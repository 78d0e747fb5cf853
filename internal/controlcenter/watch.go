package controlcenter

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/spotlight-dev/spotlight/internal/proc"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// watchInterval is how often Watch checks the known instances' processes
// (a SIGKILLed spotlight leaves its file, so fsnotify sees nothing) and
// rescans the directory in case a file event was lost.
const watchInterval = 400 * time.Millisecond

// Watch announces registry changes on the stream until ctx ends, as
// spotlight/instance-ping events whose data is a registry.Instance (the
// metadata plus status, uptimeSeconds and url, as in `spotlight list -f json`):
//   - a file that appears (complete: files are renamed into place) is
//     announced with the status of a health check;
//   - a spotlight process that dies while its file stays (SIGKILL) is
//     announced as "orphaned" (its child still runs) or "dead";
//   - a file that disappears is announced with status "dead" (unless that
//     was already said).
//
// Instances present when Watch starts are not announced: clients get them
// from GET /api/instances.
func Watch(ctx context.Context, opts Options) error { return watch(ctx, opts, func() {}) }

// watch is Watch calling ready once the initial scan is done (for tests).
func watch(ctx context.Context, opts Options, ready func()) error {
	a := newAPI(opts)
	if a.Registry == nil {
		return a.registryError()
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer fw.Close()
	if err := fw.Add(opts.Registry.Dir()); err != nil {
		return err
	}
	w := &watcher{api: a, known: map[string]*known{}}
	w.scan(ctx, false)
	ready()
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("registry watcher closed")
			}
			w.Logger.Debug("registry watch", "error", err)
		case _, ok := <-fw.Events:
			if !ok {
				return errors.New("registry watcher closed")
			}
			drain(fw.Events) // one rescan for a burst (temp file, write, rename)
			w.scan(ctx, true)
		case <-tick.C:
			w.scan(ctx, true)
		}
	}
}

func drain(ch <-chan fsnotify.Event) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

type watcher struct {
	*api
	known map[string]*known
}

// known is what was last announced (or seen at start) of an instance.
type known struct {
	meta   registry.Metadata
	status registry.Status
}

// scan compares the directory and the processes with what is known, and
// announces the differences when announce is set.
func (w *watcher) scan(ctx context.Context, announce bool) {
	entries, err := w.Registry.Entries()
	if err != nil {
		w.Logger.Debug("registry watch: cannot read the registry", "error", err)
		return
	}
	present := make(map[string]bool, len(entries))
	var changed []registry.Metadata
	for _, m := range entries {
		present[m.InstanceID] = true
		k, ok := w.known[m.InstanceID]
		switch {
		case !ok || k.meta.PID != m.PID || k.meta.Port != m.Port:
			changed = append(changed, m) // new (or re-registered)
		case processStatus(ctx, m) != k.status && k.status != registry.StatusDead:
			changed = append(changed, m)
		}
	}
	for id, k := range w.known {
		if !present[id] {
			gone := registry.Instance{Metadata: k.meta, Status: registry.StatusDead, URL: k.meta.URL()}
			w.observe(ctx, gone)
			if announce && k.status != registry.StatusDead {
				w.emit(gone)
			}
			delete(w.known, id)
		}
	}
	// Health checks take up to a time-out each: run them together.
	checked := make([]registry.Instance, len(changed))
	var wg sync.WaitGroup
	for i, m := range changed {
		wg.Go(func() { checked[i] = w.Registry.Check(ctx, m) })
	}
	wg.Wait()
	for _, in := range checked {
		// Remember the process-level view, which the next scans compare.
		w.known[in.InstanceID] = &known{meta: in.Metadata, status: processStatus(ctx, in.Metadata)}
		w.observe(ctx, in)
		if announce {
			w.emit(in)
		}
	}
}

// processStatus is the status as far as processes tell (no HTTP): a live
// spotlight counts as healthy, the HTTP check distinguishing unresponsive is
// left to the announcement.
func processStatus(ctx context.Context, m registry.Metadata) registry.Status {
	switch {
	case proc.Alive(ctx, m.PID, m.PIDStartTime):
		return registry.StatusHealthy
	case registry.ChildAlive(ctx, m):
		return registry.StatusOrphaned
	}
	return registry.StatusDead
}

// observe tells the hub (if any) what was found of an instance.
func (w *watcher) observe(ctx context.Context, in registry.Instance) {
	if w.Hub != nil {
		w.Hub.Observe(ctx, in)
	}
}

func (w *watcher) emit(in registry.Instance) {
	if err := w.announce(in); err != nil {
		w.Logger.Debug("registry watch: cannot announce", "instanceId", in.InstanceID, "error", err)
		return
	}
	w.Logger.Debug("registry watch: announced", "instanceId", in.InstanceID, "status", in.Status)
}
