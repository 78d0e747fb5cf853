package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spotlight-dev/spotlight/internal/format"
	"github.com/spotlight-dev/spotlight/internal/registry"
)

func newTerminateCmd(env *Env) *cobra.Command {
	grace := registry.DefaultGracePeriod
	cmd := &cobra.Command{
		Use:   "terminate <instanceId | port | projectName>",
		Short: "Stop a `spotlight run` instance and its dev server",
		Long: `Stop a ` + "`spotlight run`" + ` instance, named by its instance id, its sidecar port or
its project name (as shown by ` + "`spotlight list --all`" + `).

spotlight gets SIGTERM (it stops its dev server and leaves the registry); if
it is gone, its orphaned dev server's process group gets SIGTERM. Whatever is
still running after the grace period gets SIGKILL. Only processes whose PID
and start time match the registry, and that are yours, are ever signalled.`,
		Example: `  spotlight terminate my-app
  spotlight terminate 54321`,
		Args: terminateArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return listTerminable(cmd.Context(), env)
			}
			return runTerminate(cmd.Context(), env, grace, args[0])
		},
	}
	cmd.Flags().DurationVar(&grace, "grace", grace, "how long to wait after SIGTERM before SIGKILL")
	return cmd
}

func terminateArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("unexpected arguments %q: %s takes one instance (an instance id, a port or a project name)", args[1:], cmd.CommandPath())
	}
	return nil
}

// listTerminable answers `spotlight terminate` without an argument: what it
// takes, and the instances it could stop.
func listTerminable(ctx context.Context, env *Env) error {
	const usage = "spotlight terminate takes the instance to stop: its instance id, its port or its project name"
	reg, err := openRegistry(env)
	if err != nil {
		return fmt.Errorf("%s (%w)", usage, err)
	}
	list, err := reg.List(ctx, registry.ListOptions{All: true})
	if err != nil {
		return fmt.Errorf("%s (%w)", usage, err)
	}
	if len(list) == 0 {
		return errors.New(usage + "; no instance is running")
	}
	fmt.Fprintf(env.Err, "%s. Running instances:\n\n", usage)
	if err := format.WriteInstances(env.Err, format.Human, format.Options{}, list); err != nil {
		return err
	}
	return &ExitError{Code: 1}
}

func runTerminate(ctx context.Context, env *Env, grace time.Duration, target string) error {
	reg, err := openRegistry(env, registry.WithGracePeriod(grace))
	if err != nil {
		return err
	}
	id, err := resolveInstance(ctx, env, reg, target)
	if err != nil {
		return err
	}
	res, err := reg.Terminate(ctx, id, fmt.Sprintf("`spotlight terminate` (pid %d)", os.Getpid()))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no instance %s in %s; see `spotlight list --all`", id, reg.Dir())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, "%s: %s\n", res.Result, res.Message)
	return nil
}

// resolveInstance finds the instance id a target names: an id as is, else
// the one live instance with that port or project name. Several matches are
// listed on stderr and nothing is terminated.
func resolveInstance(ctx context.Context, env *Env, reg *registry.Registry, target string) (string, error) {
	if registry.ValidID(strings.ToLower(target)) {
		return strings.ToLower(target), nil
	}
	list, err := reg.List(ctx, registry.ListOptions{All: true})
	if err != nil {
		return "", err
	}
	port, byPort := strconv.Atoi(target)
	var matches []registry.Instance
	for _, in := range list {
		if (byPort == nil && in.Port == port) || in.ProjectName == target {
			matches = append(matches, in)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0].InstanceID, nil
	case 0:
		return "", fmt.Errorf("no running instance has the id, port or project name %q; see `spotlight list --all`", target)
	}
	fmt.Fprintf(env.Err, "%q matches %d instances:\n", target, len(matches))
	if err := format.WriteInstances(env.Err, format.Logfmt, format.Options{}, matches); err != nil {
		return "", err
	}
	return "", fmt.Errorf("%q is ambiguous: nothing was terminated; name one instance by its instanceId", target)
}
