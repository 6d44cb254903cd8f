package filterpattern

import "testing"

// FuzzCompare checks that Compare never panics and never errs on two valid
// patterns (an error there means the decision and the matcher disagree),
// that every example it gives is matched by exactly the side it claims, and
// that the reversed comparison mirrors it. Seeds live in
// testdata/fuzz/FuzzCompare.
func FuzzCompare(f *testing.F) {
	cis := `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	f.Add(cis, `{$.userIdentity.type=Root&&$.userIdentity.invokedBy NOT EXISTS}`)
	f.Add(`{ $.errorCode = "*Denied*" }`, `{ $.errorCode = "AccessDenied*" || $.errorCode = %^Client\.% }`)
	f.Add(`{ $.a[0].b >= 10 && $.a[0].b != 1e1 }`, `{ $.a[0] IS NULL || $.a[0].b > 10 }`)
	f.Add(`ERROR -"DEBUG x" ?WARN`, `%ERR[OA]R%`)
	f.Fuzz(func(t *testing.T, a, b string) {
		pa, err := Parse(a)
		if err != nil {
			return
		}
		pb, err := Parse(b)
		if err != nil {
			return
		}
		got, err := CompareAST(pa, pb)
		if err != nil {
			t.Fatalf("Compare(%q, %q): %v", a, b, err)
		}
		ma, mb := MustCompile(a), MustCompile(b)
		if got.OnlyA != nil && (!ma.Match(got.OnlyA) || mb.Match(got.OnlyA)) {
			t.Fatalf("Compare(%q, %q): OnlyA %q is not matched by the first pattern only", a, b, got.OnlyA)
		}
		if got.OnlyB != nil && (!mb.Match(got.OnlyB) || ma.Match(got.OnlyB)) {
			t.Fatalf("Compare(%q, %q): OnlyB %q is not matched by the second pattern only", a, b, got.OnlyB)
		}
		if got.Proven {
			wantA := got.Relation == Broader || got.Relation == Different
			wantB := got.Relation == Narrower || got.Relation == Different
			if (got.OnlyA != nil) != wantA || (got.OnlyB != nil) != wantB {
				t.Fatalf("Compare(%q, %q) = %v without the examples it implies", a, b, got.Relation)
			}
		} else if got.Relation != Different {
			t.Fatalf("Compare(%q, %q): unproven %v", a, b, got.Relation)
		}
		rev, err := CompareAST(pb, pa)
		if err != nil {
			t.Fatalf("Compare(%q, %q): %v", b, a, err)
		}
		if got.Proven && rev.Proven && rev.Relation != mirror(got.Relation) {
			t.Fatalf("Compare(%q, %q) = %v but reversed = %v", a, b, got.Relation, rev.Relation)
		}
	})
}
