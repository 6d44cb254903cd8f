package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/smithy-go"
)

var productARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):securityhub:([a-z0-9-]+):(\d{12}):product/(\d{12})/default$`)

// errNotSent stops a request after the SDK has validated it.
var errNotSent = errors.New("not sent")

type refuseTransport struct{}

func (refuseTransport) Do(*http.Request) (*http.Response, error) { return nil, errNotSent }

// sdkValidate runs the SDK's own BatchImportFindings input validation
// (required members at every depth) without sending anything.
func sdkValidate(t *testing.T, in *securityhub.BatchImportFindingsInput) error {
	t.Helper()
	c := securityhub.New(securityhub.Options{
		Region: "us-east-1", HTTPClient: refuseTransport{},
		Credentials:      credentials.NewStaticCredentialsProvider("AKIA000000000000", "x", ""),
		RetryMaxAttempts: 1,
	})
	_, err := c.BatchImportFindings(context.Background(), in)
	if errors.Is(err, errNotSent) {
		return nil
	}
	var inv smithy.InvalidParamsError
	if errors.As(err, &inv) {
		return err
	}
	t.Fatalf("unexpected error: %v", err)
	return nil
}

// asffProblems checks a finding against the documented ASFF rules the SDK
// does not: lengths, the default product ARN of the account and region
// that import it, timestamps and severities.
func asffProblems(f types.AwsSecurityFinding) []string {
	var p []string
	id := aws.ToString(f.Id)
	if len(id) == 0 || len(id) > 512 {
		p = append(p, "Id length")
	}
	m := productARN.FindStringSubmatch(aws.ToString(f.ProductArn))
	if m == nil {
		p = append(p, "ProductArn "+aws.ToString(f.ProductArn)+" is not a default product ARN")
	} else if m[3] != aws.ToString(f.AwsAccountId) || m[4] != aws.ToString(f.AwsAccountId) {
		p = append(p, id+": ProductArn account differs from AwsAccountId")
	} else {
		for _, r := range f.Resources {
			if string(r.Partition) != m[1] {
				p = append(p, id+": resource partition differs from the ProductArn's")
			}
		}
	}
	if len(aws.ToString(f.Title)) > 256 || len(aws.ToString(f.Description)) > 1024 {
		p = append(p, id+": Title or Description too long")
	}
	created, err1 := time.Parse(time.RFC3339, aws.ToString(f.CreatedAt))
	updated, err2 := time.Parse(time.RFC3339, aws.ToString(f.UpdatedAt))
	if err1 != nil || err2 != nil || updated.Before(created) {
		p = append(p, id+": CreatedAt/UpdatedAt")
	}
	if f.FindingProviderFields == nil || f.FindingProviderFields.Severity == nil || f.FindingProviderFields.Severity.Label == "" {
		p = append(p, id+": no FindingProviderFields.Severity")
	}
	if n := len(f.Resources); n < 1 || n > 32 {
		p = append(p, id+": resources")
	}
	if len(f.ProductFields) > 50 {
		p = append(p, id+": more than 50 ProductFields")
	}
	for k, v := range f.ProductFields {
		if len(k) > 128 || len(v) > 2048 {
			p = append(p, id+": ProductFields entry too long")
		}
	}
	if f.ProductFields["ProviderVersion"] == "" {
		p = append(p, id+": no ProviderVersion")
	}
	return p
}

func TestASFFShapeOfTheSDK(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			r, o, out := render(t, name, func(o Options) Formatter { return ASFF{o} })
			buf := bytes.NewBuffer(out)
			if strings.Contains(buf.String(), "null") {
				t.Error("ASFF holds null members")
			}
			// The file decodes into the SDK's own input type, member for member.
			var in securityhub.BatchImportFindingsInput
			dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				t.Fatalf("not the shape of BatchImportFindingsInput: %v", err)
			}
			if err := sdkValidate(t, &in); err != nil {
				t.Errorf("the SDK refuses the input: %v", err)
			}
			ids := map[string]bool{}
			perAccountRegion := map[string]int{}
			for _, f := range in.Findings {
				for _, p := range asffProblems(f) {
					t.Error(p)
				}
				if ids[aws.ToString(f.Id)] {
					t.Errorf("Id %s repeats", aws.ToString(f.Id))
				}
				ids[aws.ToString(f.Id)] = true
				m := productARN.FindStringSubmatch(aws.ToString(f.ProductArn))
				perAccountRegion[aws.ToString(f.AwsAccountId)+"/"+m[2]]++
			}
			for a, rs := range o.Regions {
				skipped := false
				for _, ar := range r.Accounts {
					skipped = skipped || (ar.Account == a && ar.Status == "SKIPPED")
				}
				for _, rg := range rs {
					if n := perAccountRegion[a+"/"+rg]; n != 1 && !skipped {
						t.Errorf("account %s region %s has %d findings, want 1", a, rg, n)
					}
				}
			}
		})
	}
}

// The checks refuse the old output's faults.
func TestASFFChecksCatchOldFaults(t *testing.T) {
	f := types.AwsSecurityFinding{
		Id: aws.String("x"), AwsAccountId: aws.String("222222222222"),
		ProductArn: aws.String("arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"),
		CreatedAt:  aws.String("2026-12-02T00:00:00Z"), UpdatedAt: aws.String("2026-12-01T00:00:00Z"),
	}
	got := strings.Join(asffProblems(f), "\n")
	for _, want := range []string{"account differs", "CreatedAt/UpdatedAt", "FindingProviderFields", "resources"} {
		if !strings.Contains(got, want) {
			t.Errorf("missed %q in:\n%s", want, got)
		}
	}
	if err := sdkValidate(t, &securityhub.BatchImportFindingsInput{Findings: []types.AwsSecurityFinding{f}}); err == nil {
		t.Error("the SDK accepted a finding without Title, Resources, SchemaVersion")
	}
}

// CreatedAt comes from the first sighting; UpdatedAt is now.
func TestASFFCreatedAtFromFirstSeen(t *testing.T) {
	r, o := loadFixture(t, "snapshot.json")
	first := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o.Now = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	id := ASFFFindingID(r.Control, "333344445555", "us-east-1")
	o.FirstSeen = map[string]time.Time{id: first}
	for _, f := range ASFFFindings(r, o) {
		want := r.GeneratedAt.UTC().Format(time.RFC3339)
		if aws.ToString(f.Id) == id {
			want = first.Format(time.RFC3339)
		}
		if got := aws.ToString(f.CreatedAt); got != want {
			t.Errorf("%s CreatedAt = %s, want %s", aws.ToString(f.Id), got, want)
		}
		if got := aws.ToString(f.UpdatedAt); got != "2026-12-05T00:00:00Z" {
			t.Errorf("%s UpdatedAt = %s", aws.ToString(f.Id), got)
		}
	}
}
