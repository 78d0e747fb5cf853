package cli

// STUB: replaced by the work on `spotlight mcp`.

import "github.com/spf13/cobra"

func newMCPCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "mcp", Short: "not implemented yet"}
}
