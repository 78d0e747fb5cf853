package cli

// STUB: replaced by the work on `spotlight tail`.

import "github.com/spf13/cobra"

func newTailCmd(env *Env) *cobra.Command {
	return &cobra.Command{Use: "tail", Short: "not implemented yet"}
}
