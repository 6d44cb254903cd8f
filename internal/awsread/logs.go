package awsread

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// readLogGroups looks up every log group this account's trails deliver to
// when the group lives in this account; a group in another account (an
// organization trail's) is read with that account's credentials.
func (r *accountReader) readLogGroups(ctx context.Context) {
	seen := map[string]bool{}
	for _, t := range r.a.Trails {
		p, err := inventory.ParseARN(t.LogGroupARN)
		if t.LogGroupARN == "" || err != nil || p.Account != r.a.ID || seen[t.LogGroupARN] {
			continue
		}
		seen[t.LogGroupARN] = true
		r.a.LogGroups = append(r.a.LogGroups, inventory.LogGroup{ARN: t.LogGroupARN, Name: p.LogGroupName(), Region: p.Region})
	}
	r.parallel(ctx, len(r.a.LogGroups), func(ctx context.Context, i int) { r.readLogGroup(ctx, &r.a.LogGroups[i]) })
}

func (r *accountReader) readLogGroup(ctx context.Context, g *inventory.LogGroup) {
	logs := r.conn.Logs(g.Region)
	var token *string
	for !g.Found {
		page, err := do(ctx, r.o.Retry, "logs:DescribeLogGroups", func(ctx context.Context) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
			return logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(g.Name), NextToken: token})
		})
		if err != nil {
			g.Error = readErr(err)
			return
		}
		for _, lg := range page.LogGroups {
			if aws.ToString(lg.LogGroupName) == g.Name {
				g.Found = true
			}
		}
		if token = page.NextToken; token == nil || *token == "" {
			break
		}
	}
	if !g.Found {
		return
	}
	token = nil
	for {
		page, err := do(ctx, r.o.Retry, "logs:DescribeMetricFilters", func(ctx context.Context) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
			return logs.DescribeMetricFilters(ctx, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(g.Name), NextToken: token})
		})
		if err != nil {
			if code(err) == "ResourceNotFoundException" {
				// Deleted between the two calls.
				g.Found, g.MetricFilters = false, nil
				return
			}
			g.FiltersError = readErr(err)
			return
		}
		for _, f := range page.MetricFilters {
			mf := inventory.MetricFilter{Name: aws.ToString(f.FilterName), Pattern: aws.ToString(f.FilterPattern)}
			for _, t := range f.MetricTransformations {
				mf.Transformations = append(mf.Transformations, inventory.MetricTransformation{
					MetricName: aws.ToString(t.MetricName), MetricNamespace: aws.ToString(t.MetricNamespace),
					MetricValue: aws.ToString(t.MetricValue), DefaultValue: t.DefaultValue,
					Dimensions: t.Dimensions, Unit: string(t.Unit),
				})
			}
			g.MetricFilters = append(g.MetricFilters, mf)
		}
		if token = page.NextToken; token == nil || *token == "" {
			return
		}
	}
}
