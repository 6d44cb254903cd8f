package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
)

// reenablePolicyName is the inline policy of a re-enable schedule's role.
const reenablePolicyName = "rootwatch-enable-alarm-actions"

// planControlSwitch turns the actions of the control's alarms on or off.
// The alarms' live state is read, so a second run plans nothing. With
// r.For, disabling also leaves a one-time schedule (and its role) that
// enables the actions again in AWS even if rootwatch never runs again;
// enabling removes what such a schedule left (rows: the journal's
// schedule, role and role policy rows, trusted).
func planControlSwitch(ctx context.Context, d Dialer, targets []audit.ControlAlarm, r BackoutRequest, rows []store.Change) *Plan {
	on := r.Mode == BackoutEnable
	p := &Plan{}
	for _, t := range targets {
		ap := p.accountPlan(chainKey{t.Account, t.Region})
		conn, err := d.Conn(ctx, t.Account)
		if err != nil {
			ap.Err = fmt.Errorf("open clients: %w", err)
			continue
		}
		var cleanup []Step
		if on {
			// Also when the alarm is gone: its schedule and role stay
			// rootwatch's to remove.
			if cleanup, err = reenableCleanup(t, rows); err != nil {
				ap.Err = err
				continue
			}
		}
		cur, err := describeAlarm(ctx, conn.CloudWatch(t.Region), t.Name)
		if errors.Is(err, ErrNotFound) {
			ap.Notes = append(ap.Notes, fmt.Sprintf("alarm %s no longer exists", t.Name))
			ap.Steps = append(ap.Steps, cleanup...)
			continue
		}
		if err != nil {
			ap.Err = fmt.Errorf("read alarm %s: %s: %w", t.Name, Classify(err), err)
			continue
		}
		var steps []Step
		if !on && r.For > 0 {
			steps, err = reenableSteps(ctx, conn, t, cur, r)
			if err != nil {
				ap.Err = err
				continue
			}
			if len(steps) == 0 {
				ap.Notes = append(ap.Notes, fmt.Sprintf("schedule %s already exists and will re-enable the actions of %s at the time it was given; --for does not change it", inventory.ReenableScheduleName(t.Account, t.Region, t.Name), t.Name))
			}
		}
		if cur.ActionsEnabled != on {
			after := *cur
			after.ActionsEnabled = on
			s := Step{Kind: KindAlarm, Action: DisableActions, Account: t.Account, Region: t.Region, Resource: t.Name,
				Before: cur, After: &after, Reason: "CIS 4.3 backout, step 1: the alarm that implements the control stays, nobody is notified"}
			if on {
				s.Action, s.Reason = EnableActions, "CIS 4.3 backout reversed: notifications resume"
			}
			if t.ARN != "" {
				if mine, err := alarmTagged(ctx, conn.CloudWatch(t.Region), t.ARN); err == nil && !mine {
					s.Note = "rootwatch did not create this alarm; the chain uses it, so only its actions are switched, and backout --remove never deletes it"
				}
			}
			steps = append(steps, s)
		}
		ap.Steps = append(ap.Steps, append(steps, cleanup...)...)
	}
	sortPlan(p)
	return p
}

// reenableSteps create the role and the one-time schedule that enable
// alarm t's actions at r.Now+r.For. Nothing is planned when the schedule
// already exists; a role of that name that rootwatch did not make is
// never handed to the scheduler.
func reenableSteps(ctx context.Context, conn Conn, t audit.ControlAlarm, cur *AlarmSpec, r BackoutRequest) ([]Step, error) {
	name := inventory.ReenableScheduleName(t.Account, t.Region, t.Name)
	_, err := conn.Scheduler(t.Region).GetSchedule(ctx, &scheduler.GetScheduleInput{Name: &name})
	switch {
	case err == nil:
		return nil, nil // a run before this one left it; its time stands
	case ignoreNotFound(err) != nil:
		return nil, fmt.Errorf("read schedule %s: %s: %w", name, Classify(err), err)
	}
	part := partitionOf(t.ARN)
	alarmARN := t.ARN
	if alarmARN == "" {
		alarmARN = fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s", part, t.Region, t.Account, t.Name)
	}
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", part, t.Account, name)
	var steps []Step
	out, err := conn.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	switch {
	case err == nil:
		if !roleTagged(out) {
			return nil, fmt.Errorf("IAM role %s exists and does not carry rootwatch's tag %s=true: rootwatch will not hand a role it did not make to the scheduler", name, TagManaged)
		}
	case ignoreNotFound(err) != nil:
		return nil, fmt.Errorf("read role %s: %s: %w", name, Classify(err), err)
	default:
		role := &RoleSpec{Name: name, ARN: roleARN, TrustPolicy: trustPolicy("scheduler.amazonaws.com", t.Account),
			Description: roleDescription(t.Name),
			Tags:        map[string]string{TagManaged: "true", TagControl: "cis-4.3"}}
		policy := &RolePolicySpec{Role: name, Name: reenablePolicyName, Policy: compactJSON(map[string]any{
			"Version":   "2012-10-17",
			"Statement": []any{map[string]any{"Effect": "Allow", "Action": "cloudwatch:EnableAlarmActions", "Resource": alarmARN}},
		})}
		steps = append(steps,
			Step{Kind: KindRole, Action: Create, Account: t.Account, Region: t.Region, Resource: roleARN, After: role,
				Reason: "the schedule below runs as its own role, trusted only by scheduler.amazonaws.com for this account"},
			Step{Kind: KindRolePolicy, Action: Create, Account: t.Account, Region: t.Region, Resource: roleARN + "/" + reenablePolicyName, After: policy,
				Reason: "the role may enable this alarm's actions and nothing else"})
	}
	input, _ := json.Marshal(map[string][]string{"AlarmNames": {t.Name}})
	at := r.Now.Add(r.For).UTC().Truncate(time.Second)
	sched := &ScheduleSpec{Name: name, Expression: awsread.AtExpression(at), TargetARN: awsread.EnableAlarmActionsTarget(part), RoleARN: roleARN, Input: string(input)}
	why := fmt.Sprintf("--for %s: re-enables the actions at %s even if rootwatch never runs again", r.For, at.Format(time.RFC3339))
	if cur.ActionsEnabled {
		why = fmt.Sprintf("--for %s: the actions come back at %s even if rootwatch never runs again", r.For, at.Format(time.RFC3339))
	}
	steps = append(steps, Step{Kind: KindSchedule, Action: Create, Account: t.Account, Region: t.Region, Resource: name, After: sched,
		Reason: why, Note: "a one-time EventBridge Scheduler schedule that deletes itself once it has run; backout --enable-actions removes it sooner"})
	return steps, nil
}

func roleTagged(out *iam.GetRoleOutput) bool {
	if out.Role == nil {
		return false
	}
	for _, t := range out.Role.Tags {
		if t.Key != nil && *t.Key == TagManaged && t.Value != nil && *t.Value == "true" {
			return true
		}
	}
	return false
}

// reenableCleanup undoes, newest first, the schedule, role policy and
// role a --for run journaled for alarm t. Each step is vetted against the
// live resource like every other backout step (backout_owner.go).
func reenableCleanup(t audit.ControlAlarm, rows []store.Change) ([]Step, error) {
	name := inventory.ReenableScheduleName(t.Account, t.Region, t.Name)
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partitionOf(t.ARN), t.Account, name)
	var steps []Step
	for i := len(rows) - 1; i >= 0; i-- {
		c := rows[i]
		if c.Account != t.Account || (c.Resource != name && c.Resource != roleARN && c.Resource != roleARN+"/"+reenablePolicyName) {
			continue
		}
		s, err := undoStep(c)
		if err != nil {
			return nil, fmt.Errorf("journal change %s: %w", c.Ref(), err)
		}
		s.Reason = "created by backout --disable-actions --for (" + c.RunID + "); no longer needed"
		steps = append(steps, s)
	}
	return steps, nil
}

// roleDescription names the alarm in the role's description, within
// what IAM accepts there (tab, newline and printable Latin-1, up to 1000
// characters); an alarm name may hold any UTF-8.
func roleDescription(alarm string) string {
	var b strings.Builder
	for i, r := range []rune(alarm) {
		if i == 80 {
			b.WriteString("...")
			break
		}
		if (r >= 0x20 && r <= 0x7e) || (r >= 0xa1 && r <= 0xff) {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return "lets EventBridge Scheduler re-enable the actions of alarm " + b.String() + " (managed by rootwatch)"
}

// orphanReenables plans the removal of --for schedules (and roles) whose
// alarm is not among the targets: deleted since, or no longer the
// control's. Such a schedule is removed only when nothing is left for it
// to do (the alarm is gone, or its actions are on again); an alarm still
// disabled keeps the one thing that will switch it back on.
func orphanReenables(ctx context.Context, d Dialer, p *Plan, targets []audit.ControlAlarm, rows []store.Change) {
	seen := map[string]bool{}
	for _, c := range rows {
		if Kind(c.Kind) != KindSchedule {
			continue
		}
		spec, err := decodeSpec(KindSchedule, c.After)
		if err != nil {
			continue // reenableCleanup reports a bad row where it matters
		}
		var in struct{ AlarmNames []string }
		if json.Unmarshal([]byte(spec.(*ScheduleSpec).Input), &in) != nil || len(in.AlarmNames) != 1 {
			continue
		}
		t := audit.ControlAlarm{Account: c.Account, Region: c.Region, Name: in.AlarmNames[0]}
		key := t.Account + "\x00" + t.Region + "\x00" + t.Name
		if seen[key] || slices.ContainsFunc(targets, func(x audit.ControlAlarm) bool {
			return x.Account == t.Account && x.Region == t.Region && x.Name == t.Name
		}) {
			continue
		}
		seen[key] = true
		ap := p.accountPlan(chainKey{t.Account, t.Region})
		conn, err := d.Conn(ctx, t.Account)
		if err != nil {
			ap.Err = fmt.Errorf("open clients: %w", err)
			continue
		}
		cur, err := describeAlarm(ctx, conn.CloudWatch(t.Region), t.Name)
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			ap.Err = fmt.Errorf("read alarm %s: %s: %w", t.Name, Classify(err), err)
			continue
		case err == nil && !cur.ActionsEnabled:
			ap.Notes = append(ap.Notes, fmt.Sprintf("alarm %s no longer implements the control and its actions are still disabled: its re-enable schedule %s is kept", t.Name, spec.(*ScheduleSpec).Name))
			continue
		}
		cleanup, err := reenableCleanup(t, rows)
		if err != nil {
			ap.Err = err
			continue
		}
		ap.Steps = append(ap.Steps, cleanup...)
	}
	sortPlan(p)
}
