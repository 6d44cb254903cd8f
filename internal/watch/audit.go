package watch

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/route"
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
	// Warnings are the chain's warnings ("link: code: message"), in link order.
	Warnings []string
	// OUs is where the account sits (root first) when the audit read it
	// (OUsKnown), for per-OU policies.
	OUs      []string
	OUsKnown bool
	// Name, CoveredBy, Regions and Evidence (the account's
	// audit.AccountResult as JSON) are kept in the store for the console.
	Name      string
	CoveredBy string
	Regions   []string
	Evidence  string
}

// placement is where r's account sits, for Policy.For.
func (r ChainResult) placement() Placement {
	return Placement{Account: r.Account, OUs: r.OUs, OUsKnown: r.OUsKnown}
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
	// Apply re-checks plan against the live account and applies it; a
	// plan that no longer applies is an error wrapping ErrStalePlan and
	// changes nothing.
	Apply(ctx context.Context, account, plan string) (result string, err error)
}

// ErrStalePlan: the account changed since the plan was made, so it was
// not applied; the current plan is proposed instead.
var ErrStalePlan = errors.New("the plan no longer matches the account")

// Correct modes: the older spelling of the default action (never is
// notify, always is correct).
const (
	CorrectNever  = "never"
	CorrectAsk    = "ask"
	CorrectAlways = "always"
)

// Audit notification levels. Each alert the audit makes carries its
// level (route.DetailLevel) and every notifier hears its level and the
// ones below it: error ⊂ info ⊂ verbose.
const (
	LevelVerbose = "verbose" // + every run's summary
	LevelInfo    = "info"    // + corrections, heals, new warnings
	LevelError   = "error"   // broken chains (new, changed, reminders), failed corrections, failed runs
)

// DefaultRemind is how often a chain that stays broken is notified again.
const DefaultRemind = 24 * time.Hour

// AuditOptions configure detect-and-correct.
type AuditOptions struct {
	Auditor   Auditor
	Corrector Corrector // required when an account's action is ask or correct
	// Correct is the default action in its older spelling, used when
	// Policy.Default is empty.
	Correct string
	// Policy is what happens to a broken chain and who decides.
	Policy Policy
	// Level caps what the audit produces (default verbose: everything);
	// who hears what is each notifier's level.
	Level string
	// Remind is how often a chain that stays broken is notified again
	// (default DefaultRemind; negative: never).
	Remind time.Duration
	// Store is the --store an approver passes to decide (store.Locator:
	// never a password); empty leaves it out of the commands proposed.
	Store string
	// ConsoleURL is the console's external base URL; when set, a
	// proposal links to the correction's page.
	ConsoleURL string
}

func checkAudit(a *AuditOptions) error {
	if a == nil {
		return nil
	}
	if a.Auditor == nil {
		return fmt.Errorf("audit: no auditor")
	}
	fix, err := a.Prepare()
	if err != nil {
		return err
	}
	if fix && a.Corrector == nil {
		return fmt.Errorf("audit: action %s needs the fix engine", a.Policy.Default)
	}
	return nil
}

// Prepare checks a and fills its defaults (New does it too); it reports
// whether some account may be corrected, so a Corrector is needed.
func (a *AuditOptions) Prepare() (bool, error) {
	if a.Policy.Default == "" {
		switch a.Correct {
		case "", CorrectNever:
			a.Policy.Default = ActionNotify
		case CorrectAsk:
			a.Policy.Default = ActionAsk
		case CorrectAlways:
			a.Policy.Default = ActionCorrect
		default:
			return false, fmt.Errorf("audit: --correct %q: want never, ask or always", a.Correct)
		}
	}
	fix, err := a.Policy.check()
	if err != nil {
		return false, fmt.Errorf("audit: %w", err)
	}
	if a.Remind == 0 {
		a.Remind = DefaultRemind
	}
	switch a.Level {
	case "":
		a.Level = LevelVerbose
	case LevelVerbose, LevelInfo, LevelError:
	default:
		return false, fmt.Errorf("audit: level %q: want verbose, info or error", a.Level)
	}
	return fix, nil
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
	if s.o.Audit.Corrector != nil {
		s.processDecisions(ctx)
	}
	_, err := s.auditRun(ctx, true)
	if err == nil && s.o.Audit.Corrector != nil && s.o.Audit.Policy.NeedsOUs() {
		// Decisions waiting for this run to place their accounts.
		s.processDecisions(ctx)
	}
	return err
}

// auditRun audits, records the alerts and states, and acts on broken
// chains (correct: whether it may apply fixes, false while carrying out
// a decision). It returns the results.
func (s *Service) auditRun(ctx context.Context, correct bool) ([]ChainResult, error) {
	ao := s.o.Audit
	now := s.o.Now()
	results, err := ao.Auditor.Audit(ctx)
	if err != nil {
		a := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityWarning,
			Title: "Scheduled CIS 4.3 audit failed", Summary: err.Error(), Created: now,
			Details: map[string]string{"run": now.Format(time.RFC3339)}}
		a.ID = hashID("audit-error", now.String())
		s.recordRun(ctx, store.AuditRun{ID: hashID("run", now.String()), At: now, Error: err.Error()})
		return nil, s.recordAuditAlerts(ctx, []alert.Alert{withLevel(a, route.LevelError)}, nil)
	}
	s.m.auditDone(results, now)
	s.remember(results)
	s.recordRun(ctx, auditRunOf(results, now))
	var (
		alerts []alert.Alert
		states = map[string]string{}
		pass   int
		lines  []string
	)
	for _, r := range results {
		name := "audit:" + r.Account
		raw, _, err := s.o.Store.Checkpoint(ctx, name)
		if err != nil {
			return nil, err
		}
		as, next := chainAlerts(r, parseChainState(raw), ao.Remind, now)
		alerts = append(alerts, as...)
		states[name] = next.encode()
		if r.Status == ChainPass {
			pass++
		}
		line := strings.TrimSpace(fmt.Sprintf("%s %s %s", r.Account, r.Status, r.Broken))
		if u := ao.Policy.For(r.placement()).Unsure; u != "" && r.Status != ChainPass {
			line += " (notify only: " + u + ")"
		}
		lines = append(lines, line)
	}
	// The chain alerts first: a proposal follows the breakage it fixes.
	if err := s.recordAuditAlerts(ctx, alerts, states); err != nil {
		return nil, err
	}
	if s.o.Audit.Corrector != nil && correct {
		for _, r := range results {
			if r.Status == ChainPass {
				continue
			}
			if err := s.correct(ctx, r, now); err != nil {
				s.log.Error("correct chain", "account", r.Account, "error", err)
			}
		}
	}
	title := fmt.Sprintf("CIS 4.3 audit: %d of %d accounts PASS", pass, len(results))
	if pass == len(results) {
		title = fmt.Sprintf("CIS 4.3 audit: all %d accounts PASS", pass)
	}
	sum := alert.Alert{Rule: alert.RuleAudit, Kind: alert.KindAudit, Severity: alert.SeverityInfo, Created: now,
		Title: title, Summary: strings.Join(lines, "\n"), Details: map[string]string{"run": now.Format(time.RFC3339)}}
	sum.ID = hashID("audit-run", now.String(), sum.Summary)
	return results, s.recordAuditAlerts(ctx, []alert.Alert{withLevel(sum, route.LevelVerbose)}, nil)
}

func (s *Service) recordAuditAlerts(ctx context.Context, alerts []alert.Alert, states map[string]string) error {
	now := s.o.Now()
	limit, _ := route.ParseLevel(s.o.Audit.Level)
	alerts = slices.DeleteFunc(alerts, func(a alert.Alert) bool { return route.Of(a) > limit })
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

// recordRun keeps the run for the console's overview and history. A
// failure is logged, not fatal: notifying the chain matters more.
func (s *Service) recordRun(ctx context.Context, run store.AuditRun) {
	if err := s.o.Store.RecordAuditRun(ctx, run); err != nil && ctx.Err() == nil {
		s.log.Error("record audit run", "error", err)
	}
}

func auditRunOf(results []ChainResult, now time.Time) store.AuditRun {
	run := store.AuditRun{ID: hashID("run", now.String()), At: now}
	for _, r := range results {
		res := store.AuditResult{Account: r.Account, Name: r.Name, Status: r.Status,
			Broken: r.Broken, Detail: r.Detail, CoveredBy: r.CoveredBy, Warnings: len(r.Warnings), Regions: r.Regions,
			Evidence: r.Evidence}
		if r.OUsKnown {
			res.OUs = r.OUs
		}
		run.Results = append(run.Results, res)
	}
	return run
}

func hashID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "rw-" + hex.EncodeToString(h[:12])
}
