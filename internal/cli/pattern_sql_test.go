package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
)

func TestPatternSQL(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  []string
	}{
		{[]string{"pattern", "sql", cis.RootUsagePattern}, exitcode.OK,
			[]string{"-- athena: exact\n", `"useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent'`}},
		{[]string{"pattern", "sql", "--dialect", "cloudtrail-lake", "--query", "--table", "eds-1", "--since", "2026-11-01", cis.RootUsagePattern}, exitcode.OK,
			[]string{"-- cloudtrail-lake: exact\n", "eventjson\nFROM eds-1\n", "eventtime >= '2026-10-31 23:59:59'"}},
		{[]string{"pattern", "sql", "--query", "--table", "ct.logs", "--since", "7d", cis.RootUsagePattern}, exitcode.OK,
			[]string{`FROM "ct"."logs"`, `"timestamp" >= '2026/11/23'`}},
		{[]string{"pattern", "sql", "--json", `{ $.errorCode IS NULL }`}, exitcode.OK,
			[]string{`"label":"approximate"`, `"rebuildable":false`}},
		{[]string{"pattern", "sql", "--dialect", "oracle", "x"}, exitcode.Usage, nil},
		{[]string{"pattern", "sql", "--table", "a.b", "x"}, exitcode.Usage, nil},
		{[]string{"pattern", "sql", "--query", "--table", `a.b"; DROP`, "x"}, exitcode.Usage, nil},
		{[]string{"pattern", "sql", "--query", "--dialect", "lake", "--table", "a b", "x"}, exitcode.Usage, nil},
		{[]string{"pattern", "sql", "{ $.a == 1 }"}, exitcode.Usage, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, _ := patternFactory("")
			root := NewRootCmd(f)
			root.SetArgs(tt.args)
			err := root.ExecuteContext(context.Background())
			if code := exitcode.From(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout %q does not contain %q", out.String(), w)
				}
			}
		})
	}
}
