package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewCmdAudit is a placeholder until the audit command lands; it fails loudly.
func NewCmdAudit(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "audit",
		Short: "(not yet implemented)",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("audit: not implemented yet")
		},
	}
}
