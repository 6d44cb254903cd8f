package e2e

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// auditJSON is the part of `audit --format json` the judges read.
type auditJSON struct {
	Accounts []struct {
		Account   string `json:"account"`
		Status    string `json:"status"`
		CoveredBy string `json:"covered_by"`
		Links     []struct {
			Name     string `json:"name"`
			Status   string `json:"status"`
			Resource string `json:"resource"`
			Detail   string `json:"detail"`
		} `json:"links"`
	} `json:"accounts"`
}

var linkNames = []string{"trail", "log-group", "metric-filter", "alarm", "topic", "subscription"}

func parseAudit(t *testing.T, r result) auditJSON {
	t.Helper()
	var a auditJSON
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("audit --format json printed no JSON: %v\n%s", err, r)
	}
	return a
}

// links returns "name=STATUS ..." for one account, in chain order.
func links(t *testing.T, a auditJSON, account string) (string, map[string]string) {
	t.Helper()
	for _, acc := range a.Accounts {
		if acc.Account != account {
			continue
		}
		var parts []string
		details := map[string]string{}
		for _, l := range acc.Links {
			parts = append(parts, l.Name+"="+l.Status)
			details[l.Name] = l.Detail
		}
		return strings.Join(parts, " "), details
	}
	t.Fatalf("account %s not in the report", account)
	return "", nil
}

func chain(statuses ...string) string {
	parts := make([]string, len(linkNames))
	for i, n := range linkNames {
		parts[i] = n + "=" + statuses[i]
	}
	return strings.Join(parts, " ")
}

var allPass = chain("PASS", "PASS", "PASS", "PASS", "PASS", "PASS")

// TestAuditSingleAccount: every link's failure modes over the wire, one
// account state each.
func TestAuditSingleAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*awsfake.Cloud)
		deny   []string // IAM actions denied to the caller
		code   int
		links  string
		detail map[string]string // link -> substring of its detail
	}{
		{name: "compliant", code: 0, links: allPass},
		{name: "no trail", edit: noTrail, code: 3, links: "trail=FAIL"},
		{name: "trail not multi-region", edit: singleRegion, code: 3, links: "trail=FAIL", detail: map[string]string{"trail": "multi-region"}},
		{name: "trail not logging", edit: notLogging, code: 3, links: "trail=FAIL", detail: map[string]string{"trail": "logging"}},
		{name: "no CloudWatch Logs delivery", edit: noDelivery, code: 3, links: "trail=FAIL", detail: map[string]string{"trail": "CloudWatch Logs"}},
		{name: "write-only event selector", edit: writeOnly, code: 3, links: "trail=FAIL", detail: map[string]string{"trail": "read"}},
		{name: "advanced event selectors", edit: advanced, code: 0, links: allPass},
		{name: "log group missing", edit: noLogGroup, code: 3, links: "trail=PASS log-group=FAIL"},
		{name: "filter narrower", edit: narrower, code: 3, links: "trail=PASS log-group=PASS metric-filter=FAIL", detail: map[string]string{"metric-filter": "narrower"}},
		{name: "filter with ||", edit: orPattern, code: 3, links: "trail=PASS log-group=PASS metric-filter=FAIL"},
		{name: "filter reordered and respaced", edit: reordered, code: 0, links: allPass, detail: map[string]string{"metric-filter": "equivalent"}},
		{name: "filter broader", edit: broader, code: 0, links: allPass, detail: map[string]string{"metric-filter": "more root events"}},
		{name: "filter counts non-root events", edit: countsEveryCall, code: 3, links: "trail=PASS log-group=PASS metric-filter=FAIL", detail: map[string]string{"metric-filter": "not root"}},
		{name: "hourly alarm period is a warning", edit: hourlyAlarm, code: 0, links: allPass},
		{name: "alarm actions disabled", edit: actionsOff, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=FAIL", detail: map[string]string{"alarm": "actions"}},
		{name: "alarm wrong namespace", edit: wrongNamespace, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=FAIL"},
		{name: "alarm with dimensions", edit: dimensions, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=FAIL"},
		{name: "alarm does not fire on one event", edit: slowAlarm, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=FAIL"},
		{name: "alarm without actions", edit: noActions, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=PASS topic=FAIL"},
		{name: "topic encrypted with aws/sns", edit: awsManagedKey, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=PASS topic=FAIL"},
		{name: "topic encrypted with a key CloudWatch may use", edit: cmkForCloudWatch, code: 0, links: allPass},
		{name: "topic encrypted with a key CloudWatch may not use", edit: cmkOwnerOnly, code: 3, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=PASS topic=FAIL", detail: map[string]string{"topic": "cloudwatch.amazonaws.com"}},
		{name: "denied kms:GetKeyPolicy", edit: cmkForCloudWatch, deny: []string{"kms:GetKeyPolicy"}, code: 4, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=PASS topic=UNKNOWN", detail: map[string]string{"topic": "kms:GetKeyPolicy"}},
		{name: "pending subscription only", edit: pendingOnly, code: 3, links: chain("PASS", "PASS", "PASS", "PASS", "PASS", "FAIL"), detail: map[string]string{"subscription": "pending"}},
		{name: "denied ListSubscriptionsByTopic", deny: []string{"sns:ListSubscriptionsByTopic"}, code: 4, links: chain("PASS", "PASS", "PASS", "PASS", "PASS", "UNKNOWN"), detail: map[string]string{"subscription": "sns:ListSubscriptionsByTopic"}},
		{name: "denied DescribeAlarms", deny: []string{"cloudwatch:DescribeAlarms"}, code: 4, links: "trail=PASS log-group=PASS metric-filter=PASS alarm=UNKNOWN", detail: map[string]string{"alarm": "cloudwatch:DescribeAlarms"}},
		{name: "denied GetTrailStatus", deny: []string{"cloudtrail:GetTrailStatus"}, code: 4, links: "trail=UNKNOWN", detail: map[string]string{"trail": "cloudtrail:GetTrailStatus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := compliant()
			if tt.edit != nil {
				c.Edit(tt.edit)
			}
			for _, a := range tt.deny {
				c.Deny(mgmt, a)
			}
			e := newEnv(t, c)
			r := e.run("audit", "--format", "json")
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r)
			}
			got, details := links(t, parseAudit(t, r), mgmt)
			if !strings.HasPrefix(got, tt.links) {
				t.Errorf("links = %s\nwant prefix %s", got, tt.links)
			}
			for l, sub := range tt.detail {
				if !strings.Contains(strings.ToLower(details[l]), strings.ToLower(sub)) {
					t.Errorf("%s detail = %q, want it to mention %q", l, details[l], sub)
				}
			}
		})
	}
}

// TestAuditGolden pins the whole JSON report of a compliant and a broken
// account (generated_at, the only moving part, is blanked).
func TestAuditGolden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		edit func(*awsfake.Cloud)
	}{{"compliant", nil}, {"narrower-filter", narrower}, {"pending-subscription", pendingOnly}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := compliant()
			if tt.edit != nil {
				c.Edit(tt.edit)
			}
			r := newEnv(t, c).run("audit", "--format", "json")
			golden(t, "audit/"+tt.name+".json", normalize([]byte(r.stdout)))
		})
	}
}

var generatedAt = regexp.MustCompile(`"generated_at": "[^"]*"`)

func normalize(b []byte) []byte {
	return generatedAt.ReplaceAll(bytes.TrimSpace(b), []byte(`"generated_at": "<time>"`))
}

// TestAuditOrganization: --org lists the accounts over Organizations,
// assumes the role in each member over STS (the emulator resolves the
// session key), credits the organization trail to the member, and skips
// the suspended account.
func TestAuditOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t, organization())
	r := e.run("audit", "--org", "--format", "json")
	if r.code != 0 {
		t.Errorf("exit %d, want 0\n%s", r.code, r)
	}
	a := parseAudit(t, r)
	statuses := map[string]string{}
	for _, acc := range a.Accounts {
		statuses[acc.Account] = acc.Status
		if acc.Account == member && !strings.Contains(acc.CoveredBy, mgmt) {
			t.Errorf("member covered_by = %q, want the management account's organization trail", acc.CoveredBy)
		}
	}
	if statuses[mgmt] != "PASS" || statuses[member] != "PASS" {
		t.Errorf("statuses = %v, want management and member PASS", statuses)
	}
	if s := statuses["333333333333"]; s == "PASS" || s == "FAIL" {
		t.Errorf("suspended account status = %q, want it skipped", s)
	}
	if got, _ := links(t, a, member); got != allPass {
		t.Errorf("member links = %s", got)
	}
}

// TestAuditThrottled: throttled calls are retried by the SDK over the
// wire and the audit still completes.
func TestAuditThrottled(t *testing.T) {
	t.Parallel()
	c := compliant()
	c.Throttle(mgmt, "cloudwatch:DescribeAlarms", 1)
	c.Throttle(mgmt, "logs:DescribeMetricFilters", 1)
	r := newEnv(t, c).run("audit", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.code, r)
	}
	if got, _ := links(t, parseAudit(t, r), mgmt); got != allPass {
		t.Errorf("links = %s", got)
	}
	if n := c.Calls("cloudwatch:DescribeAlarms"); n < 2 {
		t.Errorf("DescribeAlarms called %d times, want a retry", n)
	}
}

// TestAuditTable: the default output names the broken link and the fix.
func TestAuditTable(t *testing.T) {
	t.Parallel()
	c := compliant()
	c.Edit(actionsOff)
	r := newEnv(t, c).run("audit")
	if r.code != 3 {
		t.Errorf("exit %d, want 3\n%s", r.code, r)
	}
	for _, want := range []string{mgmt, "alarm", "FAIL", cis.AlarmName} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestAuditStrict: a warning never changes the verdict, except under
// --strict, where it FAILs its link.
func TestAuditStrict(t *testing.T) {
	t.Parallel()
	c := compliant()
	c.Edit(hourlyAlarm)
	r := newEnv(t, c).run("audit", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"code": "alarm-period-over-300s"`) {
		t.Fatalf("without --strict: exit %d, want 0 and the period warning\n%s", r.code, r)
	}
	r = newEnv(t, c).run("audit", "--format", "json", "--strict")
	if r.code != 3 {
		t.Fatalf("with --strict: exit %d, want 3\n%s", r.code, r)
	}
}
