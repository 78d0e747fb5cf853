// Package cli holds the spotlight commands, one file per command. Each
// command reads its IO streams, environment and clock from an Env so tests
// can run many in one process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spotlight-dev/spotlight/internal/suggest"
)

// Env is what a command may touch of the outside world.
type Env struct {
	In     io.Reader
	Out    io.Writer // data
	Err    io.Writer // diagnostics
	Getenv func(string) string
	Now    func() time.Time
	// Logger is set from --debug / SPOTLIGHT_DEBUG before a command runs.
	Logger *slog.Logger
	// Debug is true with -d or SPOTLIGHT_DEBUG=1.
	Debug bool
}

// DefaultEnv is the process's real environment.
func DefaultEnv() *Env {
	return &Env{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv, Now: time.Now}
}

// ExitError carries a specific exit code out of a command (e.g. the child's
// exit code under `spotlight run`). Its message, if any, is printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, env *Env, version string, args []string) int {
	root := NewRootCmd(env, version)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintf(env.Err, "spotlight: %v\n", exit.Err)
		}
		return exit.Code
	}
	fmt.Fprintf(env.Err, "spotlight: %v\n", err)
	return 1
}

// NewRootCmd builds `spotlight` and its subcommands. `spotlight` alone (or
// with a bare port) starts the sidecar, like `spotlight server`.
func NewRootCmd(env *Env, version string) *cobra.Command {
	var debug bool
	root := &cobra.Command{
		Use:           "spotlight [port]",
		Short:         "Local debugging companion for apps that use Sentry SDKs",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			env.Debug = debug || env.Getenv("SPOTLIGHT_DEBUG") == "1"
			env.Logger = newLogger(env.Err, env.Debug)
		},
	}
	root.PersistentFlags().BoolVarP(&debug, "debug", "d", false, "log debug diagnostics to stderr (also SPOTLIGHT_DEBUG=1)")
	root.SuggestionsMinimumDistance = 2 // "did you mean" for lsit, rn, tial
	root.SetOut(env.Out)
	root.SetErr(env.Err)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w%s\nrun '%s --help' for the accepted flags", err, flagSuggestion(cmd, err), cmd.CommandPath())
	})

	serverOpts := addServerCommand(root, env)
	// Upstream's spelling of `spotlight mcp`, which agent configurations
	// written for it use; the note goes to stderr, stdout being MCP's.
	var stdioMCP bool
	root.Flags().BoolVar(&stdioMCP, "stdio-mcp", false, "deprecated: use `spotlight mcp`")
	_ = root.Flags().MarkHidden("stdio-mcp")
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if stdioMCP {
			if len(args) > 0 {
				return fmt.Errorf("--stdio-mcp takes no arguments (got %q); use `spotlight mcp [-p port]`", args)
			}
			fmt.Fprintln(env.Err, "spotlight: --stdio-mcp is deprecated; use `spotlight mcp` (same tools, same -p)")
			return runMCP(cmd.Context(), env, &mcpOptions{port: serverOpts.port}, cmd.Root().Version)
		}
		return runServerCmd(cmd, serverOpts, args)
	}
	root.Args = serverArgs
	root.AddCommand(
		newRunCmd(env),
		newTailCmd(env),
		newListCmd(env),
		newTerminateCmd(env),
		newMCPCmd(env),
	)
	return root
}

func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// flagSuggestion is the "did you mean" of an unknown long flag (--prot):
// the closest of the flags the command accepts, its own and inherited.
func flagSuggestion(cmd *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, "--"+f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	return suggest.DidYouMean("--"+name, names)
}
