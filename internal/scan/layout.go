package scan

import (
	"regexp"
	"strconv"
	"time"
)

// CloudTrail delivers to S3 under
// [prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_RANDOM.json.gz
// The date parts let a scan skip whole days, months and years outside
// the window without opening (or listing) them.

var fileStamp = regexp.MustCompile(`_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4}Z)_`)

// fileTime returns the delivery time in a CloudTrail log file name. A file
// holds events from before its delivery (CloudTrail delivers within about
// 5 to 15 minutes of an event; deliverySlack leaves room for late ones).
func fileTime(name string) (time.Time, bool) {
	m := fileStamp.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", m[1])
	return t, err == nil
}

// deliverySlack is how far event times and delivery times of a log file
// can differ (CloudTrail delivers within about 5 to 15 minutes; a day
// directory holds files delivered that UTC day).
const deliverySlack = time.Hour

// fileStampSlack allows for the name's minute being rounded down.
const fileStampSlack = 5 * time.Minute

// keepFile reports whether a log file (by name) may hold events in w.
func keepFile(name string, w Window) bool {
	t, ok := fileTime(name)
	if !ok {
		return true
	}
	return w.Overlaps(t.Add(-deliverySlack), t.Add(fileStampSlack))
}

// dateSpan reads the YYYY[/MM[/DD]] directories after a
// CloudTrail/REGION directory: parts are the path elements below REGION.
// It returns the span they cover, or false when they are not dates.
func dateSpan(parts []string) (from, to time.Time, ok bool) {
	if len(parts) == 0 || len(parts) > 3 {
		return from, to, false
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return from, to, false
		}
		nums[i] = n
	}
	switch len(parts) {
	case 1:
		from = time.Date(nums[0], 1, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, 0)
	case 2:
		from = time.Date(nums[0], time.Month(nums[1]), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, 0)
	case 3:
		from = time.Date(nums[0], time.Month(nums[1]), nums[2], 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 0, 1)
	}
	// A day's directory holds files delivered that day: their events
	// may start up to deliverySlack earlier, never later.
	return from.Add(-deliverySlack), to, true
}

// regionDatesBelow returns the path elements below CloudTrail/REGION in
// elems (a split path), or false when the path is not inside that layout.
func regionDatesBelow(elems []string) ([]string, bool) {
	for i := len(elems) - 2; i >= 0; i-- {
		if elems[i] == "CloudTrail" {
			if i+2 > len(elems) {
				return nil, false
			}
			return elems[i+2:], true
		}
	}
	return nil, false
}
