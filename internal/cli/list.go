package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

type listOptions struct {
	format string
	all    bool
	// loc is the time zone of start times (time.Local unless a test sets it).
	loc *time.Location
}

func newListCmd(env *Env) *cobra.Command {
	opts := &listOptions{loc: time.Local}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the running `spotlight run` instances",
		Long: `List the instances of ` + "`spotlight run`" + ` on this machine, newest first.

By default only healthy instances are listed; --all adds unresponsive ones
(running but not answering: hung, stopped or busy) and orphaned ones (spotlight
is gone but its dev server still runs). Dead instances are removed from the
registry as a side effect.

The registry directory is $SPOTLIGHT_REGISTRY_DIR, else /tmp/spotlight-$USER/instances.`,
		Example: `  spotlight list
  spotlight list --all -f json | jq '.[].url'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), env, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", string(format.Human), "output format: human, json, logfmt or md")
	cmd.Flags().BoolVarP(&opts.all, "all", "a", false, "also list unresponsive and orphaned instances")
	return cmd
}

func runList(ctx context.Context, env *Env, opts *listOptions) error {
	f, err := format.ParseFormat(opts.format)
	if err != nil {
		return err
	}
	reg, err := openRegistry(env)
	if err != nil {
		return err
	}
	all, err := reg.List(ctx, registry.ListOptions{All: true})
	if err != nil {
		return err
	}
	shown := all
	if !opts.all {
		shown = healthyOnly(all)
	}
	if err := format.WriteInstances(env.Out, f, format.Options{Location: opts.loc}, shown); err != nil {
		return err
	}
	switch {
	case len(shown) > 0:
	case len(all) > 0:
		fmt.Fprintf(env.Err, "No healthy Spotlight instances; %d unresponsive or orphaned (see `spotlight list --all`).\n", len(all))
	default:
		fmt.Fprintln(env.Err, "No Spotlight instances are running (start one with `spotlight run <command>`).")
	}
	return nil
}

func healthyOnly(list []registry.Instance) []registry.Instance {
	var out []registry.Instance
	for _, in := range list {
		if in.Status == registry.StatusHealthy {
			out = append(out, in)
		}
	}
	return out
}

// openRegistry opens the registry directory named by the environment, with
// the command's clock and debug logger.
func openRegistry(env *Env, opts ...registry.Option) (*registry.Registry, error) {
	opts = append([]registry.Option{registry.WithClock(env.Now)}, opts...)
	if env.Logger != nil {
		opts = append(opts, registry.WithLogger(env.Logger))
	}
	return registry.Open(registry.DirFromEnv(env.Getenv), opts...)
}
