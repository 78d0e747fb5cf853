package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spotlight-dev/spotlight/internal/compose"
)

// Detected types recorded in the registry's detectedType field.
const (
	DetectedCommand     = "command"
	DetectedPackageJSON = "package.json"
)

// packageScripts are the package.json scripts `spotlight run` looks for when
// no command is given, in order of preference.
func packageScripts() []string { return []string{"dev", "develop", "serve", "start"} }

// maxPackageJSON bounds how much of package.json is read: real ones are a few
// KiB; a huge file is not a manifest worth parsing.
const maxPackageJSON = 4 << 20

// Command is what `spotlight run` starts.
type Command struct {
	// Argv is the program and its arguments as passed to exec.
	Argv []string
	// Display is the command line as a string (registry "command").
	Display string
	// CmdArgs are the arguments the user gave (registry "cmdArgs"); for a
	// package.json script, the script name and its text.
	CmdArgs []string
	// DetectedType is DetectedCommand, DetectedPackageJSON or DetectedCompose.
	DetectedType string
	// ProjectName is package.json's name, else the basename of the directory.
	ProjectName string
	// BinDir, when set, goes first on the child's PATH (./node_modules/.bin).
	BinDir string
	// compose is set for a Docker Compose `up`, which run wires differently.
	compose *composeRun
}

// ErrNoCommand means no command was given and none could be detected.
var ErrNoCommand = errors.New("no command to run")

// Resolve works out the command for args (everything after `spotlight run`)
// in directory dir. With no args it runs the first package.json script of
// dev, develop, serve, start through the shell.
func Resolve(args []string, dir string) (Command, error) {
	pkg, pkgErr := readPackageJSON(dir)
	name := pkg.Name
	if name == "" {
		name = filepath.Base(dir)
	}
	if len(args) > 0 {
		return Command{
			Argv:         args,
			Display:      joinCommandLine(args),
			CmdArgs:      args,
			DetectedType: DetectedCommand,
			ProjectName:  name,
		}, nil
	}
	if pkgErr != nil && !errors.Is(pkgErr, os.ErrNotExist) {
		return Command{}, fmt.Errorf("%w: %v; fix package.json or give a command, e.g. `spotlight run npm run dev`", ErrNoCommand, pkgErr)
	}
	for _, script := range packageScripts() {
		text, ok := pkg.Scripts[script]
		if !ok || strings.TrimSpace(text) == "" {
			continue
		}
		return Command{
			Argv:         []string{"/bin/sh", "-c", text},
			Display:      text,
			CmdArgs:      []string{script, text},
			DetectedType: DetectedPackageJSON,
			ProjectName:  name,
			BinDir:       filepath.Join(dir, "node_modules", ".bin"),
		}, nil
	}
	where := "no package.json in " + dir
	if pkgErr == nil {
		where = "package.json in " + dir + " has none of them"
	}
	return Command{}, fmt.Errorf("%w: looked for a package.json script named %s (%s) and a Docker Compose file (%s); give the command instead, e.g. `spotlight run npm run dev`",
		ErrNoCommand, strings.Join(packageScripts(), ", "), where, strings.Join(compose.DefaultFileNames(), ", "))
}

type packageJSON struct {
	Name    string            `json:"name"`
	Scripts map[string]string `json:"scripts"`
}

func readPackageJSON(dir string) (packageJSON, error) {
	var pkg packageJSON
	f, err := os.Open(filepath.Join(dir, "package.json"))
	if err != nil {
		return pkg, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPackageJSON+1))
	if err != nil {
		return pkg, err
	}
	if len(data) > maxPackageJSON {
		return pkg, fmt.Errorf("package.json in %s is larger than %d bytes", dir, maxPackageJSON)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		return packageJSON{}, fmt.Errorf("package.json in %s is not valid JSON: %w", dir, err)
	}
	return pkg, nil
}

// joinCommandLine renders argv as a shell-like string, quoting arguments
// that need it, so the registry's "command" can be read back by a human.
func joinCommandLine(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = shellQuote(a)
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
