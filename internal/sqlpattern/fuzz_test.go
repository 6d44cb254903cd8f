package sqlpattern

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// FuzzTranslate: any pattern the engine parses translates for every
// dialect without panicking; the label agrees with the reasons; string
// literals are closed (an even number of quotes), so no value escapes into
// SQL; the comment lines of Text stay comments.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		`{ $.a = "x'y" || $.resources[*].ARN = "*'*" }`,
		`{ $.requestParameters.a.b[2] > 5 && $.errorCode IS NULL }`,
		`{ $.additionalEventData.MFAUsed != "Yes" }`,
		`{ $.userAgent = %a'b% }`,
		`ERROR -x`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := filterpattern.Parse(src)
		if err != nil {
			return
		}
		for _, d := range []Dialect{Athena, Trino, Lake, DuckDB} {
			tr, err := Translate(p, d)
			if err != nil {
				t.Fatalf("%q on %s: %v", src, d, err)
			}
			if tr.Exact != (len(tr.Reasons) == 0) {
				t.Fatalf("%q on %s: Exact %v with %d reasons", src, d, tr.Exact, len(tr.Reasons))
			}
			if strings.Count(tr.Where, "'")%2 != 0 {
				t.Fatalf("%q on %s: unbalanced quotes in %s", src, d, tr.Where)
			}
			head, ok := strings.CutSuffix(tr.Text(), tr.Where+"\n")
			if !ok {
				t.Fatalf("%q: Text does not end with the clause", src)
			}
			for _, line := range strings.Split(strings.TrimSuffix(head, "\n"), "\n") {
				if !strings.HasPrefix(line, "--") {
					t.Fatalf("%q: comment line %q", src, line)
				}
			}
		}
	})
}

// FuzzRebuild: whatever a table returns, the rebuilt record is one valid
// JSON object.
func FuzzRebuild(f *testing.F) {
	f.Add("Root", `{"a":1}`, "true", "x")
	f.Add("\x00\"\\<>&\u2028", `not json`, "TRUE", "")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		cols := Columns(Athena)
		vals := make([]*string, len(cols))
		for i := range vals {
			switch i % 5 {
			case 0:
				vals[i] = &a
			case 1:
				vals[i] = &b
			case 2:
				vals[i] = &c
			case 3:
				vals[i] = &d
			}
		}
		raw, err := Rebuild(cols, vals)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
	})
}

// FuzzLayoutRow: the SerDe model never panics, and a record it loads is a
// JSON object.
func FuzzLayoutRow(f *testing.F) {
	f.Add(`{"userIdentity":{"type":"Root","invokedBy":null},"resources":[{"ARN":"a"},1],"requestParameters":{"a":[1,{"b":null}]}}`)
	f.Add(`{"USERIDENTITY":"x","eventVersion":1.5,"readOnly":true}`)
	f.Add(`[1]`)
	f.Fuzz(func(t *testing.T, rec string) {
		row, err := LayoutRow([]byte(rec))
		if err == nil && !json.Valid([]byte(rec)) {
			t.Fatalf("loaded invalid JSON %q into %v", rec, row)
		}
		_ = KeepsContract([]byte(rec))
	})
}
