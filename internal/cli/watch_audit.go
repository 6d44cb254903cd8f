package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// chainAuditor is watch's scheduled audit: the same collection and pure
// evaluation as `rootwatch audit`.
type chainAuditor struct {
	dial func(ctx context.Context) (awsread.Dialer, error)
	opts awsread.Options
}

func (a *chainAuditor) Audit(ctx context.Context) ([]watch.ChainResult, error) {
	d, err := a.dial(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := awsread.Collect(ctx, d, a.opts)
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	rep := audit.Evaluate(snap)
	var out []watch.ChainResult
	for _, r := range rep.Accounts {
		if r.Status == audit.Skipped {
			continue
		}
		cr := watch.ChainResult{Account: r.Account, Status: string(r.Status), Broken: r.BrokenLink, Detail: r.Detail}
		for _, l := range r.Links {
			if l.Name == r.BrokenLink {
				cr.Detail = l.Detail
				if l.Fix != "" {
					cr.Detail += " (fix: " + l.Fix + ")"
				}
			}
		}
		out = append(out, cr)
	}
	return out, nil
}

// errNoCorrector is reported when --correct asks for fixes this build
// cannot make unattended.
var errNoCorrector = errors.New("--correct ask|always: the fix engine is not wired into watch yet; use `rootwatch fix` on the accounts the audit alerts name")

func watchAudit(_ context.Context, c config.File, a *config.Audit, _ *store.Store,
	awsCfg func(context.Context, string) (aws.Config, error), now func() time.Time, log *slog.Logger) (*watch.AuditOptions, error) {
	ao := &watch.AuditOptions{
		Auditor: &chainAuditor{
			dial: func(ctx context.Context) (awsread.Dialer, error) {
				cfg, err := awsCfg(ctx, "")
				if err != nil {
					return nil, err
				}
				return awsread.NewSDKDialer(cfg), nil
			},
			opts: awsread.Options{Org: a.Org, RoleName: a.RoleName, Regions: a.Regions, DefaultRegion: c.Region, Now: now},
		},
		Correct: a.Correct,
		Level:   a.Level,
	}
	if ao.Correct != "" && ao.Correct != watch.CorrectNever {
		corrector, err := newCorrector(c, a, awsCfg, log)
		if err != nil {
			return nil, err
		}
		ao.Corrector = corrector
	}
	return ao, nil
}

func newCorrector(config.File, *config.Audit, func(context.Context, string) (aws.Config, error), *slog.Logger) (watch.Corrector, error) {
	return nil, errNoCorrector
}
