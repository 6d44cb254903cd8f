package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdNotify is a placeholder until the notify command lands; it fails loudly.
func NewCmdNotify(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "notify",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("notify: not implemented yet")
		},
	}
}
