package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
)

// VerifyOptions are the verify command's flags and dependencies.
type VerifyOptions struct {
	Live     bool
	Profile  string
	Region   string
	RoleName string
	Store    string
	Alarm    string
	Account  string
	Timeout  time.Duration

	Out   io.Writer
	AWS   awsAccess
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewCmdVerify builds `rootwatch verify`.
func NewCmdVerify(f *Factory) *cobra.Command { return newCmdVerify(f, nil) }

func newCmdVerify(f *Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{}
	opts.AWS = sdkAccess(f, &opts.Profile, &opts.Region)
	cmd := &cobra.Command{
		Use:   "verify --live",
		Short: "LIVE TEST: fire the root-usage alarm to prove a notification really goes out",
		Long: `verify --live proves the alarm path reaches a person: it sets the alarm to
ALARM with SetAlarmState, reads the alarm history until CloudWatch records
"Successfully executed action" for each SNS topic (or a failure, or the
timeout passes), reports, and puts the alarm back to the state it had.

THIS SENDS A REAL NOTIFICATION to every subscriber of the alarm's topics
(the message says it is a rootwatch test). That is why --live is required.

By default it tests the alarms rootwatch fix made or changed, as the
journal records them; --alarm NAME --region REGION tests any alarm of the
caller's account (or --account).

Exit status: 0 every alarm notified, 3 some did not, 1 error, 2 usage.`,
		Example: `  rootwatch verify --live
  rootwatch verify --live --alarm RootAccountUsage --region us-east-1`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out, opts.Now = f.Out, f.Now
			if !opts.Live {
				return exitcode.Usagef("verify sends a real notification to the alarm's subscribers; pass --live to do it")
			}
			if opts.Alarm != "" && opts.Region == "" {
				return exitcode.Usagef("--alarm needs --region")
			}
			if opts.Timeout <= 0 {
				return exitcode.Usagef("--timeout must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Live, "live", false, "really fire the alarm (required: subscribers are notified)")
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	fl.StringVar(&opts.Region, "region", "", "region of --alarm (and for API calls)")
	fl.StringVar(&opts.RoleName, "role-name", awsread.DefaultRoleName, "role to assume in accounts other than the caller's")
	fl.StringVar(&opts.Store, "store", "", "journal store: a SQLite file or postgres://... (default: "+defaultStoreHint()+")")
	fl.StringVar(&opts.Alarm, "alarm", "", "test this alarm instead of the journal's")
	fl.StringVar(&opts.Account, "account", "", "account of --alarm (default: the caller's)")
	fl.DurationVar(&opts.Timeout, "timeout", 2*time.Minute, "how long to wait for CloudWatch to run the action")
	return cmd
}

func verifyRun(ctx context.Context, f *Factory, o *VerifyOptions) error {
	wd, caller, err := openWriter(ctx, o.AWS, o.RoleName)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	s, j, err := openJournal(ctx, o.Store, f)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer func() { _ = s.Close() }()
	var targets []fix.VerifyTarget
	if o.Alarm != "" {
		acct := o.Account
		if acct == "" {
			acct = caller
		}
		targets = append(targets, fix.VerifyTarget{Account: acct, Region: o.Region, Alarm: o.Alarm})
	} else {
		changes, err := j.Changes(ctx, store.ChangeQuery{Statuses: []string{store.ChangeDone}, Unreverted: true, ExcludeCommands: []string{"backout", "verify"}})
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		for _, c := range changes {
			t := fix.VerifyTarget{Account: c.Account, Region: c.Region, Alarm: c.Resource}
			if fix.Kind(c.Kind) == fix.KindAlarm && !slices.Contains(targets, t) {
				targets = append(targets, t)
			}
		}
		if len(targets) == 0 {
			return exitcode.Usagef("verify: the journal holds no alarm rootwatch made; run rootwatch fix first, or name one with --alarm NAME --region REGION")
		}
	}
	run, err := j.StartRun(ctx, "verify", "--live")
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	v := &fix.Verifier{Dialer: wd, Now: o.Now, Sleep: o.Sleep, Timeout: o.Timeout, Recorder: run}
	if v.Sleep == nil {
		v.Sleep = fix.SleepCtx
	}
	failed := 0
	for _, t := range targets {
		_, _ = fmt.Fprintf(o.Out, "LIVE TEST of alarm %s (account %s, %s): subscribers will receive a test notification\n", t.Alarm, t.Account, t.Region)
		r := v.Verify(ctx, t)
		for _, l := range r.Lines {
			_, _ = fmt.Fprintf(o.Out, "  %s\n", l)
		}
		if r.Err != nil {
			_, _ = fmt.Fprintf(o.Out, "  ERROR: %v\n", r.Err)
		}
		if !r.OK || r.Err != nil || !r.Restored {
			failed++
		}
	}
	status := store.RunDone
	if failed > 0 {
		status = store.RunPartial
	}
	if err := run.Close(context.WithoutCancel(ctx), status); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if failed > 0 {
		return exitcode.New(exitcode.Findings, fmt.Errorf("verify: %d of %d alarm(s) did not prove a notification went out", failed, len(targets)))
	}
	return nil
}
