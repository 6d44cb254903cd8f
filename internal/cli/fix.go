package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/store"
)

// FixOptions are the fix command's flags and dependencies.
type FixOptions struct {
	Profile  string
	Region   string
	Regions  []string
	Org      bool
	RoleName string
	Store    string
	Yes      bool
	DryRun   bool
	// Concurrency bounds the chains changed at once.
	Concurrency int
	// Accounts, when set, limits the plan to the chains in or covering
	// them.
	Accounts []string

	Emails     []string
	Subscribes []string
	Tags       map[string]string
	Fix        fix.Options

	Out         io.Writer
	Interactive bool
	AWS         awsAccess
	Retry       awsread.Retry
	// Sleep waits between retries (IAM propagation); tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewCmdFix builds `rootwatch fix`.
func NewCmdFix(f *Factory) *cobra.Command { return newCmdFix(f, nil) }

func newCmdFix(f *Factory, runF func(context.Context, *FixOptions) error) *cobra.Command {
	opts := &FixOptions{}
	opts.AWS = sdkAccess(f, &opts.Profile, &opts.Region)
	cmd := &cobra.Command{
		Use:   "fix",
		Short: "Put the CIS 4.3 root-usage monitoring chain in place where audit finds it broken",
		Long: `fix audits (as rootwatch audit does), then plans what each broken chain needs:
the CIS metric filter on the log group the trail really delivers to, an SNS
topic (the chain's own), a topic policy that lets CloudWatch
publish (merged into the existing policy), subscriptions (--email,
--subscribe) and the alarm (Sum >= 1 over 300 s, one period, action: the
topic, missing data not breaching).

The plan is shown first, like terraform plan. On a terminal fix asks before
changing anything; --yes applies without asking; --dry-run only shows the
plan. Running fix again changes nothing. Everything fix creates is tagged
rootwatch:managed=true and every change is journaled in the store, so that
rootwatch backout can undo exactly what fix did.

fix never creates a trail or a log group on its own: a missing trail or
CloudWatch Logs delivery is shown as a prerequisite with the exact commands.
--with-trail-delivery lets fix create the log group and the IAM role
CloudTrail needs and point the trail at them.

With --org the chain of an organization trail is fixed once, in the account
that owns its log group; other accounts are fixed each in their own. A
failure in one account does not stop the others.

fix reuses a topic only when it is already the chain's: one an alarm on
the CIS metric notifies, rootwatch's own (or the seeds' CIS-Alarms-Topic),
or the one --topic-arn names; it never subscribes to, or changes the policy
of, another team's topic.

After planning, fix audits the account as the plan would leave it (the
audit's own rules): every link that would still not PASS is listed under
"cannot repair" with the reason and the manual step (a confirmation only
the recipient can give, a trail prerequisite, a missing --email/--subscribe,
a KMS key fix does not touch, a link it could not read). The audit's
warnings (advice beyond the control) are shown as notes; fix never acts on
them. With --strict, as with audit --strict, each warning counts as a link
fix cannot repair (exit 3), with its manual step.

Exit status: 0 done (or nothing to do) and the audit would PASS, 1 error,
2 usage (including a refused confirmation without a terminal), 3 links
remain that fix cannot repair (prerequisites, pending confirmation, ...:
the manual steps are printed), 4 some chains failed or could not be
planned, or a link could not be read (re-run to resume).`,
		Example: `  rootwatch fix --dry-run
  rootwatch fix --email security@example.com
  rootwatch fix --subscribe sqs:arn:aws:sqs:us-east-1:111122223333:root-alerts --yes
  rootwatch fix --org --role-name AWSControlTowerExecution --email security@example.com --yes
  rootwatch fix --with-trail-delivery --email security@example.com`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out = f.Out
			opts.Interactive = stdinIsTerminal(f)
			if err := opts.complete(cmd.Flags().Changed("role-name")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return fixRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile (default: the SDK's default credential chain)")
	fl.StringVar(&opts.Region, "region", "", "look only in this region (and use it for API calls)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "look only in these regions, comma-separated (default: every enabled region)")
	fl.BoolVar(&opts.Org, "org", false, "fix every account of the organization (from the management account or a delegated administrator)")
	fl.StringVar(&opts.RoleName, "role-name", awsread.DefaultRoleName, "role to assume in member accounts with --org")
	fl.StringArrayVar(&opts.Accounts, "account", nil, "only fix the chains in, or covering, this account ID (repeatable; default: every account read)")
	fl.IntVar(&opts.Concurrency, "concurrency", 4, "chains (accounts) changed at once")
	fl.StringVar(&opts.Store, "store", "", "journal store: a SQLite file or postgres://... (default: "+defaultStoreHint()+")")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "apply the plan without asking")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "only show the plan")
	fl.BoolVar(&opts.Fix.Strict, "strict", false, "as audit --strict: count every warning the plan leaves as a link fix cannot repair (exit 3)")
	fl.StringArrayVar(&opts.Emails, "email", nil, "subscribe this email address to the topic (repeatable; the recipient must confirm)")
	fl.StringArrayVar(&opts.Subscribes, "subscribe", nil, "subscribe PROTOCOL:ENDPOINT, e.g. sqs:arn:aws:sqs:REGION:ACCOUNT:QUEUE or https:https://HOST/PATH (repeatable)")
	fl.StringToStringVar(&opts.Tags, "tag", nil, "extra tag KEY=VALUE on everything fix creates (repeatable)")
	fl.StringVar(&opts.Fix.FilterName, "filter-name", "", "metric filter name (default RootAccountUsage)")
	fl.StringVar(&opts.Fix.MetricNamespace, "metric-namespace", "", "metric namespace (default CISBenchmark)")
	fl.StringVar(&opts.Fix.MetricName, "metric-name", "", "metric name (default RootAccountUsage)")
	fl.StringVar(&opts.Fix.AlarmName, "alarm-name", "", "alarm name (default RootAccountUsage)")
	fl.StringVar(&opts.Fix.TopicName, "topic-name", "", "name of the topic fix creates (default rootwatch-root-usage)")
	fl.StringVar(&opts.Fix.TopicARN, "topic-arn", "", "notify this existing topic instead of reusing or creating one")
	fl.BoolVar(&opts.Fix.WithTrailDelivery, "with-trail-delivery", false, "create the log group and IAM role CloudTrail needs and point the trail at them, if it delivers to no log group")
	fl.StringVar(&opts.Fix.LogGroupName, "log-group-name", "", "log group --with-trail-delivery creates (default aws-cloudtrail-logs-rootwatch)")
	fl.StringVar(&opts.Fix.RoleName, "delivery-role-name", "", "IAM role --with-trail-delivery creates (default rootwatch-cloudtrail-to-cloudwatch-logs)")
	return cmd
}

func defaultStoreHint() string {
	if p, err := store.DefaultPath(); err == nil {
		return p
	}
	return "$XDG_STATE_HOME/rootwatch/rootwatch.db"
}

// complete checks the flags and builds fix.Options. Every endpoint is
// validated here, before any AWS call.
func (o *FixOptions) complete(roleNameSet bool) error {
	if o.Region != "" && len(o.Regions) > 0 {
		return exitcode.Usagef("--region and --regions are exclusive")
	}
	if roleNameSet && !o.Org {
		return exitcode.Usagef("--role-name only applies with --org")
	}
	if o.Yes && o.DryRun {
		return exitcode.Usagef("--yes and --dry-run contradict each other")
	}
	if o.Concurrency < 1 {
		return exitcode.Usagef("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	for _, a := range o.Accounts {
		if !isAccountID(a) {
			return exitcode.Usagef("--account %q: an account ID is 12 digits", a)
		}
	}
	o.Fix.Endpoints = nil
	for _, e := range o.Emails {
		ep, err := fix.ParseEmail(e)
		if err != nil {
			return exitcode.Usagef("%v", err)
		}
		o.Fix.Endpoints = append(o.Fix.Endpoints, ep)
	}
	for _, s := range o.Subscribes {
		ep, err := fix.ParseSubscribe(s)
		if err != nil {
			return exitcode.Usagef("%v", err)
		}
		o.Fix.Endpoints = append(o.Fix.Endpoints, ep)
	}
	o.Fix.Tags = o.Tags
	o.Fix.Retry = o.Retry
	o.Fix = o.Fix.WithDefaults()
	if err := o.Fix.Validate(); err != nil {
		return exitcode.Usagef("%v", err)
	}
	return nil
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (o *FixOptions) args() string {
	var parts []string
	if o.Org {
		parts = append(parts, "--org")
	}
	for _, e := range o.Fix.Endpoints {
		parts = append(parts, e.Protocol)
	}
	if o.Fix.WithTrailDelivery {
		parts = append(parts, "--with-trail-delivery")
	}
	return strings.Join(parts, " ")
}

func fixRun(ctx context.Context, f *Factory, o *FixOptions) error {
	rd, err := o.AWS.Read(ctx)
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	co := awsread.Options{Regions: o.Regions, Org: o.Org, RoleName: o.RoleName, Retry: o.Retry, DefaultRegion: o.Region, Now: f.Now}
	if o.Region != "" {
		co.Regions = []string{o.Region}
	}
	snap, err := awsread.Collect(ctx, rd, co)
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	rep := audit.Evaluate(snap)
	partition := "aws"
	for _, a := range snap.Accounts {
		for _, t := range a.Trails {
			if p := strings.SplitN(t.ARN, ":", 3); len(p) == 3 {
				partition = p[1]
			}
		}
	}
	roleName := ""
	if o.Org {
		roleName = o.RoleName
	}
	wd, err := o.AWS.Write(ctx, snap.Caller, partition, roleName)
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	plan, facts := fix.PlanChanges(ctx, wd, snap, fix.Verdicts(rep), o.Fix)
	if len(o.Accounts) > 0 {
		if missing := plan.Only(o.Accounts); len(missing) > 0 {
			return exitcode.Usagef("--account %s: not among the accounts this run read (member accounts need --org)", strings.Join(missing, ", "))
		}
	}

	verb := "apply with --yes, or answer yes below"
	if o.DryRun {
		verb = "dry run: nothing will be changed"
	}
	if err := fix.Render(o.Out, plan, verb); err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	prereqs := exitForPlan(plan)
	if o.DryRun {
		return prereqs
	}

	s, j, err := openJournal(ctx, o.Store, f)
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	defer func() { _ = s.Close() }()
	// Settle what an interrupted run left pending before adding to it.
	if n, err := fix.Reconcile(ctx, j, snap, facts); err != nil {
		return fmt.Errorf("fix: %w", err)
	} else if n > 0 {
		_, _ = fmt.Fprintf(f.ErrOut, "fix: settled %d change(s) an interrupted run left pending in the journal\n", n)
	}
	if plan.Empty() {
		return prereqs
	}
	if err := confirm(f, o.Interactive, o.Yes, "fix", "Do you want rootwatch to make these changes?"); err != nil {
		return err
	}
	run, err := j.StartRun(ctx, "fix", o.args())
	if err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	ap := &fix.Applier{Dialer: wd, Recorder: run, Sleep: o.Sleep, Concurrency: o.Concurrency, OnStep: func(st fix.Step, err error) {
		mark := "done"
		if err != nil {
			mark = "FAILED: " + fix.Classify(err)
		}
		_, _ = fmt.Fprintf(f.ErrOut, "  %s %s %s %s ... %s\n", st.Action.Symbol(), st.Kind, st.Resource, st.Account, mark)
	}}
	res, err := applyJournaled(ctx, ap, plan, run)
	_, _ = fmt.Fprint(o.Out, "\n"+res.Summary())
	if err != nil {
		return fmt.Errorf("fix: journal: %w", err)
	}
	if e := applyExit("fix", res); e != nil {
		return e
	}
	_, _ = fmt.Fprintf(o.Out, "Done (journal run %s in %s). Check with: rootwatch audit\n", run.ID, s)
	return prereqs
}

// exitForPlan gives the status the audit would have once the plan is
// applied: Partial (4) when a chain could not be planned or a link stays
// UNKNOWN, Unrepaired (3) when a link stays FAIL (prerequisites, pending
// confirmations, ...). 0 only when the audit would PASS everything.
func exitForPlan(p *fix.Plan) error {
	errs, prereqs, failing, unknown := p.Left()
	switch {
	case errs > 0:
		return exitcode.New(exitcode.Partial, fmt.Errorf("fix: %d chain(s) could not be planned (see above)", errs))
	case prereqs > 0 || failing > 0:
		return exitcode.New(exitcode.Unrepaired, fmt.Errorf("fix: %d prerequisite(s) and %d link(s) fix cannot repair remain; the manual steps are above", prereqs, failing))
	case unknown > 0:
		return exitcode.New(exitcode.Partial, fmt.Errorf("fix: %d link(s) could not be read (UNKNOWN); see above", unknown))
	}
	return nil
}
