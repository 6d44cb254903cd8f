package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/scan"
)

const scanSample = "../../testdata/sample"

func newScanTestFactory(stdin string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	f := &Factory{
		In:     strings.NewReader(stdin),
		Out:    out,
		ErrOut: errOut,
		Now:    func() time.Time { return time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC) },
	}
	return f, out, errOut
}

func TestScanFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o *scanOptions)
	}{
		{"defaults", []string{"dir"}, "", func(t *testing.T, o *scanOptions) {
			if o.Pattern != cis.RootUsagePattern || o.Format != "table" || o.FailOn != "findings" || o.AllRoot || o.Alarm || len(o.Sources) != 1 {
				t.Errorf("defaults %+v", o)
			}
		}},
		{"everything", []string{"--since", "30d", "--until", "2024-06-09", "--pattern", "{ $.eventName = ConsoleLogin }", "--all-root", "--format", "jsonl",
			"--alarm", "--fail-on", "none", "--workers", "3", "--account-alias", "111122223333=prod", "--regions", "us-east-1,eu-west-1",
			"--profile", "audit", "--region", "eu-west-1", "s3://b/p", "lookup", "-"}, "", func(t *testing.T, o *scanOptions) {
			if o.Since != "30d" || o.Until != "2024-06-09" || !o.AllRoot || o.Format != "jsonl" || !o.Alarm || o.FailOn != "none" || o.Workers != 3 ||
				o.Aliases[0] != "111122223333=prod" || len(o.Regions) != 2 || o.Profile != "audit" || o.Region != "eu-west-1" || len(o.Sources) != 3 {
				t.Errorf("parsed %+v", o)
			}
		}},
		{"no source", nil, "requires at least 1 arg", nil},
		{"bad format", []string{"--format", "xml", "d"}, `--format "xml"`, nil},
		{"bad fail-on", []string{"--fail-on", "sometimes", "d"}, `--fail-on "sometimes"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := newScanTestFactory("")
			var got *scanOptions
			cmd := newCmdScan(f, func(_ context.Context, o *scanOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitcode.From(err) != exitcode.Usage {
					t.Fatalf("got %v (exit %d), want usage error %q", err, exitcode.From(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func runScanCLI(f *Factory, args ...string) error {
	root := NewRootCmd(f)
	root.SetArgs(append([]string{"scan"}, args...))
	return root.ExecuteContext(context.Background())
}

func TestScanRun(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "broken.json.gz")
	os.WriteFile(broken, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 9, 9, 9}, 0o644)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		exit     int
		out, err string
	}{
		{"findings", []string{scanSample}, "", exitcode.Findings, "6 root events matching CIS 4.3", ""},
		{"fail-on none", []string{"--fail-on", "none", scanSample}, "", exitcode.OK, "DeleteBucketPolicy", ""},
		{"nothing found", []string{"--until", "2024-06-01", scanSample}, "", exitcode.OK, "No root activity found.", ""},
		{"all root and alarm", []string{"--all-root", "--alarm", scanSample}, "", exitcode.Findings, "excluded: no eventType", ""},
		{"partial wins", []string{scanSample, broken}, "", exitcode.Partial, "PARTIAL RESULT", ""},
		{"partial with fail-on none", []string{"--fail-on", "none", broken}, "", exitcode.OK, "compressed byte", ""},
		{"jsonl keeps stdout clean", []string{"--format", "jsonl", scanSample}, "", exitcode.Findings, `"event_name":"ConsoleLogin"`, "6 root events"},
		{"stdin", []string{"-"}, `{"eventVersion":"1.09","userIdentity":{"type":"Root"},"eventType":"AwsApiCall","eventName":"ListUsers","eventID":"x"}` + "\n", exitcode.Findings, "ListUsers", ""},
		{"custom pattern", []string{"--pattern", `{ $.eventName = "DeleteBucketPolicy" }`, scanSample}, "", exitcode.Findings, "1 root events matching", ""},
		{"alias", []string{"--account-alias", "444455556666=member", scanSample}, "", exitcode.Findings, "444455556666 (member)", ""},
		{"invalid pattern", []string{"--pattern", "{ $.a = }", scanSample}, "", exitcode.Usage, "", ""},
		{"bad since", []string{"--since", "yesterday", scanSample}, "", exitcode.Usage, "", ""},
		{"until before since", []string{"--since", "2024-06-03", "--until", "2024-06-02", scanSample}, "", exitcode.Usage, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := newScanTestFactory(tt.stdin)
			err := runScanCLI(f, tt.args...)
			if got := exitcode.From(err); got != tt.exit {
				t.Fatalf("exit %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", got, err, tt.exit, out, errOut)
			}
			if !strings.Contains(out.String(), tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out)
			}
			if !strings.Contains(errOut.String(), tt.err) {
				t.Errorf("stderr lacks %q:\n%s", tt.err, errOut)
			}
		})
	}
}

// The progress bar is drawn on standard error only when it is a
// terminal, and never with --quiet; standard output is the report alone.
func TestScanProgressBar(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		args     []string
		bar      bool
	}{
		{"terminal", true, nil, true},
		{"terminal, --quiet", true, []string{"--quiet"}, false},
		{"terminal, -q", true, []string{"-q"}, false},
		{"pipe", false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := newScanTestFactory("")
			f.IsTerminal = func(w io.Writer) bool { return tt.terminal && w == f.ErrOut }
			err := runScanCLI(f, append(tt.args, "--fail-on", "none", scanSample)...)
			if err != nil {
				t.Fatal(err)
			}
			// The bar ends by clearing its line, however fast the scan.
			if got := strings.Contains(errOut.String(), "\r\033[K"); got != tt.bar {
				t.Errorf("bar drawn: %v, want %v; stderr %q", got, tt.bar, errOut)
			}
			if strings.Contains(out.String(), "\033[") {
				t.Errorf("terminal control codes on stdout: %q", out)
			}
		})
	}
}

func TestScanJSONOutput(t *testing.T) {
	f, out, _ := newScanTestFactory("")
	if err := runScanCLI(f, "--format", "json", "--all-root", "--alarm", scanSample); exitcode.From(err) != exitcode.Findings {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			EventID  string `json:"event_id"`
			CIS      bool   `json:"cis"`
			Excluded string `json:"excluded"`
		} `json:"findings"`
		Summary struct {
			CIS, Excluded int
		} `json:"summary"`
		Alarm   []json.RawMessage `json:"alarm"`
		Partial bool              `json:"partial"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 10 || len(rep.Alarm) != 4 || rep.Partial {
		t.Errorf("json report: %d findings, %d alarm episodes, partial %v", len(rep.Findings), len(rep.Alarm), rep.Partial)
	}
}

type scanFakeLookup struct{ events []string }

func (f *scanFakeLookup) LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error) {
	out := &cloudtrail.LookupEventsOutput{}
	for _, e := range f.events {
		out.Events = append(out.Events, cttypes.Event{CloudTrailEvent: aws.String(e)})
	}
	return out, nil
}

type scanFakeRegions struct{}

func (scanFakeRegions) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	return &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}}}, nil
}

type scanFakeCaller struct{}

func (scanFakeCaller) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String("111122223333")}, nil
}

type scanFakeAliases struct{ deny bool }

func (f scanFakeAliases) ListAccountAliases(context.Context, *iam.ListAccountAliasesInput, ...func(*iam.Options)) (*iam.ListAccountAliasesOutput, error) {
	if f.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied"}
	}
	return &iam.ListAccountAliasesOutput{AccountAliases: []string{"prod"}}, nil
}

// The lookup source through the command, with the caller's alias looked
// up (and its denial tolerated).
func TestScanLookupWithAlias(t *testing.T) {
	ev := `{"eventVersion":"1.08","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"},"eventTime":"2024-06-09T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","eventType":"AwsConsoleSignIn","eventID":"e1","recipientAccountId":"111122223333","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"}}`
	for _, deny := range []bool{false, true} {
		f, out, _ := newScanTestFactory("")
		opts := &scanOptions{Out: f.Out, ErrOut: f.ErrOut, Now: f.Now, Sources: []string{"lookup"}, Pattern: cis.RootUsagePattern, Format: "table", FailOn: "findings",
			Clients: func(context.Context) (scanClients, error) {
				return scanClients{Regions: scanFakeRegions{}, Lookup: func(string) scan.LookupAPI { return &scanFakeLookup{events: []string{ev}} },
					Caller: scanFakeCaller{}, Aliases: scanFakeAliases{deny: deny}}, nil
			}}
		err := scanRun(context.Background(), opts)
		if exitcode.From(err) != exitcode.Findings {
			t.Fatalf("deny=%v: %v\n%s", deny, err, out)
		}
		hasAlias := strings.Contains(out.String(), "111122223333 (prod)")
		if hasAlias == deny || !strings.Contains(out.String(), "console-sign-in  no") {
			t.Errorf("deny=%v:\n%s", deny, out)
		}
	}
}
