package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdTemplate is a placeholder until the template command lands; it fails loudly.
func NewCmdTemplate(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "template",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("template: not implemented yet")
		},
	}
}
