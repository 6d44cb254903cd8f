package watch

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/store"
)

// Chain statuses, as audit reports them.
const (
	ChainPass    = "PASS"
	ChainFail    = "FAIL"
	ChainUnknown = "UNKNOWN"
)

// ChainResult is one account's CIS 4.3 chain as the scheduled audit saw it.
type ChainResult struct {
	Account string
	Status  string // ChainPass, ChainFail, ChainUnknown
	Broken  string // first link that is not PASS (trail, log-group, ...)
	Detail  string
}

// Auditor re-runs the chain audit (internal/audit over a fresh snapshot).
type Auditor interface {
	Audit(ctx context.Context) ([]ChainResult, error)
}

// Corrector plans and applies the fix of one account's chain (internal/fix,
// journaled as `rootwatch fix` journals).
type Corrector interface {
	// Plan returns a summary and an encoded plan; an empty summary means
	// nothing to do.
	Plan(ctx context.Context, r ChainResult) (summary, plan string, err error)
	Apply(ctx context.Context, account, plan string) (result string, err error)
}

// Correct modes.
const (
	CorrectNever  = "never"
	CorrectAsk    = "ask"
	CorrectAlways = "always"
)

// Audit notification levels.
const (
	LevelVerbose = "verbose" // every run's summary
	LevelInfo    = "info"    // breaks and heals
	LevelError   = "error"   // failures only
)

// AuditOptions configure detect-and-correct.
type AuditOptions struct {
	Auditor   Auditor
	Corrector Corrector // required unless Correct is never
	Correct   string
	Level     string
}

func checkAudit(a *AuditOptions) error {
	if a == nil {
		return nil
	}
	if a.Auditor == nil {
		return fmt.Errorf("audit: no auditor")
	}
	switch a.Correct {
	case "", CorrectNever:
		a.Correct = CorrectNever
	case CorrectAsk, CorrectAlways:
		if a.Corrector == nil {
			return fmt.Errorf("audit: --correct %s needs the fix engine", a.Correct)
		}
	default:
		return fmt.Errorf("audit: --correct %q: want never, ask or always", a.Correct)
	}
	switch a.Level {
	case "":
		a.Level = LevelInfo
	case LevelVerbose, LevelInfo, LevelError:
	default:
		return fmt.Errorf("audit: level %q: want verbose, info or error", a.Level)
	}
	return nil
}

// runAudit audits, notifies at the configured level, and corrects.
func (s *Service) runAudit(ctx context.Context) {
	if err := s.auditOnce(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("scheduled audit", "error", err)
	}
}

// AuditOnce runs one scheduled audit now (tests, `--audit-every` ticks).
func (s *Service) AuditOnce(ctx context.Context) error { return s.auditOnce(ctx) }

func (s *Service) auditOnce(ctx context.Context) error {
	ao := s.o.Audit
	if ao.Corrector != nil {
		if err := s.applyApproved(ctx); err != nil {
			s.log.Error("apply approved corrections", "error", err)
		}
	}
	now := s.o.Now()
	results, err := ao.Auditor.Audit(ctx)
	if err != nil {
		a := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityWarning,
			Title: "Scheduled CIS 4.3 audit failed", Summary: err.Error(), Created: now,
			Details: map[string]string{"run": now.Format(time.RFC3339)}}
		a.ID = hashID("audit-error", now.String())
		return s.recordAuditAlerts(ctx, []alert.Alert{a}, nil)
	}
	var (
		alerts []alert.Alert
		states = map[string]string{}
		pass   int
		lines  []string
	)
	for _, r := range results {
		name := "audit:" + r.Account
		prev, _, err := s.o.Store.Checkpoint(ctx, name)
		if err != nil {
			return err
		}
		states[name] = r.Status
		if r.Status == ChainPass {
			pass++
		}
		lines = append(lines, fmt.Sprintf("%s %s %s", r.Account, r.Status, r.Broken))
		changed := prev != r.Status && !(prev == "" && r.Status == ChainPass)
		failing := r.Status != ChainPass
		if (ao.Level == LevelInfo && changed) || (ao.Level == LevelError && failing) {
			alerts = append(alerts, chainAlert(r, prev, now))
		}
		if failing && ao.Correct != CorrectNever {
			if err := s.correct(ctx, r, now); err != nil {
				s.log.Error("correct chain", "account", r.Account, "error", err)
			}
		}
	}
	if ao.Level == LevelVerbose {
		a := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityInfo, Created: now,
			Title:   fmt.Sprintf("CIS 4.3 audit: %d of %d accounts PASS", pass, len(results)),
			Summary: strings.Join(lines, "\n"), Details: map[string]string{"run": now.Format(time.RFC3339)}}
		a.ID = hashID("audit-run", now.String())
		alerts = append(alerts, a)
	}
	return s.recordAuditAlerts(ctx, alerts, states)
}

func chainAlert(r ChainResult, prev string, now time.Time) alert.Alert {
	sev := alert.SeverityCritical
	title := fmt.Sprintf("CIS 4.3 chain broken in %s at %s", r.Account, r.Broken)
	switch r.Status {
	case ChainPass:
		sev, title = alert.SeverityInfo, "CIS 4.3 chain healed in "+r.Account
	case ChainUnknown:
		sev, title = alert.SeverityWarning, fmt.Sprintf("CIS 4.3 chain of %s could not be checked at %s", r.Account, r.Broken)
	}
	return alert.Alert{
		ID: hashID("chain", r.Account, r.Status, r.Broken, prev, now.String()), Rule: alert.RuleAudit,
		Kind: alert.KindAudit, Severity: sev, Title: title, Summary: r.Detail, Account: r.Account,
		State: r.Status, PreviousState: prev, Details: map[string]string{"link": r.Broken},
	}
}

func (s *Service) recordAuditAlerts(ctx context.Context, alerts []alert.Alert, states map[string]string) error {
	now := s.o.Now()
	queued := 0
	err := s.o.Store.Tx(ctx, func(tx *sql.Tx) error {
		for i := range alerts {
			alerts[i].Created = now
		}
		n, err := s.pipe.enqueue(ctx, tx, alerts, now)
		if err != nil {
			return err
		}
		queued = n
		for _, k := range sortedKeys(states) {
			if err := s.o.Store.SetCheckpoint(ctx, tx, k, states[k], now); err != nil {
				return err
			}
		}
		return nil
	})
	if queued > 0 {
		s.disp.wake()
	}
	return err
}

// correct proposes (ask) or applies (always) the fix of a broken chain.
// The correction ID is the plan's hash, so the same broken chain found by
// every run is proposed once.
func (s *Service) correct(ctx context.Context, r ChainResult, now time.Time) error {
	ao := s.o.Audit
	summary, plan, err := ao.Corrector.Plan(ctx, r)
	if err != nil {
		return fmt.Errorf("plan fix: %w", err)
	}
	if summary == "" {
		return nil
	}
	c := store.Correction{ID: hashID("correction", r.Account, plan)[3:15], Account: r.Account, Summary: summary,
		Plan: plan, Created: now}
	if ao.Correct == CorrectAlways {
		c.State = store.CorrectionApproved
		c.DecidedBy = "watch --correct always"
	}
	added, err := s.o.Store.ProposeCorrection(ctx, c)
	if err != nil || !added {
		return err
	}
	if ao.Correct == CorrectAsk {
		s.log.Info("correction proposed", "correction", c.ID, "account", r.Account, "summary", summary)
		return nil
	}
	result, err := ao.Corrector.Apply(ctx, r.Account, plan)
	if err != nil {
		result = err.Error()
	}
	if ferr := s.o.Store.FinishCorrection(ctx, c.ID, err == nil, result, s.o.Now()); ferr != nil {
		return ferr
	}
	if err != nil {
		return fmt.Errorf("apply fix %s: %w", c.ID, err)
	}
	s.log.Info("correction applied", "correction", c.ID, "account", r.Account, "summary", summary)
	return nil
}

func hashID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "rw-" + hex.EncodeToString(h[:12])
}

// applyApproved applies the corrections a person approved since the last
// run (rootwatch corrections approve ID).
func (s *Service) applyApproved(ctx context.Context) error {
	cs, err := s.o.Store.ListCorrections(ctx, store.CorrectionApproved)
	if err != nil {
		return err
	}
	for _, c := range cs {
		result, err := s.o.Audit.Corrector.Apply(ctx, c.Account, c.Plan)
		if err != nil {
			result = err.Error()
		}
		if ferr := s.o.Store.FinishCorrection(ctx, c.ID, err == nil, result, s.o.Now()); ferr != nil {
			return ferr
		}
		s.log.Info("approved correction processed", "correction", c.ID, "account", c.Account, "applied", err == nil, "result", result)
	}
	return nil
}
