// Package controlcenter serves the instances API (/api/instances...) over the
// registry, and announces instances that register or vanish to the stream.
package controlcenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/buffer"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// MaxPingBytes bounds the body of POST /api/instances/ping.
const MaxPingBytes = 64 << 10

// Options configures the API of one sidecar.
type Options struct {
	// Registry is nil when the registry directory is unusable; the API then
	// lists nothing and says why in errors.
	Registry *registry.Registry
	// RegistryError is why Registry is nil (shown to API clients).
	RegistryError error
	// Buffer is where pings are broadcast (buffer.EventInstancePing), never stored.
	Buffer *buffer.Buffer
	// Self is the metadata of the instance this sidecar belongs to (nil for a
	// plain `spotlight` server); Port and PID describe this process.
	Self   func() *registry.Metadata
	Port   func() int
	PID    int
	Logger *slog.Logger
	// Hub is the merged copy of every instance's events (on the sidecar
	// that watches the registry; nil elsewhere): Watch feeds it, and the
	// list includes its ended instances.
	Hub *Hub
}

type api struct{ Options }

func newAPI(opts Options) *api {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &api{opts}
}

// NewHandler serves GET /api/instances, POST /api/instances/ping,
// POST /api/instances/{id}/terminate, POST /api/instances/{id}/dismiss and
// GET /api/instances/current, at
// those full paths (mount it without stripping the prefix).
func NewHandler(opts Options) http.Handler {
	a := newAPI(opts)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/instances", a.list)
	mux.HandleFunc("POST /api/instances/ping", a.ping)
	mux.HandleFunc("GET /api/instances/current", a.current)
	mux.HandleFunc("POST /api/instances/{id}/terminate", a.terminate)
	mux.HandleFunc("POST /api/instances/{id}/dismiss", a.dismiss)
	return mux
}

// list answers the instances as `spotlight list -f json` prints them. With
// no usable registry it answers [] and says why in X-Spotlight-Registry-Error.
func (a *api) list(w http.ResponseWriter, r *http.Request) {
	list := []registry.Instance{}
	if a.Registry == nil {
		w.Header().Set("X-Spotlight-Registry-Error", oneLine(a.registryError().Error()))
		writeJSON(w, http.StatusOK, list)
		return
	}
	withAll := isTrue(r.URL.Query().Get("all"))
	all, err := a.Registry.List(r.Context(), registry.ListOptions{All: withAll})
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	list = append(list, all...)
	if !withAll || a.Hub == nil {
		writeJSON(w, http.StatusOK, list)
		return
	}
	// Ended instances whose events the Control Center still holds come
	// after the registered ones (an orphan is listed as such, not twice,
	// with the number of its events held: its sidecar is gone, the copy
	// is where they can be read).
	listed := make(map[string]bool, len(list))
	held := a.Hub.Held()
	out := make([]any, 0, len(list))
	for _, in := range list {
		listed[in.InstanceID] = true
		if n := held[in.InstanceID]; in.Status == registry.StatusOrphaned && n > 0 && !a.Hub.Hidden(in.InstanceID) {
			out = append(out, Ended{Instance: in, Events: n})
			continue
		}
		out = append(out, in)
	}
	for _, e := range a.Hub.Ended(func(id string) bool { return listed[id] }) {
		out = append(out, e)
	}
	writeJSON(w, http.StatusOK, out)
}

// dismiss hides an ended instance and its events from the Control Center.
func (a *api) dismiss(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if a.Hub == nil {
		httpError(w, http.StatusNotFound, "only the Control Center keeps the events of ended instances")
		return
	}
	switch err := a.Hub.Dismiss(id); {
	case errors.Is(err, fs.ErrNotExist):
		httpError(w, http.StatusNotFound, fmt.Sprintf("the Control Center holds no events of an instance %s", id))
	case errors.Is(err, ErrRunning):
		httpError(w, http.StatusConflict, err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// ping validates an instance's metadata and broadcasts it to the stream
// (never stored, so pings cannot push envelopes out of the buffer).
func (a *api) ping(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		httpError(w, http.StatusBadRequest, fmt.Sprintf("Content-Type must be application/json, not %q", r.Header.Get("Content-Type")))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxPingBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpError(w, http.StatusBadRequest, fmt.Sprintf("ping body larger than %d bytes", MaxPingBytes))
			return
		}
		httpError(w, http.StatusBadRequest, "cannot read the ping body: "+err.Error())
		return
	}
	var m registry.Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		httpError(w, http.StatusBadRequest, "ping body is not instance metadata JSON: "+err.Error())
		return
	}
	if err := m.Validate(); err != nil {
		httpError(w, http.StatusBadRequest, "invalid ping: "+err.Error())
		return
	}
	m, err = a.believe(m)
	if err != nil {
		httpError(w, http.StatusForbidden, "ping refused: "+err.Error())
		return
	}
	if err := a.announce(m); err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	a.Logger.Debug("instance ping", "instanceId", m.InstanceID, "project", m.ProjectName, "port", m.Port)
	w.WriteHeader(http.StatusNoContent)
}

// believe checks a ping against the registry file of its id, which only
// the user can have written (the directory and the file are checked as
// theirs): another process may know an instance's id, but it cannot make
// the UI take another port or PID for it. The file's metadata is returned.
func (a *api) believe(m registry.Metadata) (registry.Metadata, error) {
	if a.Registry == nil {
		return m, fmt.Errorf("%v, so no ping can be checked", a.registryError())
	}
	file, err := a.Registry.Get(m.InstanceID)
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("instance %s has no registry file in %s: register it before pinging", m.InstanceID, a.Registry.Dir())
	}
	if err != nil {
		return m, fmt.Errorf("instance %s: %v", m.InstanceID, err)
	}
	if file.Port != m.Port || file.PID != m.PID {
		return m, fmt.Errorf("it says port %d and pid %d, but the registry file of instance %s says port %d and pid %d", m.Port, m.PID, m.InstanceID, file.Port, file.PID)
	}
	return file, nil
}

// announce broadcasts v as a spotlight/instance-ping event. Re-encoding the
// parsed value (rather than relaying the body) keeps unknown fields out.
func (a *api) announce(v any) error {
	if a.Buffer == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	a.Buffer.Broadcast(&buffer.Entry{Event: buffer.EventInstancePing, Data: data})
	return nil
}

// current describes this sidecar: its instance's metadata under `spotlight
// run`, else that it is a plain server (a Control Center).
func (a *api) current(w http.ResponseWriter, r *http.Request) {
	if a.Self != nil {
		if m := a.Self(); m != nil {
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	port := 0
	if a.Port != nil {
		port = a.Port()
	}
	writeJSON(w, http.StatusOK, map[string]any{"controlCenter": true, "port": port, "pid": a.PID})
}

// pathID is the {id} of the path, answering 400 when it is not a UUID
// (`..%2F..` included).
func pathID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !registry.ValidID(id) {
		httpError(w, http.StatusBadRequest, fmt.Sprintf("instance id %q is not a UUID", id))
		return "", false
	}
	return id, true
}

func (a *api) terminate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if a.Registry == nil {
		httpError(w, http.StatusServiceUnavailable, a.registryError().Error())
		return
	}
	// A client that gives up must not leave a half-done terminate (SIGTERM
	// sent, SIGKILL never): finish regardless.
	res, err := a.Registry.Terminate(context.WithoutCancel(r.Context()), id, a.stopper())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		httpError(w, http.StatusNotFound, fmt.Sprintf("no instance %s is registered", id))
		return
	case err != nil:
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	a.Logger.Info("terminated instance", "instanceId", id, "result", res.Result, "message", res.Message)
	writeJSON(w, http.StatusOK, res)
}

// stopper is who terminates, as the stopped instance prints it.
func (a *api) stopper() string {
	if a.Port != nil {
		return fmt.Sprintf("the Control Center at http://localhost:%d (pid %d)", a.Port(), a.PID)
	}
	return fmt.Sprintf("the Control Center (pid %d)", a.PID)
}

func (a *api) registryError() error {
	if a.RegistryError != nil {
		return a.RegistryError
	}
	return errors.New("the instance registry is not available")
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code, data = http.StatusInternalServerError, []byte(`{"error":"cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(data, '\n'))
}

// httpError answers {"error": msg} so the UI can show the reason.
func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
