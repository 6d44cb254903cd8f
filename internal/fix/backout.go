package fix

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/store"
)

// BackoutMode is what backout does.
type BackoutMode string

// Backout modes, the CIS backout plan's three steps.
const (
	BackoutDisable BackoutMode = "disable-actions"
	BackoutEnable  BackoutMode = "enable-actions"
	BackoutRemove  BackoutMode = "remove"
)

// Journal is what backout reads from the change journal.
type Journal interface {
	Changes(ctx context.Context, q store.ChangeQuery) ([]store.Change, error)
}

// BackoutRequest says what backout does and where.
type BackoutRequest struct {
	Mode BackoutMode
	// Accounts, when not empty, limits the backout to those accounts.
	Accounts []string
	// AllowUnsigned lets backout act on journal rows without a MAC
	// (written before rows were signed); a row whose MAC is wrong is
	// refused whatever this says.
	AllowUnsigned bool
	// Control is every alarm that implements the control, from an audit
	// of the accounts (audit.ControlAlarms): the action switches work on
	// these, whoever created them, and on the alarms the journal says
	// rootwatch made.
	Control []audit.ControlAlarm
	// Alarm names the alarm to switch when an account has several.
	Alarm string
	// For, with BackoutDisable, also schedules the actions to be enabled
	// again For after Now, by AWS itself.
	For time.Duration
	Now time.Time
}

// BackoutPlan is a backout's plan and the journal changes it refused to
// act on.
type BackoutPlan struct {
	*Plan
	Refused []Refusal
}

// PlanBackout computes a backout. --remove works from the journal: only
// resources rootwatch created or changed are touched. The action switches
// work on the alarms that implement the control, whoever made them
// (backout_control.go), and on what a --for run journaled. Rows that fail
// their HMAC check, and steps whose live resource is not rootwatch's
// (backout_owner.go), are refused and listed instead. The alarms' current
// state is read, so a second run plans nothing. A switch with nothing to
// switch is a *NoControlError, several candidates in one account an
// *AmbiguousAlarmError.
func PlanBackout(ctx context.Context, d Dialer, j Journal, r BackoutRequest) (*BackoutPlan, error) {
	// backout's own rows count only for what a --for run created (the
	// re-enable schedule and its role): its action switches are not
	// undone by --remove, they are what --enable-actions is for.
	changes, err := j.Changes(ctx, store.ChangeQuery{Statuses: []string{store.ChangeDone}, Unreverted: true, ExcludeCommands: []string{"verify"}})
	if err != nil {
		return nil, err
	}
	bp := &BackoutPlan{}
	var mine, reenable []store.Change
	for _, c := range changes {
		if len(r.Accounts) > 0 && !slices.Contains(r.Accounts, c.Account) {
			continue
		}
		fromFor := c.Command == "backout" && Action(c.Action) == Create && slices.Contains([]Kind{KindSchedule, KindRole, KindRolePolicy}, Kind(c.Kind))
		if c.Command == "backout" && !fromFor {
			continue
		}
		if why := untrusted(c, r.AllowUnsigned); why != "" {
			bp.Refused = append(bp.Refused, Refusal{Account: c.Account, Region: c.Region, Kind: Kind(c.Kind), Resource: c.Resource, Ref: c.Ref(), Why: why})
			continue
		}
		if fromFor {
			reenable = append(reenable, c)
			continue
		}
		mine = append(mine, c)
	}
	switch r.Mode {
	case BackoutDisable, BackoutEnable:
		targets, err := switchTargets(r.Control, mine, r.Accounts, r.Alarm)
		var none *NoControlError
		if errors.As(err, &none) && r.Mode == BackoutEnable && r.Alarm == "" && len(reenable) > 0 {
			// No alarm left to switch, but a --for run's schedule and
			// role may still be rootwatch's to remove.
			targets, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		bp.Plan = planControlSwitch(ctx, d, targets, r, reenable)
		if r.Mode == BackoutEnable {
			orphanReenables(ctx, d, bp.Plan, targets, reenable)
		}
		if none != nil && bp.Plan.Empty() && !slices.ContainsFunc(bp.Accounts, func(ap AccountPlan) bool { return ap.Err != nil }) {
			return nil, none
		}
	case BackoutRemove:
		bp.Plan, err = planRemove(mine)
		if err == nil {
			withReenables(bp.Plan, reenable)
		}
	default:
		return nil, fmt.Errorf("unknown backout mode %q", r.Mode)
	}
	if err != nil {
		return nil, err
	}
	bp.vet(ctx, d)
	if r.Mode == BackoutRemove {
		bp.dropOrphanReenables()
	}
	return bp, nil
}

// withReenables adds to a --remove plan the cleanup of the re-enable
// schedule (and its role) of each alarm the plan deletes: with the alarm
// gone it has nothing to re-enable. A schedule whose alarm stays is kept,
// disabled actions and all: removing it would leave root unmonitored for
// good (--enable-actions is what removes it).
func withReenables(p *Plan, rows []store.Change) {
	for i := range p.Accounts {
		ap := &p.Accounts[i]
		var extra []Step
		for _, s := range ap.Steps {
			if s.Kind != KindAlarm || s.Action != Delete {
				continue
			}
			t := audit.ControlAlarm{Account: s.Account, Region: s.Region, Name: s.Resource}
			if b, ok := s.Before.(*AlarmSpec); ok && b.Name != "" {
				t.Name = b.Name
			}
			cleanup, err := reenableCleanup(t, rows)
			if err != nil {
				ap.Err = err
				continue
			}
			for _, c := range cleanup {
				c.forAlarm = t.Name
				extra = append(extra, c)
			}
		}
		ap.Steps = append(ap.Steps, extra...)
	}
}

// dropOrphanReenables takes out the re-enable cleanup of an alarm whose
// deletion vet refused: the alarm stays, so its schedule must too.
func (bp *BackoutPlan) dropOrphanReenables() {
	for i := range bp.Accounts {
		ap := &bp.Accounts[i]
		deleted := map[string]bool{}
		for _, s := range ap.Steps {
			if s.Kind == KindAlarm && s.Action == Delete {
				deleted[s.Resource] = true
			}
		}
		ap.Steps = slices.DeleteFunc(ap.Steps, func(s Step) bool { return s.forAlarm != "" && !deleted[s.forAlarm] })
	}
}

// untrusted says why a journal row may not be acted on, or "".
func untrusted(c store.Change, allowUnsigned bool) string {
	switch c.Auth {
	case store.AuthValid:
		return ""
	case store.AuthInvalid:
		return "the journal row fails its HMAC check: it was forged or altered in the store, or signed with another journal key"
	}
	if allowUnsigned {
		return ""
	}
	return "the journal row is not signed (written before rootwatch signed its journal, or without the journal key); check it and re-run with --allow-unsigned-journal to act on it"
}

// vet drops every step whose live resource is not rootwatch's, recording
// why.
func (bp *BackoutPlan) vet(ctx context.Context, d Dialer) {
	for i := range bp.Accounts {
		ap := &bp.Accounts[i]
		if ap.Err != nil || len(ap.Steps) == 0 {
			continue
		}
		conn, err := d.Conn(ctx, ap.Account)
		if err != nil {
			ap.Err = fmt.Errorf("open clients: %w", err)
			continue
		}
		kept := ap.Steps[:0]
		deleted := map[string]bool{}
		for _, s := range ap.Steps {
			if why := notOwned(ctx, conn, s); why != "" {
				bp.Refused = append(bp.Refused, Refusal{Account: s.Account, Region: s.Region, Kind: s.Kind, Resource: s.Resource, Ref: s.Undoes, Why: why})
				continue
			}
			if s.Kind == KindTopic && s.Action == Delete {
				deleted[s.Resource] = true
			}
			kept = append(kept, s)
		}
		// A subscription counted on its topic's deletion; if that was
		// refused, the subscription is unsubscribed by itself.
		for j := range kept {
			if kept[j].withTopic && !deleted[kept[j].Before.(*SubscriptionSpec).TopicARN] {
				kept[j].withTopic, kept[j].Note = false, ""
			}
		}
		ap.Steps = kept
	}
}

type chainKey struct{ account, region string }

func (p *Plan) accountPlan(k chainKey) *AccountPlan {
	for i := range p.Accounts {
		if p.Accounts[i].Account == k.account && p.Accounts[i].Region == k.region {
			return &p.Accounts[i]
		}
	}
	p.Accounts = append(p.Accounts, AccountPlan{Account: k.account, Region: k.region, Covers: []string{k.account}})
	return &p.Accounts[len(p.Accounts)-1]
}

func sortPlan(p *Plan) {
	sort.SliceStable(p.Accounts, func(i, j int) bool {
		a, b := p.Accounts[i], p.Accounts[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
}

// planRemove undoes every journaled change, newest first: what rootwatch
// created is deleted, what it changed is put back as it was.
func planRemove(changes []store.Change) (*Plan, error) {
	p := &Plan{}
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if Kind(c.Kind) == KindAlarmState {
			continue // verify put the state back itself; CloudWatch re-evaluates anyway
		}
		ap := p.accountPlan(chainKey{c.Account, c.Region})
		s, err := undoStep(c)
		if err != nil {
			ap.Err = fmt.Errorf("journal change %s: %w", c.Ref(), err)
			continue
		}
		ap.Steps = append(ap.Steps, s)
	}
	// A subscription on a topic the same plan deletes goes with the topic:
	// SNS refuses to unsubscribe a pending one, and need not be asked.
	for i := range p.Accounts {
		steps := p.Accounts[i].Steps
		for j := range steps {
			sub, ok := steps[j].Before.(*SubscriptionSpec)
			if !ok || steps[j].Action != Delete {
				continue
			}
			for _, t := range steps[j+1:] {
				if t.Kind == KindTopic && t.Action == Delete && t.Resource == sub.TopicARN {
					steps[j].withTopic = true
					steps[j].Note = "removed with its topic"
				}
			}
		}
	}
	sortPlan(p)
	return p, nil
}

// undoStep is the step that reverses journaled change c.
func undoStep(c store.Change) (Step, error) {
	before, err := decodeSpec(Kind(c.Kind), c.Before)
	if err != nil {
		return Step{}, err
	}
	after, err := decodeSpec(Kind(c.Kind), c.After)
	if err != nil {
		return Step{}, err
	}
	s := Step{Kind: Kind(c.Kind), Account: c.Account, Region: c.Region, Resource: c.Resource, Undoes: c.Ref()}
	switch Action(c.Action) {
	case Create:
		s.Action, s.Before = Delete, after
		s.Reason = "created by rootwatch (" + c.RunID + ")"
		switch x := after.(type) {
		case *SubscriptionSpec:
			x.ARN = c.Result
			if !isARN(x.ARN) {
				s.Note = "pending subscription without an ARN: SNS deletes unconfirmed subscriptions after 3 days"
			}
		case *TopicSpec:
			s.Note = "deletes the topic with all its subscriptions"
		case *LogGroupSpec:
			s.Note = "deletes the log group and every log event CloudTrail delivered to it"
		}
	case Update:
		if before == nil {
			return Step{}, errors.New("an update without the state before it")
		}
		s.Action, s.Before, s.After = Restore, after, before
		s.Reason = "changed by rootwatch (" + c.RunID + "); put back as it was"
	case EnableActions:
		s.Action, s.Before, s.After = DisableActions, after, before
		s.Reason = "rootwatch enabled these actions (" + c.RunID + "); they were disabled before"
	case DisableActions:
		s.Action, s.Before, s.After = EnableActions, after, before
		s.Reason = "rootwatch disabled these actions (" + c.RunID + "); they were enabled before"
	default:
		return Step{}, fmt.Errorf("cannot undo action %q", c.Action)
	}
	return s, nil
}

func isARN(s string) bool { return len(s) > 4 && s[:4] == "arn:" }
