package e2e

import (
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
)

// TestFixFromAnotherRegion: the caller's default region is not the
// trail's; fix must build the chain where the log group is, and backout
// must find it there from yet another default region.
func TestFixFromAnotherRegion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, brokenChain())
	before := e.state()
	e.unset = map[string]bool{"AWS_REGION": true} // us-east-1 by default
	e.step(0, "Plan: 4 to add", "fix", "--subscribe", queue, "--yes")
	var where []string
	e.cloud.Edit(func(c *awsfake.Cloud) {
		for region, r := range c.Accounts[mgmt].Regional {
			if _, ok := r.Alarms[cis.AlarmName]; ok {
				where = append(where, region)
			}
		}
	})
	if len(where) != 1 || where[0] != home {
		t.Errorf("alarm created in %v, want only %s (the log group's region)", where, home)
	}
	e.step(0, `"status": "PASS"`, "audit", "--format", "json")
	e.step(0, "disable actions", "backout", "--disable-actions", "--yes", "--region", "ap-south-1")
	r := e.step(3, `"status": "FAIL"`, "audit", "--format", "json")
	if got, _ := links(t, parseAudit(t, r), mgmt); !strings.Contains(got, "alarm=FAIL") {
		t.Errorf("after --disable-actions from another region: %s", got)
	}
	e.step(0, "to destroy", "backout", "--remove", "--yes")
	if e.state() != before {
		t.Fatalf("after --remove:\nbefore:\n%s\nafter:\n%s", before, e.state())
	}
}

// TestAuditAlarmInAnotherRegion: an alarm on the right metric but in a
// region other than the log group's never sees the metric.
func TestAuditAlarmInAnotherRegion(t *testing.T) {
	t.Parallel()
	c := compliant()
	c.Edit(func(c *awsfake.Cloud) {
		a := regionOf(c).Alarms[cis.AlarmName]
		delete(regionOf(c).Alarms, cis.AlarmName)
		c.Accounts[mgmt].Region("us-east-1").Alarms[cis.AlarmName] = a
	})
	r := newEnv(t, c).run("audit", "--format", "json")
	if r.code != 3 {
		t.Errorf("exit %d, want 3\n%s", r.code, r)
	}
	if got, _ := links(t, parseAudit(t, r), mgmt); !strings.HasPrefix(got, "trail=PASS log-group=PASS metric-filter=PASS alarm=FAIL") {
		t.Errorf("links = %s", got)
	}
}
