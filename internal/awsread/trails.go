package awsread

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// readTrails lists the trails visible in region, shadow trails included:
// that is how a member account sees its organization's trail and how a
// multi-region trail homed elsewhere shows up.
func (r *accountReader) readTrails(ctx context.Context, region string) {
	out, err := do(ctx, r.o.Retry, "cloudtrail:DescribeTrails", func(ctx context.Context) (*cloudtrail.DescribeTrailsOutput, error) {
		return r.conn.CloudTrail(region).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	})
	if err != nil {
		r.regionError(region, inventory.ListTrails, err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range out.TrailList {
		r.a.Trails = append(r.a.Trails, trailFrom(t, region))
	}
}

func trailFrom(t cttypes.Trail, seenIn string) inventory.Trail {
	arn := aws.ToString(t.TrailARN)
	tr := inventory.Trail{
		ARN:                 arn,
		Name:                aws.ToString(t.Name),
		HomeRegion:          aws.ToString(t.HomeRegion),
		IsMultiRegion:       aws.ToBool(t.IsMultiRegionTrail),
		IsOrganizationTrail: aws.ToBool(t.IsOrganizationTrail),
		LogGroupARN:         aws.ToString(t.CloudWatchLogsLogGroupArn),
		RoleARN:             aws.ToString(t.CloudWatchLogsRoleArn),
		S3Bucket:            aws.ToString(t.S3BucketName),
	}
	if p, err := inventory.ParseARN(arn); err == nil {
		tr.OwnerAccount = p.Account
		if tr.HomeRegion == "" {
			tr.HomeRegion = p.Region
		}
	}
	if tr.HomeRegion == "" {
		tr.HomeRegion = seenIn
	}
	return tr
}

// dedupeTrails keeps each trail once (a multi-region trail is listed in
// every region), keyed by ARN so equal names in different accounts stay
// apart.
func (r *accountReader) dedupeTrails() {
	seen := map[string]bool{}
	out := r.a.Trails[:0]
	for _, t := range r.a.Trails {
		if seen[t.ARN] {
			continue
		}
		seen[t.ARN] = true
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	r.a.Trails = out
}

// readTrailDetail reads status and selectors in the trail's home region,
// naming it by ARN (required for shadow and organization trails).
func (r *accountReader) readTrailDetail(ctx context.Context, t *inventory.Trail) {
	ct := r.conn.CloudTrail(t.HomeRegion)
	st, err := do(ctx, r.o.Retry, "cloudtrail:GetTrailStatus", func(ctx context.Context) (*cloudtrail.GetTrailStatusOutput, error) {
		return ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(t.ARN)})
	})
	if err != nil {
		t.StatusError = readErr(err)
	} else {
		t.Status = &inventory.TrailStatus{
			IsLogging:                         aws.ToBool(st.IsLogging),
			LatestCloudWatchLogsDeliveryError: aws.ToString(st.LatestCloudWatchLogsDeliveryError),
			LatestDeliveryError:               aws.ToString(st.LatestDeliveryError),
		}
		if st.LatestCloudWatchLogsDeliveryTime != nil {
			t.Status.LatestCloudWatchLogsDelivery = st.LatestCloudWatchLogsDeliveryTime.UTC()
		}
	}
	sel, err := do(ctx, r.o.Retry, "cloudtrail:GetEventSelectors", func(ctx context.Context) (*cloudtrail.GetEventSelectorsOutput, error) {
		return ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(t.ARN)})
	})
	if err != nil {
		t.SelectorsError = readErr(err)
		return
	}
	t.Selectors = &inventory.Selectors{}
	for _, s := range sel.EventSelectors {
		t.Selectors.Basic = append(t.Selectors.Basic, inventory.EventSelector{
			ReadWriteType:                 string(s.ReadWriteType),
			IncludeManagementEvents:       aws.ToBool(s.IncludeManagementEvents),
			ExcludeManagementEventSources: s.ExcludeManagementEventSources,
		})
	}
	for _, s := range sel.AdvancedEventSelectors {
		as := inventory.AdvancedSelector{Name: aws.ToString(s.Name)}
		for _, f := range s.FieldSelectors {
			as.Fields = append(as.Fields, inventory.SelectorField{
				Field: aws.ToString(f.Field), Equals: f.Equals, NotEquals: f.NotEquals,
				StartsWith: f.StartsWith, NotStartsWith: f.NotStartsWith, EndsWith: f.EndsWith, NotEndsWith: f.NotEndsWith,
			})
		}
		t.Selectors.Advanced = append(t.Selectors.Advanced, as)
	}
}
