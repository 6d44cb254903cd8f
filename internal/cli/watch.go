package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdWatch is a placeholder until the watch command lands; it fails loudly.
func NewCmdWatch(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "watch",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("watch: not implemented yet")
		},
	}
}
