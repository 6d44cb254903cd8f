package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdAlerts is a placeholder until the alerts command lands; it fails loudly.
func NewCmdAlerts(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "alerts",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("alerts: not implemented yet")
		},
	}
}
