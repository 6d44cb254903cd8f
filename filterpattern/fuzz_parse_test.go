package filterpattern

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every rejection is a
// positioned *SyntaxError inside the pattern, and that every accepted
// pattern prints to a canonical form that parses back to the same tree and
// prints to the same text. Seeds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`)
	f.Add(`[ip, user, ..., status_code = 4* && status_code != 403, bytes]`)
	f.Add(`?ERROR ?"clean up" -WARN`)
	f.Add(`%^[hc]at{,3}%`)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error %T %v, want *SyntaxError", src, err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Column < 1 || se.Line < 1 {
				t.Fatalf("Parse(%q): bad position %+v", src, se)
			}
			_ = se.Caret()
			return
		}
		canon := p.String()
		p2, err := parseUnlimited(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, src, err)
		}
		if !reflect.DeepEqual(normalize(p), normalize(p2)) {
			t.Fatalf("round trip of %q through %q changed the tree", src, canon)
		}
		if again := p2.String(); again != canon {
			t.Fatalf("printing %q is not stable: %q then %q", src, canon, again)
		}
		_ = Explain(p)
	})
}
