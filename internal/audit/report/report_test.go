package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleReport(t *testing.T) *audit.Report {
	t.Helper()
	b, err := os.ReadFile("testdata/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	var s inventory.Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("testdata/snapshot.json: %v", err)
	}
	r := audit.Evaluate(&s)
	return &r
}

func TestGolden(t *testing.T) {
	r := sampleReport(t)
	ext := map[string]string{"table": "txt", "json": "json", "csv": "csv", "ocsf": "ocsf.json", "asff": "asff.json", "sarif": "sarif", "junit": "xml", "html": "html"}
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			f, err := New(name, testOptions(t))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Format(&buf, r); err != nil {
				t.Fatalf("Format: %v", err)
			}
			if strings.Contains(buf.String(), "secret") {
				t.Errorf("%s output leaks a webhook secret", name)
			}
			golden := filepath.Join("testdata", "golden."+ext[name])
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (run go test -update and review the diff):\n%s", name, golden, buf.String())
			}
			// Structured formats must parse.
			switch name {
			case "json", "ocsf", "asff", "sarif":
				var v any
				if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
					t.Errorf("%s is not valid JSON: %v", name, err)
				}
			case "junit", "html":
				if name == "junit" {
					var v any
					if err := xml.Unmarshal(buf.Bytes(), &v); err != nil {
						t.Errorf("junit is not valid XML: %v", err)
					}
				}
			}
		})
	}
}

func TestSampleVerdicts(t *testing.T) {
	r := sampleReport(t)
	want := map[string]audit.Status{
		"111122223333": audit.Pass, "222233334444": audit.Pass, "333344445555": audit.Fail,
		"444455556666": audit.Unknown, "555566667777": audit.Skipped,
	}
	for _, a := range r.Accounts {
		if a.Status != want[a.Account] {
			t.Errorf("%s = %s, want %s (%+v)", a.Account, a.Status, want[a.Account], a.Links)
		}
	}
	if got := r.Accounts[1].CoveredBy; got != "trail org in account 111122223333" {
		t.Errorf("covered_by = %q", got)
	}
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSON{}).Format(&buf, sampleReport(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Accounts []struct {
			Account   string `json:"account"`
			Status    string `json:"status"`
			CoveredBy string `json:"covered_by"`
			Links     []struct {
				Name, Status, Resource, Detail string
			} `json:"links"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	a := doc.Accounts[1]
	if a.Account != "222233334444" || a.Status != "PASS" || a.CoveredBy == "" || len(a.Links) != 6 || a.Links[2].Name != "metric-filter" {
		t.Errorf("account JSON = %+v", a)
	}
}

func TestNewUnknownFormat(t *testing.T) {
	if _, err := New("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "table, json") {
		t.Errorf("New(yaml) error = %v", err)
	}
}

func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := (HTML{testOptions(t)}).Format(&buf, sampleReport(t)); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, bad := range []string{"<script", "<link", "src=\"http", "@import"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML report references %q: it must be one self-contained file", bad)
		}
	}
}

// hostileReport names resources with text an attacker chose: a formula
// and terminal escape sequences.
func hostileReport() *audit.Report {
	return &audit.Report{Accounts: []audit.AccountResult{{
		Account: "111122223333", Name: "=HYPERLINK(\"https://evil\")", Status: audit.Fail, BrokenLink: audit.LinkAlarm,
		Links: []audit.Link{{Name: audit.LinkAlarm, Status: audit.Fail, Resource: "alarm\x1b]8;;https://evil\x07click\x1b]8;;\x07",
			Detail: "-1+1 \x1b[2J cleared", Fix: "@SUM(A1)",
			Warnings: []audit.Warning{{Code: audit.WarnAlarmPeriod, Message: "+period\x1b[31m"}}}},
	}}}
}

func TestHostileAuditCSVNeutralisesFormulas(t *testing.T) {
	for _, tt := range []struct {
		raw  bool
		want []string
	}{
		{false, []string{`'=HYPERLINK`, `'-1+1`, `'@SUM(A1)`}},
		{true, []string{`"=HYPERLINK`, `,-1+1`, `,@SUM(A1)`}},
	} {
		var buf bytes.Buffer
		if err := (CSV{Raw: tt.raw}).Format(&buf, hostileReport()); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("raw=%v: CSV lacks %q:\n%s", tt.raw, w, buf.String())
			}
		}
	}
}

func TestHostileAuditTableStripsTerminalEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := (Table{}).Format(&buf, hostileReport()); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); strings.ContainsAny(s, "\x1b\x07") || !strings.Contains(s, "[alarm-period-over-300s] +period") {
		t.Errorf("table output keeps escapes or drops the warning:\n%q", s)
	}
}
