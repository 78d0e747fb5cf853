package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/spotlight-dev/spotlight/internal/compose"
)

// DetectedCompose is the registry's detectedType of a compose project.
const DetectedCompose = "docker-compose"

// composeProbeTimeout bounds `docker compose version`, which tells the
// compose plugin from a docker without it.
const composeProbeTimeout = 5 * time.Second

// composeRun is a compose `up` that `spotlight run` wires to its sidecar.
type composeRun struct {
	inv      compose.Invocation
	project  compose.Project
	host     compose.HostAddress // where containers reach the host; IP "" = none known
	override *compose.OverrideFile

	own     *Source // compose's own lines
	mu      sync.Mutex
	sources map[string]*Source // by container label
}

// resolve works out the command: a compose `up` (given, or detected in the
// working directory) or what Resolve finds. When a compose project and a
// package.json script are both found, the user picks one on a terminal;
// without one, the error names both ways.
func resolve(o *Options) (Command, error) {
	if len(o.Args) > 0 {
		if inv, ok := compose.Parse(o.Args); ok {
			return composeCommand(inv, o)
		}
		return Resolve(o.Args, o.Dir)
	}
	files, found := compose.Detect(o.Dir, o.Getenv)
	pkg, pkgErr := Resolve(nil, o.Dir)
	if !found {
		return pkg, pkgErr
	}
	argv := composeUpArgv()
	if pkgErr == nil {
		npm := "npm run " + pkg.CmdArgs[0]
		where := strings.Join(files, ", ")
		both := fmt.Errorf("%w: %s has both a Docker Compose project (%s) and a package.json script (%s); say which to run: `spotlight run %s` or `spotlight run %s`",
			ErrNoCommand, o.Dir, where, pkg.CmdArgs[0], joinCommandLine(argv), npm)
		if !interactive(o.Stdin, o.Stderr) {
			return Command{}, both
		}
		choice, ok := ask(o.Stdin, o.Stderr, fmt.Sprintf("spotlight: this directory has a Docker Compose project (%s) and a package.json script (%s).", where, pkg.CmdArgs[0]),
			[]string{joinCommandLine(argv), npm + "  (" + pkg.Display + ")"})
		switch {
		case !ok:
			return Command{}, both
		case choice == 1:
			return pkg, nil
		}
	}
	inv, _ := compose.Parse(argv)
	return composeCommand(inv, o)
}

// composeUpArgv is the command that starts the detected project: the
// docker compose plugin when docker has it, else docker-compose (v1).
func composeUpArgv() []string {
	if _, err := exec.LookPath("docker"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), composeProbeTimeout)
		defer cancel()
		probe := exec.CommandContext(ctx, "docker", "compose", "version")
		if probe.Run() == nil {
			return []string{"docker", "compose", "up"}
		}
	}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		return []string{"docker-compose", "up"}
	}
	return []string{"docker", "compose", "up"} // its error says what is missing
}

func composeCommand(inv compose.Invocation, o *Options) (Command, error) {
	p, err := inv.Resolve(o.Dir, o.Getenv)
	if err != nil {
		return Command{}, err
	}
	return Command{
		Argv:         inv.Argv,
		Display:      joinCommandLine(inv.Argv),
		CmdArgs:      inv.Argv,
		DetectedType: DetectedCompose,
		ProjectName:  p.Name,
		compose: &composeRun{inv: inv, project: p, sources: map[string]*Source{},
			own: &Source{Attrs: []Attr{{"compose.project", p.Name}}}},
	}, nil
}

// interactive reports whether the user can be asked: stdin and stderr are
// a terminal.
func interactive(in io.Reader, out io.Writer) bool {
	fi, ok := in.(*os.File)
	fo, ok2 := out.(*os.File)
	return ok && ok2 && term.IsTerminal(int(fi.Fd())) && term.IsTerminal(int(fo.Fd()))
}

// ask shows a numbered list and returns the index chosen; ok is false when
// three answers were no choice, or stdin ended. It reads stdin a byte at a
// time: what follows the answer belongs to the child.
func ask(in io.Reader, out io.Writer, question string, options []string) (choice int, ok bool) {
	fmt.Fprintln(out, question)
	for i, opt := range options {
		fmt.Fprintf(out, "  %d) %s\n", i+1, opt)
	}
	r := bufio.NewReaderSize(oneByteReader{in}, 16)
	for range 3 {
		fmt.Fprintf(out, "Run which? [1-%d]: ", len(options))
		line, err := r.ReadString('\n')
		if n, convErr := strconv.Atoi(strings.TrimSpace(line)); convErr == nil && n >= 1 && n <= len(options) {
			return n - 1, true
		}
		if err != nil {
			break
		}
	}
	fmt.Fprintln(out)
	return 0, false
}

// oneByteReader reads at most one byte per call, so a buffered reader over
// it never takes more than the answer.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// prepare finds where containers reach the host, before the sidecar
// listens (it listens there too).
func (c *composeRun) prepare(getenv func(string) string) error {
	host, ok, err := compose.FindHostAddress(getenv)
	if err != nil {
		return err
	}
	if ok {
		c.host = host
	}
	return nil
}

// ingestHosts are the extra addresses the sidecar listens on, for
// envelopes only.
// 127.0.0.1 and ::1 are served already.
func (c *composeRun) ingestHosts() []string {
	if c == nil || c.host.IP == "" {
		return nil
	}
	if ip := net.ParseIP(c.host.IP); ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback) {
		return nil
	}
	return []string{c.host.IP}
}

// streamURL is the sidecar as containers reach it.
func streamURL(port int) string {
	return "http://" + compose.DockerHost + ":" + strconv.Itoa(port) + "/stream"
}

// wire writes the override for the sidecar on port and sets the command
// line that uses it.
func (c *composeRun) wire(cmd *Command, port int) error {
	// The containers get what any child gets, with the URL they reach.
	env := map[string]string{}
	for _, kv := range childEnv(nil, streamURL(port), "") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	data, err := compose.Override(c.project.ServiceNames(), env)
	if err != nil {
		return fmt.Errorf("cannot build the compose override: %w", err)
	}
	if c.override, err = compose.WriteOverride(data); err != nil {
		return err
	}
	cmd.Argv = c.inv.Command(c.project.Files, c.override.Path)
	cmd.Display = joinCommandLine(cmd.Argv)
	cmd.CmdArgs = cmd.Argv
	return nil
}

// remove deletes the override; a failure is reported, not fatal.
func (c *composeRun) remove(stderr io.Writer) {
	if c.override == nil {
		return
	}
	if err := c.override.Remove(); err != nil {
		fmt.Fprintf(stderr, "spotlight: warning: cannot remove the compose override %s: %v\n", c.override.Path, err)
	}
}

// announce says on start what was found and how containers reach Spotlight.
func (c *composeRun) announce(w io.Writer, port int) {
	p := &c.project
	files := strings.Join(p.Files, ", ")
	services := strings.Join(p.Started(c.inv.Services), ", ")
	if services == "" {
		services = "none found"
	}
	fmt.Fprintf(w, "spotlight: Docker Compose project %s (%s), services: %s\n", p.Name, files, services)
	reach := "spotlight: containers send to " + streamURL(port)
	switch {
	case len(c.ingestHosts()) > 0:
		reach += fmt.Sprintf("; on Linux through %s:%d (%s), which accepts envelopes only", c.host.IP, port, c.host.Source)
	case c.host.IP != "":
		reach += fmt.Sprintf("; on Linux through %s:%d (%s)", c.host.IP, port, c.host.Source)
	case runtime.GOOS == "linux":
		reach += fmt.Sprintf("; Docker Desktop forwards that to localhost, but no docker0 address was found for Docker Engine: set %s to its bridge address", compose.EnvHostIP)
	default:
		reach += " (Docker Desktop forwards it to localhost)"
	}
	fmt.Fprintln(w, reach)
	if c.inv.Detach {
		fmt.Fprintln(w, "spotlight: warning: up -d returns at once and Spotlight stops with it; leave -d out to keep Spotlight running with the containers")
	}
}

// stopSignal is what a user stopping compose by hand sends: Ctrl+C, which
// compose answers by stopping the containers (a second one forces them).
func (c *composeRun) stopSignal() syscall.Signal { return syscall.SIGINT }

// maxLabels bounds the containers whose sources are kept; lines of further
// ones get a source each time (still correct, only not shared).
const maxLabels = 256

// label turns a compose output line into a log: a container's line loses
// its `web-1  | ` prefix and names its service and container; compose's own
// lines name the project. Called from both output pumps.
func (c *composeRun) label(line []byte) ([]byte, *Source) {
	label, body, ok := compose.SplitLine(line)
	if !ok {
		return line, c.own
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if src := c.sources[string(label)]; src != nil {
		return body, src
	}
	service, container := c.project.Attribute(string(label))
	src := &Source{Attrs: []Attr{{"container.name", container}}}
	if service != "" {
		src.Attrs = append(src.Attrs, Attr{"service.name", service})
	}
	if len(c.sources) < maxLabels {
		c.sources[string(label)] = src
	}
	return body, src
}
