package audit

import (
	"fmt"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// logGroupLink finds the trail's log group in the trail's home region and
// owning account. It returns the group and the account holding it when
// the chain can go on.
func (ev *evaluation) logGroupLink(t inventory.Trail) (Link, *inventory.LogGroup, *inventory.Account) {
	l := Link{Name: LinkLogGroup, Resource: t.LogGroupARN}
	if t.LogGroupARN == "" {
		l.Status, l.Detail = Fail, "the trail delivers to no CloudWatch Logs group"
		l.Fix = "rootwatch fix --with-trail-delivery"
		return l, nil, nil
	}
	p, err := inventory.ParseARN(t.LogGroupARN)
	if err != nil {
		l.Status, l.Detail = Fail, "the trail's log group ARN is malformed: "+err.Error()
		return l, nil, nil
	}
	name := p.LogGroupName()
	if p.Region != t.HomeRegion || p.Account != t.OwnerAccount {
		l.Status = Fail
		l.Detail = fmt.Sprintf("log group %s is in %s/%s, not in the trail's home region and account %s/%s", name, p.Account, p.Region, t.OwnerAccount, t.HomeRegion)
		l.Fix = "rootwatch fix --with-trail-delivery"
		return l, nil, nil
	}
	owner := ev.snap.Account(p.Account)
	switch {
	case owner == nil:
		l.Status = Unknown
		l.Detail = fmt.Sprintf("log group %s lives in account %s, which this run did not read: audit with --org from the management account, or with that account's credentials", name, p.Account)
		return l, nil, nil
	case !owner.Readable():
		l.Status = Unknown
		reason := owner.Skipped
		if owner.Error != nil {
			reason = owner.Error.Verdict()
		}
		l.Detail = fmt.Sprintf("log group %s lives in account %s, which could not be read: %s", name, p.Account, reason)
		return l, nil, nil
	}
	lg := owner.LogGroup(t.LogGroupARN)
	switch {
	case lg == nil:
		l.Status, l.Detail = Unknown, fmt.Sprintf("log group %s in account %s was not looked up", name, p.Account)
		return l, nil, nil
	case lg.Error != nil:
		l.Status, l.Detail = Unknown, lg.Error.Verdict()
		return l, nil, nil
	case !lg.Found:
		l.Status = Fail
		l.Detail = fmt.Sprintf("log group %s does not exist in account %s, %s: the trail delivers nowhere", name, p.Account, p.Region)
		l.Fix = fmt.Sprintf("aws logs create-log-group --log-group-name %s --region %s (or rootwatch fix --with-trail-delivery)", name, p.Region)
		return l, nil, nil
	}
	l.Status = Pass
	l.Detail = fmt.Sprintf("log group %s exists in account %s, %s", name, p.Account, p.Region)
	return l, lg, owner
}
