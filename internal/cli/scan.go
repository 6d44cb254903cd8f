package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/scan"
)

type scanOptions struct {
	Out, ErrOut io.Writer
	In          io.Reader
	Progress    bool // draw a progress bar on ErrOut
	Quiet       bool // --quiet: no progress bar even on a terminal
	Now         func() time.Time

	Sources []string
	Since   string
	Until   string
	Pattern string
	AllRoot bool
	Format  string
	Alarm   bool
	CSVRaw  bool
	FailOn  string
	Workers int
	Fetch   int // --fetch-concurrency
	Aliases []string
	Regions []string
	Profile string
	Region  string
	// Clients makes AWS clients, only when an AWS source is used.
	Clients func(ctx context.Context) (scanClients, error)
}

// scanClients are the AWS clients the scan sources need.
type scanClients struct {
	S3      scan.S3API
	Logs    scan.LogsAPI
	Account scan.AccountRegionsAPI
	Regions scan.RegionsAPI
	Lookup  func(region string) scan.LookupAPI
	// Caller and Aliases find the alias of the account the credentials
	// belong to, so its findings show it without --account-alias.
	Caller  enrich.IdentityAPI
	Aliases enrich.AliasAPI
	// Athena and Lake run the pattern as SQL (athena://, lake://).
	Athena scan.AthenaAPI
	Lake   scan.LakeAPI
}

// callerAlias returns the caller's account ID and alias; it is best
// effort (an alias is a convenience, and iam:ListAccountAliases may well
// be denied), so failures just mean no alias.
func callerAlias(ctx context.Context, c *scanClients) (account, alias string) {
	if c == nil || c.Caller == nil || c.Aliases == nil {
		return "", ""
	}
	id, err := c.Caller.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || id.Account == nil {
		return "", ""
	}
	out, err := c.Aliases.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || len(out.AccountAliases) == 0 {
		return *id.Account, ""
	}
	return *id.Account, out.AccountAliases[0]
}

// NewCmdScan finds every use of the root user in CloudTrail history.
func NewCmdScan(f *Factory) *cobra.Command { return newCmdScan(f, nil) }

func newCmdScan(f *Factory, runF func(context.Context, *scanOptions) error) *cobra.Command {
	opts := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [SOURCE...]",
		Short: "Find every use of the root user in CloudTrail history",
		Long: `Scan CloudTrail history for root-user activity with the CIS 4.3 semantics:
the filter { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT
EXISTS && $.eventType != "AwsServiceEvent" }.

Sources (any number, mixed):
  PATH                  a file, a directory (recursive; the S3 layout
                        AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ lets
                        --since/--until skip whole days), a glob, or - (stdin)
  s3://BUCKET/PREFIX    CloudTrail log files in S3 (account or organization trail)
  cloudwatch://GROUP    a CloudWatch Logs log group a trail delivers to
  lookup                CloudTrail event history (LookupEvents, Username=root)
                        in every enabled region, last 90 days; needs no trail
  athena://WORKGROUP/DATABASE.TABLE
                        the Athena table AWS documents for CloudTrail logs: the
                        pattern runs as SQL there (rootwatch pattern sql) and
                        approximate translations are re-checked record by record
  lake://EVENT_DATA_STORE
                        a CloudTrail Lake event data store, queried the same way

Any shape is read: S3 log files (.json, .json.gz), JSON arrays, JSON Lines,
EventBridge events, CloudWatch Logs subscription payloads. Digest files and
Insights events are skipped and counted.

Exit status: 0 nothing found, 3 root activity found, 4 some input could not
be read (the report lists each with its byte offset), 1 error, 2 usage. 4
wins over 3: a partial scan says so even when it found root activity, which
it still reports. --fail-on none exits 0 unless the scan failed.`,
		Example: `  rootwatch scan --fail-on none testdata/sample
  rootwatch scan --since 30d s3://org-trail-bucket/AWSLogs/o-abc123/
  rootwatch scan --format jsonl cloudwatch://aws-cloudtrail-logs
  rootwatch scan --all-root --alarm lookup`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out, opts.ErrOut, opts.In, opts.Now = f.Out, f.ErrOut, f.In, f.Now
			// The bar is for a person watching: never in a pipe or a log.
			opts.Progress = !opts.Quiet && f.IsTerminal != nil && f.IsTerminal(f.ErrOut)
			opts.Sources = args
			if !slices.Contains(scan.Formats, opts.Format) {
				return exitcode.Usagef("--format %q: want one of %s", opts.Format, strings.Join(scan.Formats, ", "))
			}
			if opts.FailOn != "findings" && opts.FailOn != "none" {
				return exitcode.Usagef("--fail-on %q: want findings or none", opts.FailOn)
			}
			if opts.Fetch < 1 {
				return exitcode.Usagef("--fetch-concurrency %d: want at least 1", opts.Fetch)
			}
			opts.Clients = func(ctx context.Context) (scanClients, error) {
				cfg, err := f.AWSConfig(ctx, awsconfig.Options{Profile: opts.Profile, Region: opts.Region})
				if err != nil {
					return scanClients{}, err
				}
				return sdkScanClients(cfg, opts.Fetch), nil
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return scanRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Since, "since", "", "only events at or after this time: RFC 3339, YYYY-MM-DD, or an age such as 24h or 30d")
	fl.StringVar(&opts.Until, "until", "", "only events before this time (same forms as --since)")
	fl.StringVar(&opts.Pattern, "pattern", cis.RootUsagePattern, "filter pattern to apply instead of CIS 4.3")
	fl.BoolVar(&opts.AllRoot, "all-root", false, "also report root events the pattern excludes, marked with why")
	fl.StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(scan.Formats, ", "))
	fl.BoolVar(&opts.Alarm, "alarm", false, "replay the CIS alarm: when it would have gone to ALARM and back")
	fl.BoolVar(&opts.CSVRaw, "csv-raw", false, "csv: write cells as they are, without neutralising spreadsheet formulas (=, +, -, @, tab, CR)")
	fl.StringVar(&opts.FailOn, "fail-on", "findings", "findings: exit 3 on findings, 4 on partial input; none: exit 0 unless the scan failed")
	fl.IntVar(&opts.Workers, "workers", 0, "parallel decoders (default: one per CPU)")
	fl.IntVar(&opts.Fetch, "fetch-concurrency", scan.DefaultFetchConcurrency, "S3 requests in flight, for listing and for reading each, apart from the decoders")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress bar (drawn on standard error only when it is a terminal)")
	fl.StringSliceVar(&opts.Aliases, "account-alias", nil, "ACCOUNT=ALIAS to show in reports (repeatable)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "regions for the lookup source (default: every enabled region)")
	fl.StringVar(&opts.Profile, "profile", "", "AWS shared-config profile")
	fl.StringVar(&opts.Region, "region", "", "AWS region for S3, CloudWatch Logs and region listing")
	return cmd
}

func sdkScanClients(cfg aws.Config, fetch int) scanClients {
	// Listing and reading each keep up to fetch requests in flight: keep
	// that many connections alive between them.
	s3cfg := awsconfig.WithIdleConnsPerHost(cfg, 2*max(fetch, 1))
	return scanClients{
		S3: s3.NewFromConfig(s3cfg, func(o *s3.Options) {
			// CloudTrail writes objects without checksums; the SDK
			// would log a warning for every one it reads.
			o.DisableLogOutputChecksumValidationSkipped = true
		}),
		Logs:    cloudwatchlogs.NewFromConfig(cfg),
		Account: account.NewFromConfig(cfg),
		Regions: ec2.NewFromConfig(cfg),
		Lookup: func(region string) scan.LookupAPI {
			return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.Region = region })
		},
		Caller:  sts.NewFromConfig(cfg),
		Aliases: iam.NewFromConfig(cfg),
		Athena:  athena.NewFromConfig(cfg),
		Lake:    cloudtrail.NewFromConfig(cfg),
	}
}

// parseWhen reads an absolute time or an age before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return now.AddDate(0, 0, -d).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want RFC 3339, YYYY-MM-DD, or an age such as 24h or 30d", s)
}

func scanRun(ctx context.Context, opts *scanOptions) error {
	now := opts.Now()
	since, err := parseWhen(opts.Since, now)
	if err != nil {
		return exitcode.Usagef("--since: %v", err)
	}
	until, err := parseWhen(opts.Until, now)
	if err != nil {
		return exitcode.Usagef("--until: %v", err)
	}
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		return exitcode.Usagef("--until must be after --since")
	}
	m, err := filterpattern.Compile(opts.Pattern)
	if err != nil {
		return patternError("", err)
	}
	lits := scan.CandidateLiterals(m.Pattern())
	if opts.AllRoot && lits != nil {
		lits = append(lits, []byte("Root"))
	}
	aliases := map[string]string{}
	for _, a := range opts.Aliases {
		id, alias, ok := strings.Cut(a, "=")
		if !ok || id == "" || alias == "" {
			return exitcode.Usagef("--account-alias %q: want ACCOUNT=ALIAS", a)
		}
		aliases[id] = alias
	}
	sources, clients, err := buildScanSources(ctx, opts, now)
	if err != nil {
		return err
	}
	if acct, alias := callerAlias(ctx, clients); alias != "" && aliases[acct] == "" {
		aliases[acct] = alias
	}
	cfg := scan.Config{
		Matcher:          m,
		Literals:         lits,
		AllRoot:          opts.AllRoot,
		Window:           scan.Window{Since: since, Until: until},
		Workers:          opts.Workers,
		Aliases:          aliases,
		FetchConcurrency: opts.Fetch,
		Progress:         new(scan.Progress),
	}
	limitScanMemory()
	// Findings are written as the scan finds them (held at most in
	// bounded runs to sort them): memory does not grow with their number.
	rep := &scan.Report{AllRoot: opts.AllRoot, Alarm: opts.Alarm, CSVRaw: opts.CSVRaw}
	sw, err := rep.NewWriter(opts.Out, opts.Format)
	if err != nil {
		return exitcode.Usagef("%v", err)
	}
	cfg.Sink = sw.Add
	res, err := runWithProgress(ctx, opts, cfg, sources)
	if err != nil {
		return err
	}
	rep.Result = res
	if err := sw.Close(res); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	switch opts.Format {
	case "jsonl", "csv":
		if err := rep.WriteSummary(opts.ErrOut); err != nil {
			return err
		}
	case "json":
		if res.Partial() {
			_, _ = fmt.Fprintf(opts.ErrOut, "rootwatch: partial result: %d inputs could not be read in full (see \"problems\")\n", len(res.Problems))
		}
	}
	if opts.FailOn == "none" {
		return nil
	}
	switch {
	case res.Partial():
		return exitcode.New(exitcode.Partial, nil)
	case res.Summary.Findings > 0:
		return exitcode.New(exitcode.Findings, nil)
	}
	return nil
}

func runWithProgress(ctx context.Context, opts *scanOptions, cfg scan.Config, sources []scan.Source) (*scan.Result, error) {
	if !opts.Progress {
		return scan.Run(ctx, cfg, sources)
	}
	pctx, stop := context.WithCancel(ctx)
	bar := &scan.ProgressBar{W: opts.ErrOut, P: cfg.Progress, Now: opts.Now}
	done := make(chan struct{})
	go func() {
		defer close(done)
		bar.Run(pctx)
	}()
	res, err := scan.Run(ctx, cfg, sources)
	stop()
	<-done
	return res, err
}

// buildScanSources turns the arguments into sources; AWS clients are made
// once, and only when an AWS source is present.
func buildScanSources(ctx context.Context, opts *scanOptions, now time.Time) ([]scan.Source, *scanClients, error) {
	var clients *scanClients
	aws := func() (*scanClients, error) {
		if clients == nil {
			c, err := opts.Clients(ctx)
			if err != nil {
				return nil, err
			}
			clients = &c
		}
		return clients, nil
	}
	// sqlSource is what athena:// and lake:// need: the pattern to compile
	// to SQL (the engine's parse, so errors are positioned) and the clients.
	sqlSource := func() (*filterpattern.Pattern, *scanClients, error) {
		p, err := filterpattern.Parse(opts.Pattern)
		if err != nil {
			return nil, nil, patternError("", err)
		}
		c, err := aws()
		return p, c, err
	}
	var sources []scan.Source
	var paths []string
	for _, s := range opts.Sources {
		switch {
		case strings.HasPrefix(s, "s3://"):
			bucket, prefix, err := scan.ParseS3URL(s)
			if err != nil {
				return nil, nil, exitcode.Usagef("%v", err)
			}
			c, err := aws()
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, &scan.S3{Client: c.S3, Bucket: bucket, Prefix: prefix, ListConcurrency: opts.Fetch,
				Now: func() time.Time { return now }})
		case strings.HasPrefix(s, "cloudwatch://"):
			group := strings.TrimPrefix(s, "cloudwatch://")
			if group == "" {
				return nil, nil, exitcode.Usagef("cloudwatch:// needs a log group name: cloudwatch://LOG_GROUP")
			}
			c, err := aws()
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, &scan.LogGroup{Client: c.Logs, Name: group, Pattern: opts.Pattern})
		case strings.HasPrefix(s, "athena://"):
			wg, db, table, part, err := scan.ParseAthenaURL(s)
			if err != nil {
				return nil, nil, exitcode.Usagef("%v", err)
			}
			p, c, err := sqlSource()
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, &scan.Athena{Client: c.Athena, Workgroup: wg, Database: db, Table: table, Partition: part,
				Pattern: p, AllRoot: opts.AllRoot})
		case strings.HasPrefix(s, "lake://"):
			id, err := scan.ParseLakeURL(s)
			if err != nil {
				return nil, nil, exitcode.Usagef("%v", err)
			}
			p, c, err := sqlSource()
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, &scan.Lake{Client: c.Lake, EventDataStore: id, Pattern: p, AllRoot: opts.AllRoot})
		case s == "lookup":
			c, err := aws()
			if err != nil {
				return nil, nil, err
			}
			sources = append(sources, &scan.LookupHistory{Account: c.Account, Regions: c.Regions, Client: c.Lookup, Only: opts.Regions, Now: func() time.Time { return now }})
		default:
			paths = append(paths, s)
		}
	}
	if len(paths) > 0 {
		sources = append([]scan.Source{&scan.Files{Paths: paths, Stdin: opts.In}}, sources...)
	}
	if len(sources) == 0 {
		return nil, nil, errors.New("no source to scan")
	}
	return sources, clients, nil
}

// scanMemoryLimit is the Go heap's soft limit for a scan. What a scan
// keeps is bounded (the dedup set at about 80 MB, one window per worker,
// 10,000 findings held for sorting); the rest is garbage, which with the
// default GOGC may pile up to twice the live heap before a collection.
// The limit makes the collector run sooner instead, so resident memory
// stays under 256 MB on a flood of findings (bench/scan-rss.sh).
const scanMemoryLimit = 160 << 20

// limitScanMemory sets scanMemoryLimit unless the user set GOMEMLIMIT.
func limitScanMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(scanMemoryLimit)
	}
}
