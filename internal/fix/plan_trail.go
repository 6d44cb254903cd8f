package fix

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// chooseTrail returns the trail the chain hangs on and what is wrong with
// it that fix will not change (a trail is never created, started or
// re-scoped behind the user's back). A nil trail means there is nothing to
// build on.
func chooseTrail(acct *inventory.Account, l Link, o Options) (*inventory.Trail, []Prerequisite, error) {
	if l.Status == Unknown {
		return nil, nil, fmt.Errorf("could not check the trail: %s", l.Detail)
	}
	var trail *inventory.Trail
	for i := range acct.Trails {
		if acct.Trails[i].ARN == l.Resource {
			trail = &acct.Trails[i]
		}
	}
	if trail == nil {
		trail = bestTrail(acct)
	}
	if trail == nil {
		return nil, []Prerequisite{noTrailPrerequisite(acct.ID, o)}, nil
	}
	if l.Status == Pass {
		return trail, nil, nil
	}
	var pre []Prerequisite
	region := trail.HomeRegion
	if !trail.IsMultiRegion {
		pre = append(pre, Prerequisite{
			Problem:  fmt.Sprintf("trail %s records only its home region %s; root activity elsewhere would go unseen", trail.Name, region),
			Commands: []string{fmt.Sprintf("aws cloudtrail update-trail --region %s --name %s --is-multi-region-trail", region, trail.ARN)},
		})
	}
	if trail.Status != nil && !trail.Status.IsLogging {
		pre = append(pre, Prerequisite{
			Problem:  fmt.Sprintf("trail %s is not logging", trail.Name),
			Commands: []string{fmt.Sprintf("aws cloudtrail start-logging --region %s --name %s", region, trail.ARN)},
		})
	}
	if trail.Selectors != nil && !recordsAllManagementEvents(trail.Selectors) {
		pre = append(pre, Prerequisite{
			Problem: fmt.Sprintf("trail %s does not record both read and write management events", trail.Name),
			Commands: []string{
				"# this replaces the trail's event selectors: add back any data-event selectors you have",
				fmt.Sprintf(`aws cloudtrail put-event-selectors --region %s --trail-name %s --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, region, trail.ARN),
			},
		})
	}
	if len(pre) == 0 && trail.LogGroupARN != "" && l.Detail != "" {
		pre = append(pre, Prerequisite{Problem: fmt.Sprintf("trail %s: %s", trail.Name, l.Detail)})
	}
	return trail, pre, nil
}

// bestTrail prefers a trail the account owns, that covers every region,
// logs, and already delivers to CloudWatch Logs.
func bestTrail(acct *inventory.Account) *inventory.Trail {
	var best *inventory.Trail
	score := func(t *inventory.Trail) int {
		s := 0
		if t.LogGroupARN != "" {
			s += 8
		}
		if t.IsMultiRegion {
			s += 4
		}
		if t.Status != nil && t.Status.IsLogging {
			s += 2
		}
		if t.OwnerAccount == acct.ID {
			s++
		}
		return s
	}
	for i := range acct.Trails {
		t := &acct.Trails[i]
		if best == nil || score(t) > score(best) {
			best = t
		}
	}
	return best
}

func recordsAllManagementEvents(s *inventory.Selectors) bool {
	read, write := false, false
	for _, b := range s.Basic {
		if !b.IncludeManagementEvents {
			continue
		}
		switch b.ReadWriteType {
		case inventory.ReadWriteAll, "":
			read, write = true, true
		case inventory.ReadWriteReadOnly:
			read = true
		case inventory.ReadWriteWriteOnly:
			write = true
		}
	}
	for _, a := range s.Advanced {
		mgmt, ro := false, ""
		for _, f := range a.Fields {
			switch f.Field {
			case "eventCategory":
				mgmt = len(f.Equals) == 1 && f.Equals[0] == "Management"
			case "readOnly":
				if len(f.Equals) == 1 {
					ro = f.Equals[0]
				}
			}
		}
		if !mgmt {
			continue
		}
		switch ro {
		case "":
			read, write = true, true
		case "true":
			read = true
		case "false":
			write = true
		}
	}
	return read && write
}

func noTrailPrerequisite(account string, o Options) Prerequisite {
	return Prerequisite{
		Problem: fmt.Sprintf("no CloudTrail trail covers account %s: there are no events to watch (rootwatch never creates a trail)", account),
		Commands: []string{
			"# an S3 bucket whose policy lets cloudtrail.amazonaws.com write to it (see the CloudTrail guide, \"Amazon S3 bucket policy for CloudTrail\"), then:",
			"aws cloudtrail create-trail --name management-events --s3-bucket-name BUCKET --is-multi-region-trail",
			"aws cloudtrail start-logging --name management-events",
			"# then re-run: rootwatch fix --with-trail-delivery",
		},
	}
}

// deliveryPrerequisite is the manual version of --with-trail-delivery.
func deliveryPrerequisite(t *inventory.Trail, o Options) Prerequisite {
	part := partitionOf(t.ARN)
	group := logGroupARN(part, t.HomeRegion, t.OwnerAccount, o.LogGroupName)
	role := fmt.Sprintf("arn:%s:iam::%s:role/%s", part, t.OwnerAccount, o.RoleName)
	return Prerequisite{
		Problem: fmt.Sprintf("trail %s does not deliver to CloudWatch Logs, so no metric filter can see its events", t.Name),
		Commands: []string{
			"# either re-run with --with-trail-delivery, or:",
			fmt.Sprintf("aws logs create-log-group --region %s --log-group-name %s", t.HomeRegion, o.LogGroupName),
			fmt.Sprintf("aws iam create-role --role-name %s --assume-role-policy-document '%s'", o.RoleName, trustPolicy("cloudtrail.amazonaws.com", t.OwnerAccount)),
			fmt.Sprintf("aws iam put-role-policy --role-name %s --policy-name %s --policy-document '%s'", o.RoleName, deliveryPolicyName, deliveryPolicy(part, t.HomeRegion, t.OwnerAccount, o.LogGroupName)),
			fmt.Sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn %s --cloud-watch-logs-role-arn %s", t.HomeRegion, t.ARN, group, role),
		},
	}
}

func missingGroupPrerequisite(t *inventory.Trail, g *inventory.LogGroup) Prerequisite {
	return Prerequisite{
		Problem: fmt.Sprintf("trail %s delivers to log group %s, which does not exist", t.Name, g.Name),
		Commands: []string{
			"# either re-run with --with-trail-delivery, or:",
			fmt.Sprintf("aws logs create-log-group --region %s --log-group-name %s", g.Region, g.Name),
		},
	}
}

const deliveryPolicyName = "rootwatch-cloudtrail-delivery"

// trustPolicy lets service assume a role, only on behalf of account (the
// confused-deputy guard AWS documents for service roles).
func trustPolicy(service, account string) string {
	return compactJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": service},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
		}},
	})
}

func deliveryPolicy(partition, region, account, group string) string {
	return compactJSON(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":   "Allow",
			"Action":   []any{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:log-stream:*", partition, region, account, group),
		}},
	})
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v) // maps of strings only
	return strings.TrimSpace(string(b))
}

// deliverySteps create the log group and role and point the trail at them.
func deliverySteps(t *inventory.Trail, o Options) []Step {
	part := partitionOf(t.ARN)
	acct, region := t.OwnerAccount, t.HomeRegion
	group := &LogGroupSpec{Name: o.LogGroupName, ARN: logGroupARN(part, region, acct, o.LogGroupName), Tags: o.tags()}
	role := &RoleSpec{
		Name: o.RoleName, ARN: fmt.Sprintf("arn:%s:iam::%s:role/%s", part, acct, o.RoleName),
		TrustPolicy: trustPolicy("cloudtrail.amazonaws.com", acct), Tags: o.tags(),
	}
	policy := &RolePolicySpec{Role: o.RoleName, Name: deliveryPolicyName, Policy: deliveryPolicy(part, region, acct, o.LogGroupName)}
	return []Step{
		{Kind: KindLogGroup, Action: Create, Account: acct, Region: region, Resource: group.ARN, After: group,
			Reason: fmt.Sprintf("trail %s does not deliver to CloudWatch Logs (--with-trail-delivery)", t.Name)},
		{Kind: KindRole, Action: Create, Account: acct, Region: region, Resource: role.ARN, After: role,
			Reason: "CloudTrail needs a role to write to the log group"},
		{Kind: KindRolePolicy, Action: Create, Account: acct, Region: region, Resource: role.ARN + "/" + policy.Name, After: policy,
			Reason: "the role may write log streams and events to that group only"},
		{Kind: KindTrailDelivery, Action: Update, Account: acct, Region: region, Resource: t.ARN,
			Before: &TrailDeliverySpec{TrailARN: t.ARN, LogGroupARN: t.LogGroupARN, RoleARN: t.RoleARN},
			After:  &TrailDeliverySpec{TrailARN: t.ARN, LogGroupARN: group.ARN, RoleARN: role.ARN},
			Reason: "point the trail at the new log group"},
	}
}
