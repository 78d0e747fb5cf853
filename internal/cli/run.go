package cli

// STUB: replaced by the work on `spotlight run`.

import "github.com/spf13/cobra"

func newRunCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "run", Short: "not implemented yet"}
}
