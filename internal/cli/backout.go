package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/audit"
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
	// Alarm picks the alarm to switch when several implement the control.
	Alarm string
	// For, with --disable-actions, schedules the actions back on in AWS.
	For time.Duration
	// Regions and Org say where the audit looks for the control's alarms.
	Regions []string
	Org     bool
	Retry   awsread.Retry

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
		Long: `backout follows the CIS 4.3 backout plan.

  --disable-actions  the alarm that implements the control stays but
                     notifies nobody (DisableAlarmActions)
  --enable-actions   notifications resume (EnableAlarmActions)
  --remove           delete exactly what fix created (metric filter, alarm,
                     topic, subscriptions, and with --with-trail-delivery the
                     log group and role) and put back what it changed (a
                     topic policy, an alarm, a trail's delivery), newest first

The action switches work on the alarm the audit finds implementing the
control, whoever created it (rootwatch fix, the CIS guides'
RootAccountUsageAlarm, Terraform): switching its actions uses the chain,
it does not take it over. When an account has several, --alarm NAME picks
one. With nothing that implements the control they exit 3.

--disable-actions --for 2h also creates a one-time EventBridge Scheduler
schedule (with its own role, allowed only cloudwatch:EnableAlarmActions on
that alarm) that enables the actions again in AWS after 2 hours, even if
rootwatch never runs again; --enable-actions removes it sooner.

--remove touches only what the journal in the store says rootwatch made
and the live resource proves is still rootwatch's.

Every change is journaled. The plan is shown first; on a terminal backout
asks, --yes applies without asking, --dry-run only shows it. Running it
again changes nothing.`,
		Example: `  rootwatch backout --disable-actions --for 2h
  rootwatch backout --disable-actions --alarm RootAccountUsageAlarm --dry-run
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
			if err := opts.check(cmd.Flags().Changed("for")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return backoutRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&disable, "disable-actions", false, "disable the actions of the alarm that implements the control")
	fl.BoolVar(&enable, "enable-actions", false, "enable the actions of the alarm that implements the control again (and remove a --for schedule)")
	fl.BoolVar(&remove, "remove", false, "delete what rootwatch created and restore what it changed")
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	fl.StringVar(&opts.Region, "region", "", "region for API calls that are not regional")
	fl.StringVar(&opts.RoleName, "role-name", awsread.DefaultRoleName, "role to assume in accounts other than the caller's")
	fl.StringVar(&opts.Store, "store", "", "journal store: a SQLite file or postgres://... (default: "+defaultStoreHint()+")")
	fl.StringArrayVar(&opts.Accounts, "account", nil, "only back out in this account (repeatable; default: every account in the journal)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "apply without asking")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "only show the plan")
	fl.BoolVar(&opts.AllowUnsigned, "allow-unsigned-journal", false, "also act on journal rows written before rootwatch signed its journal (each live resource is still checked)")
	fl.StringVar(&opts.Alarm, "alarm", "", "with --disable-actions/--enable-actions: the alarm to switch when several implement the control")
	fl.DurationVar(&opts.For, "for", 0, "with --disable-actions: have AWS enable the actions again after this long (e.g. 2h), by a one-time EventBridge Scheduler schedule")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "look for the control's alarms only in these regions, comma-separated (default: every enabled region)")
	fl.BoolVar(&opts.Org, "org", false, "look for the control's alarms in every account of the organization")
	return cmd
}

// minFor is the shortest --for: a schedule at a time already passed by
// the time it is created would never run.
const minFor = time.Minute

func (o *BackoutOptions) check(forSet bool) error {
	switching := o.Mode == fix.BackoutDisable || o.Mode == fix.BackoutEnable
	switch {
	case forSet && o.Mode != fix.BackoutDisable:
		return exitcode.Usagef("--for only applies with --disable-actions")
	case forSet && o.For < minFor:
		return exitcode.Usagef("--for %s: give at least %s", o.For, minFor)
	case o.Alarm != "" && !switching:
		return exitcode.Usagef("--alarm only applies with --disable-actions or --enable-actions")
	}
	for _, a := range o.Accounts {
		if !isAccountID(a) {
			return exitcode.Usagef("--account %q: an account ID is 12 digits", a)
		}
	}
	return nil
}

// controlAlarms audits the accounts and lists the alarms that implement
// the control, as audit sees them, and the accounts whose chain could not
// be judged (UNKNOWN): there, "no alarm" may only mean "not read".
func controlAlarms(ctx context.Context, f *Factory, rd awsread.Dialer, o *BackoutOptions) ([]audit.ControlAlarm, []string, error) {
	co := awsread.Options{Regions: o.Regions, Org: o.Org, RoleName: o.RoleName, Retry: o.Retry, DefaultRegion: o.Region, Now: f.Now}
	snap, err := awsread.Collect(ctx, rd, co)
	if err != nil {
		return nil, nil, err
	}
	var unknown []string
	for _, a := range audit.Evaluate(snap).Accounts {
		if a.Status != audit.Unknown {
			continue
		}
		for _, l := range a.Links {
			if l.Name == a.BrokenLink {
				unknown = append(unknown, fmt.Sprintf("account %s: %s link UNKNOWN: %s", a.Account, l.Name, l.Detail))
			}
		}
	}
	return audit.ControlAlarms(snap), unknown, nil
}

func backoutRun(ctx context.Context, f *Factory, o *BackoutOptions) error {
	s, j, err := openJournal(ctx, o.Store, f)
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	defer func() { _ = s.Close() }()
	rd, wd, _, err := openReadWrite(ctx, o.AWS, o.RoleName)
	if err != nil {
		return fmt.Errorf("backout: %w", err)
	}
	req := fix.BackoutRequest{Mode: o.Mode, Accounts: o.Accounts, AllowUnsigned: o.AllowUnsigned, Alarm: o.Alarm, For: o.For, Now: f.Now()}
	var unknown []string
	if o.Mode != fix.BackoutRemove {
		if req.Control, unknown, err = controlAlarms(ctx, f, rd, o); err != nil {
			return fmt.Errorf("backout: %w", err)
		}
	}
	bp, err := fix.PlanBackout(ctx, wd, j, req)
	var none *fix.NoControlError
	var ambiguous *fix.AmbiguousAlarmError
	switch {
	case errors.As(err, &none) && len(unknown) > 0:
		// Not "nothing implements the control": what could not be read
		// may hold it.
		return exitcode.New(exitcode.Partial, fmt.Errorf("backout: found no alarm that implements the control, but could not read everything: %s", safetext.Terminal(strings.Join(unknown, "; "))))
	case errors.As(err, &none):
		return exitcode.New(exitcode.NoControl, fmt.Errorf("backout: %w", err))
	case errors.As(err, &ambiguous):
		return exitcode.Usagef("backout: %v", err)
	case err != nil:
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
