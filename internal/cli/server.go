package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/daemon"
	"github.com/spotlight-dev/spotlight/internal/peer"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
)

// serverOptions are the flags of `spotlight` and `spotlight server`.
type serverOptions struct {
	env     *Env
	version string
	port    portValue
	origins []string
	open    bool
	host    string
	buf     bufferFlags
}

// portValue is a -p/--port value: validated when parsed, so `-p abc` fails
// with a message saying what is accepted.
type portValue struct {
	port int
	set  bool
}

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 65535 {
		return 0, fmt.Errorf("invalid port %q: use a number from 1 to 65535 (or 0 for a free port)", s)
	}
	return n, nil
}

func (p *portValue) Set(s string) error {
	n, err := parsePort(s)
	if err != nil {
		return err
	}
	p.port, p.set = n, true
	return nil
}

func (p *portValue) String() string { return strconv.Itoa(p.port) }
func (p *portValue) Type() string   { return "port" }

func (o *serverOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.VarP(&o.port, "port", "p", "port to listen on (1-65535, or 0 for a free port); also accepted as a bare argument")
	f.StringSliceVarP(&o.origins, "allowed-origin", "A", nil, "also allow this browser origin (https://app.test:8443, exact) or domain (myapp.local, any scheme and port); repeatable, comma-separated")
	f.BoolVarP(&o.open, "open", "o", false, "open the web UI in the browser")
	o.buf.addFlags(cmd)
	f.StringVar(&o.host, "host", "", "listen on this address instead of loopback only; EXPOSES your events to every machine that can reach it (e.g. 0.0.0.0)")
}

const serverLong = `Start the Spotlight sidecar: it receives what Sentry SDKs send, keeps the
latest envelopes in memory and streams them to the web UI, spotlight tail and
spotlight mcp.

SDKs with Spotlight support: SENTRY_SPOTLIGHT=http://localhost:8969/stream
Other SDKs (e.g. sentry-go): DSN http://spotlight@localhost:8969/0

It listens on loopback only (127.0.0.1 and ::1) unless --host is given.`

// addServerCommand adds the server flags to root (`spotlight [port]`) and the
// `server` subcommand; it returns root's options.
func addServerCommand(root *cobra.Command, env *Env) *serverOptions {
	rootOpts := &serverOptions{env: env, version: root.Version, port: portValue{port: sidecar.DefaultPort}}
	rootOpts.addFlags(root)
	root.Long = serverLong

	opts := &serverOptions{env: env, version: root.Version, port: portValue{port: sidecar.DefaultPort}}
	cmd := &cobra.Command{
		Use:   "server [port]",
		Short: "Start the Spotlight sidecar (the default command)",
		Long:  serverLong,
		Args:  serverArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServerCmd(cmd, opts, args)
		},
	}
	opts.addFlags(cmd)
	root.AddCommand(cmd)
	return rootOpts
}

// serverArgs accepts at most one argument: a bare port. A first argument
// that is no port is most likely a mistyped command (`spotlight lsit`,
// `spotlight rn node app.js`), and is answered as one.
func serverArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if _, err := parsePort(args[0]); err != nil {
		if s := cmd.Root().SuggestionsFor(args[0]); len(s) > 0 {
			return fmt.Errorf("unknown command %q: did you mean %s?", args[0], strings.Join(s, " / "))
		}
		if len(args) > 1 || strings.Trim(args[0], "0123456789") != "" {
			return fmt.Errorf("unknown command %q; run '%s --help' for the commands", args[0], cmd.Root().CommandPath())
		}
		return fmt.Errorf("%w; run '%s --help' for the commands", err, cmd.CommandPath())
	}
	if len(args) > 1 {
		return fmt.Errorf("unexpected arguments %q: %s takes at most one, a port", args[1:], cmd.CommandPath())
	}
	return nil
}

func runServerCmd(cmd *cobra.Command, opts *serverOptions, args []string) error {
	port := opts.port.port
	if len(args) == 1 {
		n, _ := parsePort(args[0]) // checked by serverArgs
		if opts.port.set && n != port {
			return fmt.Errorf("port given twice (%d and --port %d): give one", n, port)
		}
		port = n
	}
	return runServer(cmd.Context(), opts, port)
}

func runServer(ctx context.Context, opts *serverOptions, port int) error {
	env := opts.env
	log := env.Logger
	bounds, err := opts.buf.options(env.Getenv)
	if err != nil {
		return err
	}
	applyMemoryLimit(env, bounds)
	d, err := daemon.New(daemon.Options{
		Bounds:         bounds,
		Host:           opts.host,
		Port:           port,
		AllowedOrigins: opts.origins,
		Logger:         log,
		Getenv:         env.Getenv,
		Version:        opts.version,
		WatchRegistry:  true,
	})
	if err != nil {
		return err
	}
	if d.RegistryErr != nil {
		log.Warn("the Control Center cannot list instances", "err", d.RegistryErr)
	}
	if err := d.Listen(); err != nil {
		if !errors.Is(err, sidecar.ErrPortInUse) {
			return err
		}
		if sidecar.Probe(ctx, port) {
			url := fmt.Sprintf("http://localhost:%d", port)
			fmt.Fprintf(env.Err, "Spotlight is already running on port %d: %s\n", port, url)
			if opts.open {
				openBrowser(env, url)
			}
			return nil
		}
		return fmt.Errorf("port %d is in use by another program: stop it, or choose another port with --port (e.g. --port %d)", port, alternativePort(port))
	}
	if opts.host != "" {
		fmt.Fprintf(env.Err, "Warning: Spotlight listens on %s: anyone who can reach this address can send it envelopes, and reading them needs your secret link (omit --host to stay on loopback)\n", opts.host)
	}
	fmt.Fprintf(env.Err, "Spotlight is running at %s\n", d.URL())
	if n := d.CaptureNotice(); n != "" {
		fmt.Fprintf(env.Err, "Spotlight is %s\n", n)
	}
	uiURL := d.URL()
	if u, ok := secretLink(d, opts.host); ok {
		uiURL = u
		fmt.Fprintf(env.Err, "Your web UI (the link carries your secret; do not share it): %s\n", uiURL)
	}
	if opts.open {
		openBrowser(env, uiURL)
	}
	err = d.Serve(ctx)
	if err == nil {
		log.Debug("stopped")
	}
	return err
}

// secretLink is the UI's URL with the per-user secret, for where the
// sidecar cannot tell the user of a connection: another machine (--host) or
// an OS without peer lookup.
func secretLink(d *daemon.Daemon, host string) (string, bool) {
	if (host == "" && peer.Supported) || d.Registry == nil {
		return "", false
	}
	secret, err := d.Registry.Secret()
	if err != nil {
		return "", false
	}
	return d.URL() + "/?spotlight_secret=" + secret, true
}

func alternativePort(port int) int {
	if port == 65535 {
		return port - 1
	}
	return port + 1
}

// openBrowser opens url with $BROWSER, else the platform's opener. Failing
// to open is a warning: the URL is printed anyway.
func openBrowser(env *Env, url string) {
	var cmd *exec.Cmd
	switch {
	case env.Getenv("BROWSER") != "":
		cmd = exec.Command(env.Getenv("BROWSER"), url)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", url)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		env.Logger.Warn("could not open the browser; open the URL yourself", "url", url, "err", err)
		return
	}
	go func() { _ = cmd.Wait() }() // reap it
}
