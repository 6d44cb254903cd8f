package filterpattern

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		src  string
		want []string // substrings, in order
	}{
		{"", []string{"matches every event"}},
		{`" "`, []string{"matches every event"}},
		{"ERROR -ARGUMENTS", []string{`contain "ERROR" and do not contain "ARGUMENTS"`}},
		{"?ERROR ?WARN", []string{`at least one of "ERROR" or "WARN"`}},
		{"?ERROR REQUEST", []string{`contain "REQUEST"`, `?-terms "ERROR" are ignored`}},
		{"%AUTH%", []string{"regular expression %AUTH%"}},
		{`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`, []string{
			`matches JSON events where userIdentity.type is exactly "Root", and userIdentity.invokedBy does not exist, and eventType exists and is not "AwsServiceEvent"`,
			"not even !=",
		}},
		{`{ $.a = 1 || $.b = 2 && $.c = 3 }`, []string{`a equals 1, or (b equals 2, and c equals 3)`}},
		{`{ ($.a = 1 || $.b = 2) && $.c IS TRUE }`, []string{`(either a equals 1, or b equals 2), and c is true`}},
		{`{ $.x[*] = "a*" }`, []string{`some value at x[*] matches "a*"`}},
		{`{ $.x = * }`, []string{"x exists and is a string or number"}},
		{`{ $.x IS NULL }`, []string{"x is null", "events that are not JSON never match"}},
		{"[..., status_code = 4* && status_code != 403, bytes]", []string{
			`at least 2 space-separated fields`, `field 2 from the end (status_code) matches "4*"`, "and is not 403",
		}},
		{"[w1=ERROR, w2]", []string{`field 1 (w1) is exactly "ERROR"`, "the last entry takes the rest of the line"}},
	}
	for _, tt := range tests {
		p, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		got := Explain(p)
		rest := got
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("Explain(%q) = %q\nwant it to contain (in order) %q", tt.src, got, w)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}
