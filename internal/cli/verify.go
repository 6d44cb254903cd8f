package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdVerify is a placeholder until the verify command lands; it fails loudly.
func NewCmdVerify(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("verify: not implemented yet")
		},
	}
}
