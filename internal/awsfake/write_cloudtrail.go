package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// UpdateTrail changes a trail's CloudWatch Logs delivery (the only
// setting rootwatch changes). It must be called in the trail's home region
// by the owning account; the log group and role must both be given (or
// both cleared with empty strings) and must exist.
func (t *CloudTrail) UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	if err := t.c.call(ctx, t.account, t.region, "cloudtrail:UpdateTrail"); err != nil {
		return nil, err
	}
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	tr, err := t.find(aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	if !strings.Contains(aws.ToString(tr.TrailARN), ":"+t.account+":") {
		return nil, apiError("NotOrganizationMasterAccountException", "Only the account that owns the trail can update it.")
	}
	if aws.ToString(tr.HomeRegion) != t.region {
		return nil, apiError("InvalidHomeRegionException", "This operation must be called from the trail's home region "+aws.ToString(tr.HomeRegion)+".")
	}
	if in.CloudWatchLogsLogGroupArn != nil || in.CloudWatchLogsRoleArn != nil {
		group, role := aws.ToString(in.CloudWatchLogsLogGroupArn), aws.ToString(in.CloudWatchLogsRoleArn)
		if (group == "") != (role == "") {
			return nil, apiError("InvalidCloudWatchLogsLogGroupArnException", "You must specify a log group and a role ARN together.")
		}
		if group != "" {
			a, err := t.c.lookup(t.account)
			if err != nil {
				return nil, err
			}
			p, err := inventory.ParseARN(group)
			if err != nil || !strings.HasSuffix(group, ":*") {
				return nil, apiError("InvalidCloudWatchLogsLogGroupArnException", "Access denied. Verify in IAM that the role has adequate permissions.")
			}
			if r := a.Regional[p.Region]; r == nil || r.LogGroups[p.LogGroupName()] == nil {
				return nil, apiError("InvalidCloudWatchLogsLogGroupArnException", "The log group does not exist.")
			}
			roleName := role[strings.LastIndexByte(role, '/')+1:]
			if a.IAMRoles[roleName] == nil && !a.Roles[roleName] {
				return nil, apiError("InvalidCloudWatchLogsRoleArnException", "Access denied. Verify in IAM that the role exists and has adequate permissions.")
			}
			tr.CloudWatchLogsLogGroupArn, tr.CloudWatchLogsRoleArn = aws.String(group), aws.String(role)
		} else {
			tr.CloudWatchLogsLogGroupArn, tr.CloudWatchLogsRoleArn = nil, nil
		}
	}
	return &cloudtrail.UpdateTrailOutput{Name: tr.Name, TrailARN: tr.TrailARN,
		CloudWatchLogsLogGroupArn: tr.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: tr.CloudWatchLogsRoleArn}, nil
}
