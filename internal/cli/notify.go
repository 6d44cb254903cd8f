package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	awssns "github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/build"
	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
)

// NewCmdNotify groups notifier commands.
func NewCmdNotify(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Check the notifiers that watch and Lambda mode deliver alerts through",
		Args:  usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newCmdNotifyTest(f, nil))
	return cmd
}

type notifyTestOptions struct {
	Specs      []string
	ConfigFile string
	Only       []string
	Timeout    time.Duration
	Profile    string
}

// newCmdNotifyTest builds `notify test`; runF replaces the run function in
// flag-parsing tests.
func newCmdNotifyTest(f *Factory, runF func(context.Context, *notifyTestOptions) error) *cobra.Command {
	opts := &notifyTestOptions{}
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Send a sample alert through each configured notifier and report OK or FAIL",
		Long: `Send one clearly marked test alert through every notifier given by --notify
flags and by the notify section of --config, in parallel, and print one line
per notifier: OK, or FAIL with the reason and whether watch would retry it.
Secrets (webhook URLs, routing keys, passwords) are never printed.

Routes and levels are not applied: every notifier gets the test. Exits 1 if
any notifier failed.`,
		Example: `  rootwatch notify test --notify slack:https://hooks.slack.com/services/T/B/X
  rootwatch notify test --config rootwatch.yaml --only pager
  ROOTWATCH_SMTP_HOST=smtp.example.com ROOTWATCH_SMTP_FROM=rw@example.com \
    rootwatch notify test --notify email:security@example.com`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.Specs) == 0 && opts.ConfigFile == "" {
				return exitcode.Usagef("give --notify %s (repeatable) or --config FILE", build.SpecUsage)
			}
			if opts.Timeout <= 0 {
				return exitcode.Usagef("--timeout must be positive")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return notifyTestRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.Specs, "notify", nil, "notifier `SPEC`: "+build.SpecUsage+" (repeatable)")
	fl.StringVar(&opts.ConfigFile, "config", "", "rootwatch.yaml whose notify section configures notifiers")
	fl.StringSliceVar(&opts.Only, "only", nil, "test only the notifiers with these names")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "give up on a notifier after this long")
	fl.StringVar(&opts.Profile, "profile", "", "AWS profile for SNS notifiers")
	return cmd
}

func notifyTestRun(ctx context.Context, f *Factory, opts *notifyTestOptions) error {
	var cfg build.Config
	if opts.ConfigFile != "" {
		file, err := os.Open(opts.ConfigFile)
		if err != nil {
			return exitcode.New(exitcode.Usage, fmt.Errorf("config: %w", err))
		}
		cfg, err = build.ParseFile(opts.ConfigFile, file)
		_ = file.Close() // read-only: a close error cannot lose data
		if err != nil {
			return exitcode.New(exitcode.Usage, err)
		}
	}
	deps := build.Deps{
		HTTP:   &http.Client{},
		Out:    f.Out,
		Now:    f.Now,
		Getenv: f.Getenv,
		Warn:   f.ErrOut,
		SNS: func(ctx context.Context, region string) (sns.Publisher, error) {
			awsCfg, err := f.AWSConfig(ctx, awsconfig.Options{Profile: opts.Profile, Region: region})
			if err != nil {
				return nil, err
			}
			return awssns.NewFromConfig(awsCfg), nil
		},
	}
	set, err := build.Build(ctx, cfg, opts.Specs, deps)
	if err != nil {
		return exitcode.New(exitcode.Usage, err)
	}
	targets := set.Targets
	if len(opts.Only) > 0 {
		targets = nil
		for _, name := range opts.Only {
			t := set.Get(name)
			if t == nil {
				return exitcode.Usagef("--only %s: no notifier by that name", name)
			}
			targets = append(targets, t)
		}
	}

	a := build.SampleAlert(f.Now())
	results := make([]notifyResult, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			tctx, cancel := context.WithTimeout(ctx, opts.Timeout)
			defer cancel()
			start := time.Now()
			err := t.Notifier.Notify(tctx, a)
			results[i] = notifyResult{target: t, err: err, took: time.Since(start)}
		})
	}
	wg.Wait()

	tw := tabwriter.NewWriter(f.Out, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintf(tw, "RESULT\tNAME\tKIND\tWHERE\tDETAIL\n")
	failed := 0
	for _, r := range results {
		status, detail := "OK", "delivered in "+r.took.Round(time.Millisecond).String()
		if r.err != nil {
			failed++
			status = "FAIL"
			retry := "permanent: fix the configuration"
			if notify.Retryable(r.err) {
				retry = "temporary: watch would retry"
			}
			detail = format.OneLine(r.err.Error()) + " (" + retry + ")"
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", status, r.target.Name, r.target.Kind, r.target.Where, detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return exitcode.New(exitcode.Error, fmt.Errorf("notify test: %d of %d notifiers failed", failed, len(results)))
	}
	return nil
}

type notifyResult struct {
	target *build.Target
	err    error
	took   time.Duration
}
