package audit

import (
	"fmt"
	"testing"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

// TestControlAlarms: the alarms that implement the control are found
// whoever made them and whatever their verdict (a disabled one FAILs but
// is still the control's), once each; another control's alarm on the
// same log group is not one of them.
func TestControlAlarms(t *testing.T) {
	seedAlarm := func(a *inventory.Account) inventory.Alarm {
		al := a.Alarms[0]
		al.Name, al.ARN = "RootAccountUsageAlarm", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:RootAccountUsageAlarm"
		return al
	}
	tests := []struct {
		name   string
		mutate func(a *inventory.Account)
		want   []string
	}{
		{"rootwatch's", func(*inventory.Account) {}, []string{"RootAccountUsage PASS enabled"}},
		{"the seeds' alarm, disabled", func(a *inventory.Account) {
			a.Alarms[0] = seedAlarm(a)
			a.Alarms[0].ActionsEnabled = false
		}, []string{"RootAccountUsageAlarm FAIL disabled"}},
		{"two alarms on the metric", func(a *inventory.Account) { a.Alarms = append(a.Alarms, seedAlarm(a)) },
			[]string{"RootAccountUsage PASS enabled", "RootAccountUsageAlarm PASS enabled"}},
		{"a too broad filter's alarm is still the control's", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters[0].Pattern = `{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS) || $.eventType != "AwsServiceEvent" }`
		}, []string{"RootAccountUsage PASS enabled"}},
		{"CIS 4.1's filter and alarm are not", func(a *inventory.Account) {
			a.LogGroups[0].MetricFilters = append(a.LogGroups[0].MetricFilters, inventory.MetricFilter{
				Name: "UnauthorizedAPICalls", Pattern: `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`,
				Transformations: []inventory.MetricTransformation{{MetricName: "UnauthorizedAPICalls", MetricNamespace: cis.MetricNamespace, MetricValue: "1"}},
			})
			al := a.Alarms[0]
			al.Name, al.MetricName = "UnauthorizedAPICalls", "UnauthorizedAPICalls"
			a.Alarms = append(a.Alarms, al)
		}, []string{"RootAccountUsage PASS enabled"}},
		{"no alarm", func(a *inventory.Account) { a.Alarms = nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodAccount()
			tt.mutate(&a)
			var got []string
			for _, ca := range ControlAlarms(snap(a)) {
				on := "enabled"
				if !ca.ActionsEnabled {
					on = "disabled"
				}
				if ca.Account != acct || ca.Region != region || len(ca.Accounts) != 1 {
					t.Errorf("alarm %+v", ca)
				}
				got = append(got, fmt.Sprintf("%s %s %s", ca.Name, ca.Status, on))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ControlAlarms = %v, want %v", got, tt.want)
			}
		})
	}
}
