package awsfake

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// PutMetricAlarm creates an alarm or replaces the one of the same name.
// A new alarm starts in INSUFFICIENT_DATA; an updated one keeps its state.
// Tags are applied only on creation, as AWS documents.
func (w *CloudWatch) PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:PutMetricAlarm"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.AlarmName)
	switch {
	case name == "":
		return nil, apiError("ValidationError", "1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null")
	case in.EvaluationPeriods == nil || in.ComparisonOperator == "":
		return nil, apiError("ValidationError", "EvaluationPeriods and ComparisonOperator are required")
	case len(in.Metrics) == 0 && (in.Statistic == "") == (in.ExtendedStatistic == nil):
		return nil, apiError("InvalidParameterCombination", "Exactly one of Statistic or ExtendedStatistic must be specified")
	case len(in.Metrics) == 0 && (in.MetricName == nil || in.Namespace == nil || in.Period == nil):
		return nil, apiError("ValidationError", "MetricName, Namespace and Period are required")
	}
	for _, a := range in.AlarmActions {
		if !strings.HasPrefix(a, "arn:") {
			return nil, apiError("ValidationError", fmt.Sprintf("Invalid arn syntax: %s", a))
		}
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	acct, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := acct.Region(w.region)
	arn := w.c.AlarmARN(w.account, w.region, name)
	now := time.Now().UTC()
	al := &cwtypes.MetricAlarm{
		AlarmName: aws.String(name), AlarmArn: aws.String(arn),
		AlarmDescription:                   in.AlarmDescription,
		MetricName:                         in.MetricName,
		Namespace:                          in.Namespace,
		Dimensions:                         append([]cwtypes.Dimension(nil), in.Dimensions...),
		Statistic:                          in.Statistic,
		ExtendedStatistic:                  in.ExtendedStatistic,
		Period:                             in.Period,
		Unit:                               in.Unit,
		Threshold:                          in.Threshold,
		ComparisonOperator:                 in.ComparisonOperator,
		EvaluationPeriods:                  in.EvaluationPeriods,
		DatapointsToAlarm:                  in.DatapointsToAlarm,
		TreatMissingData:                   in.TreatMissingData,
		ActionsEnabled:                     aws.Bool(in.ActionsEnabled == nil || *in.ActionsEnabled),
		AlarmActions:                       append([]string(nil), in.AlarmActions...),
		OKActions:                          append([]string(nil), in.OKActions...),
		InsufficientDataActions:            append([]string(nil), in.InsufficientDataActions...),
		Metrics:                            append([]cwtypes.MetricDataQuery(nil), in.Metrics...),
		StateValue:                         cwtypes.StateValueInsufficientData,
		StateReason:                        aws.String("Unchecked: Initial alarm creation"),
		StateUpdatedTimestamp:              aws.Time(now),
		AlarmConfigurationUpdatedTimestamp: aws.Time(now),
	}
	summary := fmt.Sprintf("Alarm %q created", name)
	if old, ok := r.Alarms[name]; ok {
		al.StateValue, al.StateReason, al.StateUpdatedTimestamp = old.StateValue, old.StateReason, old.StateUpdatedTimestamp
		summary = fmt.Sprintf("Alarm %q updated", name)
	} else if len(in.Tags) > 0 {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		r.setTags(arn, tags)
	}
	r.Alarms[name] = al
	r.addHistory(name, cwtypes.HistoryItemTypeConfigurationUpdate, summary, now)
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

// DeleteAlarms deletes alarms; if any name does not exist nothing is
// deleted and the error is ResourceNotFound, as AWS documents.
func (w *CloudWatch) DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:DeleteAlarms"); err != nil {
		return nil, err
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	acct, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := acct.Region(w.region)
	for _, n := range in.AlarmNames {
		if _, ok := r.Alarms[n]; !ok {
			return nil, apiError("ResourceNotFound", fmt.Sprintf("Alarm %s does not exist", n))
		}
	}
	for _, n := range in.AlarmNames {
		delete(r.Alarms, n)
		delete(r.AlarmHistory, n)
		delete(r.Tags, w.c.AlarmARN(w.account, w.region, n))
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

// DisableAlarmActions turns actions off; unknown names are ignored, as AWS does.
func (w *CloudWatch) DisableAlarmActions(ctx context.Context, in *cloudwatch.DisableAlarmActionsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DisableAlarmActionsOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:DisableAlarmActions"); err != nil {
		return nil, err
	}
	return &cloudwatch.DisableAlarmActionsOutput{}, w.setActions(in.AlarmNames, false)
}

// EnableAlarmActions turns actions on; unknown names are ignored.
func (w *CloudWatch) EnableAlarmActions(ctx context.Context, in *cloudwatch.EnableAlarmActionsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.EnableAlarmActionsOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:EnableAlarmActions"); err != nil {
		return nil, err
	}
	return &cloudwatch.EnableAlarmActionsOutput{}, w.setActions(in.AlarmNames, true)
}

func (w *CloudWatch) setActions(names []string, on bool) error {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	acct, err := w.c.lookup(w.account)
	if err != nil {
		return err
	}
	r := acct.Region(w.region)
	for _, n := range names {
		if al, ok := r.Alarms[n]; ok {
			al.ActionsEnabled = aws.Bool(on)
		}
	}
	return nil
}

// SetAlarmState changes the state until the next evaluation. Moving into
// ALARM with actions enabled runs the alarm actions: an SNS action
// succeeds when the topic exists and its policy lets CloudWatch publish.
// Both show in the alarm history, as in AWS.
func (w *CloudWatch) SetAlarmState(ctx context.Context, in *cloudwatch.SetAlarmStateInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.SetAlarmStateOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:SetAlarmState"); err != nil {
		return nil, err
	}
	switch in.StateValue {
	case cwtypes.StateValueOk, cwtypes.StateValueAlarm, cwtypes.StateValueInsufficientData:
	default:
		return nil, apiError("ValidationError", fmt.Sprintf("Invalid state value %q", in.StateValue))
	}
	if aws.ToString(in.StateReason) == "" {
		return nil, apiError("ValidationError", "StateReason is required")
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	acct, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := acct.Region(w.region)
	name := aws.ToString(in.AlarmName)
	al, ok := r.Alarms[name]
	if !ok {
		return nil, apiError("ResourceNotFound", fmt.Sprintf("Alarm %s does not exist", name))
	}
	old := al.StateValue
	now := time.Now().UTC()
	al.StateValue, al.StateReason, al.StateUpdatedTimestamp = in.StateValue, in.StateReason, aws.Time(now)
	if old == in.StateValue {
		return &cloudwatch.SetAlarmStateOutput{}, nil
	}
	r.addHistory(name, cwtypes.HistoryItemTypeStateUpdate, fmt.Sprintf("Alarm updated from %s to %s", old, in.StateValue), now)
	if in.StateValue != cwtypes.StateValueAlarm || !aws.ToBool(al.ActionsEnabled) {
		return &cloudwatch.SetAlarmStateOutput{}, nil
	}
	for _, action := range al.AlarmActions {
		if w.c.canPublish(w.account, action) {
			r.addHistory(name, cwtypes.HistoryItemTypeAction, "Successfully executed action "+action, now)
		} else {
			r.addHistory(name, cwtypes.HistoryItemTypeAction, "Failed to execute action "+action+". Received error: \"CloudWatch Alarms does not have authorization to access the SNS topic encryption key or the topic does not exist.\"", now)
		}
	}
	return &cloudwatch.SetAlarmStateOutput{}, nil
}

// canPublish is what CloudWatch meets when it publishes for account: the
// topic must exist, its policy must name CloudWatch or keep SNS's default
// owner grant, and it must not be encrypted with alias/aws/sns. Callers
// hold c.mu.
func (c *Cloud) canPublish(account, topicARN string) bool {
	var t *Topic
	for _, a := range c.Accounts {
		for _, r := range a.Regional {
			if x, ok := r.Topics[topicARN]; ok {
				t = x
			}
		}
	}
	if t == nil {
		return false
	}
	if strings.HasSuffix(t.Attributes["KmsMasterKeyId"], "alias/aws/sns") {
		return false
	}
	policy, ok := t.Attributes["Policy"]
	if !ok {
		return true // the default policy lets the owner's alarms publish
	}
	var doc struct{ Statement []map[string]any }
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	return strings.Contains(policy, "cloudwatch.amazonaws.com") || strings.Contains(policy, `"AWS:SourceOwner":"`+account+`"`)
}

// addHistory appends a history item. Callers hold c.mu.
func (r *Region) addHistory(alarm string, kind cwtypes.HistoryItemType, summary string, at time.Time) {
	if r.AlarmHistory == nil {
		r.AlarmHistory = map[string][]cwtypes.AlarmHistoryItem{}
	}
	data, _ := json.Marshal(map[string]string{"summary": summary})
	r.AlarmHistory[alarm] = append(r.AlarmHistory[alarm], cwtypes.AlarmHistoryItem{
		AlarmName: aws.String(alarm), AlarmType: cwtypes.AlarmTypeMetricAlarm,
		HistoryItemType: kind, HistorySummary: aws.String(summary), HistoryData: aws.String(string(data)),
		Timestamp: aws.Time(at),
	})
}

// DescribeAlarmHistory returns history items newest first (TimestampDescending,
// the default), filtered by alarm, type and dates, paginated.
func (w *CloudWatch) DescribeAlarmHistory(ctx context.Context, in *cloudwatch.DescribeAlarmHistoryInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmHistoryOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:DescribeAlarmHistory"); err != nil {
		return nil, err
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	acct, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := acct.Region(w.region)
	type seqItem struct {
		it  cwtypes.AlarmHistoryItem
		seq int
	}
	var found []seqItem
	for _, name := range sortedKeys(r.AlarmHistory) {
		if in.AlarmName != nil && *in.AlarmName != name {
			continue
		}
		for i, it := range r.AlarmHistory[name] {
			if in.HistoryItemType != "" && it.HistoryItemType != in.HistoryItemType {
				continue
			}
			if in.StartDate != nil && it.Timestamp.Before(*in.StartDate) || in.EndDate != nil && it.Timestamp.After(*in.EndDate) {
				continue
			}
			found = append(found, seqItem{it, i})
		}
	}
	// Oldest first by (time, order of happening), then reversed unless
	// ascending was asked for: items of one instant keep their true order.
	sort.SliceStable(found, func(i, j int) bool {
		ti, tj := *found[i].it.Timestamp, *found[j].it.Timestamp
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return found[i].seq < found[j].seq
	})
	items := make([]cwtypes.AlarmHistoryItem, len(found))
	for i, f := range found {
		if in.ScanBy == cwtypes.ScanByTimestampAscending {
			items[i] = f.it
		} else {
			items[len(found)-1-i] = f.it
		}
	}
	lo, hi, next, err := w.c.page(len(items), in.NextToken, int(aws.ToInt32(in.MaxRecords)))
	if err != nil {
		return nil, err
	}
	return &cloudwatch.DescribeAlarmHistoryOutput{AlarmHistoryItems: items[lo:hi], NextToken: next}, nil
}
