package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultFileNames and DefaultOverrideFileNames are the files compose looks
// for when given none, in its order of preference: the first of each that
// exists is used.
func DefaultFileNames() []string {
	return []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}
}

func DefaultOverrideFileNames() []string {
	return []string{"compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"}
}

// Invocation is a `docker compose … up …` or `docker-compose … up …`
// command line.
type Invocation struct {
	Argv []string // as given
	V1   bool     // docker-compose (Compose v1) rather than the docker plugin
	up   int      // index of "up" in Argv

	Files       []string // -f values, in order
	ProjectName string   // -p
	ProjectDir  string   // --project-directory
	EnvFile     string   // --env-file (the last one)
	Profiles    []string // --profile values
	Services    []string // the services named after up
	Detach      bool     // up -d: compose returns at once
}

// Flags that take a value, before the subcommand (docker's own and
// compose's, v1 and v2) and after `up`. Any other flag is taken as a switch.
func globalValueFlags() []string {
	return []string{"--config", "-c", "--context", "-H", "--host", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
		"-f", "--file", "-p", "--project-name", "--profile", "--project-directory", "--env-file", "--ansi", "--progress", "--parallel"}
}

func upValueFlags() []string {
	return []string{"--scale", "-t", "--timeout", "--exit-code-from", "--attach", "--no-attach", "--pull", "--wait-timeout"}
}

// Parse recognises a compose `up` command line: docker [docker flags]
// compose [flags] up [flags] [services], or docker-compose [flags] up ….
func Parse(argv []string) (Invocation, bool) {
	inv := Invocation{Argv: argv}
	if len(argv) == 0 {
		return inv, false
	}
	i := 1
	switch filepath.Base(argv[0]) {
	case "docker-compose":
		inv.V1 = true
	case "docker":
		// docker's own flags, then the compose subcommand.
		for ; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
			if name, _, hasValue := strings.Cut(argv[i], "="); !hasValue && slices.Contains(globalValueFlags(), name) {
				i++
			}
		}
		if i >= len(argv) || argv[i] != "compose" {
			return inv, false
		}
		i++
	default:
		return inv, false
	}
	for ; i < len(argv) && strings.HasPrefix(argv[i], "-") && argv[i] != "--"; i++ {
		name, value, hasValue := strings.Cut(argv[i], "=")
		if !hasValue && len(name) > 2 && name[1] != '-' && strings.ContainsRune("fp", rune(name[1])) {
			name, value, hasValue = name[:2], name[2:], true // -fcompose.yml
		}
		if !hasValue && slices.Contains(globalValueFlags(), name) {
			if i+1 >= len(argv) {
				return inv, false
			}
			i++
			value = argv[i]
		}
		switch name {
		case "-f", "--file":
			inv.Files = append(inv.Files, value)
		case "-p", "--project-name":
			inv.ProjectName = value
		case "--profile":
			inv.Profiles = append(inv.Profiles, value)
		case "--project-directory":
			inv.ProjectDir = value
		case "--env-file":
			inv.EnvFile = value
		}
	}
	if i >= len(argv) || argv[i] != "up" {
		return inv, false
	}
	inv.up = i
	flags := true
	for i++; i < len(argv); i++ {
		a := argv[i]
		switch {
		case flags && a == "--":
			flags = false
		case flags && strings.HasPrefix(a, "-"):
			name, _, hasValue := strings.Cut(a, "=")
			if name == "-d" || name == "--detach" {
				inv.Detach = true
			}
			if !hasValue && slices.Contains(upValueFlags(), name) {
				i++
			}
		default:
			inv.Services = append(inv.Services, a)
		}
	}
	return inv, true
}

// Command returns the command line to run: the user's, with the files
// compose would have read on its own made explicit (an -f replaces them)
// and override last, so it is merged over everything else.
func (inv *Invocation) Command(files []string, override string) []string {
	out := slices.Clone(inv.Argv[:inv.up])
	if len(inv.Files) == 0 {
		for _, f := range files {
			out = append(out, "-f", f)
		}
	}
	out = append(out, "-f", override)
	return append(out, inv.Argv[inv.up:]...)
}

// Resolve finds the project inv starts, from dir (the working directory)
// and the environment (with the .env file's COMPOSE_* settings): the -f
// files, else COMPOSE_FILE, else the default files of the project
// directory or, as compose does, of its nearest parent that has one.
func (inv *Invocation) Resolve(dir string, getenv func(string) string) (Project, error) {
	getenv = withDotEnv(dotEnvPath(dir, inv.ProjectDir, inv.EnvFile), getenv)
	files := inv.Files
	if len(files) == 0 {
		files = EnvFiles(getenv)
	}
	if len(files) == 0 {
		start := dir
		if inv.ProjectDir != "" {
			start = absIn(dir, inv.ProjectDir)
		}
		found, err := findDefaultFiles(start, true)
		if err != nil {
			return Project{}, err
		}
		files = relativeTo(dir, found)
	}
	p, err := load(dir, files)
	if err != nil {
		return Project{}, err
	}
	if inv.ProjectDir != "" {
		p.Dir = absIn(dir, inv.ProjectDir)
	}
	switch {
	case inv.ProjectName != "":
		p.Name = inv.ProjectName
	case getenv("COMPOSE_PROJECT_NAME") != "":
		p.Name = getenv("COMPOSE_PROJECT_NAME")
	case p.Name != "":
		p.Name = interpolate(p.Name, getenv)
	}
	if p.Name == "" {
		p.Name = NormalizeName(filepath.Base(p.Dir))
	}
	p.Profiles = inv.Profiles
	if len(p.Profiles) == 0 {
		p.Profiles = EnvProfiles(getenv)
	}
	return p, nil
}

// Detect looks for a compose project in dir itself (not its parents: in
// a subfolder of a compose project, `spotlight run` with no command is
// more likely meant for that folder's own package.json). COMPOSE_FILE,
// when set (in the environment or dir's .env), names the files. ok is
// false when there is none.
func Detect(dir string, getenv func(string) string) (files []string, ok bool) {
	getenv = withDotEnv(dotEnvPath(dir, "", ""), getenv)
	if files = EnvFiles(getenv); len(files) > 0 {
		return files, true
	}
	found, err := findDefaultFiles(dir, false)
	if err != nil {
		return nil, false
	}
	return relativeTo(dir, found), true
}

// EnvFiles splits COMPOSE_FILE at COMPOSE_PATH_SEPARATOR (default : on
// Unix, ; on Windows).
func EnvFiles(getenv func(string) string) []string {
	sep := getenv("COMPOSE_PATH_SEPARATOR")
	if sep == "" {
		sep = string(os.PathListSeparator)
	}
	var out []string
	for f := range strings.SplitSeq(getenv("COMPOSE_FILE"), sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// EnvProfiles splits COMPOSE_PROFILES at commas.
func EnvProfiles(getenv func(string) string) []string {
	var out []string
	for p := range strings.SplitSeq(getenv("COMPOSE_PROFILES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// findDefaultFiles returns the paths of the first default file of dir and
// the first override file beside it; with up, dir's parents are searched
// too.
func findDefaultFiles(dir string, up bool) ([]string, error) {
	for d := dir; ; {
		if main := firstExisting(d, DefaultFileNames()); main != "" {
			files := []string{main}
			if o := firstExisting(d, DefaultOverrideFileNames()); o != "" {
				files = append(files, o)
			}
			return files, nil
		}
		parent := filepath.Dir(d)
		if !up || parent == d {
			break
		}
		d = parent
	}
	return nil, fmt.Errorf("no compose file in %s (looked for %s); give one with -f or run spotlight in the project's directory",
		dir, strings.Join(DefaultFileNames(), ", "))
}

func firstExisting(dir string, names []string) string {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

// relativeTo shortens paths under dir to relative ones, for a command line
// that reads as the user would write it.
func relativeTo(dir string, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
		out[i] = p
	}
	return out
}
