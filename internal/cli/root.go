// Package cli is rootwatch's command-line face: one file per command (or
// command group), each with an options struct, a NewCmdX constructor and
// a run function, wired here.
package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/store"
)

// Execute builds the command tree and runs it with the process arguments.
func Execute(ctx context.Context, f *Factory) error {
	root := NewRootCmd(f)
	if f.Getenv(envLambdaRuntime) != "" && len(os.Args) == 1 {
		// Inside AWS Lambda the bootstrap runs with no arguments.
		root.SetArgs([]string{"lambda"})
	}
	return root.ExecuteContext(ctx)
}

// NewRootCmd builds the whole command tree. Every subcommand is listed
// here, explicitly: no init() registration.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "rootwatch",
		Short: "Make sure nobody uses an AWS account's root user unnoticed (CIS AWS Foundations 4.3)",
		Long: `rootwatch audits, fixes, scans for and watches the use of the AWS root user,
per CIS AWS Foundations Benchmark v3.0.0 control 4.3 ("Ensure usage of the
'root' account is monitored").`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(f.In)
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().StringVar(&f.JournalKeyFile, "journal-key-file", "",
		"HMAC key that signs the change journal, kept outside the store (default: $"+store.EnvJournalKey+" (hex), else "+defaultKeyHint()+", created 0600)")
	root.AddCommand(
		NewCmdVersion(f),
		NewCmdPattern(f),
		NewCmdScan(f),
		NewCmdAudit(f),
		NewCmdFix(f),
		NewCmdBackout(f),
		NewCmdVerify(f),
		NewCmdWatch(f),
		NewCmdHealthcheck(f),
		NewCmdAlerts(f),
		NewCmdCorrections(f),
		NewCmdNotify(f),
		NewCmdTemplate(f),
		NewCmdLambda(f),
	)
	requireSubcommand(root)
	return root
}
