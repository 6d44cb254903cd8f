package awsconfig

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestKnownRegionsMatchSDK compares the copied region table with the one
// in the AWS SDK module this build uses, so a dependency update that adds
// a region fails here until the copy is renewed.
func TestKnownRegionsMatchSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Skipf("go list: %v (no go tool or module cache)", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Skipf("SDK partitions: %v", err)
	}
	var doc struct {
		Partitions []struct {
			ID      string                     `json:"id"`
			Regions map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Partitions {
		var want []string
		for r := range p.Regions {
			if !strings.HasSuffix(r, "-global") {
				want = append(want, r)
			}
		}
		slices.Sort(want)
		if got := knownRegions[p.ID]; !slices.Equal(got, want) {
			t.Errorf("partition %s: knownRegions = %v, SDK has %v", p.ID, got, want)
		}
	}
}

func TestKnownRegion(t *testing.T) {
	for name, want := range map[string]bool{"eu-west-1": true, "af-south-1": true, "cn-north-1": true, "us-gov-west-1": true, "eu-west-9": false, "EU-WEST-1": false, "aws-global": false, "": false} {
		if got := KnownRegion(name); got != want {
			t.Errorf("KnownRegion(%q) = %v, want %v", name, got, want)
		}
	}
}
