package awsconfig

import (
	"slices"
	"sort"
)

// knownRegions are the regions of every partition, as the AWS SDK for Go
// v2 (v1.48.0, internal/endpoints/awsrulesfn/partitions.json) knows them,
// without the "*-global" pseudo-regions. The SDK keeps that table
// internal, so it is copied here; TestKnownRegionsMatchSDK compares the
// two and fails when an SDK update adds a region, so the list is renewed
// with the dependency. Opt-in regions (af-south-1, ap-east-1, me-south-1,
// ...) are listed: whether one is enabled is the account's business, and
// the audit reports a region it cannot read as UNKNOWN.
var knownRegions = map[string][]string{
	"aws":        {"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1", "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
}

// KnownRegion reports whether name is a region of some AWS partition.
func KnownRegion(name string) bool {
	for _, rs := range knownRegions {
		if slices.Contains(rs, name) {
			return true
		}
	}
	return false
}

// KnownRegions lists every known region, sorted.
func KnownRegions() []string {
	var out []string
	for _, rs := range knownRegions {
		out = append(out, rs...)
	}
	sort.Strings(out)
	return out
}
