package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/awsfake"
)

// trailEvent is a CloudTrail record as S3 log files carry it.
func trailEvent(id, identityType, eventName, eventType, invokedBy string) map[string]any {
	ui := map[string]any{"type": identityType, "accountId": mgmt, "arn": "arn:aws:iam::" + mgmt + ":root"}
	if identityType == "IAMUser" {
		ui["arn"] = "arn:aws:iam::" + mgmt + ":user/alice"
		ui["userName"] = "alice"
	}
	if invokedBy != "" {
		ui["invokedBy"] = invokedBy
	}
	return map[string]any{
		"eventVersion": "1.09", "userIdentity": ui, "eventTime": "2026-11-30T10:15:00Z",
		"eventSource": "signin.amazonaws.com", "eventName": eventName, "awsRegion": home,
		"sourceIPAddress": "198.51.100.7", "userAgent": "Mozilla/5.0", "eventID": id,
		"eventType": eventType, "recipientAccountId": mgmt, "readOnly": false,
	}
}

func gzipRecords(t *testing.T, records ...map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"Records": records})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestScanS3: `scan s3://bucket/prefix` lists the emulated bucket over
// restXml (paging with continuation tokens), reads gzip'd CloudTrail
// files and reports the one CIS 4.3 root event among look-alikes.
func TestScanS3(t *testing.T) {
	t.Parallel()
	e := newEnv(t, awsfakeWithAccount())
	e.emu.S3.PageSize = 1
	day := "AWSLogs/" + mgmt + "/CloudTrail/" + home + "/2026/11/30/"
	at := time.Date(2026, 11, 30, 10, 20, 0, 0, time.UTC)
	e.emu.S3.Put("trail-bucket", day+mgmt+"_CloudTrail_"+home+"_20261130T1020Z_a.json.gz", gzipRecords(t,
		trailEvent("e-root-login", "Root", "ConsoleLogin", "AwsConsoleSignIn", ""),
		trailEvent("e-alice", "IAMUser", "ConsoleLogin", "AwsConsoleSignIn", ""),
	), at)
	e.emu.S3.Put("trail-bucket", day+mgmt+"_CloudTrail_"+home+"_20261130T1025Z_b.json.gz", gzipRecords(t,
		trailEvent("e-root-invoked", "Root", "GetBucketAcl", "AwsApiCall", "cloudtrail.amazonaws.com"),
		trailEvent("e-root-service", "Root", "AssumeRole", "AwsServiceEvent", ""),
	), at)
	e.emu.S3.Put("trail-bucket", "elsewhere/x.json.gz", gzipRecords(t, trailEvent("e-outside", "Root", "ConsoleLogin", "AwsConsoleSignIn", "")), at)

	r := e.run("scan", "--format", "jsonl", "s3://trail-bucket/AWSLogs/"+mgmt+"/")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (root activity found)\n%s", r.code, r)
	}
	if !strings.Contains(r.stdout, "e-root-login") {
		t.Errorf("the root console sign-in is not reported:\n%s", r)
	}
	for _, id := range []string{"e-alice", "e-root-invoked", "e-root-service", "e-outside"} {
		if strings.Contains(r.stdout, id) {
			t.Errorf("%s is reported, but CIS 4.3 excludes it (or it is outside the prefix):\n%s", id, r)
		}
	}

	// A bucket the caller may not read is a partial result naming the
	// permission, never an empty "nothing found".
	e.emu.S3.Deny("trail-bucket")
	if r := e.run("scan", "s3://trail-bucket/AWSLogs/"); r.code != 4 || !strings.Contains(r.stdout, "s3:ListBucket") {
		t.Errorf("scan of a denied bucket: exit %d, want 4 naming s3:ListBucket\n%s", r.code, r)
	}
}

func awsfakeWithAccount() *awsfake.Cloud {
	c := awsfake.New()
	c.AddAccount(mgmt, "management")
	return c
}

// TestScanCloudWatchLogs: `scan cloudwatch://GROUP` pushes the CIS
// pattern to FilterLogEvents (which the emulator evaluates server-side,
// like AWS), pages through the results and reports the root event.
func TestScanCloudWatchLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, awsfakeWithAccount())
	at := time.Date(2026, 11, 30, 10, 15, 0, 0, time.UTC)
	for i, ev := range []map[string]any{
		trailEvent("e-alice", "IAMUser", "ConsoleLogin", "AwsConsoleSignIn", ""),
		trailEvent("e-root-invoked", "Root", "GetBucketAcl", "AwsApiCall", "cloudtrail.amazonaws.com"),
		trailEvent("e-root-login", "Root", "ConsoleLogin", "AwsConsoleSignIn", ""),
		trailEvent("e-root-service", "Root", "AssumeRole", "AwsServiceEvent", ""),
		trailEvent("e-alice-2", "IAMUser", "ListUsers", "AwsApiCall", ""),
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		e.emu.Events.Put(mgmt, home, "aws-cloudtrail-logs", mgmt+"_CloudTrail_"+home, at.Add(time.Duration(i)*time.Minute), string(b))
	}
	r := e.run("scan", "--format", "jsonl", "cloudwatch://aws-cloudtrail-logs")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s", r.code, r)
	}
	if !strings.Contains(r.stdout, "e-root-login") {
		t.Errorf("root sign-in not reported:\n%s", r)
	}
	for _, id := range []string{"e-alice", "e-root-invoked", "e-root-service"} {
		if strings.Contains(r.stdout, `"`+id+`"`) {
			t.Errorf("%s reported:\n%s", id, r)
		}
	}
	if r := e.run("scan", "cloudwatch://no-such-group"); r.code != 4 || !strings.Contains(r.stdout, "does not exist") {
		t.Errorf("scan of a missing log group: exit %d, want 4 saying it does not exist\n%s", r.code, r)
	}
}

// TestScanLookup: `scan lookup` asks CloudTrail event history for
// Username=root in every enabled region and applies the CIS semantics to
// what comes back; a region where LookupEvents is denied is a partial
// result naming the permission.
func TestScanLookup(t *testing.T) {
	t.Parallel()
	c := awsfakeWithAccount()
	e := newEnv(t, c)
	for _, ev := range []map[string]any{
		trailEvent("e-root-login", "Root", "ConsoleLogin", "AwsConsoleSignIn", ""),
		trailEvent("e-root-invoked", "Root", "GetBucketAcl", "AwsApiCall", "cloudtrail.amazonaws.com"),
		trailEvent("e-alice", "IAMUser", "ConsoleLogin", "AwsConsoleSignIn", ""),
	} {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.emu.History.Put(mgmt, home, string(b)); err != nil {
			t.Fatal(err)
		}
	}
	r := e.run("scan", "--format", "jsonl", "lookup")
	if r.code != 3 || !strings.Contains(r.stdout, "e-root-login") {
		t.Fatalf("want exit 3 reporting e-root-login\n%s", r)
	}
	for _, id := range []string{"e-alice", "e-root-invoked"} {
		if strings.Contains(r.stdout, `"`+id+`"`) {
			t.Errorf("%s reported:\n%s", id, r)
		}
	}
	c.DenyIn(mgmt, "us-east-1", "cloudtrail:LookupEvents")
	r = e.run("scan", "lookup")
	if r.code != 4 || !strings.Contains(r.stdout, "cloudtrail:LookupEvents") {
		t.Errorf("denied in one region: want exit 4 naming cloudtrail:LookupEvents\n%s", r)
	}
}
