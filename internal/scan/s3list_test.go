package scan

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// trailKeys is a bucket of CloudTrail keys (bodies are not read): a log
// file every three hours from first for n days in each account and region
// under root ("AWSLogs/" or "AWSLogs/o-ORG/"), with digest and Insights
// files beside them. It returns the bucket and the log file keys.
func trailKeys(root string, accounts, regions []string, first time.Time, n int) (map[string][]byte, []string) {
	objs := map[string][]byte{}
	var logs []string
	for _, a := range accounts {
		for _, r := range regions {
			for h := 0; h < 24*n; h += 3 {
				t := first.Add(time.Duration(h)*time.Hour + 5*time.Minute)
				day := t.Format("2006/01/02/")
				stamp := t.Format("20060102T1504Z")
				k := fmt.Sprintf("%s%s/CloudTrail/%s/%s%s_CloudTrail_%s_%s_abc.json.gz", root, a, r, day, a, r, stamp)
				objs[k] = nil
				logs = append(logs, k)
				objs[fmt.Sprintf("%s%s/CloudTrail-Digest/%s/%s%s_CloudTrail-Digest_%s_trail_%s_%s.json.gz", root, a, r, day, a, r, r, stamp)] = nil
				objs[fmt.Sprintf("%s%s/CloudTrail-Insight/%s/%s%s_CloudTrail-Insight_%s_%s_abc.json.gz", root, a, r, day, a, r, stamp)] = nil
			}
		}
	}
	return objs, logs
}

// navigation matches a listed prefix that ends at a year or a month: with
// a window, days are computed, never found by walking those levels.
var navigation = regexp.MustCompile(`/CloudTrail/[^/]+/\d{4}/(\d{2}/)?$`)

func TestS3ListsDayPrefixes(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := at("2023-12-28T00:00:00Z")
	now := at("2024-03-04T12:00:00Z")
	one, two := []string{"111122223333"}, []string{"111122223333", "444455556666"}
	tests := []struct {
		name     string
		root     string // where the accounts are
		source   string // the source's prefix
		accounts []string
		regions  []string
		window   Window
	}{
		{"account trail, one day", "AWSLogs/", "", one, []string{"us-east-1"}, Window{at("2024-01-10T00:00:00Z"), at("2024-01-11T00:00:00Z")}},
		{"organization trail", "AWSLogs/o-abc123/", "AWSLogs/o-abc123/", two, []string{"us-east-1"}, Window{at("2024-01-10T00:00:00Z"), at("2024-01-11T00:00:00Z")}},
		{"organization trail from the bucket root", "AWSLogs/o-abc123/", "", two, []string{"us-east-1", "eu-west-1"}, Window{at("2024-01-10T06:00:00Z"), at("2024-01-10T07:00:00Z")}},
		{"several regions under a prefix", "logs/AWSLogs/", "logs/", two, []string{"us-east-1", "eu-west-1", "ap-south-1"}, Window{at("2024-02-01T00:00:00Z"), at("2024-02-03T00:00:00Z")}},
		{"window across a year", "AWSLogs/o-abc123/", "AWSLogs/", one, []string{"us-east-1", "eu-west-1"}, Window{at("2023-12-31T20:00:00Z"), at("2024-01-01T03:00:00Z")}},
		{"window across a month (leap day)", "AWSLogs/", "AWSLogs/", two, []string{"us-east-1"}, Window{at("2024-02-28T12:00:00Z"), at("2024-03-01T02:00:00Z")}},
		{"window open at the end", "AWSLogs/", "", one, []string{"us-east-1"}, Window{Since: at("2024-03-02T00:00:00Z")}},
		{"one account's region", "AWSLogs/", "AWSLogs/111122223333/CloudTrail/us-east-1/", two, []string{"us-east-1", "eu-west-1"}, Window{at("2024-01-10T00:00:00Z"), at("2024-01-11T00:00:00Z")}},
		{"no window", "AWSLogs/o-abc123/", "", two, []string{"us-east-1", "eu-west-1"}, Window{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, logs := trailKeys(tt.root, tt.accounts, tt.regions, first, 67)
			var want []string
			for _, k := range logs {
				if strings.HasPrefix(k, tt.source) && keepFile(k, tt.window) {
					want = append(want, "s3://b/"+k)
				}
			}
			if len(want) == 0 || len(want) == len(logs) && !tt.window.Since.IsZero() {
				t.Fatalf("%d of %d keys wanted: the case tests nothing", len(want), len(logs))
			}
			fake := &fakeS3{objects: objs, page: 5, throttler: throttler{every: 7}}
			src := &S3{Client: fake, Bucket: "b", Prefix: tt.source, Retry: noWait, ListConcurrency: 4, Now: func() time.Time { return now }}
			var got []string
			err := src.Walk(context.Background(), tt.window, func(u Unit) error {
				if u.Err != nil {
					t.Errorf("%s: %v", u.Name, u.Err)
				}
				got = append(got, u.Name)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("listed %d keys, want %d\n got %v\nwant %v", len(got), len(want), got, want)
			}
			for _, p := range fake.listed {
				if strings.Contains(p, "CloudTrail-Digest") || strings.Contains(p, "CloudTrail-Insight") {
					t.Errorf("listed %s: digest and Insights prefixes are skipped by delimiter", p)
				}
				if !tt.window.Since.IsZero() && navigation.MatchString(p) {
					t.Errorf("listed %s: the window's days are computed, not walked", p)
				}
			}
		})
	}
}

// TestDayPrefixes: the days a window needs are the days it covers and
// the next one when the window reaches within deliverySlack of its end
// (late events are delivered after midnight).
func TestDayPrefixes(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02T15:04", s); return v }
	now := d("2024-06-10T12:00")
	tests := []struct {
		w    Window
		want []string
		ok   bool
	}{
		{Window{d("2024-06-02T00:00"), d("2024-06-03T00:00")}, []string{"2024/06/02/", "2024/06/03/"}, true},
		{Window{d("2024-06-02T00:00"), d("2024-06-02T22:00")}, []string{"2024/06/02/"}, true},
		{Window{d("2024-06-02T23:30"), d("2024-06-03T00:10")}, []string{"2024/06/02/", "2024/06/03/"}, true},
		{Window{d("2023-12-31T10:00"), d("2024-01-01T10:00")}, []string{"2023/12/31/", "2024/01/01/"}, true},
		{Window{Since: d("2024-06-09T05:00")}, []string{"2024/06/09/", "2024/06/10/"}, true},
		{Window{Until: d("2024-06-09T05:00")}, nil, false},
		{Window{d("2020-01-01T00:00"), d("2024-01-01T00:00")}, nil, false}, // years: list regions whole
	}
	for _, tt := range tests {
		got, ok := dayPrefixes(tt.w, now)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("dayPrefixes(%v) = %v %v, want %v %v", tt.w, got, ok, tt.want, tt.ok)
		}
	}
}
