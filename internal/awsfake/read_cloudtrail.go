package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
)

// CloudTrail is the fake CloudTrail client of one account and region.
type CloudTrail struct {
	c               *Cloud
	account, region string
}

var _ awsread.CloudTrailAPI = (*CloudTrail)(nil)

// visible returns the trails DescribeTrails shows in this region: own
// trails homed here, own multi-region trails homed elsewhere (shadow
// trails) and the organization trails of other accounts in the org.
// Callers hold c.mu.
func (t *CloudTrail) visible(shadow bool) []*Trail {
	var out []*Trail
	for _, id := range sortedKeys(t.c.Accounts) {
		a := t.c.Accounts[id]
		for _, tr := range a.Trails {
			own := id == t.account
			home := aws.ToString(tr.HomeRegion) == t.region
			multi := aws.ToBool(tr.IsMultiRegionTrail)
			switch {
			case own && home:
			case own && multi && shadow:
			case !own && aws.ToBool(tr.IsOrganizationTrail) && t.c.Org != nil && t.c.inOrg(t.account) && t.c.inOrg(id) && shadow && (multi || home):
			default:
				continue
			}
			out = append(out, tr)
		}
	}
	return out
}

func (c *Cloud) inOrg(account string) bool {
	a, ok := c.Accounts[account]
	return ok && c.Org != nil && a.Status != "REMOVED"
}

// find resolves a name (own trail homed in this region) or an ARN.
func (t *CloudTrail) find(name string) (*Trail, error) {
	for _, tr := range t.visible(true) {
		if aws.ToString(tr.TrailARN) == name {
			return tr, nil
		}
		if !strings.HasPrefix(name, "arn:") && aws.ToString(tr.Name) == name && aws.ToString(tr.HomeRegion) == t.region {
			return tr, nil
		}
	}
	return nil, apiError("TrailNotFoundException", "Unknown trail: "+name+" for the user: "+t.account)
}

// DescribeTrails implements awsread.CloudTrailAPI. AWS does not paginate it.
func (t *CloudTrail) DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	if err := t.c.call(ctx, t.account, t.region, "cloudtrail:DescribeTrails"); err != nil {
		return nil, err
	}
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	shadow := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	out := &cloudtrail.DescribeTrailsOutput{}
	for _, tr := range t.visible(shadow) {
		if len(in.TrailNameList) > 0 && !contains(in.TrailNameList, aws.ToString(tr.Name)) && !contains(in.TrailNameList, aws.ToString(tr.TrailARN)) {
			continue
		}
		out.TrailList = append(out.TrailList, tr.Trail)
	}
	return out, nil
}

// GetTrailStatus implements awsread.CloudTrailAPI.
func (t *CloudTrail) GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if err := t.c.call(ctx, t.account, t.region, "cloudtrail:GetTrailStatus"); err != nil {
		return nil, err
	}
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	tr, err := t.find(aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	out := &cloudtrail.GetTrailStatusOutput{
		IsLogging:                        aws.Bool(tr.Logging),
		LatestCloudWatchLogsDeliveryTime: tr.LatestCloudWatchLogsDeliveryTime,
	}
	if tr.LatestCloudWatchLogsDeliveryError != "" {
		out.LatestCloudWatchLogsDeliveryError = aws.String(tr.LatestCloudWatchLogsDeliveryError)
	}
	if tr.LatestDeliveryError != "" {
		out.LatestDeliveryError = aws.String(tr.LatestDeliveryError)
	}
	return out, nil
}

// GetEventSelectors implements awsread.CloudTrailAPI. A trail that never
// had selectors set logs all management events, as AWS reports it.
func (t *CloudTrail) GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	if err := t.c.call(ctx, t.account, t.region, "cloudtrail:GetEventSelectors"); err != nil {
		return nil, err
	}
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	tr, err := t.find(aws.ToString(in.TrailName))
	if err != nil {
		return nil, err
	}
	out := &cloudtrail.GetEventSelectorsOutput{TrailARN: tr.TrailARN}
	switch {
	case len(tr.AdvancedEventSelectors) > 0:
		out.AdvancedEventSelectors = tr.AdvancedEventSelectors
	case tr.EventSelectors != nil:
		out.EventSelectors = tr.EventSelectors
	default:
		out.EventSelectors = []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
