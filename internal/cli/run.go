package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/runner"
)

type runOptions struct {
	port   int
	format string
	open   bool
	grace  time.Duration
	buf    bufferFlags
	events string // --events: file (or - for stdout) for SDK events
	keep   bool
}

func newRunCmd(env *Env) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [flags] [--] [command [args...]]",
		Short: "Run your dev server with a Spotlight sidecar of its own",
		Long: `Run a command (your dev server) with a Spotlight sidecar on a free port.

The command gets SENTRY_SPOTLIGHT and NEXT_PUBLIC_SENTRY_SPOTLIGHT set to
http://localhost:<port>/stream and SENTRY_TRACES_SAMPLE_RATE=1.

It also gets SENTRY_DSN=http://spotlight@localhost:<port>/0 when SENTRY_DSN
is unset, so SDKs without Spotlight support (sentry-go, older Python) report
with no code change; an SDK that reads both sends each envelope twice, and
the sidecar keeps one.

Its output reaches the terminal unchanged, and each line also becomes a log
in Spotlight (until the app's own SDK sends the same lines as logs). What the
app's SDK sends is printed to stderr as it arrives, in the format of -f, or to
the file --events names (- for stdout).

With --keep the sidecar keeps serving after the command exits (a short
script's events and UI stay), until Ctrl+C.

Without a command, the first of the package.json scripts dev, develop, serve
and start is run, or, in a folder with a compose.yml (or COMPOSE_FILE set),
docker compose up; with both, you are asked which. Everything after the
command's name belongs to it.

Docker Compose (docker compose up, docker-compose up) gets one extra
temporary compose file giving every service SENTRY_SPOTLIGHT=
http://host.docker.internal:<port>/stream; on Linux the sidecar also takes
envelopes on the docker bridge address (docker0, or SPOTLIGHT_DOCKER_HOST_IP).
Each "web-1  | line" becomes a log naming its service and container.`,
		Example: `  spotlight run npm run dev
  spotlight run -p 3001 node server.js --inspect
  spotlight run -f json --events events.jsonl npm run dev
  spotlight run --keep python3 script.py
  spotlight run docker compose -f compose.yml -f compose.dev.yml up --build
  spotlight run`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd.Context(), env, opts, cmd.Root().Version, args)
		},
	}
	// Flags after the command's name are the command's, not ours.
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().IntVarP(&opts.port, "port", "p", 0, "sidecar port (default: a free port)")
	cmd.Flags().StringVarP(&opts.format, "format", "f", string(format.Human), "how SDK events are printed: human, json, logfmt or md")
	cmd.Flags().BoolVarP(&opts.open, "open", "o", false, "open the Spotlight UI in a browser")
	opts.buf.addFlags(cmd)
	cmd.Flags().DurationVar(&opts.grace, "grace", runner.DefaultGrace, "how long the command may take to exit after a forwarded signal before it is killed")
	cmd.Flags().StringVar(&opts.events, "events", "", "print SDK events to this file (- for stdout) instead of stderr, e.g. -f json --events events.jsonl")
	cmd.Flags().BoolVar(&opts.keep, "keep", false, "keep the sidecar (events, UI) serving after the command exits, until Ctrl+C")
	return cmd
}

func runRun(ctx context.Context, env *Env, opts *runOptions, version string, args []string) error {
	f, err := format.ParseFormat(opts.format)
	if err != nil {
		return err
	}
	if opts.port < 0 || opts.port > 65535 {
		return fmt.Errorf("port %d is out of range: use 1-65535, or leave -p out for a free port", opts.port)
	}
	if opts.grace <= 0 {
		return fmt.Errorf("--grace %s must be positive, e.g. --grace 10s", opts.grace)
	}
	bounds, err := opts.buf.options(env.Getenv)
	if err != nil {
		return err
	}
	dir, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("cannot read the current directory: %w", err)
	}
	applyMemoryLimit(env, bounds)
	events, color := env.Err, isTerminal(env.Err)
	switch opts.events {
	case "":
	case "-":
		events, color = env.Out, isTerminal(env.Out)
	default:
		f, err := os.OpenFile(opts.events, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return fmt.Errorf("--events: %w", err)
		}
		defer f.Close()
		events, color = f, false
	}
	code, err := runner.Run(ctx, runner.Options{
		Bounds:  bounds,
		Args:    args,
		Dir:     dir,
		Environ: os.Environ(),
		Getenv:  env.Getenv,
		Stdin:   env.In,
		Stdout:  env.Out,
		Stderr:  env.Err,
		Port:    opts.port,
		Format:  f,
		Color:   env.Getenv("NO_COLOR") == "" && color,
		Events:  events,
		Keep:    opts.keep,
		Open:    opts.open,
		Grace:   opts.grace,
		Logger:  env.Logger,
		Version: version,
		Now:     env.Now,
	})
	if code == 0 && err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}
