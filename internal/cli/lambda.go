package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdLambda is a placeholder until the lambda command lands; it fails loudly.
func NewCmdLambda(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "lambda",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("lambda: not implemented yet")
		},
	}
}
