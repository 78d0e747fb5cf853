package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/controlcenter"
	"github.com/spotlight-dev/spotlight/internal/daemon"
	"github.com/spotlight-dev/spotlight/internal/mcp"
	"github.com/spotlight-dev/spotlight/internal/registry"
	"github.com/spotlight-dev/spotlight/internal/sidecar"
)

type mcpOptions struct {
	port portValue
	buf  bufferFlags // for the sidecar mcp starts when none runs
}

func newMCPCmd(env *Env) *cobra.Command {
	opts := &mcpOptions{port: portValue{port: sidecar.DefaultPort}}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the apps' errors, logs and traces to AI coding agents (MCP over stdio)",
		Long: `Serve Spotlight's MCP tools (search_errors, search_logs, search_traces, get_traces,
list_instances) over stdio, for coding agents such as Claude Code, Cursor or Codex.

If a Spotlight sidecar already runs on the port, the tools read from it; otherwise
this command starts one in the same process (SDKs then send to it as usual).
Only MCP messages are written to stdout; diagnostics go to stderr.

Agent configuration: command "spotlight", args ["mcp"]. A running sidecar also
serves the same tools over streamable HTTP at http://localhost:<port>/mcp.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMCP(cmd.Context(), env, opts, cmd.Root().Version)
		},
	}
	cmd.Flags().VarP(&opts.port, "port", "p", "port of the sidecar to read, or to start if none runs there (0: start one on a free port)")
	opts.buf.addFlags(cmd)
	return cmd
}

func runMCP(ctx context.Context, env *Env, opts *mcpOptions, version string) error {
	bounds, err := opts.buf.options(env.Getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	regDir := registry.DirFromEnv(env.Getenv)
	toolOpts := mcp.Options{Registry: mcp.OpenRegistry(regDir, env.Logger), Now: env.Now, Version: version, Logger: env.Logger}
	wanted := opts.port.port
	serveRemote := func() error {
		url := "http://localhost:" + strconv.Itoa(wanted)
		env.Logger.Info("MCP tools read the Spotlight sidecar already running", "url", url)
		toolOpts.Source = &mcp.Remote{BaseURL: url, Secret: registry.ReadSecret(regDir)}
		// `instance: "all"` reads the Control Center's merged copy.
		toolOpts.ControlCenterURL = controlcenter.URLFromEnv(env.Getenv)
		return mcp.ServeStdio(ctx, toolOpts, env.In, env.Out)
	}
	if wanted != 0 && sidecar.Probe(ctx, wanted) {
		return serveRemote()
	}

	// No sidecar there: run a complete one (instances API included, so apps
	// under `spotlight run` and the UI's Control Center work with it).
	applyMemoryLimit(env, bounds)
	d, err := daemon.New(daemon.Options{Port: wanted, Bounds: bounds, Logger: env.Logger, Getenv: env.Getenv, Version: version, WatchRegistry: true})
	if err != nil {
		return err
	}
	if d.RegistryErr != nil {
		env.Logger.Warn("the Control Center cannot list instances", "err", d.RegistryErr)
	}
	if err := d.Listen(); err != nil {
		if errors.Is(err, sidecar.ErrPortInUse) {
			if sidecar.Probe(ctx, wanted) { // another one started meanwhile
				return serveRemote()
			}
			return fmt.Errorf("port %d is in use by a program that is not Spotlight: stop it, or give spotlight mcp another port with --port", wanted)
		}
		return err
	}
	toolOpts = d.MCPOptions()
	toolOpts.Now = env.Now
	env.Logger.Info("started a Spotlight sidecar for the MCP tools", "url", d.URL())
	if n := d.CaptureNotice(); n != "" {
		env.Logger.Info(n)
	}

	served := make(chan error, 1)
	go func() { served <- d.Serve(ctx) }()
	err = mcp.ServeStdio(ctx, toolOpts, env.In, env.Out)
	cancel() // the client hung up (or we were signalled): stop the sidecar too
	return errors.Join(err, <-served)
}
