package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

// instanceRef is the `instance` argument: a port (number or numeric string)
// or an instance id (or a unique prefix of one) from list_instances.
type instanceRef string

// UnmarshalJSON accepts a JSON string or number: agents send ports either way.
func (r *instanceRef) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*r = instanceRef(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("instance must be a port number or an instance id, not %s", b)
	}
	*r = instanceRef(strings.TrimSpace(s))
	return nil
}

// allInstances is the `instance` that reads every instance's events.
const allInstances = "all"

// minIDPrefix is the shortest instance id prefix accepted: shorter ones are
// too likely to be ambiguous (UUIDv7s share their leading timestamp digits).
const minIDPrefix = 8

// source returns the Source the `instance` argument names: the default
// source when it is empty or the port of the default source's sidecar.
func (s *tools) source(ref instanceRef) (Source, error) {
	if ref == "" {
		return s.opts.Source, nil
	}
	if ref == allInstances {
		if s.opts.All != nil {
			return s.opts.All, nil
		}
		return s.remotes.at(s.opts.ControlCenterURL, allInstances, s.secret()), nil
	}
	if port, err := strconv.Atoi(string(ref)); err == nil {
		if port < 1 || port > 65535 {
			return nil, fmt.Errorf("instance %d is not a port (1-65535): pass a port or an instance id from list_instances", port)
		}
		return s.sourceAt("http://localhost:" + strconv.Itoa(port)), nil
	}
	m, err := s.findInstance(string(ref))
	if err != nil {
		return nil, err
	}
	return s.sourceAt(m.URL()), nil
}

// sourceAt reads the sidecar at url: the default source if that is where it
// reads, else over HTTP.
func (s *tools) sourceAt(url string) Source {
	if url == s.opts.Source.URL() {
		return s.opts.Source
	}
	return s.remotes.at(url, "", s.secret())
}

// secret is the user's per-user secret, presented to other sidecars where
// the OS cannot tell them who connects ("" when there is none).
func (s *tools) secret() string {
	if s.opts.Registry == nil {
		return ""
	}
	reg, err := s.opts.Registry()
	if err != nil {
		return ""
	}
	secret, _ := reg.ExistingSecret()
	return secret
}

// maxRemotes bounds how many other sidecars' envelopes the tools keep.
const maxRemotes = 8

// remotes keeps one Remote per sidecar URL, so that reading another
// instance again fetches only what is new there.
type remotes struct {
	mu    sync.Mutex
	byURL map[string]*Remote
}

// at is the Remote reading url (its own events, or the view named so of
// a Control Center's merged copy).
func (rs *remotes) at(url, view, secret string) *Remote {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	key := url + " " + view
	if r, ok := rs.byURL[key]; ok {
		return r
	}
	if rs.byURL == nil || len(rs.byURL) >= maxRemotes {
		rs.byURL = make(map[string]*Remote) // start over rather than grow
	}
	r := &Remote{BaseURL: url, View: view, Secret: secret}
	rs.byURL[key] = r
	return r
}

// findInstance resolves an instance id, a unique prefix of one, or a unique
// project name to its registry metadata.
func (s *tools) findInstance(ref string) (registry.Metadata, error) {
	reg, err := s.registry()
	if err != nil {
		return registry.Metadata{}, err
	}
	metas, err := reg.Entries()
	if err != nil {
		return registry.Metadata{}, err
	}
	var found []registry.Metadata
	for _, m := range metas {
		if m.InstanceID == ref || (len(ref) >= minIDPrefix && strings.HasPrefix(m.InstanceID, ref)) || m.ProjectName == ref {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return registry.Metadata{}, fmt.Errorf("no running instance matches %q: pass a port, or an instance id or project name from list_instances", ref)
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, m := range found {
		names[i] = fmt.Sprintf("%s (%s, port %d)", m.InstanceID, m.ProjectName, m.Port)
	}
	return registry.Metadata{}, fmt.Errorf("instance %q is ambiguous; pass one of: %s", ref, strings.Join(names, ", "))
}

func (s *tools) registry() (*registry.Registry, error) {
	if s.opts.Registry == nil {
		return nil, errors.New("no instance registry is available to this MCP server")
	}
	return s.opts.Registry()
}

// listInstances renders every instance that is not dead, as `spotlight list
// --all -f md` does.
func (s *tools) listInstances(ctx context.Context) (string, error) {
	reg, err := s.registry()
	if err != nil {
		return "", err
	}
	list, err := reg.List(ctx, registry.ListOptions{All: true})
	if err != nil {
		return "", err
	}
	if len(list) == 0 {
		return "No Spotlight instances are registered: apps started with `spotlight run <command>` appear here. " +
			"The tools still read " + describe(s.opts.Source) + ".", nil
	}
	var b strings.Builder
	// Writing md to a strings.Builder cannot fail.
	_ = format.WriteInstances(&b, format.MD, format.Options{}, list)
	b.WriteString("\nPass an instance's port (or its id) as `instance` to search_errors, search_logs, search_traces " +
		"or get_traces to read that app's events, or \"all\" for every instance's together. Instance ids:\n")
	for _, in := range list {
		fmt.Fprintf(&b, "- %s (port %d): %s\n", in.ProjectName, in.Port, in.InstanceID)
	}
	return b.String(), nil
}
