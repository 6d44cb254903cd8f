package fix

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Verdict is the audit's result for one account, as much of it as fix
// needs: the status of each link and the resources of the chain.
type Verdict struct {
	Account   string
	Status    string
	CoveredBy string
	Links     []Link
	Chain     audit.Chain
}

// Verdicts takes what fix needs from an audit report.
func Verdicts(r audit.Report) []Verdict {
	out := make([]Verdict, 0, len(r.Accounts))
	for _, a := range r.Accounts {
		v := Verdict{Account: a.Account, Status: string(a.Status), CoveredBy: a.CoveredBy, Chain: a.Chain}
		for _, l := range a.Links {
			v.Links = append(v.Links, Link{Name: l.Name, Status: string(l.Status), Resource: l.Resource, Detail: l.Detail})
		}
		if a.Status == audit.Skipped {
			v.Status = string(audit.Skipped)
		}
		out = append(out, v)
	}
	return out
}

// Link is one link of the audited chain.
type Link struct {
	Name     string // trail, log-group, metric-filter, alarm, topic, subscription
	Status   string // PASS, FAIL, UNKNOWN
	Resource string
	Detail   string
}

// Link statuses.
const (
	Pass    = "PASS"
	Fail    = "FAIL"
	Unknown = "UNKNOWN"
)

func (v Verdict) link(name string) Link {
	for _, l := range v.Links {
		if l.Name == name {
			return l
		}
	}
	return Link{Name: name, Status: Unknown, Detail: "the audit did not report this link"}
}

// Plan is every change fix would make, per chain.
type Plan struct {
	Accounts []AccountPlan
}

// AccountPlan is the plan for one chain: the account and region whose log
// group the trail delivers to, and the accounts that chain covers.
type AccountPlan struct {
	Account  string
	Region   string
	Covers   []string
	Trail    string
	LogGroup string
	// Before is the audit status of the chain before the fix.
	Before        string
	Steps         []Step
	Prerequisites []Prerequisite
	// Unrepaired are the links the audit would still not PASS once the
	// steps are applied, each with why and the manual step.
	Unrepaired []Unrepaired
	Notes      []string
	// Err is set when the chain could not be planned at all.
	Err error
}

// Prerequisite is something fix will not do by itself, with the exact
// commands that do it.
type Prerequisite struct {
	Problem  string
	Commands []string
}

// Counts sums a plan's steps by action.
func (p *Plan) Counts() (add, change, destroy int) {
	for _, a := range p.Accounts {
		if a.Err != nil {
			continue // not applied: its steps are not part of the plan
		}
		for _, s := range a.Steps {
			switch s.Action {
			case Create:
				add++
			case Delete:
				destroy++
			default:
				change++
			}
		}
	}
	return add, change, destroy
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	a, c, d := p.Counts()
	return a+c+d == 0
}

// Facts are what fix reads beyond the audit's snapshot, looked up by
// Probe before planning: rootwatch's own topic (which no alarm may point
// at yet, after an interrupted run) and the topic named by --topic-arn.
type Facts struct {
	Topics []inventory.Topic
	// Alarms are every metric alarm of a chain's home region, read whole:
	// the audit reads only the alarms on metrics its filters publish, so
	// it cannot say whether rootwatch's alarm name is taken.
	Alarms map[Home][]inventory.Alarm
	// AlarmErrors records homes whose alarms could not be listed.
	AlarmErrors map[Home]*inventory.ReadError
}

func (f *Facts) topic(arn string) *inventory.Topic {
	if f == nil {
		return nil
	}
	for i := range f.Topics {
		if f.Topics[i].ARN == arn {
			return &f.Topics[i]
		}
	}
	return nil
}

// Home is where one account's chain lives: the account and region of the
// log group its trail delivers to. An organization trail's members share
// the management (or delegated) account's home.
type Home struct {
	Account, Region string
}

// NewPlan computes the fix for every failing chain in the snapshot. It is
// a pure function of its inputs.
func NewPlan(snap *inventory.Snapshot, verdicts []Verdict, facts *Facts, o Options) *Plan {
	o = o.WithDefaults()
	p := &Plan{}
	byHome := map[Home]int{}
	// Owners before members, so an organization trail's chain is planned
	// from the account that owns it.
	ordered := append([]Verdict(nil), verdicts...)
	sort.SliceStable(ordered, func(i, j int) bool {
		return ordered[i].CoveredBy == "" && ordered[j].CoveredBy != ""
	})
	for _, v := range ordered {
		ap := planAccount(snap, v, facts, o)
		h := Home{ap.Account, ap.Region}
		if i, ok := byHome[h]; ok && ap.Err == nil && ap.Region != "" {
			p.Accounts[i].Covers = appendUnique(p.Accounts[i].Covers, v.Account)
			continue
		}
		if ap.Err == nil && ap.Region != "" {
			byHome[h] = len(p.Accounts)
		}
		p.Accounts = append(p.Accounts, ap)
	}
	sort.SliceStable(p.Accounts, func(i, j int) bool {
		a, b := p.Accounts[i], p.Accounts[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	settle(p, snap, facts, o.Strict)
	return p
}

// Only keeps the chains that are in, or cover, one of accounts (fix
// --account) and returns the accounts no chain is in or covers. A member
// of an organization trail keeps the owner's chain: that is where its
// chain is fixed.
func (p *Plan) Only(accounts []string) (unmatched []string) {
	want := map[string]bool{}
	for _, a := range accounts {
		want[a] = true
	}
	seen := map[string]bool{}
	kept := p.Accounts[:0]
	for _, ap := range p.Accounts {
		hit := false
		for _, a := range append([]string{ap.Account}, ap.Covers...) {
			if want[a] {
				hit, seen[a] = true, true
			}
		}
		if hit {
			kept = append(kept, ap)
		}
	}
	p.Accounts = kept
	for _, a := range accounts {
		if !seen[a] {
			unmatched = append(unmatched, a)
		}
	}
	return unmatched
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// planAccount plans one account's chain.
func planAccount(snap *inventory.Snapshot, v Verdict, facts *Facts, o Options) AccountPlan {
	ap := AccountPlan{Account: v.Account, Covers: []string{v.Account}, Before: v.Status}
	acct := snap.Account(v.Account)
	if acct == nil {
		ap.Err = fmt.Errorf("account %s is not in the snapshot", v.Account)
		return ap
	}
	if !acct.Readable() {
		if acct.Skipped != "" {
			ap.Notes = append(ap.Notes, "skipped: "+acct.Skipped)
		} else {
			ap.Err = fmt.Errorf("could not read the account: %s", acct.Error.Verdict())
		}
		return ap
	}

	tl := v.link("trail")
	trail, prereqs, err := chooseTrail(acct, tl, o)
	if err != nil {
		ap.Err = err
		return ap
	}
	ap.Prerequisites = append(ap.Prerequisites, prereqs...)
	if trail == nil {
		return ap
	}
	ap.Trail = trail.ARN
	if trail.LogGroupARN == "" {
		// No CloudWatch Logs delivery: the rest of the chain has nowhere
		// to live until the trail delivers somewhere.
		if !o.WithTrailDelivery {
			ap.Prerequisites = append(ap.Prerequisites, deliveryPrerequisite(trail, o))
			return ap
		}
		if trail.OwnerAccount != v.Account {
			ap.Prerequisites = append(ap.Prerequisites, Prerequisite{
				Problem: fmt.Sprintf("organization trail %s (owned by account %s) does not deliver to CloudWatch Logs; run fix with --with-trail-delivery in account %s", trail.ARN, trail.OwnerAccount, trail.OwnerAccount),
			})
			return ap
		}
		ap.Region = trail.HomeRegion
		ap.Steps = append(ap.Steps, deliverySteps(trail, o)...)
		group := inventory.LogGroup{ARN: logGroupARN(partitionOf(trail.ARN), trail.HomeRegion, v.Account, o.LogGroupName), Name: o.LogGroupName, Region: trail.HomeRegion}
		ap.LogGroup = group.ARN
		c := chainPlanner{ap: &ap, acct: acct, facts: facts, o: o, verdict: v}
		c.planFromFilter(&group, true)
		return ap
	}

	lgARN, err := inventory.ParseARN(trail.LogGroupARN)
	if err != nil {
		ap.Err = fmt.Errorf("trail %s: log group %w", trail.ARN, err)
		return ap
	}
	ap.Account, ap.Region, ap.LogGroup = lgARN.Account, lgARN.Region, trail.LogGroupARN
	home := acct
	if lgARN.Account != v.Account {
		home = snap.Account(lgARN.Account)
		if home == nil || !home.Readable() {
			ap.Err = fmt.Errorf("the chain lives in account %s (which owns log group %s of trail %s); this run did not read that account: run fix with --org or with credentials for %s",
				lgARN.Account, lgARN.LogGroupName(), trail.ARN, lgARN.Account)
			return ap
		}
	}
	group := home.LogGroup(trail.LogGroupARN)
	if group == nil {
		group = acct.LogGroup(trail.LogGroupARN)
	}
	switch {
	case group == nil:
		ap.Err = fmt.Errorf("log group %s was not read", trail.LogGroupARN)
		return ap
	case group.Error != nil:
		ap.Err = fmt.Errorf("log group %s: %s", trail.LogGroupARN, group.Error.Verdict())
		return ap
	}
	c := chainPlanner{ap: &ap, acct: home, facts: facts, o: o, verdict: v}
	if !group.Found {
		if !o.WithTrailDelivery {
			ap.Prerequisites = append(ap.Prerequisites, missingGroupPrerequisite(trail, group))
			return ap
		}
		spec := &LogGroupSpec{Name: group.Name, ARN: trail.LogGroupARN, Tags: o.tags()}
		ap.Steps = append(ap.Steps, Step{Kind: KindLogGroup, Action: Create, Account: ap.Account, Region: ap.Region,
			Resource: spec.ARN, After: spec, Reason: fmt.Sprintf("trail %s delivers to log group %s, which does not exist", trail.Name, group.Name)})
		c.planFromFilter(&inventory.LogGroup{ARN: group.ARN, Name: group.Name, Region: group.Region, Found: true}, true)
		return ap
	}
	if group.FiltersError != nil {
		ap.Err = fmt.Errorf("metric filters of %s: %s", group.Name, group.FiltersError.Verdict())
		return ap
	}
	c.planFromFilter(group, false)
	return ap
}

func partitionOf(arn string) string {
	if a, err := inventory.ParseARN(arn); err == nil && a.Partition != "" {
		return a.Partition
	}
	return "aws"
}

func logGroupARN(partition, region, account, name string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s:*", partition, region, account, name)
}

func topicARN(partition, region, account, name string) string {
	return fmt.Sprintf("arn:%s:sns:%s:%s:%s", partition, region, account, name)
}

func topicName(arn string) string {
	return arn[strings.LastIndexByte(arn, ':')+1:]
}

// Left counts what the plan leaves undone: chains that could not be
// planned, prerequisites, and links the audit would still FAIL or could
// not read once the plan is applied. All zero means the audit PASSes
// every chain the plan covers.
func (p *Plan) Left() (errs, prereqs, failing, unknown int) {
	for _, a := range p.Accounts {
		if a.Err != nil {
			errs++
		}
		prereqs += len(a.Prerequisites)
		for _, u := range a.Unrepaired {
			if u.Status == Unknown {
				unknown++
			} else {
				failing++
			}
		}
	}
	return errs, prereqs, failing, unknown
}
