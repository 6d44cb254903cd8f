package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/enrich"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
	"github.com/rootwatch/rootwatch/internal/secret"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// DefaultListen is where watch serves /healthz, /readyz and /metrics.
const DefaultListen = "127.0.0.1:9780"

// EnvIngestSecret holds the shared secret of http:// sources given by flag.
const EnvIngestSecret = "ROOTWATCH_INGEST_SECRET"

type watchOptions struct {
	ConfigFile       string
	Sources          []string
	Notify           []string
	Store            string
	Listen           string
	Mode             string
	GroupWindow      time.Duration
	Lease            time.Duration
	AuditEvery       time.Duration
	Correct          string
	Org              bool
	Profile          string
	Region           string
	IngestSecretFile string
	TLSCert, TLSKey  string
	LogLevel         string
	NotifyLevels     []string
	Audit            auditFlags
	Console          consoleFlags

	changed func(flag string) bool
}

// NewCmdWatch builds `rootwatch watch`.
func NewCmdWatch(f *Factory) *cobra.Command { return newCmdWatch(f, nil) }

func newCmdWatch(f *Factory, runF func(context.Context, *watchOptions) error) *cobra.Command {
	opts := &watchOptions{}
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Detect root activity as it arrives and notify within seconds, without losing an alert",
		Long: `Read CloudTrail as it arrives (an SQS queue of S3 notifications or EventBridge
events, a CloudWatch Logs group, an HTTP ingest endpoint, a local directory),
detect CIS 4.3 root usage and changes to the monitoring chain, and deliver
alerts through the configured notifiers. Alerts are recorded in the store in
the same transaction as the dedup state and the source position, then
delivered at least once with retries; rootwatch alerts list shows them.

Sources (repeatable --source):
  DIR                       new CloudTrail files under a directory
  sqs://QUEUE_URL           S3 notifications (direct, SNS, EventBridge) and EventBridge events
  cloudwatch://LOG_GROUP    the log group the trail delivers to
  http://ADDR/PATH          ingest endpoint (secret from $` + EnvIngestSecret + ` or --ingest-secret-file;
                            https://ADDR/PATH with --tls-cert/--tls-key)

Detect and correct (--audit-every): the chain audit re-runs on a schedule.
Notification levels nest, per notifier (--notify-level, notify.notifiers[].level)
and per route (notify.routes[].level):
  error    a chain FAIL or UNKNOWN (each change of what is broken, and a reminder
           every --audit-remind), a correction that failed, an audit that failed
           e.g. --notify-level pagerduty=error
  info     error + corrections proposed, approved, rejected, applied; a chain
           healed; new warnings (the default level)
           e.g. --notify-level slack=info
  verbose  info + every run's summary ("all 12 accounts PASS")
           e.g. --notify-level webhook=verbose
Actions on a broken chain (--default-action, --actions allowed, per account
--account-action/--account-actions/--account-approver):
  notify   only notify                    e.g. --default-action notify
  ask      propose the fix to --approver; an approver decides with
           rootwatch corrections approve|reject|skip ID
                                          e.g. --default-action ask --approver sec@example.com=os:alice@bastion
  correct  apply the fix at once          e.g. --account-action 111122223333=correct
  skip     leave the account alone        e.g. --account-action '9999*=skip'
ACCOUNT is an account ID, a pattern (9999*), or an OU or root ID with --org
(--account-action ou-ab12-11111111=skip: every account under that OU).

See docs/watch.md for the config file, the alert schema and operations.`,
		Example: `  rootwatch watch --source sqs://https://sqs.eu-west-1.amazonaws.com/111122223333/cloudtrail \
    --notify slack:https://hooks.slack.com/services/T/B/X --store /var/lib/rootwatch/rootwatch.db
  rootwatch watch --config /etc/rootwatch/rootwatch.yaml
  rootwatch watch --source ./logs --notify stdout: --mode alarm
  rootwatch watch --source ./logs --notify slack:env:SLACK_URL --notify-level slack=info \
    --audit-every 1h --default-action ask --approver sec@example.com=os:alice@bastion`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.changed = cmd.Flags().Changed
			if opts.ConfigFile == "" && len(opts.Sources) == 0 {
				return exitcode.Usagef("give --source (repeatable) or --config FILE")
			}
			if opts.ConfigFile == "" && len(opts.Notify) == 0 {
				return exitcode.Usagef("give --notify %s (repeatable) or --config FILE", build.SpecUsage)
			}
			switch opts.Mode {
			case watch.ModeEvent, watch.ModeAlarm:
			default:
				return exitcode.Usagef("--mode %q: want event or alarm", opts.Mode)
			}
			switch opts.Correct {
			case watch.CorrectNever, watch.CorrectAsk, watch.CorrectAlways:
			default:
				return exitcode.Usagef("--correct %q: want never, ask or always", opts.Correct)
			}
			if opts.GroupWindow <= 0 {
				return exitcode.Usagef("--group-window must be positive")
			}
			if opts.Lease < 2*time.Second {
				return exitcode.Usagef("--lease %s: want at least 2s", opts.Lease)
			}
			if opts.Correct != watch.CorrectNever && opts.AuditEvery == 0 && opts.ConfigFile == "" {
				return exitcode.Usagef("--correct %s needs --audit-every", opts.Correct)
			}
			if err := checkAuditFlags(&opts.Audit, opts.AuditEvery > 0 || opts.ConfigFile != ""); err != nil {
				return exitcode.New(exitcode.Usage, err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return watchRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ConfigFile, "config", "", "rootwatch.yaml (flags given as well override it)")
	fl.StringArrayVar(&opts.Sources, "source", nil, "`SOURCE`: DIR|sqs://QUEUE_URL|cloudwatch://LOG_GROUP|http://ADDR/PATH (repeatable)")
	fl.StringArrayVar(&opts.Notify, "notify", nil, "notifier `SPEC`: "+build.SpecUsage+" (repeatable)")
	fl.StringArrayVar(&opts.NotifyLevels, "notify-level", nil, "`[NAME=]LEVEL`: error, info or verbose, of every notifier (notify.level) or of the one named NAME (repeatable)")
	fl.StringVar(&opts.Store, "store", "", "store: PATH.db (SQLite, default under the state directory) or postgres://... (or env:VAR, file:PATH holding it: a URL's password is visible in ps)")
	fl.StringVar(&opts.Listen, "listen", DefaultListen, "address of /healthz, /readyz and /metrics (empty: none)")
	fl.StringVar(&opts.Mode, "mode", watch.ModeEvent, "root usage alerts: event (one per session) or alarm (CIS alarm transitions)")
	fl.DurationVar(&opts.GroupWindow, "group-window", time.Hour, "events of one account, source IP and identity this close together are one session")
	fl.DurationVar(&opts.Lease, "lease", watch.DefaultLease, "a replica owns the alerts it claimed for delivery this long; a dead replica's are delivered by another after it")
	fl.DurationVar(&opts.AuditEvery, "audit-every", 0, "re-run the chain audit this often and notify when it breaks or heals (0: never)")
	fl.StringVar(&opts.Correct, "correct", watch.CorrectNever, "on a broken chain: never, ask (propose; rootwatch corrections approve ID), always (apply fix)")
	fl.BoolVar(&opts.Org, "org", false, "audit every account of the organization")
	bindAuditFlags(fl, &opts.Audit)
	bindConsoleFlags(fl, &opts.Console)
	fl.StringVar(&opts.Profile, "profile", "", "AWS profile")
	fl.StringVar(&opts.Region, "region", "", "AWS region for sources and audit (default: the profile's)")
	fl.StringVar(&opts.IngestSecretFile, "ingest-secret-file", "", "file holding the shared secret of http:// sources")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "certificate file for https:// sources")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "key file for https:// sources")
	fl.StringVar(&opts.LogLevel, "log-level", "info", "debug, info, warn or error (JSON on stderr)")
	return cmd
}

// watchConfig merges the config file and the flags.
type watchConfig struct {
	file   config.File
	notify build.Config
}

func loadWatchConfig(f *Factory, opts *watchOptions) (watchConfig, error) {
	var wc watchConfig
	if opts.ConfigFile != "" {
		fh, err := os.Open(opts.ConfigFile)
		if err != nil {
			return wc, exitcode.New(exitcode.Usage, fmt.Errorf("config: %w", err))
		}
		defer func() { _ = fh.Close() }()
		wc.file, err = config.Parse(opts.ConfigFile, fh, config.Env{Getenv: f.Getenv, ReadFile: os.ReadFile})
		if err != nil {
			return wc, exitcode.New(exitcode.Usage, err)
		}
		if _, err := fh.Seek(0, 0); err != nil {
			return wc, err
		}
		if wc.notify, err = build.ParseFile(opts.ConfigFile, fh); err != nil {
			return wc, exitcode.New(exitcode.Usage, err)
		}
	}
	for _, raw := range opts.NotifyLevels {
		if name, lv, ok := strings.Cut(raw, "="); ok {
			if wc.notify.Levels == nil {
				wc.notify.Levels = map[string]string{}
			}
			wc.notify.Levels[name] = lv
		} else {
			wc.notify.Level = raw
		}
	}
	c := &wc.file
	// A PostgreSQL URL holds a password: --store env:NAME or file:PATH
	// keeps it off the command line (ps shows it), as --notify does, and
	// is how a container platform that hands secrets over as variables
	// (ECS task definitions) passes it.
	storeArg := secret.Secret(opts.Store)
	if secret.IsRef(opts.Store) {
		s, err := secret.FromRef("--store", opts.Store, f.Getenv, os.ReadFile)
		if err != nil {
			return wc, exitcode.New(exitcode.Usage, err)
		}
		storeArg = s
	}
	set := func(flag string, apply func()) {
		if opts.changed == nil || opts.changed(flag) || opts.ConfigFile == "" {
			apply()
		}
	}
	set("store", func() {
		if storeArg != "" {
			c.Store = storeArg
		}
	})
	set("listen", func() { c.Listen = opts.Listen })
	if opts.ConfigFile != "" && (opts.changed == nil || !opts.changed("listen")) && c.Listen == "" {
		c.Listen = DefaultListen
	}
	set("mode", func() { c.Watch.Mode = opts.Mode })
	set("group-window", func() { c.Watch.GroupWindow = opts.GroupWindow })
	set("lease", func() { c.Watch.Lease = opts.Lease })
	set("region", func() {
		if opts.Region != "" {
			c.Region = opts.Region
		}
	})
	set("profile", func() {
		if opts.Profile != "" {
			c.Profile = opts.Profile
		}
	})
	if opts.AuditEvery > 0 || (c.Watch.Audit == nil && opts.Correct != watch.CorrectNever) {
		if c.Watch.Audit == nil {
			c.Watch.Audit = &config.Audit{}
		}
		c.Watch.Audit.Every = opts.AuditEvery
	}
	if a := c.Watch.Audit; a != nil {
		set("correct", func() { a.Correct = opts.Correct })
		set("org", func() { a.Org = a.Org || opts.Org })
		if err := applyAuditFlags(a, &opts.Audit, set); err != nil {
			return wc, exitcode.New(exitcode.Usage, err)
		}
	}
	applyConsoleFlags(&c.Watch, &opts.Console, set)
	for _, raw := range opts.Sources {
		s, err := parseSourceFlag(raw, opts, f.Getenv)
		if err != nil {
			return wc, exitcode.New(exitcode.Usage, err)
		}
		c.Watch.Sources = append(c.Watch.Sources, s)
	}
	if len(c.Watch.Sources) == 0 {
		return wc, exitcode.Usagef("no source configured (--source or watch.sources in the config)")
	}
	return wc, nil
}

// parseSourceFlag reads one --source value.
func parseSourceFlag(raw string, opts *watchOptions, getenv func(string) string) (config.Source, error) {
	switch {
	case strings.HasPrefix(raw, "sqs://"):
		q := strings.TrimPrefix(raw, "sqs://")
		if !strings.HasPrefix(q, "https://") && !strings.HasPrefix(q, "http://") {
			q = "https://" + q
		}
		if _, err := url.Parse(q); err != nil || strings.Count(q, "/") < 4 {
			return config.Source{}, fmt.Errorf("--source %s: expected sqs://https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE", raw)
		}
		return config.Source{SQS: &config.SQSSource{QueueURL: q}}, nil
	case strings.HasPrefix(raw, "cloudwatch://"):
		g := strings.TrimPrefix(raw, "cloudwatch://")
		if g == "" {
			return config.Source{}, fmt.Errorf("--source %s: expected cloudwatch://LOG_GROUP", raw)
		}
		return config.Source{CloudWatch: &config.CloudWatchSource{LogGroup: g}}, nil
	case strings.HasPrefix(raw, "http://"), strings.HasPrefix(raw, "https://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return config.Source{}, fmt.Errorf("--source %s: expected http://ADDR/PATH", raw)
		}
		h := &config.HTTPSource{Addr: u.Host, Path: u.Path}
		if h.Path == "" {
			h.Path = "/"
		}
		if u.Scheme == "https" {
			if opts.TLSCert == "" || opts.TLSKey == "" {
				return config.Source{}, fmt.Errorf("--source %s: https needs --tls-cert and --tls-key", raw)
			}
			h.TLSCert, h.TLSKey = opts.TLSCert, opts.TLSKey
		}
		s, err := secret.Resolve("ingest secret", secret.Secret(getenv(EnvIngestSecret)), opts.IngestSecretFile, os.ReadFile)
		if err != nil {
			return config.Source{}, fmt.Errorf("--source %s: %w", raw, err)
		}
		if s.IsZero() {
			return config.Source{}, fmt.Errorf("--source %s: set %s or --ingest-secret-file (senders must authenticate)", raw, EnvIngestSecret)
		}
		h.Secret = s
		return config.Source{HTTP: h}, nil
	case strings.Contains(raw, "://"):
		return config.Source{}, fmt.Errorf("--source %s: unknown scheme (expected DIR, sqs://, cloudwatch://, http://)", raw)
	}
	return config.Source{Dir: &config.DirSource{Path: raw}}, nil
}

func newWatchLogger(f *Factory, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, exitcode.Usagef("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(f.ErrOut, &slog.HandlerOptions{Level: l})), nil
}

func watchRun(ctx context.Context, f *Factory, opts *watchOptions) error {
	// SIGTERM (systemd, Kubernetes) and SIGINT stop gracefully.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	log, err := newWatchLogger(f, opts.LogLevel)
	if err != nil {
		return err
	}
	wc, err := loadWatchConfig(f, opts)
	if err != nil {
		return err
	}
	c := wc.file
	st, err := store.Open(ctx, c.Store.Reveal())
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()

	awsCfg := func(ctx context.Context, region string) (aws.Config, error) {
		if region == "" {
			region = c.Region
		}
		return f.AWSConfig(ctx, awsconfig.Options{Profile: c.Profile, Region: region})
	}
	set, err := build.Build(ctx, wc.notify, opts.Notify, build.Deps{
		HTTP: &http.Client{}, Out: f.Out, Now: f.Now, Getenv: f.Getenv, Warn: f.ErrOut,
		SNS: func(ctx context.Context, region string) (sns.Publisher, error) {
			cfg, err := awsCfg(ctx, region)
			if err != nil {
				return nil, err
			}
			return awssns.NewFromConfig(cfg), nil
		},
	})
	if err != nil {
		return exitcode.New(exitcode.Usage, err)
	}
	var targets []watch.Target
	for _, t := range set.Targets {
		targets = append(targets, watch.Target{Name: t.Name, Notifier: t.Notifier, Wants: t.Wants})
		log.Info("notifier", "name", t.Name, "kind", t.Kind, "level", t.Level.String(), "where", t.Where)
	}
	det, err := detect.New(nil)
	if err != nil {
		return err
	}
	sources, err := buildSources(ctx, c, det, awsCfg, f.Now, log)
	if err != nil {
		return err
	}
	o := watch.Options{
		Store: st, Sources: sources, Targets: targets, Detector: det, Mode: c.Watch.Mode,
		Listen: c.Listen, Logger: log, Now: f.Now,
	}
	if l := c.Watch.Lease; l != 0 {
		if l < 2*time.Second {
			return exitcode.Usagef("lease %s: want at least 2s", l)
		}
		// A delivery attempt must end within the lease, or another
		// replica could send the same alert while it is still going on.
		o.Lease, o.NotifyTimeout = l, min(watch.DefaultNotifyTimeout, l/2)
	}
	if w := c.Watch.GroupWindow; w > 0 {
		o.Group = detect.GroupPolicy{Window: w, FlushDelay: detect.DefaultGroupPolicy().FlushDelay}
		if c.Watch.FlushDelay > 0 {
			o.Group.FlushDelay = c.Watch.FlushDelay
		}
	}
	if a := c.Watch.Alarm; a != nil {
		if o.Alarm, err = alarmPolicy(a); err != nil {
			return exitcode.New(exitcode.Usage, err)
		}
	}
	if cfg, err := awsCfg(ctx, ""); err == nil {
		en := enrich.New(enrich.Options{Alias: iam.NewFromConfig(cfg), Org: organizations.NewFromConfig(cfg),
			Identity: sts.NewFromConfig(cfg), Logger: log, Now: f.Now})
		o.Enrich = en.Enrich
	} else {
		log.Warn("no AWS configuration: alerts will name accounts by ID only", "error", err)
	}
	if a := c.Watch.Audit; a != nil && a.Every > 0 {
		ao, err := watchAudit(ctx, c, a, st, awsCfg, f.Now, log, func() ([]byte, error) { return journalKey(f) })
		if err != nil {
			return err
		}
		ao.Store = store.Locator(c.Store.Reveal())
		o.Audit, o.AuditEvery = ao, a.Every
	}
	con, err := buildConsole(c.Watch.Console, st, f.Now, log)
	if err != nil {
		return exitcode.New(exitcode.Usage, err)
	}
	if con != nil {
		if c.Listen == "" {
			return exitcode.Usagef("--console needs --listen (the console is served on it)")
		}
		o.Console = con
		if o.Audit != nil {
			o.Audit.ConsoleURL = c.Watch.Console.URL
		}
	}
	svc, err := watch.New(ctx, o)
	if err != nil {
		return err
	}
	if err := svc.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func alarmPolicy(a *config.Alarm) (detect.AlarmPolicy, error) {
	p := detect.CISAlarmPolicy()
	if a.Period > 0 {
		p.Period = a.Period
	}
	if a.Statistic != "" {
		p.Statistic = a.Statistic
	}
	if a.Comparison != "" {
		p.Comparison = a.Comparison
	}
	if a.Threshold != nil {
		p.Threshold = *a.Threshold
	}
	if a.EvaluationPeriods > 0 {
		p.EvaluationPeriods = a.EvaluationPeriods
		p.DatapointsToAlarm = a.EvaluationPeriods
	}
	if a.DatapointsToAlarm > 0 {
		p.DatapointsToAlarm = a.DatapointsToAlarm
	}
	if a.TreatMissingData != "" {
		p.TreatMissingData = a.TreatMissingData
	}
	switch a.DefaultValue {
	case "":
	case "none":
		p.DefaultValue = nil
	default:
		var v float64
		if _, err := fmt.Sscanf(a.DefaultValue, "%g", &v); err != nil {
			return p, fmt.Errorf("watch.alarm.default_value %q: want a number or none", a.DefaultValue)
		}
		p.DefaultValue = &v
	}
	return p, p.Validate()
}

func buildSources(ctx context.Context, c config.File, det *detect.Detector,
	awsCfg func(context.Context, string) (aws.Config, error), now func() time.Time, log *slog.Logger) ([]source.Source, error) {
	var out []source.Source
	for _, s := range c.Watch.Sources {
		var (
			src source.Source
			err error
		)
		switch {
		case s.Dir != nil:
			src, err = source.NewDir(source.DirConfig{Path: s.Dir.Path, Interval: s.Dir.Interval, Settle: s.Dir.Settle, Now: now, Log: log})
		case s.HTTP != nil:
			src, err = source.NewHTTP(source.HTTPConfig{Addr: s.HTTP.Addr, Path: s.HTTP.Path, Header: s.HTTP.Header,
				Secret: s.HTTP.Secret, CertFile: s.HTTP.TLSCert, KeyFile: s.HTTP.TLSKey, Now: now, Log: log})
		case s.SQS != nil:
			region := s.SQS.Region
			if region == "" {
				region = queueRegion(s.SQS.QueueURL)
			}
			cfg, cerr := awsCfg(ctx, region)
			if cerr != nil {
				return nil, cerr
			}
			src, err = source.NewSQS(source.SQSConfig{QueueURL: s.SQS.QueueURL, SQS: sqs.NewFromConfig(cfg),
				// CloudTrail writes objects without checksums; the SDK
				// would log a warning for every one read.
				S3:         s3.NewFromConfig(cfg, func(o *s3.Options) { o.DisableLogOutputChecksumValidationSkipped = true }),
				Visibility: s.SQS.Visibility, Workers: s.SQS.Workers, Now: now, Log: log})
		case s.CloudWatch != nil:
			cfg, cerr := awsCfg(ctx, s.CloudWatch.Region)
			if cerr != nil {
				return nil, cerr
			}
			src, err = source.NewCloudWatch(source.CloudWatchConfig{LogGroup: s.CloudWatch.LogGroup,
				Logs: cloudwatchlogs.NewFromConfig(cfg), Pattern: detect.PushdownPattern(det.Rules()),
				Interval: s.CloudWatch.Interval, Lookback: s.CloudWatch.Lookback, Now: now, Log: log})
		}
		if err != nil {
			return nil, exitcode.New(exitcode.Usage, err)
		}
		out = append(out, src)
	}
	return out, nil
}

// queueRegion reads the region from an SQS queue URL
// (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME); "" when it has none
// (an AWS-compatible endpoint), so the configured region applies.
func queueRegion(q string) string {
	u, err := url.Parse(q)
	if err != nil {
		return ""
	}
	parts := strings.Split(u.Hostname(), ".")
	if len(parts) >= 4 && parts[0] == "sqs" && parts[2] == "amazonaws" {
		return parts[1]
	}
	return ""
}
