// Package compose holds what `spotlight run` knows of Docker Compose: which
// files make a project and what they name (project, services), the command
// lines that start it, the override file that wires every service to
// Spotlight, the `web-1  | line` prefix of its output, and the address at
// which containers reach the host.
//
// It reads compose files with a YAML library rather than asking
// `docker compose config`: that needs a working Docker installation, and
// `spotlight run` must know the services before it starts anything.
package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileBytes bounds one compose file: real ones are a few KiB.
const maxFileBytes = 4 << 20

// Project is a compose project as `spotlight run` sees it.
type Project struct {
	// Name is the project name: -p, else COMPOSE_PROJECT_NAME, else the last
	// `name:` of the files, else the project directory's name, normalised.
	Name string
	// Dir is the project directory (that of the first file).
	Dir string
	// Files are the compose files in the order compose merges them, as
	// given (relative to the working directory, or absolute).
	Files []string
	// Services are the services of all files, by name.
	Services []Service
	// Profiles are the active profiles (--profile, else COMPOSE_PROFILES).
	Profiles []string
}

// Service is one service of the project.
type Service struct {
	Name          string
	ContainerName string   // container_name, when set
	Profiles      []string // the service starts only with one of these active
}

// maxIncludeDepth bounds how deep `include:` may nest.
const maxIncludeDepth = 8

// file is the part of a compose file spotlight reads.
type file struct {
	Name     string `yaml:"name"`
	Services map[string]*struct {
		ContainerName string   `yaml:"container_name"`
		Profiles      []string `yaml:"profiles"`
	} `yaml:"services"`
	Include []include `yaml:"include"`
}

// include is an `include:` entry: a path, or {path: one or a list}.
type include struct{ Paths []string }

func (in *include) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		in.Paths = []string{n.Value}
		return nil
	}
	var long struct {
		Path yaml.Node `yaml:"path"`
	}
	if err := n.Decode(&long); err != nil {
		return err
	}
	if long.Path.Kind == yaml.ScalarNode {
		in.Paths = []string{long.Path.Value}
		return nil
	}
	return long.Path.Decode(&in.Paths)
}

// load reads files (relative to dir) and merges what spotlight needs of
// them as compose would: later files add services and override names;
// included files add their services (their name is not the project's).
func load(dir string, files []string) (Project, error) {
	p := Project{Files: files}
	byName := map[string]*Service{}
	for _, f := range files {
		if f == "-" {
			continue // compose reads it from its stdin; nothing to learn here
		}
		path := absIn(dir, f)
		if p.Dir == "" {
			p.Dir = filepath.Dir(path)
		}
		name, err := loadFile(path, byName, 0)
		if err != nil {
			return Project{}, err
		}
		if name != "" {
			p.Name = name
		}
	}
	if p.Dir == "" {
		p.Dir = dir
	}
	for _, s := range byName {
		p.Services = append(p.Services, *s)
	}
	slices.SortFunc(p.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	return p, nil
}

// loadFile adds the services of path and of what it includes to byName
// and returns its name.
func loadFile(path string, byName map[string]*Service, depth int) (string, error) {
	if depth > maxIncludeDepth {
		return "", fmt.Errorf("compose file %s: include nests deeper than %d files", path, maxIncludeDepth)
	}
	cf, err := readFile(path)
	if err != nil {
		return "", err
	}
	for _, in := range cf.Include {
		for _, p := range in.Paths {
			if _, err := loadFile(absIn(filepath.Dir(path), p), byName, depth+1); err != nil {
				return "", err
			}
		}
	}
	for name, s := range cf.Services {
		svc := byName[name]
		if svc == nil {
			svc = &Service{Name: name}
			byName[name] = svc
		}
		if s == nil {
			continue
		}
		if s.ContainerName != "" {
			svc.ContainerName = s.ContainerName
		}
		if s.Profiles != nil {
			svc.Profiles = s.Profiles
		}
	}
	return cf.Name, nil
}

func readFile(path string) (file, error) {
	var cf file
	f, err := os.Open(path)
	if err != nil {
		return cf, fmt.Errorf("cannot read compose file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return cf, fmt.Errorf("cannot read compose file %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return cf, fmt.Errorf("compose file %s is larger than %d bytes", path, maxFileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&cf); err != nil && !errors.Is(err, io.EOF) {
		return file{}, fmt.Errorf("compose file %s is not valid YAML of a compose file: %w; check it with `docker compose config`", path, err)
	}
	return cf, nil
}

// ServiceNames lists every service.
func (p *Project) ServiceNames() []string {
	names := make([]string, len(p.Services))
	for i, s := range p.Services {
		names[i] = s.Name
	}
	return names
}

// Started lists the services `up` starts: the named ones, else those with
// no profile or an active one.
func (p *Project) Started(named []string) []string {
	if len(named) > 0 {
		return named
	}
	var out []string
	for _, s := range p.Services {
		if len(s.Profiles) == 0 || slices.ContainsFunc(s.Profiles, func(pr string) bool {
			return slices.Contains(p.Profiles, pr) || slices.Contains(p.Profiles, "*")
		}) {
			out = append(out, s.Name)
		}
	}
	return out
}

// NormalizeName turns a directory name into a project name as compose does:
// lower case, only a-z, 0-9, _ and -, starting with a letter or digit.
func NormalizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return -1
	}, s)
	return strings.TrimLeft(s, "_-")
}

// Attribute names the service and the container of a line whose prefix was
// label (see SplitLine). Compose v2 prints web-1 for the container
// shop-web-1; v1 prints shop_web_1 itself; container_name is printed as
// is. service is empty when label names no known service.
func (p *Project) Attribute(label string) (service, container string) {
	for _, s := range p.Services {
		if s.ContainerName != "" && s.ContainerName == label {
			return s.Name, label
		}
	}
	for _, sep := range []string{"-", "_"} {
		for _, s := range p.Services {
			if rest, ok := strings.CutPrefix(label, p.Name+sep+s.Name+sep); ok && allDigits(rest) {
				return s.Name, label
			}
		}
	}
	for _, sep := range []string{"-", "_"} {
		for _, s := range p.Services {
			if rest, ok := strings.CutPrefix(label, s.Name+sep); ok && allDigits(rest) {
				return s.Name, p.Name + sep + label
			}
		}
	}
	return "", label
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
