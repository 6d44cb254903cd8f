package audit

import (
	"slices"
	"sort"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// ControlAlarm is an alarm that implements the control: it watches the
// metric of a filter that counts root use, on a log group a trail
// covering the account delivers to. Who created it does not matter
// (rootwatch fix, the CIS setup guides' RootAccountUsageAlarm, a
// Terraform module): backout's action switch works on whichever it is.
type ControlAlarm struct {
	// Accounts are the audited accounts whose chain runs through the
	// alarm (an organization trail's alarm serves every member).
	Accounts []string
	// Account and Region are where the alarm is: the log group's.
	Account, Region string
	Name, ARN       string
	ActionsEnabled  bool
	// Status is the alarm link's verdict (a disabled alarm FAILs).
	Status Status
}

// ControlAlarms lists the alarms that implement the control in s, with
// the default evaluator. It is a pure function of s.
func ControlAlarms(s *inventory.Snapshot) []ControlAlarm { return Evaluator{}.ControlAlarms(s) }

// ControlAlarms lists every alarm that implements the control for some
// account of s, once each, sorted by account, region and name. Every
// candidate chain counts, not only the one the report shows: an account
// with two alarms on its root-usage metric has two, and a caller that must
// act on one has to be told which.
func (e Evaluator) ControlAlarms(s *inventory.Snapshot) []ControlAlarm {
	if e.Compare == nil {
		e.Compare = filterpattern.Compare
	}
	ev := &evaluation{snap: s, compare: e.Compare, cache: map[string]patternVerdict{}}
	byARN := map[string]*ControlAlarm{}
	var out []*ControlAlarm
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.Skipped != "" {
			continue
		}
		for _, t := range ev.candidates(a) {
			for _, c := range ev.chains(a, t) {
				if c.alarm == nil || !c.countsRoot {
					continue
				}
				key := c.ref.LogGroupAccount + "/" + c.ref.LogGroupRegion + "/" + c.alarm.Name
				ca := byARN[key]
				if ca == nil {
					ca = &ControlAlarm{Account: c.ref.LogGroupAccount, Region: c.ref.LogGroupRegion, Name: c.alarm.Name, ARN: c.alarm.ARN,
						ActionsEnabled: c.alarm.ActionsEnabled, Status: Unknown}
					for _, l := range c.links {
						if l.Name == LinkAlarm {
							ca.Status = l.Status
						}
					}
					byARN[key] = ca
					out = append(out, ca)
				}
				if !slices.Contains(ca.Accounts, a.ID) {
					ca.Accounts = append(ca.Accounts, a.ID)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		return x.Name < y.Name
	})
	res := make([]ControlAlarm, len(out))
	for i, ca := range out {
		sort.Strings(ca.Accounts)
		res[i] = *ca
	}
	return res
}
