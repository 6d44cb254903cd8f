package awsread

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// readAlarms reads the metric alarms of each region that holds a metric
// filter on a trail's log group, keeping those that watch one of the
// filters' metric names or namespaces (exact matches and the near misses
// the report explains: wrong namespace, stray dimensions) and metric-math
// alarms.
func (r *accountReader) readAlarms(ctx context.Context) {
	names, spaces := map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, g := range r.a.LogGroups {
		for _, f := range g.MetricFilters {
			for _, t := range f.Transformations {
				if names[g.Region] == nil {
					names[g.Region], spaces[g.Region] = map[string]bool{}, map[string]bool{}
				}
				names[g.Region][t.MetricName] = true
				spaces[g.Region][t.MetricNamespace] = true
			}
		}
	}
	regions := make([]string, 0, len(names))
	for reg := range names {
		regions = append(regions, reg)
	}
	sort.Strings(regions)
	found := make([][]inventory.Alarm, len(regions))
	ok := make([]bool, len(regions))
	r.parallel(ctx, len(regions), func(ctx context.Context, i int) {
		reg := regions[i]
		alarms, err := MetricAlarms(ctx, r.conn.CloudWatch(reg), reg, r.o.Retry, func(al inventory.Alarm) bool {
			return names[reg][al.MetricName] || spaces[reg][al.Namespace] || al.MetricMath
		})
		if err != nil {
			r.regionError(reg, inventory.ListAlarms, err)
			return
		}
		found[i], ok[i] = alarms, true
	})
	for i, reg := range regions {
		if ok[i] {
			r.a.AlarmRegions = append(r.a.AlarmRegions, reg)
			r.a.Alarms = append(r.a.Alarms, found[i]...)
		}
	}
}

// MetricAlarms lists the metric alarms of region that keep accepts (nil
// keeps all), page by page, retrying throttling. The audit keeps those on
// its filters' metrics; fix reads a home region whole (is its alarm name
// taken?). One reader, so both see the same alarms and the same errors.
func MetricAlarms(ctx context.Context, cw CloudWatchAPI, region string, retry Retry, keep func(inventory.Alarm) bool) ([]inventory.Alarm, *inventory.ReadError) {
	var out []inventory.Alarm
	var token *string
	for {
		page, err := do(ctx, retry, "cloudwatch:DescribeAlarms", func(ctx context.Context) (*cloudwatch.DescribeAlarmsOutput, error) {
			return cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}, NextToken: token})
		})
		if err != nil {
			return nil, readErr(err)
		}
		for _, m := range page.MetricAlarms {
			if al := AlarmFrom(m, region); keep == nil || keep(al) {
				out = append(out, al)
			}
		}
		if token = page.NextToken; token == nil || *token == "" {
			return out, nil
		}
	}
}

// AlarmFrom converts an SDK metric alarm of region to the snapshot's form
// (fix reads alarms the audit did not, and must see them the same way).
func AlarmFrom(m cwtypes.MetricAlarm, region string) inventory.Alarm {
	al := inventory.Alarm{
		Name: aws.ToString(m.AlarmName), ARN: aws.ToString(m.AlarmArn), Region: region,
		MetricName: aws.ToString(m.MetricName), Namespace: aws.ToString(m.Namespace),
		MetricMath: len(m.Metrics) > 0,
		Statistic:  string(m.Statistic), ExtendedStatistic: aws.ToString(m.ExtendedStatistic),
		Period: aws.ToInt32(m.Period), Unit: string(m.Unit), Threshold: aws.ToFloat64(m.Threshold),
		ComparisonOperator: string(m.ComparisonOperator), EvaluationPeriods: aws.ToInt32(m.EvaluationPeriods),
		DatapointsToAlarm: aws.ToInt32(m.DatapointsToAlarm), TreatMissingData: aws.ToString(m.TreatMissingData),
		ActionsEnabled: aws.ToBool(m.ActionsEnabled), AlarmActions: m.AlarmActions, OKActions: m.OKActions,
		StateValue: string(m.StateValue), StateUpdated: aws.ToTime(m.StateUpdatedTimestamp),
	}
	for _, d := range m.Dimensions {
		al.Dimensions = append(al.Dimensions, inventory.Dimension{Name: aws.ToString(d.Name), Value: aws.ToString(d.Value)})
	}
	return al
}
