package cli

// STUB: replaced by the work on `spotlight terminate`.

import "github.com/spf13/cobra"

func newTerminateCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "terminate", Short: "not implemented yet"}
}
