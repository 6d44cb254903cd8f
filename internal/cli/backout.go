package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/safetext"
)

// BackoutOptions are the backout command's flags and dependencies.
type BackoutOptions struct {
	Profile  string
	Region   string
	RoleName string
	Store    string
	Accounts []string
	Yes      bool
	DryRun   bool
	Mode     fix.BackoutMode
	// AllowUnsigned acts on journal rows written before rows were signed.
	AllowUnsigned bool

	Out         io.Writer
	Interactive bool
	AWS         awsAccess
	Sleep       func(ctx context.Context, d time.Duration) error
}

// NewCmdBackout builds `rootwatch backout`.
func NewCmdBackout(f *Factory) *cobra.Command { return newCmdBackout(f, nil) }

func newCmdBackout(f *Factory, runF func(context.Context, *BackoutOptions) error) *cobra.Command {
	opts := &BackoutOptions{}
	opts.AWS = sdkAccess(f, &opts.Profile, &opts.Region)
	var disable, enable, remove bool
	cmd := &cobra.Command{
		Use:   "backout (--disable-actions | --enable-actions | --remove)",
		Short: "Take back what rootwatch fix did: switch the alarm's actions off or on, or remove it all",
		Long: `backout follows the CIS 4.3 backout plan on what rootwatch fix made, as its
journal in the store records it; it never touches anything else.

  --disable-actions  the alarm stays but notifies nobody (DisableAlarmActions)
  --enable-actions   notifications resume (EnableAlarmActions)
  --remove           delete exactly what fix created (metric filter, alarm,
                     topic, subscriptions, and with --with-trail-delivery the
                     log group and role) and put back what it changed (a
                     topic policy, an alarm, a trail's delivery), newest first

The plan is shown first; on a terminal backout asks, --yes applies without
asking, --dry-run only shows it. Running it again changes nothing.`,
		Example: `  rootwatch backout --disable-actions
  rootwatch backout --enable-actions --yes
  rootwatch backout --remove --dry-run`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = f.Out
			opts.Interactive = stdinIsTerminal(f)
			n := 0
			for mode, set := range map[fix.BackoutMode]bool{fix.BackoutDisable: disable, fix.BackoutEnable: enable, fix.BackoutRemove: remove} {
				if set {
					opts.Mode = mode
					n++
				}
			}
			if n != 1 {
				return exitcode.Usagef("backout: give exactly one of --disable-actions, --enable-actions, --remove")
			}
			if opts.Yes && opts.DryRun {
				return exitcode.Usagef("--yes and --dry-run contradict each other")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return backoutRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&disable, "disable-actions", false, "disable the actions of rootwatch's alarms")
	fl.BoolVar(&enable, "enable-actions", false, "enable the actions of rootwatch's alarms again")
	fl.BoolVar(&remove, "remove", false, "delete what rootwatch created and restore what it changed")
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	fl.StringVar(&opts.Region, "region", "", "region for API calls that are not regional")
	fl.StringVar(&opts.RoleName, "role-name", awsread.DefaultRoleName, "role to assume in accounts other than the caller's")
	fl.StringVar(&opts.Store, "store", "", "journal store: a SQLite file or postgres://... (default: "+defaultStoreHint()+")")
	fl.StringArrayVar(&opts.Accounts, "account", nil, "only back out in this account (repeatable; default: every account in the journal)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "apply without asking")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "only show the plan")
	fl.BoolVar(&opts.AllowUnsigned, "allow-unsigned-journal", false, "also act on journal rows written before rootwatch signed its journal (each live resource is still checked)")
	return cmd
}

func backoutRun(ctx context.Context, f *Factory, o *BackoutOptions) error {
	s, j, err := openJournal(ctx, o.Store, f)
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	defer func() { _ = s.Close() }()
	wd, _, err := openWriter(ctx, o.AWS, o.RoleName)
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	bp, err := fix.PlanBackout(ctx, wd, j, fix.BackoutRequest{Mode: o.Mode, Accounts: o.Accounts, AllowUnsigned: o.AllowUnsigned})
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	plan := bp.Plan
	verb := "apply with --yes, or answer yes below"
	if o.DryRun {
		verb = "dry run: nothing will be changed"
	}
	if err := fix.Render(o.Out, plan, verb); err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	planErr := exitForPlan(plan)
	if len(bp.Refused) > 0 {
		_, _ = fmt.Fprintf(o.Out, "\nRefused (%d): rootwatch touches only what it made\n", len(bp.Refused))
		for _, r := range bp.Refused {
			_, _ = fmt.Fprintf(o.Out, "  ! %s\n", safetext.Terminal(r.String()))
		}
		planErr = exitcode.New(exitcode.Partial, fmt.Errorf("backout: refused %d journal change(s) (see above)", len(bp.Refused)))
	}
	if o.DryRun || plan.Empty() {
		return planErr
	}
	if err := confirm(f, o.Interactive, o.Yes, "backout", "Do you want rootwatch to make these changes?"); err != nil {
		return err
	}
	run, err := j.StartRun(ctx, "backout", "--"+string(o.Mode))
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	ap := &fix.Applier{Dialer: wd, Recorder: run, Reverted: j, Sleep: o.Sleep}
	res, err := applyJournaled(ctx, ap, plan, run)
	_, _ = fmt.Fprint(o.Out, "\n"+res.Summary())
	if err != nil {
		return fmt.Errorf("backout: journal: %w", err)
	}
	if e := applyExit("backout", res); e != nil {
		return e
	}
	_, _ = fmt.Fprintf(o.Out, "Done (journal run %s).\n", run.ID)
	return planErr
}
