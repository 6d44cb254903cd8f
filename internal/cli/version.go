package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version, commit and buildDate are set at link time (scripts/release.sh,
// make build): -ldflags "-X github.com/rootwatch/rootwatch/internal/cli.version=v1.2.3 ...".
// They are the only package-level variables, written only by the linker.
// Unset, they come from the build information the go command records
// (`go install ...@v1.2.3` records the module version; a build in a git
// checkout records the revision and its time).
var (
	version   = "dev"
	commit    = ""
	buildDate = ""
)

// NewCmdVersion prints the version, the VCS revision and the Go toolchain.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the rootwatch version",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, rev, date := buildStamp()
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "rootwatch %s (revision %s, built %s, %s, %s/%s)\n",
				v, rev, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

// buildStamp is the version, revision and build date: the linker's, else
// the build information's, else "dev"/"unknown".
func buildStamp() (v, rev, date string) {
	v, rev, date = version, commit, buildDate
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && rev == "":
				rev = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	if rev == "" {
		rev = "unknown"
	}
	if date == "" {
		date = "unknown"
	}
	return v, rev, date
}
