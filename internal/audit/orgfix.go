package audit

import "fmt"

// fixWhere names, in every fix of a chain that another account's
// organization trail carries, the account and region the fix must run in.
// The member row is about the member, but its filter, alarm and topic
// belong where the organization trail delivers (for Control Tower, the
// aws-controltower/CloudTrailLogs group in the management account's home
// region): run with the member's credentials, the bare command would build
// a chain on a log group the member does not have.
func fixWhere(links []Link, account, region string) []Link {
	out := append([]Link(nil), links...)
	for i := range out {
		if out[i].Fix != "" {
			out[i].Fix = fmt.Sprintf("in account %s, region %s (where the organization trail delivers): %s", account, region, out[i].Fix)
		}
	}
	return out
}
