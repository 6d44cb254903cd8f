package report

import (
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// RegionsOf returns the regions read in each account of a snapshot. An
// account that could not be read at all (its role could not be assumed)
// has no regions of its own: it gets the union of the others', the
// regions the run meant to cover, so its UNKNOWN is still reported where
// a console looks for it.
func RegionsOf(s *inventory.Snapshot) map[string][]string {
	out := map[string][]string{}
	var all []string
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			if !slices.Contains(all, r) {
				all = append(all, r)
			}
		}
	}
	slices.Sort(all)
	for _, a := range s.Accounts {
		rs := slices.Clone(a.Regions)
		if len(rs) == 0 {
			rs = slices.Clone(all)
		}
		slices.Sort(rs)
		out[a.ID] = rs
	}
	return out
}

// regionsOf is the regions covered for one account, in order. An account
// the options do not know has the chain's home region, if any.
func (o Options) regionsOf(a audit.AccountResult) []string {
	if rs := o.Regions[a.Account]; len(rs) > 0 {
		return rs
	}
	if a.Chain.HomeRegion != "" {
		return []string{a.Chain.HomeRegion}
	}
	return nil
}

// allRegions is every region the report covers, sorted.
func (o Options) allRegions(r *audit.Report) []string {
	var all []string
	for _, a := range r.Accounts {
		for _, rg := range o.regionsOf(a) {
			if !slices.Contains(all, rg) {
				all = append(all, rg)
			}
		}
	}
	slices.Sort(all)
	return all
}

// accountIDs lists the accounts the report covers, in report order.
func accountIDs(r *audit.Report) []string {
	out := make([]string, 0, len(r.Accounts))
	for _, a := range r.Accounts {
		out = append(out, a.Account)
	}
	return out
}

// partitionOf is the AWS partition of an account: read from the ARNs the
// audit found, else from the region's name (aws-cn and aws-us-gov have
// their own region prefixes), else the commercial partition.
func partitionOf(a audit.AccountResult, region string) string {
	arns := []string{a.Chain.TrailARN, a.Chain.AlarmARN, a.Chain.TopicARN}
	for _, l := range a.Links {
		arns = append(arns, l.Resource)
	}
	for _, s := range arns {
		if p, err := inventory.ParseARN(s); err == nil && p.Partition != "" {
			return p.Partition
		}
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// coverage is what every format states about the run, as properties:
// the rootwatch version, the accounts and regions covered and when the
// data was collected.
func (o Options) coverage(r *audit.Report) map[string]any {
	return map[string]any{
		"rootwatch.version":     o.version(),
		"rootwatch.accounts":    accountIDs(r),
		"rootwatch.regions":     o.allRegions(r),
		"rootwatch.collectedAt": r.GeneratedAt.UTC().Format(time.RFC3339),
	}
}

// linkWarnings are the audit's per-link warnings (advice that does not
// change the verdict unless --strict) as "code: message" lines, the shape
// every machine format renders: a SARIF "note" result, an OCSF and ASFF
// note, a JUnit system-out line.
func linkWarnings(l audit.Link) []string {
	out := make([]string, 0, len(l.Warnings))
	for _, w := range l.Warnings {
		out = append(out, w.Code+": "+w.Message)
	}
	return out
}
