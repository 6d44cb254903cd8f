package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdScan is a placeholder until the scan command lands; it fails loudly.
func NewCmdScan(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "scan",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("scan: not implemented yet")
		},
	}
}
