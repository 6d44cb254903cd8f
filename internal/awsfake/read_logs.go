package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
)

// Logs is the fake CloudWatch Logs client of one account and region.
type Logs struct {
	c               *Cloud
	account, region string
}

var _ awsread.LogsAPI = (*Logs)(nil)

// DescribeLogGroups implements awsread.LogsAPI (name prefix, pagination).
func (l *Logs) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:DescribeLogGroups"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(l.region)
	var groups []logtypes.LogGroup
	for _, name := range sortedKeys(r.LogGroups) {
		if in.LogGroupNamePrefix != nil && !strings.HasPrefix(name, *in.LogGroupNamePrefix) {
			continue
		}
		arn := l.c.LogGroupARN(l.account, l.region, name)
		g := r.LogGroups[name]
		groups = append(groups, logtypes.LogGroup{
			LogGroupName:      aws.String(name),
			Arn:               aws.String(arn),
			LogGroupArn:       aws.String(strings.TrimSuffix(arn, ":*")),
			CreationTime:      aws.Int64(g.Created.UnixMilli()),
			MetricFilterCount: aws.Int32(int32(len(g.Filters))),
		})
	}
	lo, hi, next, err := l.c.page(len(groups), in.NextToken, int(aws.ToInt32(in.Limit)))
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: groups[lo:hi], NextToken: next}, nil
}

// DescribeMetricFilters implements awsread.LogsAPI. Asking for the filters
// of a missing log group is ResourceNotFoundException, as in AWS.
func (l *Logs) DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:DescribeMetricFilters"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(l.region)
	names := sortedKeys(r.LogGroups)
	if in.LogGroupName != nil {
		if _, ok := r.LogGroups[*in.LogGroupName]; !ok {
			return nil, apiError("ResourceNotFoundException", "The specified log group does not exist.")
		}
		names = []string{*in.LogGroupName}
	}
	var filters []logtypes.MetricFilter
	for _, g := range names {
		lg := r.LogGroups[g]
		for _, fn := range sortedKeys(lg.Filters) {
			f := *lg.Filters[fn]
			f.LogGroupName = aws.String(g)
			if in.FilterNamePrefix != nil && !strings.HasPrefix(fn, *in.FilterNamePrefix) {
				continue
			}
			if in.MetricName != nil && !hasMetric(f, *in.MetricName, aws.ToString(in.MetricNamespace)) {
				continue
			}
			filters = append(filters, f)
		}
	}
	lo, hi, next, err := l.c.page(len(filters), in.NextToken, int(aws.ToInt32(in.Limit)))
	if err != nil {
		return nil, err
	}
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: filters[lo:hi], NextToken: next}, nil
}

func hasMetric(f logtypes.MetricFilter, name, ns string) bool {
	for _, t := range f.MetricTransformations {
		if aws.ToString(t.MetricName) == name && (ns == "" || aws.ToString(t.MetricNamespace) == ns) {
			return true
		}
	}
	return false
}
