package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdBackout is a placeholder until the backout command lands; it fails loudly.
func NewCmdBackout(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "backout",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("backout: not implemented yet")
		},
	}
}
