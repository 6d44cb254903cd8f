package fix

import (
	"context"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// PlanChanges plans in passes: each plan may name things the audit's
// snapshot cannot show (rootwatch's own topic, which no alarm points at
// after an interrupted run; a home region's alarms, which the audit reads
// only on metrics a filter publishes; topics that could be reused), Probe
// reads them, and the next pass uses what it found. It stops when a pass
// needs nothing new (at most three: alarms, then topics).
func PlanChanges(ctx context.Context, d Dialer, snap *inventory.Snapshot, verdicts []Verdict, o Options) (*Plan, *Facts) {
	facts := &Facts{}
	p := NewPlan(snap, verdicts, nil, o)
	for range 3 {
		if !Probe(ctx, d, snap, p, o, facts) {
			break
		}
		p = NewPlan(snap, verdicts, facts, o)
	}
	return p, facts
}

// Probe adds to f what plan p needs and f lacks: the alarms of each
// chain's home region, the topics p would create, the topics that are the
// chain's by name, and the one --topic-arn names. It reads through the
// audit's own reader (awsread), so throttling is retried and a topic SNS
// does not know is absent, exactly as in the audit. A failed read is
// recorded (the plan then reports it) rather than returned. It reports
// whether it read anything.
func Probe(ctx context.Context, d Dialer, snap *inventory.Snapshot, p *Plan, o Options, f *Facts) bool {
	o = o.WithDefaults()
	added := false
	look := func(account, region, arn string) {
		if f.topic(arn) != nil {
			return
		}
		added = true
		f.Topics = append(f.Topics, probeTopic(ctx, d, account, region, arn, o.Retry))
	}
	// A chain's own topics that the audit read are planned from the
	// snapshot, which the planner prefers: reading them again is waste.
	lookChain := func(account, region, arn string) {
		if a := snap.Account(account); a != nil && a.Topic(arn) != nil {
			return
		}
		look(account, region, arn)
	}
	if f.Alarms == nil {
		f.Alarms, f.AlarmErrors = map[Home][]inventory.Alarm{}, map[Home]*inventory.ReadError{}
	}
	for _, ap := range p.Accounts {
		if ap.Region != "" {
			h := Home{ap.Account, ap.Region}
			_, done := f.Alarms[h]
			if f.AlarmErrors[h] == nil && !done {
				added = true
				alarms, err := probeAlarms(ctx, d, h, o.Retry)
				if err != nil {
					f.AlarmErrors[h] = err
				} else {
					f.Alarms[h] = alarms
				}
			}
			// The topics of alarms the audit did not read (it reads
			// alarms only on metrics a filter publishes).
			for _, a := range f.Alarms[h] {
				if o.isChainAlarmName(a.Name) || (a.Namespace == o.MetricNamespace && a.MetricName == o.MetricName) {
					for _, t := range snsActions(a.AlarmActions) {
						lookChain(ap.Account, ap.Region, t)
					}
				}
			}
		}
		for _, s := range ap.Steps {
			if s.Kind != KindTopic || s.Action != Create {
				continue
			}
			// The topics that are the chain's by name, which no alarm
			// may point at yet (a run that stopped half-way, the seeds').
			for _, arn := range o.ownTopicARNs(partitionOf(s.Resource), s.Region, s.Account) {
				lookChain(s.Account, s.Region, arn)
			}
			lookChain(s.Account, s.Region, s.Resource)
		}
	}
	if o.TopicARN != "" {
		if a, err := inventory.ParseARN(o.TopicARN); err == nil {
			look(a.Account, a.Region, o.TopicARN)
		}
	}
	return added
}

// probeAlarms lists every metric alarm of a home region.
func probeAlarms(ctx context.Context, d Dialer, h Home, retry awsread.Retry) ([]inventory.Alarm, *inventory.ReadError) {
	conn, err := d.Conn(ctx, h.Account)
	if err != nil {
		return nil, readError("sts:AssumeRole", err)
	}
	return awsread.MetricAlarms(ctx, conn.CloudWatch(h.Region), h.Region, retry, nil)
}

// probeTopic reads one topic and its subscriptions.
func probeTopic(ctx context.Context, d Dialer, account, region, arn string, retry awsread.Retry) inventory.Topic {
	t := inventory.Topic{ARN: arn, Region: region}
	conn, err := d.Conn(ctx, account)
	if err != nil {
		t.Error = readError("sts:AssumeRole", err)
		return t
	}
	awsread.ReadTopic(ctx, conn.SNS(region), &t, retry)
	return t
}

// readError records a failure to open an account's clients (the reads
// themselves are classified by awsread).
func readError(action string, err error) *inventory.ReadError {
	e := &inventory.ReadError{Action: action, Code: errorCode(err), Message: err.Error(), Kind: inventory.Failed}
	switch Classify(err) {
	case "throttled":
		e.Kind = inventory.Throttled
	case "access denied":
		e.Kind = inventory.Denied
	}
	return e
}
