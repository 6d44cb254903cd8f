package awsfake

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// The tag reads backout makes before it deletes anything: each returns
// the tags the resource was created with, and the service's not-found
// error when the resource is gone.

// ListTagsForResource returns an alarm's tags (ResourceNotFound when the
// alarm does not exist).
func (w *CloudWatch) ListTagsForResource(ctx context.Context, in *cloudwatch.ListTagsForResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error) {
	if err := w.c.call(ctx, w.account, w.region, "cloudwatch:ListTagsForResource"); err != nil {
		return nil, err
	}
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	a, err := w.c.lookup(w.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(w.region)
	arn := aws.ToString(in.ResourceARN)
	name, ok := strings.CutPrefix(arn, w.c.AlarmARN(w.account, w.region, ""))
	if !ok || r.Alarms[name] == nil {
		return nil, apiError("ResourceNotFound", fmt.Sprintf("Alarm %s does not exist", arn))
	}
	out := &cloudwatch.ListTagsForResourceOutput{}
	for _, k := range sortedKeys(r.Tags[arn]) {
		out.Tags = append(out.Tags, cwtypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[arn][k])})
	}
	return out, nil
}

// ListTagsForResource returns a topic's tags (NotFound when it does not
// exist).
func (s *SNS) ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, _ ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	if err := s.c.call(ctx, s.account, s.region, "sns:ListTagsForResource"); err != nil {
		return nil, err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	arn := aws.ToString(in.ResourceArn)
	if _, err := s.topic(arn); err != nil {
		return nil, err
	}
	tags := s.c.Accounts[s.account].Region(s.region).Tags[arn]
	out := &sns.ListTagsForResourceOutput{}
	for _, k := range sortedKeys(tags) {
		out.Tags = append(out.Tags, snstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out, nil
}

// ListTagsForResource returns a log group's tags; the ARN is the form
// without ":*", as the API wants.
func (l *Logs) ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	if err := l.c.call(ctx, l.account, l.region, "logs:ListTagsForResource"); err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	a, err := l.c.lookup(l.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(l.region)
	arn := aws.ToString(in.ResourceArn)
	name, ok := strings.CutPrefix(arn, strings.TrimSuffix(l.c.LogGroupARN(l.account, l.region, ""), ":*"))
	if !ok || r.LogGroups[name] == nil {
		return nil, apiError("ResourceNotFoundException", "The specified log group does not exist.")
	}
	return &cloudwatchlogs.ListTagsForResourceOutput{Tags: maps.Clone(r.Tags[l.c.LogGroupARN(l.account, l.region, name)])}, nil
}

// GetRole returns a role created through the fake IAM, with its tags.
func (x *IAM) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := x.c.call(ctx, x.account, "", "iam:GetRole"); err != nil {
		return nil, err
	}
	x.c.mu.Lock()
	defer x.c.mu.Unlock()
	a, err := x.c.lookup(x.account)
	if err != nil {
		return nil, err
	}
	r, err := x.role(a, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	role := &iamtypes.Role{RoleName: aws.String(r.Name), Arn: aws.String(r.ARN), AssumeRolePolicyDocument: aws.String(r.TrustPolicy)}
	for _, k := range sortedKeys(r.Tags) {
		role.Tags = append(role.Tags, iamtypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
	}
	return &iam.GetRoleOutput{Role: role}, nil
}
