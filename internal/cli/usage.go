package cli

import (
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// flagError turns cobra's flag parsing failures into usage errors (exit 2).
func flagError(_ *cobra.Command, err error) error {
	return exitcode.Usagef("%v", err)
}

// usageArgs wraps a cobra positional-argument validator so that its
// failures are usage errors too.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return exitcode.Usagef("%v", err)
		}
		return nil
	}
}
