package cli

// STUB: replaced by the work on `spotlight list`.

import "github.com/spf13/cobra"

func newListCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "list", Short: "not implemented yet"}
}
