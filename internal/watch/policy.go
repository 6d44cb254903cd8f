package watch

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/store"
)

// Actions on a broken chain, as the seed pipeline names them.
const (
	ActionNotify  = "notify"  // tell the notifiers; propose nothing
	ActionAsk     = "ask"     // propose the fix to the approvers
	ActionCorrect = "correct" // apply the fix at once
	ActionSkip    = "skip"    // leave the account alone (listed, until the plan changes)
)

// AllActions is every action, in order; the default allowed set.
var AllActions = []string{ActionNotify, ActionAsk, ActionCorrect, ActionSkip}

// DefaultProposalTTL is how long a proposal waits for a decision.
const DefaultProposalTTL = 7 * 24 * time.Hour

// Policy is what watch does with a broken chain and who may decide:
// the watch-wide default, overridden per account.
type Policy struct {
	Default   string   // one of the actions; default from AuditOptions.Correct
	Actions   []string // allowed actions; default AllActions
	Approvers []string // see MayDecide
	TTL       time.Duration
	Accounts  []AccountPolicy
}

// AccountPolicy overrides the policy for matching accounts. Empty fields
// keep the watch-wide value.
type AccountPolicy struct {
	// Match holds account IDs, shell patterns of them ("1111*"), and
	// organizational unit or root IDs ("ou-ab12-11111111", "r-ab12"),
	// which match every account under them, however deep.
	Match     []string
	Default   string
	Actions   []string
	Approvers []string
	// Unsure says why the policy could not be told for certain (an OU
	// rule and the account's OUs unknown); the policy is then the
	// cautious one: notify only, no approver can decide.
	Unsure string
}

// Placement is an account and, when read, the OUs it sits in (root first).
type Placement struct {
	Account  string
	OUs      []string
	OUsKnown bool
}

// For returns the policy of an account: the first AccountPolicy that
// matches it, over the watch-wide values. When an OU rule comes before
// the first match and the account's OUs are unknown, nobody can tell
// which rule applies: For returns notify-only with Unsure set, so an
// account an OU rule keeps out of corrections is never corrected because
// Organizations could not be read.
func (p Policy) For(at Placement) AccountPolicy {
	out := AccountPolicy{Match: []string{at.Account}, Default: p.Default, Actions: p.Actions, Approvers: p.Approvers}
	for _, ap := range p.Accounts {
		matched, unsure := matches(ap.Match, at)
		if unsure {
			return AccountPolicy{Match: []string{at.Account}, Default: ActionNotify, Actions: []string{ActionNotify},
				Unsure: fmt.Sprintf("account %s: its organizational units are unknown and the policy for %s depends on them", at.Account, strings.Join(ap.Match, ","))}
		}
		if !matched {
			continue
		}
		if ap.Default != "" {
			out.Default = ap.Default
		}
		if len(ap.Actions) > 0 {
			out.Actions = ap.Actions
		}
		if len(ap.Approvers) > 0 {
			out.Approvers = ap.Approvers
		}
		break
	}
	return out
}

// matches reports whether an account matches one of match; unsure when
// only its OUs could tell.
func matches(match []string, at Placement) (matched, unsure bool) {
	for _, m := range match {
		if IsOrgUnit(m) {
			if !at.OUsKnown {
				unsure = true
			} else if slices.Contains(at.OUs, m) {
				return true, false
			}
			continue
		}
		if ok, _ := path.Match(m, at.Account); ok {
			return true, false
		}
	}
	return false, unsure
}

// IsOrgUnit reports whether m names an organizational unit
// (ou-<root>-<ou>) or an organization root (r-<root>), as Organizations
// spells their IDs.
func IsOrgUnit(m string) bool {
	if root, ok := strings.CutPrefix(m, "r-"); ok {
		return idPart(root, 4)
	}
	root, ou, ok := strings.Cut(strings.TrimPrefix(m, "ou-"), "-")
	return ok && strings.HasPrefix(m, "ou-") && idPart(root, 4) && idPart(ou, 8)
}

// idPart reports whether s is min to 32 lower-case letters or digits.
func idPart(s string, min int) bool {
	if len(s) < min || len(s) > 32 {
		return false
	}
	return strings.Trim(s, "0123456789abcdefghijklmnopqrstuvwxyz") == ""
}

// NeedsOUs reports whether some account policy names an OU, so the audit
// must read where accounts sit.
func (p Policy) NeedsOUs() bool {
	return slices.ContainsFunc(p.Accounts, func(ap AccountPolicy) bool { return slices.ContainsFunc(ap.Match, IsOrgUnit) })
}

func checkAction(where, a string) error {
	if !slices.Contains(AllActions, a) {
		return fmt.Errorf("%s %q: want notify, ask, correct or skip", where, a)
	}
	return nil
}

// check validates p and fills defaults; it reports whether any account
// may be corrected (so the fix engine is needed).
func (p *Policy) check() (bool, error) {
	if p.TTL == 0 {
		p.TTL = DefaultProposalTTL
	}
	if len(p.Actions) == 0 {
		p.Actions = AllActions
	}
	fix := false
	for i, ap := range append([]AccountPolicy{{Match: []string{"*"}}}, p.Accounts...) {
		where := "policy"
		if i > 0 {
			where = "account policy " + strings.Join(ap.Match, ",")
		}
		if len(ap.Match) == 0 {
			return false, fmt.Errorf("%s: match names no account", where)
		}
		for _, m := range ap.Match {
			if strings.HasPrefix(m, "ou-") || strings.HasPrefix(m, "r-") {
				if !IsOrgUnit(m) {
					return false, fmt.Errorf("%s: %q is not an OU ID (ou-ab12-11111111) or root ID (r-ab12)", where, m)
				}
				continue
			}
			if _, err := path.Match(m, ""); err != nil {
				return false, fmt.Errorf("%s: bad pattern %q: %w", where, m, err)
			}
		}
		eff := AccountPolicy{Default: cmp.Or(ap.Default, p.Default), Actions: orAll(ap.Actions, p.Actions),
			Approvers: orAll(ap.Approvers, p.Approvers)}
		for _, a := range append([]string{eff.Default}, eff.Actions...) {
			if err := checkAction(where+": action", a); err != nil {
				return false, err
			}
		}
		if !slices.Contains(eff.Actions, eff.Default) {
			return false, fmt.Errorf("%s: default action %s is not among the allowed actions %v", where, eff.Default, eff.Actions)
		}
		for _, a := range eff.Approvers {
			if err := CheckApprover(a); err != nil {
				return false, fmt.Errorf("%s: %w", where, err)
			}
		}
		if eff.Default == ActionAsk && !slices.ContainsFunc(eff.Approvers, canDecide) {
			return false, fmt.Errorf("%s: action ask needs an approver who can decide (--approver os:USER@HOST, or EMAIL=os:USER@HOST; see docs/watch.md)", where)
		}
		fix = fix || eff.Default == ActionAsk || eff.Default == ActionCorrect
	}
	return fix, nil
}

func orAll(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

// Approvers. An entry is PRINCIPAL[=IDENTITY[,IDENTITY...]]:
//   - PRINCIPAL is who is told and named: an email address, slack:@user,
//     slack:U0123 (user ID) or slack:S0123 (user group), or an identity;
//   - an IDENTITY is what rootwatch authenticates when someone decides:
//     os:USER@HOST for `rootwatch corrections approve` run as USER on HOST
//     (HOST may be a pattern: os:alice@bastion-*), console:SUBJECT for a
//     console login.
//
// So `--approver alice@example.com=os:alice@bastion` tells alice by email
// and lets her decide from the bastion host; `--approver os:bob@ops-1` is
// bob on ops-1, told through the notifiers only.
func CheckApprover(entry string) error {
	principal, ids, _ := strings.Cut(entry, "=")
	if err := checkPrincipal(principal); err != nil {
		return fmt.Errorf("approver %q: %w", entry, err)
	}
	if ids == "" {
		return nil
	}
	for _, id := range strings.Split(ids, ",") {
		if !isIdentity(id) {
			return fmt.Errorf("approver %q: %q is not an identity (os:USER@HOST or console:SUBJECT)", entry, id)
		}
	}
	return nil
}

func checkPrincipal(p string) error {
	switch {
	case isIdentity(p):
		return nil
	case strings.HasPrefix(p, "slack:"):
		if v := strings.TrimPrefix(p, "slack:"); v == "" || strings.ContainsAny(v, " \t=,") {
			return errors.New("want slack:@user, slack:U0123 or slack:S0123")
		}
		return nil
	case strings.Count(p, "@") == 1 && !strings.ContainsAny(p, " \t:=,") && !strings.HasPrefix(p, "@") && !strings.HasSuffix(p, "@"):
		return nil
	}
	return errors.New("want an email address, slack:@user, slack:S0123 (group), os:USER@HOST or console:SUBJECT")
}

func isIdentity(s string) bool {
	if v, ok := strings.CutPrefix(s, "os:"); ok {
		u, h, found := strings.Cut(v, "@")
		return found && u != "" && h != "" && !strings.ContainsAny(v, " \t=,")
	}
	if v, ok := strings.CutPrefix(s, "console:"); ok {
		return v != "" && !strings.ContainsAny(v, " \t=,")
	}
	return false
}

// canDecide reports whether an approver entry names an identity rootwatch
// can authenticate.
func canDecide(entry string) bool {
	principal, ids, _ := strings.Cut(entry, "=")
	return isIdentity(principal) || ids != ""
}

// MayDecide reports which approver, if any, identity is (an identity as
// CLIIdentity makes it), and returns its principal.
func MayDecide(approvers []string, identity string) (string, bool) {
	for _, entry := range approvers {
		principal, ids, _ := strings.Cut(entry, "=")
		cands := []string{}
		if isIdentity(principal) {
			cands = append(cands, principal)
		}
		if ids != "" {
			cands = append(cands, strings.Split(ids, ",")...)
		}
		for _, c := range cands {
			if ok, _ := path.Match(c, identity); ok {
				return principal, true
			}
		}
	}
	return "", false
}

// CLIIdentity is how a decision from the command line is identified: the
// OS user and the host it runs on.
func CLIIdentity(user, host string) string { return "os:" + user + "@" + host }

// DecisionAction is the action a decision chooses (approve: correct,
// reject: notify, skip: skip), checked against the allowed actions.
func DecisionAction(state string) string {
	switch state {
	case store.CorrectionApproved:
		return ActionCorrect
	case store.CorrectionSkipped:
		return ActionSkip
	}
	return ActionNotify
}
