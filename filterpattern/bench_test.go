package filterpattern

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ctgenDir is rootwatch's synthetic CloudTrail generator, seen
// from this package's directory.
const ctgenDir = "../internal/tools/ctgen"

type ctTruth struct {
	CISMatches int   `json:"cis_matches"`
	Records    int   `json:"records"`
	JSONLBytes int64 `json:"jsonl_bytes"`
}

// ctCorpus returns the events of a JSON Lines CloudTrail corpus and ctgen's
// truth for it. FP_CORPUS names an existing events.jsonl (bench/match.sh
// passes the file it also greps, with truth.json beside it); otherwise ctgen
// generates one into a temporary directory.
func ctCorpus(tb testing.TB, records string) ([][]byte, ctTruth) {
	tb.Helper()
	path := os.Getenv("FP_CORPUS")
	if path == "" {
		dir := tb.TempDir()
		cmd := exec.Command("go", "run", ".", "--seed", "42", "--records", records,
			"--root-fraction", "0.001", "--format", "jsonl", "--out", dir)
		cmd.Dir = ctgenDir
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("ctgen: %v\n%s", err, out)
		}
		path = filepath.Join(dir, "events.jsonl")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var truth ctTruth
	tj, err := os.ReadFile(filepath.Join(filepath.Dir(path), "truth.json"))
	if err != nil {
		tb.Fatalf("truth.json beside %s: %v", path, err)
	}
	if err := json.Unmarshal(tj, &truth); err != nil {
		tb.Fatalf("truth.json: %v", err)
	}
	var events [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		if i > 0 {
			events = append(events, data[:i])
		}
		data = data[min(i+1, len(data)):]
	}
	return events, truth
}

// BenchmarkMatchCIS43 measures the CIS 4.3 pattern over realistic CloudTrail
// records. "corpus" is one pass over every record per op (the figure to put
// beside grep -c: same bytes, one core); "nonmatching" and "matching" are
// single events, the first rejected by the prefilter, the second evaluated
// in full.
func BenchmarkMatchCIS43(b *testing.B) {
	events, truth := ctCorpus(b, "20000")
	m := MustCompile(cisPattern)
	var total int64
	var hit, miss []byte
	for _, ev := range events {
		total += int64(len(ev))
		if m.Match(ev) {
			if hit == nil {
				hit = ev
			}
		} else if miss == nil && bytes.Contains(ev, []byte(`"IAMUser"`)) {
			miss = ev
		}
	}
	b.Run("corpus", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = 0
			for _, ev := range events {
				if m.Match(ev) {
					n++
				}
			}
		}
		if n != truth.CISMatches {
			b.Fatalf("matched %d records, ctgen's truth says %d", n, truth.CISMatches)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
	})
	for _, c := range []struct {
		name string
		ev   []byte
	}{{"nonmatching", miss}, {"matching", hit}} {
		if c.ev == nil {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.ev)))
			b.ReportAllocs()
			for b.Loop() {
				m.Match(c.ev)
			}
		})
	}
}

// BenchmarkMatchKinds covers the other pattern kinds on one CloudTrail
// record, for regressions in the scanner and the term search.
func BenchmarkMatchKinds(b *testing.B) {
	ev := []byte(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"},"eventTime":"2024-06-02T14:03:38Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"logs","policy":"{\"Statement\":[]}"},"responseElements":null,"errorCode":"AccessDenied","eventType":"AwsApiCall","readOnly":false,"recipientAccountId":"123456789012"}`)
	for _, c := range []struct{ name, pattern string }{
		{"json-full-eval", `{ ($.eventSource = "s3.amazonaws.com") && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy)) }`},
		{"json-ne", `{ $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }`},
		{"json-wildcard-selector", `{ $.requestParameters.* = "logs" }`},
		{"terms", `AccessDenied -ConsoleLogin`},
		{"regex", `%Put[A-Z][a-z]+Policy%`},
	} {
		m := MustCompile(c.pattern)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(ev)))
			b.ReportAllocs()
			for b.Loop() {
				m.Match(ev)
			}
		})
	}
	line := []byte(`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326`)
	m := MustCompile(`[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]`)
	b.Run("delimited", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		b.ReportAllocs()
		for b.Loop() {
			m.Match(line)
		}
	})
}
