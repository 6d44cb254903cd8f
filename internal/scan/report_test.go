package scan

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/filterpattern"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
	}
}

// sampleResult scans the sample with --all-root plus one broken file, so
// every column, exclusion and the partial section show.
func sampleResult(t *testing.T) *Result {
	t.Helper()
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"Records":[{"eventVersion":"1.09",`), 0o644)
	res, err := Run(context.Background(), cisConfig(true), []Source{&Files{Paths: []string{sampleDir, broken}}})
	if err != nil {
		t.Fatal(err)
	}
	res.Stats.Elapsed = 0
	for i := range res.Findings {
		res.Findings[i].Where = strings.TrimPrefix(filepath.ToSlash(res.Findings[i].Where), sampleDir+"/")
		if res.Findings[i].Account == "111122223333" {
			res.Findings[i].AccountAlias = "prod"
		}
	}
	// The aliases were set by hand: count again from the findings.
	res.Summary, res.Periods = Summary{}, nil
	for i := range res.Problems {
		res.Problems[i].Msg = strings.ReplaceAll(res.Problems[i].Msg, dir+"/", "")
		res.Problems[i].Where = strings.ReplaceAll(res.Problems[i].Where, dir+"/", "")
	}
	return res
}

func TestReportFormats(t *testing.T) {
	res := sampleResult(t)
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			rep := &Report{Result: res, AllRoot: true, Alarm: true}
			if err := rep.Write(&b, format); err != nil {
				t.Fatal(err)
			}
			golden(t, "report."+format, b.Bytes())
		})
	}
	var b bytes.Buffer
	if err := (&Report{Result: &Result{}}).Write(&b, "table"); err != nil || !strings.HasPrefix(b.String(), "No root activity found.") {
		t.Errorf("empty table: %q %v", b.String(), err)
	}
	if err := (&Report{Result: res}).Write(&b, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestReplayAlarm(t *testing.T) {
	at := func(hm string) time.Time {
		tm, _ := time.Parse("15:04:05", hm)
		return time.Date(2024, 6, 2, tm.Hour(), tm.Minute(), tm.Second(), 0, time.UTC)
	}
	cis := func(hm string) Finding { return Finding{Time: at(hm), CIS: true} }
	tests := []struct {
		name string
		in   []Finding
		want []Episode
	}{
		{"none", nil, nil},
		{"excluded do not count", []Finding{{Time: at("10:00:00")}}, nil},
		{"one", []Finding{cis("10:01:00")}, []Episode{{Alarm: at("10:05:00"), Cleared: at("10:10:00"), Periods: 1, Events: 1}}},
		{"same period is silent", []Finding{cis("10:01:00"), cis("10:04:59")}, []Episode{{Alarm: at("10:05:00"), Cleared: at("10:10:00"), Periods: 1, Events: 2}}},
		{"adjacent periods extend", []Finding{cis("10:04:00"), cis("10:06:00")}, []Episode{{Alarm: at("10:05:00"), Cleared: at("10:15:00"), Periods: 2, Events: 2}}},
		{"a gap notifies again", []Finding{cis("10:04:00"), cis("10:11:00")}, []Episode{
			{Alarm: at("10:05:00"), Cleared: at("10:10:00"), Periods: 1, Events: 1},
			{Alarm: at("10:15:00"), Cleared: at("10:20:00"), Periods: 1, Events: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplayAlarm(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("episode %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCandidateLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`, []string{"Root"}},
		{`{ $.eventName = "ConsoleLogin" || $.eventName = "AssumeRoot" }`, []string{"ConsoleLogin", "AssumeRoot"}},
		{`{ $.eventName = "Delete*" && $.eventSource = "cloudtrail.amazonaws.com" }`, []string{"cloudtrail.amazonaws.com"}},
		{`{ $.sourceIPAddress = "arn:aws:iam::1/x" }`, []string{"arn:aws:iam::1"}},
		{`{ $.eventName = "ab" }`, nil},
		{`{ $.eventName != "ConsoleLogin" }`, nil},
		{`{ $.eventName = "ConsoleLogin" || $.x > 5 }`, nil},
		{`{ $.userIdentity.type = "Ro☃t" }`, nil},
		{`ERROR`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := filterpattern.Parse(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			got := CandidateLiterals(p)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if string(got[i]) != tt.want[i] {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}
