package audit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// trailLink checks that t is multi-region, logging, records management
// events read and write, and delivers to CloudWatch Logs.
func trailLink(t inventory.Trail) Link {
	l := Link{Name: LinkTrail, Resource: t.ARN}
	var fails, unknowns, fixes, notes []string
	region := " --region " + t.HomeRegion
	if !t.IsMultiRegion {
		fails = append(fails, "it is not multi-region (root activity in other regions goes unrecorded)")
		fixes = append(fixes, "aws cloudtrail update-trail --name "+t.ARN+" --is-multi-region-trail"+region)
	}
	switch {
	case t.Status == nil && t.StatusError != nil:
		unknowns = append(unknowns, t.StatusError.Verdict())
	case t.Status == nil:
		unknowns = append(unknowns, "its status was not read")
	case !t.Status.IsLogging:
		fails = append(fails, "logging is stopped")
		fixes = append(fixes, "aws cloudtrail start-logging --name "+t.ARN+region)
	}
	switch {
	case t.Selectors == nil && t.SelectorsError != nil:
		unknowns = append(unknowns, t.SelectorsError.Verdict())
	case t.Selectors == nil:
		unknowns = append(unknowns, "its event selectors were not read")
	default:
		read, write, excluded := managementEvents(*t.Selectors)
		switch {
		case !read && !write:
			fails = append(fails, "it records no management events")
		case !read:
			fails = append(fails, "it records write-only management events (root sign-ins and reads are missed)")
		case !write:
			fails = append(fails, "it records read-only management events")
		}
		if !read || !write {
			fixes = append(fixes, "aws cloudtrail put-event-selectors --trail-name "+t.ARN+` --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`+region+" (keep any data-event selectors you have)")
		}
		if len(excluded) > 0 {
			notes = append(notes, "management events from "+strings.Join(excluded, ", ")+" are excluded")
		}
	}
	if t.LogGroupARN == "" {
		fails = append(fails, "it does not deliver to CloudWatch Logs")
		fixes = append(fixes, "rootwatch fix --with-trail-delivery")
	}
	if t.Status != nil {
		if e := t.Status.LatestCloudWatchLogsDeliveryError; e != "" {
			fails = append(fails, "CloudWatch Logs delivery fails: "+e)
			fixes = append(fixes, "let CloudTrail write to the log group: check role "+t.RoleARN+" (logs:CreateLogStream, logs:PutLogEvents)")
		}
		if e := t.Status.LatestDeliveryError; e != "" {
			notes = append(notes, "S3 delivery error: "+e)
		}
		if d := t.Status.LatestCloudWatchLogsDelivery; !d.IsZero() {
			notes = append(notes, "last CloudWatch Logs delivery "+d.UTC().Format(time.RFC3339))
		} else if t.LogGroupARN != "" {
			notes = append(notes, "no CloudWatch Logs delivery recorded yet")
		}
	}
	kind := "trail"
	if t.IsOrganizationTrail {
		kind = "organization trail"
	}
	switch {
	case len(fails) > 0:
		l.Status = Fail
		l.Detail = fmt.Sprintf("%s %s: %s", kind, t.Name, strings.Join(append(fails, unknowns...), "; "))
		l.Fix = strings.Join(fixes, " && ")
	case len(unknowns) > 0:
		l.Status = Unknown
		l.Detail = fmt.Sprintf("%s %s: %s", kind, t.Name, strings.Join(unknowns, "; "))
	default:
		l.Status = Pass
		l.Detail = fmt.Sprintf("%s %s: multi-region, logging, management events read and write, delivers to %s", kind, t.Name, t.LogGroupARN)
	}
	if len(notes) > 0 {
		l.Detail += " (" + strings.Join(notes, "; ") + ")"
	}
	return l
}

// managementEvents reports whether the selectors record management read
// and write events, and which event sources they exclude. Basic and
// advanced selectors are both understood; a trail with several selectors
// records the union.
func managementEvents(s inventory.Selectors) (read, write bool, excluded []string) {
	for _, b := range s.Basic {
		if !b.IncludeManagementEvents {
			continue
		}
		switch b.ReadWriteType {
		case inventory.ReadWriteReadOnly:
			read = true
		case inventory.ReadWriteWriteOnly:
			write = true
		default:
			read, write = true, true
		}
		excluded = append(excluded, b.ExcludeManagementEventSources...)
	}
	for _, a := range s.Advanced {
		r, w, ex, ok := advancedManagement(a)
		if !ok {
			continue
		}
		read, write = read || r, write || w
		excluded = append(excluded, ex...)
	}
	slices.Sort(excluded)
	return read, write, slices.Compact(excluded)
}

// advancedManagement interprets one advanced selector. It selects
// management events when eventCategory equals Management; readOnly narrows
// it to reads or writes; any other positive condition (eventSource equals,
// eventName starts with...) narrows it to some events only, which does not
// count as recording management events; negative eventSource conditions
// are reported as exclusions.
func advancedManagement(a inventory.AdvancedSelector) (read, write bool, excluded []string, ok bool) {
	read, write = true, true
	for _, f := range a.Fields {
		switch f.Field {
		case "eventCategory":
			if !slices.Contains(f.Equals, "Management") || len(f.NotEquals) > 0 && slices.Contains(f.NotEquals, "Management") {
				return false, false, nil, false
			}
			ok = true
		case "readOnly":
			switch {
			case len(f.Equals) == 1 && f.Equals[0] == "true", len(f.NotEquals) == 1 && f.NotEquals[0] == "false":
				write = false
			case len(f.Equals) == 1 && f.Equals[0] == "false", len(f.NotEquals) == 1 && f.NotEquals[0] == "true":
				read = false
			}
		default:
			if len(f.Equals)+len(f.StartsWith)+len(f.EndsWith) > 0 {
				return false, false, nil, false
			}
			excluded = append(excluded, f.NotEquals...)
			for _, p := range f.NotStartsWith {
				excluded = append(excluded, p+"*")
			}
			for _, p := range f.NotEndsWith {
				excluded = append(excluded, "*"+p)
			}
		}
	}
	return read, write, excluded, ok
}
