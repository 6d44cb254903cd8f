package awsfake

import (
	"context"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// PutMetricFilter creates the filter or replaces the one of the same name,
// as AWS does. The pattern must parse (AWS rejects bad patterns with
// InvalidParameterException) and there must be exactly one transformation.
func (l *Logs) PutMetricFilter(ctx context.Context, in *cloudwatchlogs.PutMetricFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:PutMetricFilter"); err != nil {
		return nil, err
	}
	if aws.ToString(in.FilterName) == "" || in.FilterPattern == nil {
		return nil, apiError("InvalidParameterException", "filterName and filterPattern are required")
	}
	if len(in.MetricTransformations) != 1 {
		return nil, apiError("InvalidParameterException", "exactly one metric transformation is required")
	}
	if _, err := filterpattern.Parse(*in.FilterPattern); err != nil {
		return nil, apiError("InvalidParameterException", "Invalid metric filter pattern: "+err.Error())
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	g, ok := a.Region(l.region).LogGroups[aws.ToString(in.LogGroupName)]
	if !ok {
		return nil, apiError("ResourceNotFoundException", "The specified log group does not exist.")
	}
	if g.Filters == nil {
		g.Filters = map[string]*logtypes.MetricFilter{}
	}
	ts := make([]logtypes.MetricTransformation, len(in.MetricTransformations))
	copy(ts, in.MetricTransformations)
	g.Filters[*in.FilterName] = &logtypes.MetricFilter{
		FilterName:            aws.String(*in.FilterName),
		FilterPattern:         aws.String(*in.FilterPattern),
		MetricTransformations: ts,
		CreationTime:          aws.Int64(time.Now().UnixMilli()),
	}
	return &cloudwatchlogs.PutMetricFilterOutput{}, nil
}

// DeleteMetricFilter deletes a filter; a missing group or filter is
// ResourceNotFoundException.
func (l *Logs) DeleteMetricFilter(ctx context.Context, in *cloudwatchlogs.DeleteMetricFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteMetricFilterOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:DeleteMetricFilter"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	g, ok := a.Region(l.region).LogGroups[aws.ToString(in.LogGroupName)]
	if !ok {
		return nil, apiError("ResourceNotFoundException", "The specified log group does not exist.")
	}
	if _, ok := g.Filters[aws.ToString(in.FilterName)]; !ok {
		return nil, apiError("ResourceNotFoundException", "The specified metric filter does not exist.")
	}
	delete(g.Filters, aws.ToString(in.FilterName))
	return &cloudwatchlogs.DeleteMetricFilterOutput{}, nil
}

// CreateLogGroup creates a group; an existing one is
// ResourceAlreadyExistsException.
func (l *Logs) CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:CreateLogGroup"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogGroupName)
	if name == "" {
		return nil, apiError("InvalidParameterException", "logGroupName is required")
	}
	r := a.Region(l.region)
	if _, ok := r.LogGroups[name]; ok {
		return nil, apiError("ResourceAlreadyExistsException", "The specified log group already exists")
	}
	r.LogGroups[name] = &LogGroup{Name: name, Created: time.Now(), Filters: map[string]*logtypes.MetricFilter{}}
	if len(in.Tags) > 0 {
		r.setTags(l.c.LogGroupARN(l.account, l.region, name), in.Tags)
	}
	return &cloudwatchlogs.CreateLogGroupOutput{}, nil
}

// DeleteLogGroup deletes a group and its filters; a missing one is
// ResourceNotFoundException.
func (l *Logs) DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:DeleteLogGroup"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(l.region)
	name := aws.ToString(in.LogGroupName)
	if _, ok := r.LogGroups[name]; !ok {
		return nil, apiError("ResourceNotFoundException", "The specified log group does not exist.")
	}
	delete(r.LogGroups, name)
	delete(r.Tags, l.c.LogGroupARN(l.account, l.region, name))
	return &cloudwatchlogs.DeleteLogGroupOutput{}, nil
}

// setTags merges tags onto a resource. Callers hold c.mu.
func (r *Region) setTags(arn string, tags map[string]string) {
	if r.Tags == nil {
		r.Tags = map[string]map[string]string{}
	}
	t := r.Tags[arn]
	if t == nil {
		t = map[string]string{}
		r.Tags[arn] = t
	}
	maps.Copy(t, tags)
}

// TagsOf returns a copy of a resource's tags, for tests.
func (c *Cloud) TagsOf(account, region, arn string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.Accounts[account]
	if !ok || a.Regional[region] == nil {
		return nil
	}
	return maps.Clone(a.Regional[region].Tags[arn])
}
