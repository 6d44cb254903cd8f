package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchemaFile is the OASIS schema, vendored (see its SOURCE.md).
const sarifSchemaFile = "testdata/schemas/sarif-2.1.0/sarif-schema-2.1.0.json"

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const id = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// githubSARIFLimits are GitHub's published upload limits ("SARIF support
// for code scanning" and the upload-an-analysis REST endpoint): above any
// of them the whole upload is rejected.
var githubSARIFLimits = struct {
	runs, results, rules, locations, tags, gzipBytes int
}{runs: 20, results: 25000, rules: 25000, locations: 1000, tags: 20, gzipBytes: 10 << 20}

// githubSARIFProblems checks what GitHub code scanning requires of an
// upload beyond the schema, as its docs list it: version 2.1.0; at most
// one run per tool and category; each result with a ruleId that names a
// rule of its run, a message text and at least one location whose
// physicalLocation has a relative artifactLocation.uri and, when given, a
// region with startLine >= 1 (a result without one fails the whole upload
// with "expected artifact location"); partialFingerprints so re-uploads
// update alerts rather than duplicate them; security-severity a number
// from 0 to 10; and the size limits above.
func githubSARIFProblems(b []byte) []string {
	var p []string
	bad := func(f string, a ...any) { p = append(p, fmt.Sprintf(f, a...)) }
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Info    string `json:"informationUri"`
					Rules   []struct {
						ID    string            `json:"id"`
						Short map[string]string `json:"shortDescription"`
						Full  map[string]string `json:"fullDescription"`
						Help  map[string]string `json:"help"`
						Props map[string]any    `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Automation *struct {
				ID string `json:"id"`
			} `json:"automationDetails"`
			Results []struct {
				RuleID    string            `json:"ruleId"`
				Level     string            `json:"level"`
				Message   map[string]string `json:"message"`
				Locations []struct {
					Physical *struct {
						Artifact *struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine *int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Partial map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	if doc.Version != "2.1.0" {
		bad("version %q, want 2.1.0", doc.Version)
	}
	if n := len(doc.Runs); n == 0 || n > githubSARIFLimits.runs {
		bad("%d runs, want 1..%d", n, githubSARIFLimits.runs)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(b)
	_ = zw.Close()
	if gz.Len() > githubSARIFLimits.gzipBytes {
		bad("gzip'd upload is %d bytes, over %d", gz.Len(), githubSARIFLimits.gzipBytes)
	}
	categories := map[string]bool{}
	for ri, run := range doc.Runs {
		d := run.Tool.Driver
		if d.Name == "" {
			bad("run %d: tool.driver.name is empty", ri)
		}
		cat := d.Name + "|"
		if run.Automation != nil {
			cat += run.Automation.ID
		}
		if categories[cat] {
			bad("run %d: a second run of tool %q in the same category", ri, d.Name)
		}
		categories[cat] = true
		if len(d.Rules) > githubSARIFLimits.rules {
			bad("run %d: %d rules", ri, len(d.Rules))
		}
		if len(run.Results) > githubSARIFLimits.results {
			bad("run %d: %d results", ri, len(run.Results))
		}
		rules := map[string]bool{}
		for _, r := range d.Rules {
			rules[r.ID] = true
			if r.Short["text"] == "" || r.Full["text"] == "" || r.Help["text"] == "" {
				bad("rule %s: shortDescription, fullDescription and help need text", r.ID)
			}
			sev, ok := r.Props["security-severity"].(string)
			if f, err := strconv.ParseFloat(sev, 64); !ok || err != nil || f < 0 || f > 10 {
				bad("rule %s: security-severity %v is not a number from 0.0 to 10.0", r.ID, r.Props["security-severity"])
			}
			if tags, _ := r.Props["tags"].([]any); len(tags) > githubSARIFLimits.tags {
				bad("rule %s: %d tags", r.ID, len(tags))
			}
		}
		for i, res := range run.Results {
			if res.RuleID == "" || !rules[res.RuleID] {
				bad("result %d: ruleId %q names no rule of the run", i, res.RuleID)
			}
			switch res.Level {
			case "", "none", "note", "warning", "error":
			default:
				bad("result %d: level %q", i, res.Level)
			}
			if res.Message["text"] == "" {
				bad("result %d: message.text is empty", i)
			}
			if n := len(res.Locations); n == 0 || n > githubSARIFLimits.locations {
				bad("result %d: %d locations, want 1..%d", i, n, githubSARIFLimits.locations)
			}
			for _, l := range res.Locations {
				if l.Physical == nil || l.Physical.Artifact == nil || l.Physical.Artifact.URI == "" {
					bad("result %d: expected artifact location (physicalLocation.artifactLocation.uri)", i)
					continue
				}
				u := l.Physical.Artifact.URI
				if strings.Contains(u, "://") || strings.HasPrefix(u, "/") || strings.ContainsAny(u, " \\?#%") {
					bad("result %d: uri %q is not a plain relative path", i, u)
				}
				if r := l.Physical.Region; r != nil && (r.StartLine == nil || *r.StartLine < 1) {
					bad("result %d: region.startLine must be >= 1", i)
				}
			}
			if len(res.Partial) == 0 {
				bad("result %d: no partialFingerprints", i)
			}
		}
	}
	return p
}

func TestSARIFValidAndAcceptedByGitHub(t *testing.T) {
	schema := compileSARIFSchema(t)
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			_, _, out := render(t, name, func(o Options) Formatter { return SARIF{o} })
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("not valid SARIF 2.1.0: %v", err)
			}
			for _, p := range githubSARIFProblems(out) {
				t.Errorf("GitHub would refuse: %s", p)
			}
			s := string(out)
			for _, want := range []string{`"version": "` + testVersion + `"`, `"informationUri"`, `"rootwatch.regions"`, `"startTimeUtc"`} {
				if !strings.Contains(s, want) {
					t.Errorf("SARIF lacks %s", want)
				}
			}
		})
	}
}

// The checker itself fails on what GitHub refuses: the old output, with
// logical locations only and no fingerprints.
func TestGitHubSARIFRulesCatchRefusedUploads(t *testing.T) {
	old := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"rootwatch","rules":[{"id":"CIS4.3/alarm","shortDescription":{"text":"x"}}]}},
	"results":[{"ruleId":"CIS4.3/alarm","level":"error","message":{"text":"m"},"locations":[{"logicalLocations":[{"fullyQualifiedName":"arn:aws:x"}]}]}]}]}`
	got := strings.Join(githubSARIFProblems([]byte(old)), "\n")
	for _, want := range []string{"expected artifact location", "no partialFingerprints", "security-severity", "fullDescription"} {
		if !strings.Contains(got, want) {
			t.Errorf("checker missed %q in:\n%s", want, got)
		}
	}
}

// The same findings keep their rule, location and fingerprint when the
// run's time and rootwatch's version change: GitHub matches alerts on them.
func TestSARIFFingerprintsStableAcrossRuns(t *testing.T) {
	keys := func(r any, o Options) []string {
		var buf bytes.Buffer
		rep, _ := loadFixture(t, "org-failures.json")
		if r != nil {
			rep.GeneratedAt = r.(time.Time)
		}
		if err := (SARIF{o}).Format(&buf, rep); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Runs []struct {
				Results []struct {
					RuleID    string            `json:"ruleId"`
					Partial   map[string]string `json:"partialFingerprints"`
					Locations []struct {
						Physical struct {
							Artifact struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, res := range doc.Runs[0].Results {
			out = append(out, res.RuleID+" "+res.Locations[0].Physical.Artifact.URI+" "+res.Partial["rootwatchFinding/v1"])
		}
		return out
	}
	_, o := loadFixture(t, "org-failures.json")
	first := keys(nil, o)
	o2 := o
	o2.Version = "v9.0.0"
	second := keys(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), o2)
	if len(first) == 0 || strings.Join(first, "\n") != strings.Join(second, "\n") {
		t.Errorf("findings changed identity between runs:\n%s\n---\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
	seen := map[string]bool{}
	for _, k := range first {
		if seen[k] {
			t.Errorf("two results share %s", k)
		}
		seen[k] = true
	}
}

// The vendored schema is really applied: it refuses an unknown level.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	schema := compileSARIFSchema(t)
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("schema accepted level \"fatal\"")
	}
}
