package fix

import (
	"fmt"
	"maps"
	"regexp"

	"github.com/rootwatch/rootwatch/internal/awsread"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// Options say what fix creates. The zero value plus defaults is the CIS
// 4.3 remediation with rootwatch's names.
type Options struct {
	FilterName      string
	MetricNamespace string
	MetricName      string
	AlarmName       string
	TopicName       string
	// TopicARN, when set, is the topic the alarm notifies instead of a
	// reused or new one.
	TopicARN string
	// Endpoints are the subscriptions to make (--email, --subscribe).
	Endpoints []Endpoint
	// WithTrailDelivery lets fix create the log group and the IAM role
	// CloudTrail needs, and point the trail at them.
	WithTrailDelivery bool
	LogGroupName      string
	RoleName          string
	// Tags are added to every resource fix creates, beside rootwatch's own.
	Tags map[string]string
	// Strict is audit's --strict: a warning left on a link counts as a
	// link fix cannot repair, so fix --strict and audit --strict agree.
	Strict bool
	// Retry bounds retries of throttled reads before planning, as the
	// audit's collector does.
	Retry awsread.Retry
}

// The names the seeds (the CIS setup guides rootwatch's users start from)
// give the alarm and the topic. With fix's default names, a resource with
// one of these is the chain's own, found by name like rootwatch's.
const (
	SeedAlarmName = cis.SeedAlarmName
	SeedTopicName = cis.SeedTopicName
)

// isChainAlarmName reports whether an alarm of this name is the chain's
// by name: --alarm-name, or with the default name the seeds' too.
func (o Options) isChainAlarmName(name string) bool {
	return name == o.AlarmName || (o.AlarmName == cis.AlarmName && name == SeedAlarmName)
}

// ownTopicARNs are the topics of a home region that are the chain's by
// name: --topic-name (rootwatch's), and with the default name the
// seeds' CIS-Alarms-Topic.
func (o Options) ownTopicARNs(partition, region, account string) []string {
	out := []string{topicARN(partition, region, account, o.TopicName)}
	if o.TopicName == cis.TopicName {
		out = append(out, topicARN(partition, region, account, SeedTopicName))
	}
	return out
}

// Tag keys rootwatch puts on what it creates.
const (
	TagManaged = "rootwatch:managed"
	TagControl = "rootwatch:control"
)

// The names' alphabets; lengths are checked apart (see fits): a counted
// repetition such as {1,512} makes Go's regexp compile 512 copies of the
// class, which cost every rootwatch start-up 7 ms and 14,000 allocations.
var (
	nameRe      = regexp.MustCompile(`^[A-Za-z0-9._/#:\- ]+$`)
	topicNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	roleNameRe  = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]+$`)
	logGroupRe  = regexp.MustCompile(`^[A-Za-z0-9._/#-]+$`)
)

// fits reports whether s is 1 to max characters of re's alphabet (ASCII).
func fits(re *regexp.Regexp, s string, max int) bool {
	return len(s) <= max && re.MatchString(s)
}

// WithDefaults fills unset names with the CIS defaults.
func (o Options) WithDefaults() Options {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.FilterName, cis.FilterName)
	def(&o.MetricNamespace, cis.MetricNamespace)
	def(&o.MetricName, cis.MetricName)
	def(&o.AlarmName, cis.AlarmName)
	def(&o.TopicName, cis.TopicName)
	def(&o.LogGroupName, "aws-cloudtrail-logs-rootwatch")
	def(&o.RoleName, "rootwatch-cloudtrail-to-cloudwatch-logs")
	return o
}

// Validate refuses bad names and endpoints before anything is planned.
func (o Options) Validate() error {
	for _, c := range []struct{ flag, v string }{
		{"--filter-name", o.FilterName}, {"--metric-namespace", o.MetricNamespace},
		{"--metric-name", o.MetricName}, {"--alarm-name", o.AlarmName},
	} {
		if !fits(nameRe, c.v, 255) {
			return fmt.Errorf("%s %q: expected 1 to 255 letters, digits, spaces or . _ / # : -", c.flag, c.v)
		}
	}
	if !fits(topicNameRe, o.TopicName, 256) {
		return fmt.Errorf("--topic-name %q: expected 1 to 256 letters, digits, hyphens or underscores", o.TopicName)
	}
	if o.TopicARN != "" {
		if m := arnRe.FindStringSubmatch(o.TopicARN); m == nil || m[2] != "sns" {
			return fmt.Errorf("--topic-arn %q: expected arn:aws:sns:REGION:ACCOUNT:NAME", o.TopicARN)
		}
	}
	if !fits(logGroupRe, o.LogGroupName, 512) {
		return fmt.Errorf("--log-group-name %q: expected 1 to 512 letters, digits or . _ / # -", o.LogGroupName)
	}
	if !fits(roleNameRe, o.RoleName, 64) {
		return fmt.Errorf("--role-name %q: expected 1 to 64 letters, digits or + = , . @ _ -", o.RoleName)
	}
	for _, e := range o.Endpoints {
		if err := e.Validate(); err != nil {
			return err
		}
	}
	for k, v := range o.Tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return fmt.Errorf("--tag %q=%q: keys are 1 to 128 characters, values up to 256", k, v)
		}
	}
	return nil
}

// tags is what every created resource carries.
func (o Options) tags() map[string]string {
	t := map[string]string{TagManaged: "true", TagControl: "cis-4.3"}
	maps.Copy(t, o.Tags)
	t[TagManaged] = "true"
	return t
}
