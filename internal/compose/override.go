package compose

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// DockerHost is the name containers reach the host by.
const DockerHost = "host.docker.internal"

// overrideService is what the override sets on every service. Compose
// merges environment by variable and extra_hosts by host name, so the
// user's other settings stay.
type overrideService struct {
	Environment map[string]string `yaml:"environment"`
	ExtraHosts  []string          `yaml:"extra_hosts"`
}

// Override is the compose file that gives every service env and the
// host.docker.internal name, which Docker Desktop provides and Linux
// needs mapped to the host gateway. It has no `name:` and no `version:`,
// so every compose version (v1 included) merges it.
func Override(services []string, env map[string]string) ([]byte, error) {
	svcs := make(map[string]overrideService, len(services))
	for _, s := range services {
		svcs[s] = overrideService{Environment: env, ExtraHosts: []string{DockerHost + ":host-gateway"}}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2) // as compose files are usually written
	if err := enc.Encode(map[string]any{"services": svcs}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// OverrideFile is the override on disk, in a directory only this user can
// read (it names the sidecar's port). Remove deletes it.
type OverrideFile struct {
	Path string
	dir  string
}

// WriteOverride writes data to a new private temporary file. A file
// rather than `-f -` on stdin: compose v1 cannot read one from stdin, and
// stdin stays the user's (compose's key shortcuts, attached services).
func WriteOverride(data []byte) (*OverrideFile, error) {
	dir, err := os.MkdirTemp("", "spotlight-compose-")
	if err != nil {
		return nil, fmt.Errorf("cannot create the compose override: %w", err)
	}
	path := filepath.Join(dir, "spotlight.compose.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot write the compose override: %w", err)
	}
	return &OverrideFile{Path: path, dir: dir}, nil
}

// Remove deletes the file and its directory.
func (f *OverrideFile) Remove() error { return os.RemoveAll(f.dir) }
