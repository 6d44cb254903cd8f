package format

import (
	"net/url"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// ConsoleLink is where a reader clicks to see the event: the link that
// enrichment put on the alert, else the CloudTrail event history page of
// the first event in its region (us-east-1, where console sign-ins are
// recorded, when the region is unknown). Empty when there is no event.
func ConsoleLink(a alert.Alert) string {
	if a.ConsoleURL != "" {
		return a.ConsoleURL
	}
	if len(a.EventIDs) == 0 {
		return ""
	}
	region := a.Region
	if region == "" {
		region = "us-east-1"
	}
	region = url.PathEscape(region)
	return "https://" + region + ".console.aws.amazon.com/cloudtrailv2/home?region=" + region +
		"#/events/" + url.PathEscape(a.EventIDs[0])
}
