package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/exitcode"
)

// hostileRecord is a root event whose author chose a userAgent and
// source IP meant for a spreadsheet and for a terminal.
func hostileRecord(ua, ip string) string {
	q := func(s string) string {
		return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\x1b", `\u001b`, "\x07", `\u0007`).Replace(s)
	}
	return `{"eventVersion":"1.09","userIdentity":{"type":"Root","accountId":"111122223333"},"eventTime":"2024-06-02T10:04:40Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"` + q(ip) + `","userAgent":"` + q(ua) + `","eventID":"h1","eventType":"AwsApiCall","recipientAccountId":"111122223333"}` + "\n"
}

func TestHostileScanOutput(t *testing.T) {
	formula := `=HYPERLINK("http://evil.example/","Reset MFA")`
	osc := "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\\x1b[2J"
	in := hostileRecord(formula, osc)
	tests := []struct {
		name        string
		args        []string
		want, avoid string
	}{
		{"csv neutralised", []string{"--format", "csv", "-"}, `'=HYPERLINK(`, `,"=HYPERLINK(`},
		{"csv raw", []string{"--format", "csv", "--csv-raw", "-"}, `,"=HYPERLINK(`, `'=HYPERLINK(`},
		{"table", []string{"-"}, "click", "\x1b"},
		{"table by account", []string{"--account-alias", "111122223333=\x1b[31mprod\x07", "-"}, "prod", "\x1b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := newScanTestFactory(in)
			if err := runScanCLI(f, tt.args...); exitcode.From(err) != exitcode.Findings {
				t.Fatalf("exit %v\n%s%s", err, out, errOut)
			}
			if !strings.Contains(out.String(), tt.want) || strings.Contains(out.String()+errOut.String(), tt.avoid) {
				t.Errorf("output (want %q, never %q):\n%q\n%q", tt.want, tt.avoid, out, errOut)
			}
		})
	}
}

// A symlinked directory is scanned, not reported clean; an unreadable
// path is partial (exit 4), not "No root activity found".
func TestHostileScanPaths(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	os.MkdirAll(real, 0o755)
	os.WriteFile(filepath.Join(real, "a.jsonl"), []byte(hostileRecord("aws-cli", "203.0.113.1")), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, out, _ := newScanTestFactory("")
	if err := runScanCLI(f, link); exitcode.From(err) != exitcode.Findings {
		t.Errorf("symlinked dir: exit %v\n%s", err, out)
	}
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	f, out, _ = newScanTestFactory("")
	err := runScanCLI(f, filepath.Join(dir, "empty"))
	if exitcode.From(err) != exitcode.Partial || !strings.Contains(out.String(), "partial") {
		t.Errorf("empty dir: exit %v\n%s", err, out)
	}
}
