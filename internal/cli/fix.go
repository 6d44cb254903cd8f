package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdFix is a placeholder until the fix command lands; it fails loudly.
func NewCmdFix(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "fix",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("fix: not implemented yet")
		},
	}
}
