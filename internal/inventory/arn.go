package inventory

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits an ARN into its parts.
func ParseARN(s string) (ARN, error) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (want arn:partition:service:region:account:resource)", s)
	}
	return ARN{Partition: p[1], Service: p[2], Region: p[3], Account: p[4], Resource: p[5]}, nil
}

// LogGroupName returns the log group name in a logs ARN
// ("log-group:NAME" or "log-group:NAME:*").
func (a ARN) LogGroupName() string {
	r := strings.TrimPrefix(a.Resource, "log-group:")
	return strings.TrimSuffix(r, ":*")
}
