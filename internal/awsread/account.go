package awsread

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"golang.org/x/sync/errgroup"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// accountReader reads one account. Stages run one after another because
// each needs the previous one's result (trails name log groups, filters
// name metrics, alarms name topics); within a stage, reads run in
// parallel and write to their own slice element, and mu guards the
// account's shared slices.
type accountReader struct {
	conn Conn
	o    Options
	a    *inventory.Account
	mu   sync.Mutex
}

func (r *accountReader) parallel(ctx context.Context, n int, fn func(ctx context.Context, i int)) {
	g, gctx := errgroup.WithContext(ctx)
	limit := r.o.RegionConcurrency
	if limit <= 0 {
		limit = 17
	}
	g.SetLimit(limit)
	for i := range n {
		g.Go(func() error { fn(gctx, i); return nil })
	}
	_ = g.Wait()
}

func (r *accountReader) regionError(region string, l inventory.Listing, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.a.RegionErrors = append(r.a.RegionErrors, inventory.RegionError{Region: region, Listing: l, Err: readErr(err)})
}

func (r *accountReader) read(ctx context.Context) {
	r.a.Regions = r.regions(ctx)
	r.parallel(ctx, len(r.a.Regions), func(ctx context.Context, i int) {
		region := r.a.Regions[i]
		r.readTrails(ctx, region)
		r.readRules(ctx, region)
	})
	r.dedupeTrails()
	r.parallel(ctx, len(r.a.Trails), func(ctx context.Context, i int) { r.readTrailDetail(ctx, &r.a.Trails[i]) })
	r.readLogGroups(ctx)
	r.readAlarms(ctx)
	r.readReenables(ctx)
	r.readTopics(ctx)
	r.readKeys(ctx)
	sort.Slice(r.a.Rules, func(i, j int) bool {
		if r.a.Rules[i].Region != r.a.Rules[j].Region {
			return r.a.Rules[i].Region < r.a.Rules[j].Region
		}
		return r.a.Rules[i].Name < r.a.Rules[j].Name
	})
	sort.Slice(r.a.RegionErrors, func(i, j int) bool {
		x, y := r.a.RegionErrors[i], r.a.RegionErrors[j]
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		return x.Listing < y.Listing
	})
}

// regions are the requested ones, else the account's enabled regions from
// account:ListRegions, else from ec2:DescribeRegions.
func (r *accountReader) regions(ctx context.Context) []string {
	if len(r.o.Regions) > 0 {
		return append([]string(nil), r.o.Regions...)
	}
	var out []string
	var token *string
	for {
		page, err := do(ctx, r.o.Retry, "account:ListRegions", func(ctx context.Context) (*account.ListRegionsOutput, error) {
			return r.conn.Account().ListRegions(ctx, &account.ListRegionsInput{
				NextToken:               token,
				RegionOptStatusContains: []accttypes.RegionOptStatus{accttypes.RegionOptStatusEnabled, accttypes.RegionOptStatusEnabledByDefault},
			})
		})
		if err != nil {
			r.a.RegionsError = readErr(err)
			out = nil
			break
		}
		for _, reg := range page.Regions {
			out = append(out, aws.ToString(reg.RegionName))
		}
		if token = page.NextToken; token == nil || *token == "" {
			sort.Strings(out)
			return out
		}
	}
	ec, err := do(ctx, r.o.Retry, "ec2:DescribeRegions", func(ctx context.Context) (*ec2.DescribeRegionsOutput, error) {
		return r.conn.EC2(r.o.defaultRegion()).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	})
	if err != nil {
		// Neither call worked: read the default region only; the audit
		// reports the regions it could not enumerate.
		r.a.RegionsError = readErr(err)
		return []string{r.o.defaultRegion()}
	}
	r.a.RegionsError = nil
	for _, reg := range ec.Regions {
		out = append(out, aws.ToString(reg.RegionName))
	}
	sort.Strings(out)
	return out
}
