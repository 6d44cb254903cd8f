package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

const sampleDir = "../../testdata/sample"

var noWait = Retry{Backoff: func(int) time.Duration { return 0 }}

func cisConfig(allRoot bool) Config {
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	lits := CandidateLiterals(m.Pattern())
	if allRoot {
		lits = append(lits, []byte("Root"))
	}
	return Config{Matcher: m, Literals: lits, AllRoot: allRoot, Workers: 3}
}

// The sample's hand-written events: 6 CIS matches, 4 excluded root
// events; 529 records in 12 inputs.
func TestRunSample(t *testing.T) {
	tests := []struct {
		name              string
		allRoot           bool
		window            Window
		matches, excluded int64
		units             int64
	}{
		{"cis", false, Window{}, 6, 0, 12},
		{"all root", true, Window{}, 6, 4, 12},
		{"window prunes days", true, Window{Since: time.Date(2024, 6, 2, 12, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 2, 15, 0, 0, 0, time.UTC)}, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cisConfig(tt.allRoot)
			cfg.Window = tt.window
			res, err := Run(context.Background(), cfg, []Source{&Files{Paths: []string{sampleDir}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Partial() {
				t.Fatalf("problems: %+v", res.Problems)
			}
			if res.Stats.Matches != tt.matches || res.Stats.Excluded != tt.excluded {
				t.Errorf("matches %d excluded %d, want %d %d", res.Stats.Matches, res.Stats.Excluded, tt.matches, tt.excluded)
			}
			if tt.units > 0 && (res.Stats.Units != tt.units || res.Stats.Records != 529) {
				t.Errorf("units %d records %d, want %d 529", res.Stats.Units, res.Stats.Records, tt.units)
			}
			if tt.units == 0 && res.Stats.Units >= 12 {
				t.Errorf("window opened %d inputs: days outside it were not skipped", res.Stats.Units)
			}
		})
	}
}

// The engine running the CIS pattern and Classify agree on every record
// of the sample and the shared public data, escapes included.
func TestEngineAgreesWithClassify(t *testing.T) {
	m := filterpattern.MustCompile(cis.RootUsagePattern)
	var n, roots int
	check := func(path string) {
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		cloudtrail.Decode(fh, path, func(raw []byte) error {
			r, err := cloudtrail.ParseRecord(raw)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			v := cloudtrail.Classify(&r)
			if got := m.Match(raw); got != v.CIS {
				t.Errorf("%s: engine %v, Classify %+v for %s", path, got, v, raw)
			}
			n++
			if v.Root {
				roots++
			}
			return nil
		})
	}
	for _, root := range []string{sampleDir, "../../../shared/data/cloudtrail"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && dataFile(p) {
				check(p)
			}
			return nil
		})
	}
	if roots < 10 {
		t.Fatalf("only %d root records among %d: the sample is missing", roots, n)
	}
}

func TestBadInputIsNamedAndTheRestScanned(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join(sampleDir, "siem-export.jsonl"))
	os.WriteFile(filepath.Join(dir, "a-good.jsonl"), good, 0o644)
	os.WriteFile(filepath.Join(dir, "b-truncated.json"), []byte(`{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"Root"`), 0o644)
	os.WriteFile(filepath.Join(dir, "c-notgzip.json.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3}, 0o644)
	os.WriteFile(filepath.Join(dir, "d-notes.md"), []byte("# ignored while walking"), 0o644)
	os.WriteFile(filepath.Join(dir, "e-csv.log"), []byte("time,user\n"), 0o644)
	res, err := Run(context.Background(), cisConfig(false), []Source{&Files{Paths: []string{dir, filepath.Join(dir, "missing.json")}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Matches != 1 {
		t.Errorf("matches %d, want 1 from the good file", res.Stats.Matches)
	}
	want := []string{"b-truncated.json: byte", "c-notgzip.json.gz: compressed byte", "e-csv.log: byte 0", "missing.json"}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems %+v, want %d", res.Problems, len(want))
	}
	for _, w := range want {
		found := false
		for _, p := range res.Problems {
			found = found || strings.Contains(p.Msg, w)
		}
		if !found {
			t.Errorf("no problem names %q: %+v", w, res.Problems)
		}
	}
}

func sampleBucket(t *testing.T, prefix string) map[string][]byte {
	t.Helper()
	objs := map[string][]byte{}
	filepath.WalkDir(sampleDir, func(p string, d os.DirEntry, err error) error {
		if d == nil || d.IsDir() || !strings.HasSuffix(p, ".gz") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(sampleDir, p)
		objs[prefix+filepath.ToSlash(rel)] = b
		return nil
	})
	objs[prefix+"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/06/02/x_CloudTrail-Digest_us-east-1_trail_us-east-1_20240602T1435Z.json.gz"] = []byte("not read")
	return objs
}

func TestS3Source(t *testing.T) {
	day := Window{Since: time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name     string
		prefix   string // bucket layout prefix
		source   string // prefix given to the source
		window   Window
		matches  int64
		maxGets  int
		denyGet  string
		problems int
	}{
		{"account trail, all", "", "", Window{}, 5, 100, "", 0},
		{"org trail layout", "AWSLogs/o-abc123/", "AWSLogs/o-abc123/", Window{}, 5, 100, "", 0},
		{"window lists only its days", "logs/", "logs/", day, 4, 7, "", 0},
		{"denied objects", "", "", Window{}, 0, 100, "AWSLogs/111122223333/", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs := sampleBucket(t, tt.prefix)
			if tt.prefix == "AWSLogs/o-abc123/" {
				// Organization trails nest the account under the org ID.
				moved := map[string][]byte{}
				for k, v := range objs {
					moved[strings.Replace(k, "AWSLogs/o-abc123/AWSLogs/", "AWSLogs/o-abc123/", 1)] = v
				}
				objs = moved
			}
			fake := &fakeS3{objects: objs, page: 3, throttler: throttler{every: 4}, deny: tt.prefix + tt.denyGet}
			if tt.denyGet == "" {
				fake.deny = ""
			}
			cfg := cisConfig(false)
			cfg.Window = tt.window
			res, err := Run(context.Background(), cfg, []Source{&S3{Client: fake, Bucket: "trail-bucket", Prefix: tt.source, Retry: noWait}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Stats.Matches != tt.matches || len(res.Problems) != tt.problems {
				t.Errorf("matches %d problems %d (%+v), want %d %d", res.Stats.Matches, len(res.Problems), res.Problems, tt.matches, tt.problems)
			}
			if len(fake.gotten) > tt.maxGets {
				t.Errorf("fetched %d objects, want at most %d: %v", len(fake.gotten), tt.maxGets, fake.gotten)
			}
			if !tt.window.Since.IsZero() {
				for _, p := range fake.listed {
					// Day 06/03 may hold events of late 06/02; 06/01 cannot.
					if strings.Contains(p, "/2024/06/01/") || strings.Contains(p, "Digest") {
						t.Errorf("listed %s, outside the window", p)
					}
				}
			}
			for _, k := range fake.gotten {
				if strings.Contains(k, "Digest") {
					t.Errorf("fetched digest file %s", k)
				}
			}
			if tt.denyGet != "" && !strings.Contains(res.Problems[0].Msg, "access denied: grant s3:GetObject") {
				t.Errorf("problem %q does not say which permission is missing", res.Problems[0].Msg)
			}
		})
	}
}

func TestS3ListDenied(t *testing.T) {
	fake := &fakeS3{objects: map[string][]byte{}, page: 10, denyList: true}
	res, err := Run(context.Background(), cisConfig(false), []Source{&S3{Client: fake, Bucket: "b", Retry: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Msg, "access denied: grant s3:ListBucket on arn:aws:s3:::b") {
		t.Fatalf("problems %+v", res.Problems)
	}
}

func sampleRecords(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(sampleDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !dataFile(p) {
			return nil
		}
		fh, _ := os.Open(p)
		defer fh.Close()
		cloudtrail.Decode(fh, p, func(raw []byte) error { out = append(out, string(raw)); return nil })
		return nil
	})
	return out
}

func TestLogGroupSource(t *testing.T) {
	recs := sampleRecords(t)
	fake := &fakeLogs{messages: recs, page: 50, throttler: throttler{every: 3}}
	w := Window{Since: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 6, 4, 0, 0, 0, 0, time.UTC)}
	cfg := cisConfig(false)
	cfg.Window = w
	res, err := Run(context.Background(), cfg, []Source{&LogGroup{Client: fake, Name: "aws-cloudtrail-logs", Pattern: cis.RootUsagePattern, Retry: noWait}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Matches != 6 || res.Stats.Records != int64(len(recs)) || res.Partial() {
		t.Errorf("matches %d records %d problems %+v", res.Stats.Matches, res.Stats.Records, res.Problems)
	}
	in := fake.inputs[0]
	if *in.FilterPattern != cis.RootUsagePattern || *in.LogGroupName != "aws-cloudtrail-logs" || *in.StartTime != w.Since.UnixMilli() || *in.EndTime != w.Until.UnixMilli() {
		t.Errorf("FilterLogEvents input %+v does not push the pattern and window", in)
	}

	denied := &fakeLogs{deny: true}
	res, _ = Run(context.Background(), cfg, []Source{&LogGroup{Client: denied, Name: "g", Retry: noWait}})
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Msg, "logs:FilterLogEvents") {
		t.Errorf("problems %+v", res.Problems)
	}
}

func TestLookupSource(t *testing.T) {
	recs := sampleRecords(t)
	var roots []string
	for _, r := range recs {
		if strings.Contains(r, `"Root"`) || strings.Contains(r, `R\u006f`) {
			roots = append(roots, r)
		}
	}
	east := &fakeLookup{events: roots, page: 2, throttler: throttler{every: 2}}
	west := &fakeLookup{deny: true}
	now := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)
	src := &LookupHistory{
		Regions: &fakeRegions{regions: []string{"us-east-1", "eu-west-1"}},
		Client: func(r string) LookupAPI {
			if r == "us-east-1" {
				return east
			}
			return west
		},
		Now:   func() time.Time { return now },
		Retry: noWait,
	}
	res, err := Run(context.Background(), cisConfig(true), []Source{src})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Matches != 6 || res.Stats.Excluded != 4 {
		t.Errorf("matches %d excluded %d, want 6 and 4", res.Stats.Matches, res.Stats.Excluded)
	}
	if len(res.Problems) != 1 || res.Problems[0].Where != "lookup:eu-west-1" || !strings.Contains(res.Problems[0].Msg, "cloudtrail:LookupEvents") {
		t.Errorf("problems %+v", res.Problems)
	}
	in := east.inputs[0]
	if a := in.LookupAttributes[0]; string(a.AttributeKey) != "Username" || *a.AttributeValue != "root" || !in.StartTime.Equal(now.AddDate(0, 0, -90)) {
		t.Errorf("LookupEvents input %+v", in)
	}
}

func TestRetryGivesUp(t *testing.T) {
	calls := 0
	err := Retry{Attempts: 3, Backoff: func(int) time.Duration { return 0 }}.do(context.Background(), func() error {
		calls++
		return apiErr("Throttling")
	})
	if calls != 3 || err == nil || !strings.Contains(err.Error(), "still throttled after 3 attempts") {
		t.Fatalf("calls %d err %v", calls, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Retry{}.do(ctx, func() error { return apiErr("Throttling") })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// One layer of retries: a throttle the SDK already retried to its limit
// is not retried again; one it did not retry (a fake, a drained quota) is.
func TestHostileScanOneRetryLayer(t *testing.T) {
	r := Retry{Backoff: func(int) time.Duration { return 0 }}
	calls := 0
	err := r.do(context.Background(), func() error {
		calls++
		return &retry.MaxAttemptsError{Attempt: 8, Err: apiErr("Throttling")}
	})
	if calls != 1 || err == nil {
		t.Errorf("after the SDK gave up: %d calls (want 1), err %v", calls, err)
	}
	calls = 0
	_ = r.do(context.Background(), func() error {
		calls++
		return apiErr("Throttling")
	})
	if calls != 8 {
		t.Errorf("throttle the SDK did not retry: %d calls, want 8", calls)
	}
}
