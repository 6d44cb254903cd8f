package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdCorrections is a placeholder until the corrections command lands; it fails loudly.
func NewCmdCorrections(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "corrections",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("corrections: not implemented yet")
		},
	}
}
