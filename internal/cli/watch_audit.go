package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/audit/report"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/config"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/fix"
	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// fixEngine is watch's scheduled audit (the same collection and pure
// evaluation as `rootwatch audit`) and its corrector (the same planning,
// journal and applier as `rootwatch fix`).
type fixEngine struct {
	read     func(ctx context.Context) (awsread.Dialer, error)
	write    func(ctx context.Context, caller, partition, roleName string) (fix.Dialer, error)
	collect  awsread.Options
	roleName string
	opts     fix.Options
	journal  *store.Journal
	log      *slog.Logger

	mu   sync.Mutex
	snap *inventory.Snapshot // the last audit's, for planning its findings
	rep  audit.Report
}

var (
	_ watch.Auditor   = (*fixEngine)(nil)
	_ watch.Corrector = (*fixEngine)(nil)
)

func (e *fixEngine) snapshot(ctx context.Context) (*inventory.Snapshot, audit.Report, error) {
	d, err := e.read(ctx)
	if err != nil {
		return nil, audit.Report{}, err
	}
	snap, err := awsread.Collect(ctx, d, e.collect)
	if err != nil {
		return nil, audit.Report{}, fmt.Errorf("collect: %w", err)
	}
	return snap, audit.Evaluate(snap), nil
}

func (e *fixEngine) Audit(ctx context.Context) ([]watch.ChainResult, error) {
	snap, rep, err := e.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.snap, e.rep = snap, rep
	e.mu.Unlock()
	var out []watch.ChainResult
	regions := report.RegionsOf(snap)
	for _, r := range rep.Accounts {
		if r.Status == audit.Skipped {
			continue
		}
		cr := watch.ChainResult{Account: r.Account, Status: string(r.Status), Broken: r.BrokenLink, Detail: r.Detail,
			Name: r.Name, CoveredBy: r.CoveredBy, Regions: regions[r.Account]}
		if ev, err := json.Marshal(r); err == nil {
			cr.Evidence = string(ev)
		}
		if i := slices.IndexFunc(snap.Accounts, func(a inventory.Account) bool { return a.ID == r.Account }); i >= 0 {
			a := snap.Accounts[i]
			cr.OUs, cr.OUsKnown = a.OUs, len(a.OUs) > 0 && a.OUsError == nil
		}
		for _, l := range r.Links {
			for _, w := range l.Warnings {
				cr.Warnings = append(cr.Warnings, l.Name+": "+w.Code+": "+w.Message)
			}
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

// plan computes the fix of one account's chain from snap and renders it;
// the rendering is what a person approves and what Apply checks again.
func (e *fixEngine) plan(ctx context.Context, snap *inventory.Snapshot, rep audit.Report, account string) (*fix.Plan, *fix.Facts, fix.Dialer, string, error) {
	var vs []fix.Verdict
	for _, v := range fix.Verdicts(rep) {
		if v.Account == account {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil, nil, nil, "", fmt.Errorf("account %s is not in the audit", account)
	}
	wd, err := e.write(ctx, snap.Caller, partitionOf(snap), e.roleName)
	if err != nil {
		return nil, nil, nil, "", err
	}
	p, facts := fix.PlanChanges(ctx, wd, snap, vs, e.opts)
	if p.Empty() {
		return p, facts, wd, "", nil
	}
	var b strings.Builder
	if err := fix.Render(&b, p, "proposed by rootwatch watch"); err != nil {
		return nil, nil, nil, "", err
	}
	return p, facts, wd, b.String(), nil
}

func partitionOf(snap *inventory.Snapshot) string {
	for _, a := range snap.Accounts {
		for _, t := range a.Trails {
			if p := strings.SplitN(t.ARN, ":", 3); len(p) == 3 && p[1] != "" {
				return p[1]
			}
		}
	}
	return "aws"
}

// Plan proposes the fix for a broken chain from the last audit's snapshot.
// The encoded plan is its rendering: Apply re-plans from a fresh snapshot
// and applies only if the result is the same, so nothing but what was
// approved is ever changed.
func (e *fixEngine) Plan(ctx context.Context, r watch.ChainResult) (string, string, error) {
	e.mu.Lock()
	snap, rep := e.snap, e.rep
	e.mu.Unlock()
	if snap == nil {
		return "", "", errors.New("no audit snapshot yet")
	}
	_, _, _, text, err := e.plan(ctx, snap, rep, r.Account)
	if err != nil || text == "" {
		return "", "", err
	}
	return firstLines(text, 12), text, nil
}

// Apply re-collects, re-plans and applies the approved plan, journaled as
// `rootwatch fix` journals (backout can remove what it made).
func (e *fixEngine) Apply(ctx context.Context, account, approved string) (string, error) {
	snap, rep, err := e.snapshot(ctx)
	if err != nil {
		return "", err
	}
	p, facts, wd, text, err := e.plan(ctx, snap, rep, account)
	if err != nil {
		return "", err
	}
	if text == "" {
		return "nothing to do any more: the chain was fixed meanwhile", nil
	}
	if text != approved {
		return "", fmt.Errorf("the chain of %s changed since this correction was proposed: %w", account, watch.ErrStalePlan)
	}
	if _, err := fix.Reconcile(ctx, e.journal, snap, facts); err != nil {
		return "", fmt.Errorf("settle the journal: %w", err)
	}
	run, err := e.journal.StartRun(ctx, "watch --correct", "account "+account)
	if err != nil {
		return "", err
	}
	res, err := applyJournaled(ctx, &fix.Applier{Dialer: wd, Recorder: run}, p, run)
	if err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	summary := strings.TrimSpace(res.Summary()) + " (journal run " + run.ID + ")"
	if res.Failed() > 0 {
		return summary, errors.New(summary)
	}
	return summary, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// watchAudit builds the scheduled audit and, with correction on, its
// corrector, whose journal is signed with the key `fix` uses (key): backout
// refuses rows it cannot authenticate, and only then does a row forged
// into a shared store fail its check.
func watchAudit(_ context.Context, c config.File, a *config.Audit, st *store.Store,
	awsCfg func(context.Context, string) (aws.Config, error), now func() time.Time, log *slog.Logger,
	key func() ([]byte, error)) (*watch.AuditOptions, error) {
	load := func(ctx context.Context) (aws.Config, error) { return awsCfg(ctx, "") }
	eng := &fixEngine{
		read: func(ctx context.Context) (awsread.Dialer, error) {
			cfg, err := load(ctx)
			if err != nil {
				return nil, err
			}
			return awsread.NewSDKDialer(cfg), nil
		},
		write: func(ctx context.Context, caller, partition, roleName string) (fix.Dialer, error) {
			cfg, err := load(ctx)
			if err != nil {
				return nil, err
			}
			return fix.NewSDKDialer(cfg, caller, roleName, partition), nil
		},
		collect: awsread.Options{Org: a.Org, RoleName: a.RoleName, Regions: a.Regions, DefaultRegion: c.Region, Now: now},
		log:     log,
	}
	for _, e := range a.Email {
		ep, err := fix.ParseEmail(e)
		if err != nil {
			return nil, exitcode.New(exitcode.Usage, fmt.Errorf("watch.audit.email: %w", err))
		}
		eng.opts.Endpoints = append(eng.opts.Endpoints, ep)
	}
	for _, s := range a.Subscribe {
		ep, err := fix.ParseSubscribe(s)
		if err != nil {
			return nil, exitcode.New(exitcode.Usage, fmt.Errorf("watch.audit.subscribe: %w", err))
		}
		eng.opts.Endpoints = append(eng.opts.Endpoints, ep)
	}
	if a.Org {
		eng.roleName = a.RoleName
		if eng.roleName == "" {
			eng.roleName = awsread.DefaultRoleName
		}
	}
	ao := &watch.AuditOptions{Auditor: eng, Correct: a.Correct, Level: a.Level, Remind: a.Remind, Policy: auditPolicy(a)}
	fixes, err := ao.Prepare()
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	if ao.Policy.NeedsOUs() {
		if !a.Org {
			return nil, exitcode.New(exitcode.Usage, errors.New("watch.audit.accounts: a policy names an organizational unit; OUs need --org (watch.audit.org)"))
		}
		eng.collect.OUs = true
	}
	if fixes {
		k, err := key()
		if err != nil {
			return nil, fmt.Errorf("watch.audit.correct: %w", err)
		}
		j, err := store.OpenSignedJournal(context.Background(), st, now, k)
		if err != nil {
			return nil, err
		}
		eng.journal = j
		ao.Corrector = eng
	}
	return ao, nil
}
