package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/store"
)

// policyDecision prefixes DecidedBy when the account's default action
// decided, not a person.
const policyDecision = "policy: "

// correct acts on a broken chain per its account's policy: ask proposes
// the fix to the approvers, correct applies it at once, skip records that
// the plan is left alone (listed, until the plan changes), notify does
// nothing more. The correction ID is the plan's hash, so the same broken
// chain found by every run is proposed once (again when it expires).
func (s *Service) correct(ctx context.Context, r ChainResult, now time.Time) error {
	pol := s.o.Audit.Policy.For(r.placement())
	if pol.Unsure != "" {
		s.log.Warn("correction policy unknown; notifying only", "account", r.Account, "reason", pol.Unsure)
	}
	if pol.Default == ActionNotify {
		return nil
	}
	summary, plan, err := s.o.Audit.Corrector.Plan(ctx, r)
	if err != nil {
		return fmt.Errorf("plan fix: %w", err)
	}
	if summary == "" {
		return nil
	}
	c := store.Correction{ID: hashID("correction", r.Account, plan)[3:15], Account: r.Account, Summary: summary,
		Plan: plan, Created: now, Approvers: pol.Approvers, Actions: pol.Actions, Expires: now.Add(s.o.Audit.Policy.TTL)}
	switch pol.Default {
	case ActionCorrect:
		c.State, c.DecidedBy = store.CorrectionApproved, policyDecision+ActionCorrect
	case ActionSkip:
		c.State, c.DecidedBy = store.CorrectionSkipped, policyDecision+ActionSkip
	}
	added, err := s.o.Store.ProposeCorrection(ctx, c)
	if err != nil || !added {
		return err
	}
	switch pol.Default {
	case ActionAsk:
		s.log.Info("correction proposed", "correction", c.ID, "account", r.Account)
		s.notifyCorrection(ctx, c, EventProposed, fmt.Sprintf("%s at %s: %s", r.Status, r.Broken, r.Detail))
	case ActionCorrect, ActionSkip:
		// Carried out (or noted) at once, as a decision is.
		s.processDecisions(ctx)
	}
	return nil
}

// ProcessDecisions carries out the decisions approvers made and expires
// proposals nobody decided (the service calls it every tick, so a
// decision takes effect within seconds).
func (s *Service) ProcessDecisions(ctx context.Context) { s.processDecisions(ctx) }

func (s *Service) processDecisions(ctx context.Context) {
	if s.o.Audit == nil || s.o.Audit.Corrector == nil {
		return
	}
	expired, err := s.o.Store.ExpireCorrections(ctx, s.o.Now())
	if err != nil && ctx.Err() == nil {
		s.log.Error("expire corrections", "error", err)
	}
	for _, c := range expired {
		s.notifyCorrection(ctx, c, EventExpired, "Nobody decided in time; proposed again if the chain is still broken at the next audit.")
	}
	cs, err := s.o.Store.Decided(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("read decisions", "error", err)
		}
		return
	}
	for _, c := range cs {
		if s.o.Audit.Policy.NeedsOUs() && !s.placed(c.Account) {
			continue // which OU rule applies is known after this process's first audit run
		}
		mine, err := s.o.Store.ClaimDecision(ctx, c.ID, s.o.Now())
		if err != nil || !mine {
			continue // another replica took it, or the store is down: the next tick
		}
		s.log.Info("correction decided", "correction", c.ID, "account", c.Account, "state", c.State, "by", c.DecidedBy)
		if why := s.refuse(c); why != "" {
			s.log.Warn("decision refused", "correction", c.ID, "by", c.DecidedBy, "why", why)
			if err := s.o.Store.FinishCorrection(ctx, c.ID, store.CorrectionRefused, why, s.o.Now()); err != nil {
				s.log.Error("record refusal", "correction", c.ID, "error", err)
			}
			s.notifyCorrection(ctx, c, EventRefused, why+"; nothing is changed and the correction is proposed again.")
			continue
		}
		switch c.State {
		case store.CorrectionRejected:
			s.notifyCorrection(ctx, c, EventRejected, "Nothing is changed.")
		case store.CorrectionSkipped:
			s.notifyCorrection(ctx, c, EventSkipped, "Nothing is changed; this plan is not proposed again (a different one is).")
		case store.CorrectionApproved:
			s.notifyCorrection(ctx, c, EventApproved, "Applying now.")
			s.carryOut(ctx, c)
		}
	}
}

// refuse says why the watch's own policy does not accept c's decision
// ("" when it does). `rootwatch corrections` checks the approvers the
// store recorded with the proposal; this checks them again against the
// configuration, which whoever can write the store cannot change.
func (s *Service) refuse(c store.Correction) string {
	if strings.HasPrefix(c.DecidedBy, policyDecision) {
		return ""
	}
	identity := c.DecidedBy
	if i := strings.LastIndex(identity, " ("); i >= 0 && strings.HasSuffix(identity, ")") {
		identity = identity[i+2 : len(identity)-1]
	}
	pol := s.o.Audit.Policy.For(s.placementOf(c.Account))
	if pol.Unsure != "" {
		return fmt.Sprintf("decision by %s refused: %s", c.DecidedBy, pol.Unsure)
	}
	if _, ok := MayDecide(pol.Approvers, identity); !ok {
		return fmt.Sprintf("decision by %s refused: not an approver of account %s", c.DecidedBy, c.Account)
	}
	if a := DecisionAction(c.State); !slices.Contains(pol.Actions, a) {
		return fmt.Sprintf("decision by %s refused: account %s does not allow %s", c.DecidedBy, c.Account, a)
	}
	return ""
}

// carryOut applies an approved correction after the corrector re-checked
// its plan against the live account, and notifies the result with the
// audit after the change. A stale plan changes nothing and the current
// one is proposed.
func (s *Service) carryOut(ctx context.Context, c store.Correction) {
	result, err := s.o.Audit.Corrector.Apply(ctx, c.Account, c.Plan)
	state, event := store.CorrectionApplied, EventApplied
	switch {
	case errors.Is(err, ErrStalePlan):
		state, event, result = store.CorrectionStale, EventStale, "Not applied: "+err.Error()+". Nothing was changed; the current plan is proposed."
	case err != nil:
		state, event, result = store.CorrectionFailed, EventFailed, joinResult(result, err.Error())
	}
	if ferr := s.o.Store.FinishCorrection(ctx, c.ID, state, result, s.o.Now()); ferr != nil {
		s.log.Error("record correction result", "correction", c.ID, "error", ferr)
	}
	c.State, c.Result = state, result
	s.log.Info("correction carried out", "correction", c.ID, "account", c.Account, "state", state, "result", result)
	if state == store.CorrectionStale {
		// Said first, so the current plan's proposal follows it.
		s.notifyCorrection(ctx, c, event, result)
		if _, err := s.auditRun(ctx, true); err != nil {
			s.log.Error("audit after a stale plan", "error", err)
		}
		return
	}
	// The audit after the change: it notifies the heal (or what is still
	// broken), and the result names it.
	results, aerr := s.auditRun(ctx, false)
	after := "Audit after: could not run"
	if aerr != nil {
		after += ": " + aerr.Error()
	}
	for _, r := range results {
		if r.Account == c.Account {
			after = strings.TrimSpace(fmt.Sprintf("Audit after: %s %s %s", r.Status, r.Broken, r.Detail))
		}
	}
	s.notifyCorrection(ctx, c, event, joinResult(result, after))
}

func joinResult(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
