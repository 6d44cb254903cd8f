package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
)

// CloudWatch is the fake CloudWatch client of one account and region.
type CloudWatch struct {
	c               *Cloud
	account, region string
}

var _ awsread.CloudWatchAPI = (*CloudWatch)(nil)

// DescribeAlarms implements awsread.CloudWatchAPI: metric alarms only
// (the fake has no composite alarms), by name or prefix, paginated.
func (w *CloudWatch) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:DescribeAlarms"); err != nil {
		return nil, err
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	a, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(w.region)
	var alarms []cwtypes.MetricAlarm
	for _, name := range sortedKeys(r.Alarms) {
		if len(in.AlarmNames) > 0 && !contains(in.AlarmNames, name) {
			continue
		}
		if in.AlarmNamePrefix != nil && !strings.HasPrefix(name, *in.AlarmNamePrefix) {
			continue
		}
		al := *r.Alarms[name]
		al.AlarmName = aws.String(name)
		if al.AlarmArn == nil {
			al.AlarmArn = aws.String(w.c.AlarmARN(w.account, w.region, name))
		}
		alarms = append(alarms, al)
	}
	lo, hi, next, err := w.c.page(len(alarms), in.NextToken, int(aws.ToInt32(in.MaxRecords)))
	if err != nil {
		return nil, err
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: alarms[lo:hi], NextToken: next}, nil
}
