package scan

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// fakeAccountRegions is account:ListRegions: pages of one region, only
// the enabled statuses it is asked for.
type fakeAccountRegions struct {
	regions map[string]accttypes.RegionOptStatus
	deny    bool
	calls   int
}

func (f *fakeAccountRegions) ListRegions(_ context.Context, in *account.ListRegionsInput, _ ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	f.calls++
	if f.deny {
		return nil, apiErr("AccessDeniedException")
	}
	var names []string
	for n, st := range f.regions {
		if slices.Contains(in.RegionOptStatusContains, st) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	i := 0
	if in.NextToken != nil {
		i, _ = strconv.Atoi(*in.NextToken)
	}
	out := &account.ListRegionsOutput{}
	if i < len(names) {
		out.Regions = []accttypes.Region{{RegionName: aws.String(names[i]), RegionOptStatus: f.regions[names[i]]}}
	}
	if i+1 < len(names) {
		out.NextToken = aws.String(strconv.Itoa(i + 1))
	}
	return out, nil
}

type countingRegions struct {
	fakeRegions
	deny  bool
	calls int
}

func (f *countingRegions) DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, o ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	f.calls++
	if f.deny {
		return nil, apiErr("UnauthorizedOperation")
	}
	return f.fakeRegions.DescribeRegions(ctx, in, o...)
}

// The lookup lists regions with account:ListRegions (enabled and
// enabled-by-default only) and asks ec2:DescribeRegions only when that is
// denied; when both are, the error names both permissions.
func TestLookupEnabledRegions(t *testing.T) {
	acct := map[string]accttypes.RegionOptStatus{
		"us-east-1": accttypes.RegionOptStatusEnabledByDefault, "eu-west-1": accttypes.RegionOptStatusEnabledByDefault,
		"af-south-1": accttypes.RegionOptStatusEnabled, "me-south-1": accttypes.RegionOptStatusDisabled,
	}
	for _, tc := range []struct {
		name              string
		account           *fakeAccountRegions
		ec2Deny           bool
		want              []string
		wantEC2Calls      int
		wantErr, wantErr2 string
	}{
		{name: "account lists, paged", account: &fakeAccountRegions{regions: acct},
			want: []string{"af-south-1", "eu-west-1", "us-east-1"}},
		{name: "account denied, ec2 answers", account: &fakeAccountRegions{regions: acct, deny: true},
			want: []string{"eu-west-1", "us-east-1"}, wantEC2Calls: 1},
		{name: "no account client", want: []string{"eu-west-1", "us-east-1"}, wantEC2Calls: 1},
		{name: "both denied", account: &fakeAccountRegions{deny: true}, ec2Deny: true, wantEC2Calls: 1,
			wantErr: "grant account:ListRegions", wantErr2: "grant ec2:DescribeRegions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			regions := &countingRegions{fakeRegions: fakeRegions{regions: []string{"us-east-1", "eu-west-1"}}, deny: tc.ec2Deny}
			l := &LookupHistory{Regions: regions, Retry: noWait}
			if tc.account != nil {
				l.Account = tc.account
			}
			got, err := l.enabledRegions(context.Background())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.wantErr2) {
					t.Fatalf("err = %v, want it to name %s and %s", err, tc.wantErr, tc.wantErr2)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("regions = %v, want %v", got, tc.want)
			}
			if regions.calls != tc.wantEC2Calls {
				t.Errorf("ec2:DescribeRegions called %d times, want %d", regions.calls, tc.wantEC2Calls)
			}
		})
	}
}
