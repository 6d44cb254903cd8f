package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdPattern is a placeholder until the pattern command lands; it fails loudly.
func NewCmdPattern(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "pattern",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("pattern: not implemented yet")
		},
	}
}
