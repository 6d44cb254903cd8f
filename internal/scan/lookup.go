package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// LookupAPI is the part of the CloudTrail client the scanner uses.
type LookupAPI interface {
	LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, opts ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error)
}

// AccountRegionsAPI lists the regions enabled for the account
// (account:ListRegions): what the lookup asks first.
type AccountRegionsAPI interface {
	ListRegions(ctx context.Context, in *account.ListRegionsInput, opts ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

// RegionsAPI lists the regions enabled for the account through EC2
// (ec2:DescribeRegions): the fallback when account:ListRegions is denied,
// as it is under policies written before rootwatch asked for it.
type RegionsAPI interface {
	DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, opts ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

var (
	_ LookupAPI         = (*cloudtrail.Client)(nil)
	_ AccountRegionsAPI = (*account.Client)(nil)
	_ RegionsAPI        = (*ec2.Client)(nil)
)

// LookupHistory is the CIS 4.3 test plan's own method: CloudTrail event
// history (LookupEvents, Username = root, the last 90 days) in every
// enabled region. It needs no trail at all.
type LookupHistory struct {
	// Account lists the enabled regions; Regions is asked when Account
	// is nil or fails.
	Account AccountRegionsAPI
	Regions RegionsAPI
	// Client returns a LookupEvents client for a region.
	Client func(region string) LookupAPI
	// Only, when set, replaces the enabled-region listing.
	Only  []string
	Now   func() time.Time
	Retry Retry
}

// historyDays is how far back CloudTrail event history goes.
const historyDays = 90

func (l *LookupHistory) String() string { return "lookup" }

func (l *LookupHistory) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	regions := l.Only
	if len(regions) == 0 {
		var err error
		if regions, err = l.enabledRegions(ctx); err != nil {
			return err
		}
	}
	now := l.Now()
	start := now.AddDate(0, 0, -historyDays)
	if w.Since.After(start) {
		start = w.Since
	}
	end := now
	if !w.Until.IsZero() && w.Until.Before(end) {
		end = w.Until
	}
	for _, r := range regions {
		client := l.Client(r)
		name := "lookup:" + r
		if err := fn(Unit{Name: name, Size: -1, Records: func(ctx context.Context, rec func([]byte) error) error {
			return l.events(ctx, client, r, start, end, rec)
		}}); err != nil {
			return err
		}
	}
	return nil
}

// enabledRegions asks account:ListRegions, then ec2:DescribeRegions.
// When both fail the error names both permissions.
func (l *LookupHistory) enabledRegions(ctx context.Context) ([]string, error) {
	var accountErr error
	if l.Account != nil {
		regions, err := l.accountRegions(ctx)
		if err == nil {
			return regions, nil
		}
		accountErr = explain(err, "account:ListRegions")
		if l.Regions == nil {
			return nil, fmt.Errorf("list enabled regions: %w", accountErr)
		}
	}
	if l.Regions == nil {
		return nil, errors.New("list enabled regions: no region lister")
	}
	var out *ec2.DescribeRegionsOutput
	err := l.Retry.do(ctx, func() (err error) {
		out, err = l.Regions.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
		return err
	})
	if err != nil {
		err = explain(err, "ec2:DescribeRegions")
		if accountErr != nil {
			return nil, fmt.Errorf("list enabled regions: %w; then %w", accountErr, err)
		}
		return nil, fmt.Errorf("list enabled regions: %w", err)
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	slices.Sort(regions)
	return regions, nil
}

func (l *LookupHistory) accountRegions(ctx context.Context) ([]string, error) {
	var regions []string
	var token *string
	for {
		var page *account.ListRegionsOutput
		err := l.Retry.do(ctx, func() (err error) {
			page, err = l.Account.ListRegions(ctx, &account.ListRegionsInput{
				NextToken:               token,
				RegionOptStatusContains: []accttypes.RegionOptStatus{accttypes.RegionOptStatusEnabled, accttypes.RegionOptStatusEnabledByDefault},
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Regions {
			regions = append(regions, aws.ToString(r.RegionName))
		}
		if token = page.NextToken; token == nil || *token == "" {
			slices.Sort(regions)
			return regions, nil
		}
	}
}

func (l *LookupHistory) events(ctx context.Context, c LookupAPI, region string, start, end time.Time, rec func([]byte) error) error {
	in := &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyUsername, AttributeValue: aws.String("root")}},
		StartTime:        aws.Time(start),
		EndTime:          aws.Time(end),
		MaxResults:       aws.Int32(50),
	}
	for {
		var out *cloudtrail.LookupEventsOutput
		err := l.Retry.do(ctx, func() (err error) {
			out, err = c.LookupEvents(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("lookup events in %s: %w", region, explain(err, "cloudtrail:LookupEvents"))
		}
		for _, e := range out.Events {
			if e.CloudTrailEvent == nil {
				continue
			}
			if err := rec([]byte(*e.CloudTrailEvent)); err != nil {
				return err
			}
		}
		if out.NextToken == nil {
			return nil
		}
		in.NextToken = out.NextToken
	}
}
