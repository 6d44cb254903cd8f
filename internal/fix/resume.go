package fix

import (
	"context"
	"strings"

	"github.com/rootwatch/rootwatch/internal/inventory"
	"github.com/rootwatch/rootwatch/internal/store"
)

// Resolver settles journal changes left pending; *store.Journal is one.
type Resolver interface {
	Changes(ctx context.Context, q store.ChangeQuery) ([]store.Change, error)
	Resolve(ctx context.Context, c *store.Change, happened bool, result, note string) error
}

var _ Resolver = (*store.Journal)(nil)

// Reconcile settles the changes an interrupted run left pending (the
// process died between the call and its record) by looking at what AWS
// now holds. A change the snapshot shows in place is done; one it shows
// absent is abandoned; one it cannot tell about is taken as done, because
// backout's deletes and restores are safe on what is already gone, and
// treating it as abandoned would leave something rootwatch made that
// backout could never find. Changes in accounts the snapshot did not read
// are left pending. It returns how many it settled.
func Reconcile(ctx context.Context, j Resolver, snap *inventory.Snapshot, facts *Facts) (int, error) {
	pending, err := j.Changes(ctx, store.ChangeQuery{Statuses: []string{store.ChangePending}})
	if err != nil {
		return 0, err
	}
	settled := 0
	for i := range pending {
		c := &pending[i]
		if a := snap.Account(c.Account); a == nil || !a.Readable() {
			continue // not looked at in this run: leave it for one that does
		}
		happened, known := evidence(c, snap, facts)
		note := ""
		switch {
		case !known:
			note = "interrupted; could not tell whether it happened, so it is taken as done"
		case !happened:
			note = "interrupted before AWS made the change"
		}
		if err := j.Resolve(ctx, c, happened || !known, c.Result, note); err != nil {
			return settled, err
		}
		settled++
	}
	return settled, nil
}

// evidence reports whether the snapshot shows change c in place, and
// whether it can tell at all.
func evidence(c *store.Change, snap *inventory.Snapshot, facts *Facts) (happened, known bool) {
	acct := snap.Account(c.Account)
	if acct == nil || !acct.Readable() {
		return false, false
	}
	after, err := decodeSpec(Kind(c.Kind), c.After)
	if err != nil || after == nil {
		return false, false
	}
	switch a := after.(type) {
	case *MetricFilterSpec:
		for _, g := range acct.LogGroups {
			if g.Name == a.LogGroup && g.Region == c.Region && g.Found && g.FiltersError == nil {
				for _, f := range g.MetricFilters {
					if f.Name == a.Name {
						return f.Pattern == a.Pattern, true
					}
				}
				return false, true
			}
		}
	case *AlarmSpec:
		alarms, read := acct.AlarmsIn(c.Region)
		if !read {
			return false, false
		}
		for _, al := range alarms {
			if al.Name == a.Name {
				switch Action(c.Action) {
				case EnableActions, DisableActions:
					return al.ActionsEnabled == a.ActionsEnabled, true
				}
				return al.Namespace == a.Namespace && al.MetricName == a.MetricName, true
			}
		}
		return false, true
	case *TopicSpec:
		if t := findTopic(acct, facts, a.ARN); t != nil && t.Error == nil {
			return t.Found, true
		}
	case *TopicPolicySpec:
		if t := findTopic(acct, facts, a.TopicARN); t != nil && t.Error == nil && t.Found {
			return hasRootwatchStatement(t.Policy), true
		}
	case *SubscriptionSpec:
		if t := findTopic(acct, facts, a.TopicARN); t != nil && t.Error == nil && t.SubscriptionsError == nil {
			for _, s := range t.Subscriptions {
				if s.Protocol == a.Protocol && strings.EqualFold(displayEndpoint(s.Protocol, s.Endpoint), a.Endpoint) {
					if !s.Pending() {
						c.Result = s.ARN
					}
					return true, true
				}
			}
			return false, t.Found
		}
	}
	return false, false
}

func findTopic(acct *inventory.Account, facts *Facts, arn string) *inventory.Topic {
	if t := acct.Topic(arn); t != nil {
		return t
	}
	return facts.topic(arn)
}
