package awsfake

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// Schedule is an EventBridge Scheduler schedule as CreateSchedule made it.
type Schedule struct {
	Name, Group, ARN      string
	Expression            string
	ActionAfterCompletion string
	Description           string
	TargetARN, RoleARN    string
	Input                 string
	State                 string
}

// Scheduler is the fake EventBridge Scheduler client of one account and
// region.
type Scheduler struct {
	c       *Cloud
	account string
	region  string
}

// SchedulerClient returns the account's Scheduler client in region.
func (k Conn) SchedulerClient(region string) *Scheduler { return &Scheduler{k.c, k.account, region} }

// As the Scheduler API reference documents: names are 1-64 of
// [0-9a-zA-Z-_.]; a one-time schedule is at(yyyy-mm-ddThh:mm:ss).
var (
	scheduleNameRe = regexp.MustCompile(`^[0-9a-zA-Z\-_.]{1,64}$`)
	atExprRe       = regexp.MustCompile(`^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$`)
)

func groupOf(g *string) string {
	if aws.ToString(g) == "" {
		return "default"
	}
	return aws.ToString(g)
}

func (s *Scheduler) schedules() (*Region, error) {
	a, err := s.c.lookup(s.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(s.region)
	if r.Schedules == nil {
		r.Schedules = map[string]*Schedule{}
	}
	return r, nil
}

// CreateSchedule creates a schedule; ConflictException when the name is
// taken in its group, ValidationException for what the API refuses.
func (s *Scheduler) CreateSchedule(ctx context.Context, in *scheduler.CreateScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "scheduler:CreateSchedule"); err != nil {
		return nil, err
	}
	name, expr := aws.ToString(in.Name), aws.ToString(in.ScheduleExpression)
	switch {
	case !scheduleNameRe.MatchString(name):
		return nil, apiError("ValidationException", "Invalid schedule name "+name)
	case in.FlexibleTimeWindow == nil || in.Target == nil || aws.ToString(in.Target.Arn) == "" || aws.ToString(in.Target.RoleArn) == "":
		return nil, apiError("ValidationException", "FlexibleTimeWindow, Target.Arn and Target.RoleArn are required")
	case !atExprRe.MatchString(expr) && !strings.HasPrefix(expr, "rate(") && !strings.HasPrefix(expr, "cron("):
		return nil, apiError("ValidationException", "Invalid Schedule Expression "+expr)
	}
	if in.Target.Input != nil && !json.Valid([]byte(*in.Target.Input)) && strings.HasPrefix(aws.ToString(in.Target.Arn), "arn:aws:scheduler:::aws-sdk:") {
		return nil, apiError("ValidationException", "The input of a universal target must be JSON")
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	r, err := s.schedules()
	if err != nil {
		return nil, err
	}
	group := groupOf(in.GroupName)
	if _, ok := r.Schedules[group+"/"+name]; ok {
		return nil, apiError("ConflictException", "Schedule "+name+" already exists.")
	}
	sc := &Schedule{Name: name, Group: group, Expression: expr, ActionAfterCompletion: string(in.ActionAfterCompletion),
		Description: aws.ToString(in.Description), TargetARN: aws.ToString(in.Target.Arn), RoleARN: aws.ToString(in.Target.RoleArn),
		Input: aws.ToString(in.Target.Input), State: string(schedtypes.ScheduleStateEnabled),
		ARN: fmt.Sprintf("arn:%s:scheduler:%s:%s:schedule/%s/%s", s.c.partition(), s.region, s.account, group, name)}
	r.Schedules[group+"/"+name] = sc
	return &scheduler.CreateScheduleOutput{ScheduleArn: aws.String(sc.ARN)}, nil
}

func (s *Scheduler) find(group, name string) (*Schedule, *Region, error) {
	r, err := s.schedules()
	if err != nil {
		return nil, nil, err
	}
	sc, ok := r.Schedules[group+"/"+name]
	if !ok {
		return nil, nil, apiError("ResourceNotFoundException", "Schedule "+name+" does not exist.")
	}
	return sc, r, nil
}

// GetSchedule reads one schedule.
func (s *Scheduler) GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "scheduler:GetSchedule"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	sc, _, err := s.find(groupOf(in.GroupName), aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	return &scheduler.GetScheduleOutput{
		Arn: aws.String(sc.ARN), Name: aws.String(sc.Name), GroupName: aws.String(sc.Group),
		ScheduleExpression: aws.String(sc.Expression), ActionAfterCompletion: schedtypes.ActionAfterCompletion(sc.ActionAfterCompletion),
		Description: aws.String(sc.Description), State: schedtypes.ScheduleState(sc.State),
		FlexibleTimeWindow: &schedtypes.FlexibleTimeWindow{Mode: schedtypes.FlexibleTimeWindowModeOff},
		Target:             &schedtypes.Target{Arn: aws.String(sc.TargetARN), RoleArn: aws.String(sc.RoleARN), Input: aws.String(sc.Input)},
	}, nil
}

// DeleteSchedule deletes one schedule (ResourceNotFoundException when
// absent).
func (s *Scheduler) DeleteSchedule(ctx context.Context, in *scheduler.DeleteScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "scheduler:DeleteSchedule"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	sc, r, err := s.find(groupOf(in.GroupName), aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	delete(r.Schedules, sc.Group+"/"+sc.Name)
	return &scheduler.DeleteScheduleOutput{}, nil
}

// ListSchedules lists schedules by group and name prefix, a page at a time.
func (s *Scheduler) ListSchedules(ctx context.Context, in *scheduler.ListSchedulesInput, _ ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "scheduler:ListSchedules"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	r, err := s.schedules()
	if err != nil {
		return nil, err
	}
	var all []schedtypes.ScheduleSummary
	for _, k := range sortedKeys(r.Schedules) {
		sc := r.Schedules[k]
		if (in.GroupName != nil && sc.Group != *in.GroupName) || !strings.HasPrefix(sc.Name, aws.ToString(in.NamePrefix)) {
			continue
		}
		all = append(all, schedtypes.ScheduleSummary{Arn: aws.String(sc.ARN), Name: aws.String(sc.Name), GroupName: aws.String(sc.Group),
			State: schedtypes.ScheduleState(sc.State), Target: &schedtypes.TargetSummary{Arn: aws.String(sc.TargetARN)}})
	}
	lo, hi, next, err := s.c.page(len(all), in.NextToken, int(aws.ToInt32(in.MaxResults)))
	if err != nil {
		return nil, err
	}
	return &scheduler.ListSchedulesOutput{Schedules: all[lo:hi], NextToken: next}, nil
}

// EnableAlarmActionsTarget is the universal target that calls
// CloudWatch's EnableAlarmActions.
const EnableAlarmActionsTarget = "arn:aws:scheduler:::aws-sdk:cloudwatch:enableAlarmActions"

// FireSchedules runs, as the service would at now, every one-time
// schedule of the region that is due and whose target is
// EnableAlarmActions, provided its role may enable each alarm; a schedule
// with ActionAfterCompletion DELETE is then deleted. It returns how many
// fired.
func (c *Cloud) FireSchedules(account, region string, now time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, err := c.lookup(account)
	if err != nil {
		return 0, err
	}
	r := a.Region(region)
	keys := sortedKeys(r.Schedules)
	n := 0
	for _, k := range keys {
		sc := r.Schedules[k]
		m := atExprRe.FindStringSubmatch(sc.Expression)
		if m == nil || sc.TargetARN != EnableAlarmActionsTarget {
			continue
		}
		at, err := time.Parse("2006-01-02T15:04:05", m[1])
		if err != nil || now.Before(at) {
			continue
		}
		var in struct{ AlarmNames []string }
		if err := json.Unmarshal([]byte(sc.Input), &in); err != nil {
			return n, fmt.Errorf("schedule %s: input: %w", sc.Name, err)
		}
		for _, name := range in.AlarmNames {
			if !c.roleAllows(a, sc.RoleARN, "cloudwatch:EnableAlarmActions", c.AlarmARN(account, region, name)) {
				return n, fmt.Errorf("schedule %s: role %s may not enable alarm %s", sc.Name, sc.RoleARN, name)
			}
			if al := r.Alarms[name]; al != nil {
				al.ActionsEnabled = aws.Bool(true)
			}
		}
		n++
		if sc.ActionAfterCompletion == string(schedtypes.ActionAfterCompletionDelete) {
			delete(r.Schedules, k)
		}
	}
	return n, nil
}

// roleAllows is a deliberately small policy check: some inline policy of
// the role allows action on exactly resource. Callers hold c.mu.
func (c *Cloud) roleAllows(a *Account, roleARN, action, resource string) bool {
	for _, role := range a.IAMRoles {
		if role.ARN != roleARN {
			continue
		}
		for _, doc := range role.Policies {
			var p struct {
				Statement []struct {
					Effect   string
					Action   any
					Resource any
				}
			}
			if json.Unmarshal([]byte(doc), &p) != nil {
				continue
			}
			for _, st := range p.Statement {
				if st.Effect == "Allow" && listHas(st.Action, action) && listHas(st.Resource, resource) {
					return true
				}
			}
		}
	}
	return false
}

func listHas(v any, s string) bool {
	switch x := v.(type) {
	case string:
		return x == s
	case []any:
		for _, e := range x {
			if e == s {
				return true
			}
		}
	}
	return false
}
