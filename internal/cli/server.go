package cli

// STUB: replaced by the sidecar work.

import "github.com/spf13/cobra"

type serverOptions struct{}

func addServerCommand(root *cobra.Command, env *Env) *serverOptions {
	return &serverOptions{}
}

func runServerCmd(cmd *cobra.Command, opts *serverOptions, args []string) error { return nil }

func serverArgs(cmd *cobra.Command, args []string) error { return nil }
