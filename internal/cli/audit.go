package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/audit/report"
	"github.com/rootwatch/rootwatch/internal/audit/shimport"
	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/safetext"
	"github.com/rootwatch/rootwatch/internal/store"
)

// AuditOptions are the audit command's flags and dependencies.
type AuditOptions struct {
	Profile     string
	Region      string
	Regions     []string
	Org         bool
	RoleName    string
	Concurrency int
	Format      string
	Output      string
	// Strict FAILs every link that carries a warning.
	Strict bool
	// CSVRaw writes CSV cells as they are, without formula neutralising.
	CSVRaw bool
	// ImportSecurityHub sends the ASFF findings to Security Hub.
	ImportSecurityHub bool
	// Store remembers when each ASFF finding was first seen.
	Store string

	// Version is rootwatch's version, stated in every report.
	Version string
	// Now is the clock (ASFF UpdatedAt, the store's first-seen times).
	Now func() time.Time

	Out, ErrOut io.Writer
	// Progress is true when ErrOut is a terminal.
	Progress bool
	// Dial opens AWS; tests replace it with awsfake.
	Dial  func(ctx context.Context, o *AuditOptions) (awsread.Dialer, error)
	Retry awsread.Retry
	// ImportDial opens Security Hub as each account; tests replace it.
	ImportDial func(ctx context.Context, o *AuditOptions, caller string) (shimport.Dialer, error)
}

// NewCmdAudit builds `rootwatch audit`.
func NewCmdAudit(f *Factory) *cobra.Command { return newCmdAudit(f, nil) }

func newCmdAudit(f *Factory, runF func(context.Context, *AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{
		Version: version,
		Now:     f.Now,
		Dial: func(ctx context.Context, o *AuditOptions) (awsread.Dialer, error) {
			cfg, err := f.AWSConfig(ctx, awsconfig.Options{Profile: o.Profile, Region: o.Region})
			if err != nil {
				return nil, err
			}
			return awsread.NewSDKDialer(cfg), nil
		},
		ImportDial: func(ctx context.Context, o *AuditOptions, caller string) (shimport.Dialer, error) {
			cfg, err := f.AWSConfig(ctx, awsconfig.Options{Profile: o.Profile, Region: o.Region})
			if err != nil {
				return nil, err
			}
			return shimport.NewSDKDialer(cfg, caller, o.RoleName), nil
		},
	}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Prove the CIS 4.3 root-usage monitoring chain is in place, link by link",
		Long: `audit reads each account's trails, CloudWatch Logs metric filters, alarms,
SNS topics and subscriptions (read-only; see docs/iam/audit-policy.json) and
checks the CIS AWS Foundations Benchmark 4.3 chain end to end:

  trail → log-group → metric-filter → alarm → topic → subscription

Each link is PASS, FAIL or UNKNOWN (not allowed to look: the missing IAM
permission is named). The verdict answers one question: does this chain
notify on every root use the CIS pattern catches? rootwatch's stricter
advice (alarm period over 300 s, email-only subscribers, a filter that is
not CIS-literal or also counts root events CIS leaves out, an alarm already
in ALARM, treatMissingData, an unencrypted topic) is listed as warnings,
counted in the summary, and changes no verdict unless --strict, where a
link with warnings FAILs. With --org every account of the organization is
audited through --role-name, and organization trails are credited to the
accounts they cover.

--import-securityhub also imports the ASFF findings into Security Hub, each
from its own account and region (see docs/iam/audit-import-policy.json).

Exit status: 0 all PASS (warnings allowed, unless --strict), 3 any FAIL
(with --strict: or any warning), 4 no FAIL but some UNKNOWN, 1 error (or
findings Security Hub refused), 2 usage (an unknown region name in
--regions, for instance).`,
		Example: `  rootwatch audit
  rootwatch audit --profile prod --regions eu-west-1,us-east-1 --format json
  rootwatch audit --org --role-name AWSControlTowerExecution --format html --output cis-4.3.html`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Out, opts.ErrOut = f.Out, f.ErrOut
			opts.Progress = f.IsTerminal != nil && f.IsTerminal(f.ErrOut)
			if err := opts.validate(cmd.Flags().Changed("role-name")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return auditRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile (default: the SDK's default credential chain)")
	fl.StringVar(&opts.Region, "region", "", "audit only this region (and use it for API calls)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "audit only these regions, comma-separated (default: every enabled region)")
	fl.BoolVar(&opts.Org, "org", false, "audit every account of the organization (run from the management account or a delegated administrator)")
	fl.StringVar(&opts.RoleName, "role-name", awsread.DefaultRoleName, "role to assume in member accounts with --org (Control Tower: AWSControlTowerExecution)")
	fl.IntVar(&opts.Concurrency, "concurrency", 16, "accounts audited at once with --org")
	fl.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(report.Names, "|"))
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	fl.BoolVar(&opts.Strict, "strict", false, "treat every warning as a FAIL of its link (exit 3 if any)")
	fl.BoolVar(&opts.CSVRaw, "csv-raw", false, "with --format csv, write cells as they are, without neutralising spreadsheet formulas (for machine consumers)")
	fl.BoolVar(&opts.ImportSecurityHub, "import-securityhub", false, "also import the ASFF findings into AWS Security Hub, each in its own account and region (with --org through --role-name); see docs/iam/audit-import-policy.json")
	fl.StringVar(&opts.Store, "store", "", "store that remembers when each ASFF finding was first seen: a SQLite file or postgres://... (default: "+defaultStoreHint()+")")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Names, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *AuditOptions) validate(roleNameSet bool) error {
	if !slices.Contains(report.Names, o.Format) {
		return exitcode.Usagef("--format %q: want one of %s", o.Format, strings.Join(report.Names, ", "))
	}
	if o.Region != "" && len(o.Regions) > 0 {
		return exitcode.Usagef("--region and --regions are exclusive: use --regions %s,...", o.Region)
	}
	for _, r := range o.Regions {
		if !awsconfig.KnownRegion(r) {
			return exitcode.Usagef("--regions: %q is not an AWS region; known regions: %s", safetext.Terminal(r), strings.Join(awsconfig.KnownRegions(), ", "))
		}
	}
	if o.CSVRaw && o.Format != "csv" {
		return exitcode.Usagef("--csv-raw only applies with --format csv")
	}
	if o.Concurrency < 1 {
		return exitcode.Usagef("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	if roleNameSet && !o.Org {
		return exitcode.Usagef("--role-name only applies with --org")
	}
	if o.RoleName == "" || strings.ContainsAny(o.RoleName, " :") {
		return exitcode.Usagef("--role-name %q is not an IAM role name", o.RoleName)
	}
	return nil
}

func auditRun(ctx context.Context, o *AuditOptions) error {
	d, err := o.Dial(ctx, o)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	co := awsread.Options{
		Regions: o.Regions, Org: o.Org, RoleName: o.RoleName, Concurrency: o.Concurrency, Retry: o.Retry,
		DefaultRegion: o.Region, Now: o.Now,
	}
	if o.Region != "" {
		co.Regions = []string{o.Region}
	} else if r, ok := d.(interface{ Region() string }); ok {
		// Discover regions from the profile's region (a partition such as
		// aws-cn or aws-us-gov has no us-east-1).
		co.DefaultRegion = r.Region()
	}
	var progressed bool
	if o.Org && o.Progress {
		var mu sync.Mutex
		co.Progress = func(done, total int, account string) {
			mu.Lock()
			defer mu.Unlock()
			progressed = true
			// Progress is best effort: a closed terminal must not fail the audit.
			_, _ = fmt.Fprintf(o.ErrOut, "\raudited %d/%d accounts (%s)", done, total, account)
		}
	}
	snap, err := awsread.Collect(ctx, d, co)
	if progressed {
		_, _ = fmt.Fprintln(o.ErrOut)
	}
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	rep := audit.Evaluator{Strict: o.Strict}.Evaluate(snap)
	ro := report.Options{Version: o.Version, Regions: report.RegionsOf(snap), CSVRaw: o.CSVRaw}
	if o.Now != nil {
		ro.Now = o.Now()
	}
	if o.Format == "asff" || o.ImportSecurityHub {
		if ro.FirstSeen, err = firstSeen(ctx, o.Store, &rep, ro); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	f, err := report.New(o.Format, ro)
	if err != nil {
		return exitcode.Usagef("%v", err)
	}
	if o.Output == "" {
		if err := f.Format(o.Out, &rep); err != nil {
			return fmt.Errorf("audit: write report: %w", err)
		}
	} else {
		if err := writeReportFile(o.Output, func(w io.Writer) error { return f.Format(w, &rep) }); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		s := rep.Summary
		_, _ = fmt.Fprintf(o.ErrOut, "wrote %s: %d account(s), %d PASS, %d FAIL, %d UNKNOWN, %d skipped, %d warning(s)\n", o.Output, s.Accounts, s.Pass, s.Fail, s.Unknown, s.Skipped, s.Warnings)
	}
	if o.ImportSecurityHub {
		if err := importSecurityHub(ctx, o, snap.Caller, report.ASFFFindings(&rep, ro)); err != nil {
			return err
		}
	}
	if code := rep.ExitCode(); code != exitcode.OK {
		return exitcode.New(code, nil)
	}
	return nil
}

// firstSeen reads, and records for new findings, when each ASFF finding
// was first reported, so CreatedAt stays put across runs.
func firstSeen(ctx context.Context, dsn string, rep *audit.Report, ro report.Options) (map[string]time.Time, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer func() { _ = st.Close() }()
	if err := st.MigrateFindings(ctx); err != nil {
		return nil, err
	}
	var ids []string
	for _, f := range report.ASFFFindings(rep, ro) {
		ids = append(ids, aws.ToString(f.Id))
	}
	return st.FirstSeen(ctx, ids, rep.GeneratedAt)
}

// importSecurityHub sends the findings; any finding Security Hub refuses
// fails the command with its account, region, Id and message.
func importSecurityHub(ctx context.Context, o *AuditOptions, caller string, findings []shtypes.AwsSecurityFinding) error {
	d, err := o.ImportDial(ctx, o, caller)
	if err != nil {
		return fmt.Errorf("audit: import into Security Hub: %w", err)
	}
	res, err := shimport.Import(ctx, d, findings)
	if err != nil {
		return fmt.Errorf("audit: import into Security Hub: %w", err)
	}
	_, _ = fmt.Fprintf(o.ErrOut, "imported %d finding(s) into Security Hub\n", res.Imported)
	if err := res.Err(); err != nil {
		return exitcode.New(exitcode.Error, fmt.Errorf("audit: %w", err))
	}
	return nil
}

// writeReportFile writes through a temporary file in the same directory
// and renames it, so a failed run never leaves half a report behind.
func writeReportFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // no-op once renamed
	if err := write(tmp); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
