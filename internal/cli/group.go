package cli

import (
	"github.com/spf13/cobra"
)

// requireSubcommand makes every command group (a command that only holds
// subcommands) reject a word that names none of them as a usage error.
// Left alone, cobra prints the group's help and exits 0 for
// "rootwatch pattern tset", and returns a plain error (exit 1) for an
// unknown command at the root; a script would take either for success or
// for a failure of the command itself.
func requireSubcommand(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		requireSubcommand(c)
	}
	if cmd.Runnable() || !cmd.HasSubCommands() {
		return
	}
	cmd.Args = usageArgs(cobra.NoArgs)
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
}
