package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// Comparer compares a user's filter pattern with the CIS pattern by
// meaning; filterpattern.Compare in production.
type Comparer func(user, cisPattern string) (filterpattern.Comparison, error)

// Evaluator evaluates snapshots.
type Evaluator struct {
	// Compare defaults to filterpattern.Compare.
	Compare Comparer
	// Strict makes every warning a FAIL of the link it is on (--strict):
	// for teams whose policy is rootwatch's advice, not only the control.
	Strict bool
}

// Evaluate audits s with the default evaluator.
func Evaluate(s *inventory.Snapshot) Report { return Evaluator{}.Evaluate(s) }

// Evaluate audits every account of s. It is a pure function of s.
func (e Evaluator) Evaluate(s *inventory.Snapshot) Report {
	if e.Compare == nil {
		e.Compare = filterpattern.Compare
	}
	ev := &evaluation{snap: s, compare: e.Compare, strict: e.Strict, cache: map[string]patternVerdict{}}
	r := Report{
		GeneratedAt: s.CollectedAt, Benchmark: cis.Benchmark, Control: cis.ControlID, ControlTitle: cis.ControlTitle,
		Caller: s.Caller, Organization: s.Organization, Strict: e.Strict,
	}
	for i := range s.Accounts {
		res := ev.account(&s.Accounts[i])
		r.Accounts = append(r.Accounts, res)
		r.Summary.Accounts++
		if n := len(res.Warnings()); n > 0 {
			r.Summary.Warnings += n
			r.Summary.Warned++
		}
		switch res.Status {
		case Pass:
			r.Summary.Pass++
		case Fail:
			r.Summary.Fail++
		case Unknown:
			r.Summary.Unknown++
		case Skipped:
			r.Summary.Skipped++
		}
	}
	return r
}

type evaluation struct {
	snap    *inventory.Snapshot
	compare Comparer
	strict  bool
	// cache holds pattern verdicts: an organization repeats the same
	// few patterns across hundreds of accounts.
	cache map[string]patternVerdict
}

// chain is one candidate path through the links.
type chain struct {
	links   []Link
	ref     Chain
	literal *bool
	covered string
	own     bool
	// alarm is the chain's alarm, and countsRoot says its filter counts
	// root use: then the alarm implements the control (ControlAlarms).
	alarm      *inventory.Alarm
	countsRoot bool
}

func (c chain) warnings() int {
	n := 0
	for _, l := range c.links {
		n += len(l.Warnings)
	}
	return n
}

// strictly FAILs every link that carries a warning. A link already FAILed
// or UNKNOWN keeps its own reason.
func (c chain) strictly() chain {
	c.links = slices.Clone(c.links)
	for i, l := range c.links {
		if l.Status != Pass || len(l.Warnings) == 0 {
			continue
		}
		var msgs []string
		for _, w := range l.Warnings {
			msgs = append(msgs, w.Message)
		}
		l.Status = Fail
		l.Detail += "; --strict: " + strings.Join(msgs, "; ")
		l.Fix = StrictFix(l.Warnings)
		c.links[i] = l
	}
	return c
}

// StrictFix is the step that clears a link --strict FAILs for its
// warnings: their fixes, each once. fix --strict names the same step for
// the warnings its plan leaves.
func StrictFix(ws []Warning) string {
	var fixes []string
	for _, w := range ws {
		if w.Fix != "" && !slices.Contains(fixes, w.Fix) {
			fixes = append(fixes, w.Fix)
		}
	}
	if len(fixes) == 0 {
		return "address the warnings above, or audit without --strict"
	}
	return strings.Join(fixes, " && ")
}

func (c chain) count(s Status) int {
	n := 0
	for _, l := range c.links {
		if l.Status == s {
			n++
		}
	}
	return n
}

// better reports whether c beats d: fewer FAILs, then fewer UNKNOWNs, then
// fewer warnings, then the account's own trail.
func (c chain) better(d chain) bool {
	if cf, df := c.count(Fail), d.count(Fail); cf != df {
		return cf < df
	}
	if cu, du := c.count(Unknown), d.count(Unknown); cu != du {
		return cu < du
	}
	if cw, dw := c.warnings(), d.warnings(); cw != dw {
		return cw < dw
	}
	return c.own && !d.own
}

func (ev *evaluation) account(a *inventory.Account) AccountResult {
	res := AccountResult{Account: a.ID, Name: a.Name}
	if a.Skipped != "" {
		res.Status, res.Detail = Skipped, a.Skipped
		return res
	}
	var best *chain
	for _, t := range ev.candidates(a) {
		for _, c := range ev.chains(a, t) {
			if ev.strict {
				c = c.strictly()
			}
			if best == nil || c.better(*best) {
				cc := c
				best = &cc
			}
		}
	}
	if best == nil {
		c := ev.noTrail(a)
		best = &c
	}
	if a.Error != nil {
		res.Detail = "the account itself could not be read: " + a.Error.Verdict()
	}
	res.Links, res.Chain, res.CISLiteral, res.CoveredBy = best.links, best.ref, best.literal, best.covered
	res.Status = Pass
	for _, l := range best.links {
		if l.Status == Unknown && res.Status == Pass {
			res.Status, res.BrokenLink = Unknown, l.Name
		}
		if l.Status == Fail {
			res.Status, res.BrokenLink = Fail, l.Name
			break
		}
	}
	res.Alternative = alternative(a)
	return res
}

// candidates are the trails that may cover a: those it sees (its own and
// organization trails shown to it), and in an organization run the
// organization trails of other accounts even when a could not be read.
// Another account's trail is taken from its owner's snapshot when
// available: the owner reads its status and selectors with authority.
func (ev *evaluation) candidates(a *inventory.Account) []inventory.Trail {
	var out []inventory.Trail
	seen := map[string]bool{}
	add := func(t inventory.Trail) {
		if seen[t.ARN] {
			return
		}
		seen[t.ARN] = true
		if t.OwnerAccount != a.ID {
			if !t.IsOrganizationTrail {
				return // another account's trail covers only that account
			}
			if o := ev.snap.Account(t.OwnerAccount); o != nil {
				for _, ot := range o.Trails {
					if ot.ARN == t.ARN && ot.Status != nil {
						t = ot
					}
				}
			}
		}
		out = append(out, t)
	}
	for _, t := range a.Trails {
		add(t)
	}
	if ev.snap.Organization {
		for i := range ev.snap.Accounts {
			o := &ev.snap.Accounts[i]
			if o.ID == a.ID {
				continue
			}
			for _, t := range o.Trails {
				if t.IsOrganizationTrail && t.OwnerAccount == o.ID {
					add(t)
				}
			}
		}
	}
	return out
}

// noTrail is the chain when no trail covers a.
func (ev *evaluation) noTrail(a *inventory.Account) chain {
	l := Link{Name: LinkTrail, Status: Fail, Detail: "no trail covers this account"}
	var unread []string
	for _, e := range a.RegionErrors {
		if e.Listing == inventory.ListTrails {
			unread = append(unread, e.Region+": "+e.Err.Verdict())
		}
	}
	switch {
	case a.Error != nil:
		l.Status, l.Detail = Unknown, a.Error.Verdict()
	case len(unread) > 0:
		l.Status, l.Detail = Unknown, "no trail found, but trails could not be listed in "+strings.Join(unread, "; ")
	case a.RegionsError != nil:
		l.Status, l.Detail = Unknown, "no trail found in "+strings.Join(a.Regions, ", ")+", and the enabled regions could not be listed: "+a.RegionsError.Verdict()
	default:
		l.Fix = "aws cloudtrail create-trail --name management-events --s3-bucket-name BUCKET --is-multi-region-trail && aws cloudtrail start-logging --name management-events, then rootwatch fix --with-trail-delivery"
	}
	return chain{links: append([]Link{l}, notReached(LinkTrail, l.Status)...)}
}

// notReached fills the links after `after` when the chain stops there.
func notReached(after string, s Status) []Link {
	var out []Link
	started := false
	for _, n := range LinkNames {
		if started {
			out = append(out, Link{Name: n, Status: s, Detail: "not reached: the " + after + " link is not in place"})
		}
		if n == after {
			started = true
		}
	}
	return out
}

// chains expands every path from trail t.
func (ev *evaluation) chains(a *inventory.Account, t inventory.Trail) []chain {
	base := chain{own: t.OwnerAccount == a.ID, ref: Chain{TrailARN: t.ARN, TrailAccount: t.OwnerAccount, HomeRegion: t.HomeRegion}}
	if !base.own {
		base.covered = fmt.Sprintf("trail %s in account %s", t.Name, t.OwnerAccount)
	}
	base.links = append(base.links, trailLink(t))
	lgLink, lg, owner := ev.logGroupLink(t)
	base.links = append(base.links, lgLink)
	if lg == nil {
		base.links = append(base.links, notReached(LinkLogGroup, lgLink.Status)...)
		if !base.own {
			base.links = fixWhere(base.links, t.OwnerAccount, t.HomeRegion)
		}
		return []chain{base}
	}
	base.ref.LogGroupName, base.ref.LogGroupAccount, base.ref.LogGroupRegion = lg.Name, owner.ID, lg.Region

	var out []chain
	for _, fo := range ev.filterOptions(lg) {
		c := base.extend(fo.link)
		c.literal, c.countsRoot = fo.literal, fo.countsRoot
		if fo.metric == nil {
			c.links = append(c.links, notReached(LinkMetricFilter, fo.link.Status)...)
			out = append(out, c)
			continue
		}
		c.ref.FilterName, c.ref.MetricName, c.ref.MetricNamespace = fo.filter, fo.metric.MetricName, fo.metric.MetricNamespace
		for _, ao := range alarmOptions(owner, lg.Region, fo.metric, ev.snap.CollectedAt) {
			c2 := c.extend(ao.link)
			if ao.alarm == nil {
				c2.links = append(c2.links, notReached(LinkAlarm, ao.link.Status)...)
				out = append(out, c2)
				continue
			}
			c2.ref.AlarmName, c2.ref.AlarmARN, c2.alarm = ao.alarm.Name, ao.alarm.ARN, ao.alarm
			for _, to := range topicOptions(owner, ao.alarm) {
				c3 := c2.extend(to.link)
				if to.topic == nil {
					c3.links = append(c3.links, notReached(LinkTopic, to.link.Status)...)
					out = append(out, c3)
					continue
				}
				c3.ref.TopicARN = to.topic.ARN
				c3.links = append(c3.links, subscriptionLink(to.topic))
				out = append(out, c3)
			}
		}
	}
	if !base.own {
		for i := range out {
			out[i].links = fixWhere(out[i].links, owner.ID, lg.Region)
		}
	}
	return out
}

// extend copies c with one more link (the links slice is not shared).
func (c chain) extend(l Link) chain {
	c.links = append(append([]Link(nil), c.links...), l)
	return c
}
