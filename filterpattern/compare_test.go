package filterpattern

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// compareCase is one pair from testdata/compare/*.txt.
type compareCase struct {
	file, name string
	line       int
	a, b       string
	want       string // relation name; empty in cis.txt
	unproven   bool   // "proven: false"
}

// loadCompareCases reads the case format: "== name" starts a case, "a:",
// "b:", "want:" and "proven:" lines fill it, "b-default:" sets b for every
// later case of the file, '#' lines are comments.
func loadCompareCases(t *testing.T, file string) []compareCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "compare", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []compareCase
	bDefault := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "== "); ok {
			out = append(out, compareCase{file: file, name: name, line: n, b: bDefault})
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s:%d: want 'key: value', got %q", file, n, line)
		}
		val = strings.TrimSpace(val)
		if key == "b-default" {
			bDefault = val
			continue
		}
		if len(out) == 0 {
			t.Fatalf("%s:%d: %q before the first '== name' line", file, n, key)
		}
		c := &out[len(out)-1]
		switch key {
		case "a":
			c.a = val
		case "b":
			c.b = val
		case "want":
			c.want = val
		case "proven":
			c.unproven = val == "false"
		default:
			t.Fatalf("%s:%d: unknown key %q", file, n, key)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mirror(r Relation) Relation {
	switch r {
	case Broader:
		return Narrower
	case Narrower:
		return Broader
	}
	return r
}

// checkComparison verifies a result against the real matcher: each example
// is matched by exactly the side it claims, and the examples present are the
// ones the relation implies.
func checkComparison(t *testing.T, where, a, b string, got Comparison) {
	t.Helper()
	ma, mb := MustCompile(a), MustCompile(b)
	if got.OnlyA != nil && !(ma.Match(got.OnlyA) && !mb.Match(got.OnlyA)) {
		t.Errorf("%s: OnlyA %s: first matches %v, second matches %v", where, got.OnlyA, ma.Match(got.OnlyA), mb.Match(got.OnlyA))
	}
	if got.OnlyB != nil && !(mb.Match(got.OnlyB) && !ma.Match(got.OnlyB)) {
		t.Errorf("%s: OnlyB %s: first matches %v, second matches %v", where, got.OnlyB, ma.Match(got.OnlyB), mb.Match(got.OnlyB))
	}
	if !got.Proven {
		if got.Relation != Different || got.Note == "" {
			t.Errorf("%s: unproven answer must be Different with a note, got %v %q", where, got.Relation, got.Note)
		}
		return
	}
	wantA := got.Relation == Broader || got.Relation == Different
	wantB := got.Relation == Narrower || got.Relation == Different
	if (got.OnlyA != nil) != wantA || (got.OnlyB != nil) != wantB {
		t.Errorf("%s: %v with OnlyA=%s OnlyB=%s", where, got.Relation, got.OnlyA, got.OnlyB)
	}
}

func TestCompareCases(t *testing.T) {
	for _, file := range []string{"cis43.txt", "other.txt"} {
		cases := loadCompareCases(t, file)
		var golden strings.Builder
		for _, tc := range cases {
			where := fmt.Sprintf("%s:%d %s", tc.file, tc.line, tc.name)
			got, err := Compare(tc.a, tc.b)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if got.Relation.String() != tc.want {
				t.Errorf("%s: got %v (proven=%v, OnlyA=%s, OnlyB=%s), want %s", where, got.Relation, got.Proven, got.OnlyA, got.OnlyB, tc.want)
			}
			if got.Proven == tc.unproven {
				t.Errorf("%s: proven=%v (%s), want %v", where, got.Proven, got.Note, !tc.unproven)
			}
			checkComparison(t, where, tc.a, tc.b, got)

			rev, err := Compare(tc.b, tc.a)
			if err != nil {
				t.Errorf("%s (reversed): %v", where, err)
				continue
			}
			if rev.Relation != mirror(got.Relation) || rev.Proven != got.Proven {
				t.Errorf("%s: reversed gives %v (proven=%v), want %v", where, rev.Relation, rev.Proven, mirror(got.Relation))
			}
			checkComparison(t, where+" (reversed)", tc.b, tc.a, rev)

			fmt.Fprintf(&golden, "== %s\n%s", tc.name, describeComparison(got))
		}
		checkCompareGolden(t, strings.TrimSuffix(file, ".txt")+".golden", golden.String())
	}
}

func describeComparison(c Comparison) string {
	s := "relation: " + c.Relation.String() + "\n"
	if !c.Proven {
		s += "note: " + c.Note + "\n"
	}
	if c.OnlyA != nil {
		s += "onlyA: " + showEvent(c.OnlyA) + "\n"
	}
	if c.OnlyB != nil {
		s += "onlyB: " + showEvent(c.OnlyB) + "\n"
	}
	return s
}

// showEvent prints an event on one line, quoted only when it would not fit.
func showEvent(ev []byte) string {
	s := string(ev)
	if strings.ContainsAny(s, "\n\r\t") || s != strings.TrimSpace(s) || s == "" {
		return strconv.Quote(s)
	}
	return s
}

// checkCompareGolden compares got with testdata/compare/name; -update (the
// package's golden-file flag) rewrites it.
func checkCompareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "compare", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCompare -update to create it)", err)
	}
	if string(want) == got {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("%s:%d differs (check, then rerun with -update):\n got %s\nwant %s", path, i+1, g, w)
			return
		}
	}
}

// TestCompareCISReformatted compares every CIS 4.x pattern with copies of
// itself that are re-ordered, re-parenthesised and re-quoted, and with
// copies that are made strictly broader and strictly narrower.
func TestCompareCISReformatted(t *testing.T) {
	for _, tc := range loadCompareCases(t, "cis.txt") {
		p, err := Parse(tc.a)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		variants := []struct {
			how, pattern string
			want         Relation
		}{
			{"canonical form", p.String(), Equivalent},
			{"operands swapped, parenthesised, re-quoted", "{" + scramble(p.JSON) + "}", Equivalent},
			{"or an unrelated clause", "{" + scramble(p.JSON) + ` || $.rootwatchProbe = "x"}`, Broader},
			{"and a != clause", "{(" + scramble(p.JSON) + `) && $.rootwatchProbe != "x"}`, Narrower},
		}
		for _, v := range variants {
			where := tc.name + ": " + v.how
			got, err := Compare(v.pattern, tc.a)
			if err != nil {
				t.Errorf("%s: %v\n  %s", where, err, v.pattern)
				continue
			}
			if got.Relation != v.want || !got.Proven {
				t.Errorf("%s: got %v (proven=%v %s), want %v\n  %s", where, got.Relation, got.Proven, got.Note, v.want, v.pattern)
			}
			checkComparison(t, where, v.pattern, tc.a, got)
		}
	}
}

// scramble prints a JSON expression with the operands of every && and ||
// swapped, every operand parenthesised, no spaces, and each string value
// quoted if it was bare and bare if it was quoted and can be.
func scramble(e Expr) string {
	switch x := e.(type) {
	case *Binary:
		op := "&&"
		if x.Op == OpOr {
			op = "||"
		}
		return "(" + scramble(x.Right) + ")" + op + "(" + scramble(x.Left) + ")"
	case *Condition:
		sel := canonicalPath(x.Selector.Steps)
		switch x.Op {
		case OpIsNull, OpIsTrue, OpIsFalse, OpNotExists:
			return sel + " " + operatorText(x.Op)
		}
		var val string
		switch x.Value.Kind {
		case ValueString:
			if x.Value.Quoted && bareOK(x.Value.Str) {
				val = x.Value.Str
			} else {
				val = strconv.Quote(x.Value.Str)
			}
		case ValueNumber:
			val = x.Value.Str
		case ValueRegex:
			val = "%" + x.Value.Regex.Source + "%"
		}
		return sel + operatorText(x.Op) + val
	}
	return ""
}

func bareOK(s string) bool {
	for _, r := range s {
		if !(r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

func TestCompareErrors(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{`{ $.a = `, `{ $.a = 1 }`},
		{`{ $.a = 1 }`, `{ a = 1 }`},
	} {
		if _, err := Compare(tc.a, tc.b); err == nil {
			t.Errorf("Compare(%q, %q): want a syntax error", tc.a, tc.b)
		}
	}
	if _, err := CompareAST(nil, nil); err == nil {
		t.Error("CompareAST(nil, nil): want an error")
	}
}

func TestRelationString(t *testing.T) {
	for r, want := range map[Relation]string{Equivalent: "equivalent", Broader: "broader", Narrower: "narrower", Different: "different", 0: "unknown"} {
		if got := r.String(); got != want {
			t.Errorf("Relation(%d).String() = %q, want %q", int(r), got, want)
		}
	}
}

// TestCompareUnprovenIsSafe: when one selector is compared with numbers and
// with strings the engine cannot prove containment (404 = "4*" holds, and
// so does 404.0 = 404, but not 404.0 = "4*"), so it must not answer Broader
// or Equivalent, and every example it gives must be real.
func TestCompareUnprovenIsSafe(t *testing.T) {
	a := `{ $.status = "4*" }`
	b := `{ $.status = 404 }`
	got, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Relation != Different || got.Proven {
		t.Errorf("got %v proven=%v, want an unproven Different", got.Relation, got.Proven)
	}
	checkComparison(t, "wildcard selector", a, b, got)
}

func TestNormalFormIgnoresSpelling(t *testing.T) {
	forms := []string{
		`{ $.a = "x" && ($.b = 1e3 || $.c NOT EXISTS) }`,
		`{($.c NOT EXISTS||$.b=1000)&&$.['a']=x}`,
		`{ ($.a = x && $.c NOT EXISTS) || ($.b = 1000 && $.a = "x") || ($.a = x && $.b = 1000 && $.c NOT EXISTS) }`,
	}
	var first string
	for i, src := range forms {
		p, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		d, err := jsonNormalForm(p.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = d.String()
			continue
		}
		if d.String() != first {
			t.Errorf("normal form of %s is %s, want %s", src, d, first)
		}
	}
}

func TestRealizeBuildsNestedEvents(t *testing.T) {
	p, err := Parse(`{ $.userIdentity.type = "Root" && $.resources[1].ARN = "arn" && $.userIdentity.sessionContext.attributes.mfaAuthenticated = "true" }`)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := jsonTree(p.JSON)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := newSpace(tr)
	if err != nil {
		t.Fatal(err)
	}
	asg, found, _ := sp.search([]target{{sp.compileTree(tr), true}}, 10_000)
	if !found {
		t.Fatal("no event satisfies the pattern")
	}
	ev, ok := realize(sp.fields, asg)
	if !ok {
		t.Fatal("unrealizable")
	}
	want := `{"userIdentity":{"type":"Root","sessionContext":{"attributes":{"mfaAuthenticated":"true"}}},"resources":[null,{"ARN":"arn"}]}`
	if string(ev) != want {
		t.Errorf("event\n got %s\nwant %s", ev, want)
	}
	if !MustCompile(p.Source).Match(ev) {
		t.Errorf("matcher does not match %s", ev)
	}
}

func TestCellsFindEveryCombination(t *testing.T) {
	var preds []strPred
	for _, g := range []string{"*Denied*", "AccessDenied*", "*UnauthorizedOperation"} {
		p, err := newStrPred(globRE2(g))
		if err != nil {
			t.Fatal(err)
		}
		preds = append(preds, p)
	}
	cs, complete := cells(preds, nil, false)
	if !complete {
		t.Fatal("walk did not finish")
	}
	got := map[string]string{}
	for _, c := range cs {
		got[vecKey(c.vec)] = c.witness
		for i, p := range preds {
			if globMatch([]string{"*Denied*", "AccessDenied*", "*UnauthorizedOperation"}[i], c.witness) != c.vec[i] || p.matchString(c.witness) != c.vec[i] {
				t.Errorf("witness %q does not have vector %s", c.witness, vecKey(c.vec))
			}
		}
	}
	// AccessDenied* implies *Denied*, so 010 and 011 are impossible; every
	// other combination exists (AccessDenied...UnauthorizedOperation is 111).
	for _, k := range []string{"000", "100", "110", "001", "101", "111"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no witness for %s (got %v)", k, got)
		}
	}
	for _, k := range []string{"010", "011"} {
		if w, ok := got[k]; ok {
			t.Errorf("impossible combination %s has witness %q", k, w)
		}
	}
}

// The Compare benchmarks: a proven "broader" for a re-written CIS 4.3
// filter, the normal-form shortcut for a re-spaced one, and a
// 16-alternative CIS 4.4 pattern. BenchmarkCompareBaselineCompile compiles
// the two 4.3 patterns, so Compare's cost can be read as a ratio to it.
const (
	benchCIS43 = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	benchUser  = `{ ($.eventType != "AwsServiceEvent") && ($.userIdentity.type = Root) && $.userIdentity.invokedBy NOT EXISTS || $.eventName = ConsoleLogin }`
	benchCIS44 = `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`
)

func benchCompare(b *testing.B, a, c string) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(a, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompareCIS43(b *testing.B) { benchCompare(b, benchUser, benchCIS43) }

func BenchmarkCompareCIS43Respaced(b *testing.B) {
	benchCompare(b, `{$.userIdentity.type=Root&&$.userIdentity.invokedBy NOT EXISTS&&$.eventType!=AwsServiceEvent}`, benchCIS43)
}

func BenchmarkCompareCIS44Narrower(b *testing.B) {
	benchCompare(b, strings.Replace(benchCIS44, "($.eventName=DeletePolicy)||", "", 1), benchCIS44)
}

func BenchmarkCompareBaselineCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MustCompile(benchUser)
		MustCompile(benchCIS43)
	}
}

// TestCompareRandomAgainstMatcher checks Compare's proofs against the real
// matcher on events built independently of Compare's own generator: random
// patterns over overlapping selectors ($.c and $.c.d, $.e[0] and $.e[1]),
// and random events with values Compare never proposes (other spellings of
// numbers, longer strings). A proven containment that one event breaks is a
// soundness bug.
func TestCompareRandomAgainstMatcher(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 3))
	events := randomEvents(rng, 300)
	tally := map[string]int{}
	for i := 0; i < 200; i++ {
		a, b := randomPattern(rng), randomPattern(rng)
		if rng.IntN(4) == 0 {
			b = "{ (" + a[1:len(a)-1] + ") " + []string{"&&", "||"}[rng.IntN(2)] + " " + randomExpr(rng, 1) + " }"
		}
		if _, err := Parse(a); err != nil {
			continue
		}
		if _, err := Parse(b); err != nil {
			continue
		}
		got, err := Compare(a, b)
		if err != nil {
			t.Errorf("Compare(%s, %s): %v", a, b, err)
			continue
		}
		where := fmt.Sprintf("Compare(%s, %s)", a, b)
		checkComparison(t, where, a, b, got)
		tally[fmt.Sprintf("%v proven=%v", got.Relation, got.Proven)]++
		if !got.Proven {
			continue
		}
		ma, mb := MustCompile(a), MustCompile(b)
		for _, ev := range events {
			inA, inB := ma.Match(ev), mb.Match(ev)
			if inA && !inB && got.OnlyA == nil || inB && !inA && got.OnlyB == nil {
				t.Errorf("%s = %v (proven), but the matcher gives first=%v second=%v on %s", where, got.Relation, inA, inB, ev)
				break
			}
		}
	}
	t.Logf("verdicts: %v", tally)
	// The test is only worth something if most answers are proofs and every
	// relation occurs.
	for _, r := range []Relation{Equivalent, Broader, Narrower, Different} {
		if tally[r.String()+" proven=true"] < 5 {
			t.Errorf("only %d proven %v verdicts: %v", tally[r.String()+" proven=true"], r, tally)
		}
	}
}

var randomSelectors = []string{"$.a", "$.b", "$.c", "$.c.d", "$.e[0]", "$.e[1]", "$.e[1].f", "$.e[0].g", "$.e[*]", "$.e[*].f", "$.c.*", "$.*"}

func randomPattern(rng *rand.Rand) string { return "{ " + randomExpr(rng, 2) + " }" }

func randomExpr(rng *rand.Rand, depth int) string {
	if depth == 0 || rng.IntN(3) == 0 {
		return randomCond(rng)
	}
	op := []string{"&&", "||"}[rng.IntN(2)]
	return "(" + randomExpr(rng, depth-1) + " " + op + " " + randomExpr(rng, depth-1) + ")"
}

func randomCond(rng *rand.Rand) string {
	sel := randomSelectors[rng.IntN(len(randomSelectors))]
	switch rng.IntN(10) {
	case 0:
		return sel + " NOT EXISTS"
	case 1:
		return sel + " IS NULL"
	case 2:
		return sel + []string{" IS TRUE", " IS FALSE"}[rng.IntN(2)]
	case 3, 4:
		ops := []string{"=", "!=", "<", "<=", ">", ">="}
		return sel + " " + ops[rng.IntN(len(ops))] + " " + []string{"1", "2.5", "10", "1e1"}[rng.IntN(4)]
	case 5:
		return sel + " " + []string{"=", "!="}[rng.IntN(2)] + " " + []string{"%^x%", "%y$%"}[rng.IntN(2)]
	}
	vals := []string{`"x"`, `"xy"`, `"x*"`, `"*y"`, `"*"`, `"1"`, `"1*"`, `x`}
	return sel + " " + []string{"=", "!="}[rng.IntN(2)] + " " + vals[rng.IntN(len(vals))]
}

// randomEvents builds JSON events with encoding/json from random values.
func randomEvents(rng *rand.Rand, n int) [][]byte {
	scalar := func() any {
		vals := []any{nil, true, false, "x", "xy", "xyz", "y", "", "x*", "1", "10", "abc",
			json.Number("1"), json.Number("1.0"), json.Number("2.5"), json.Number("25e-1"),
			json.Number("10"), json.Number("1e1"), json.Number("-3"), json.Number("100")}
		return vals[rng.IntN(len(vals))]
	}
	value := func() any {
		switch rng.IntN(8) {
		case 0:
			return map[string]any{}
		case 1:
			return []any{}
		}
		return scalar()
	}
	var out [][]byte
	for range n {
		ev := map[string]any{}
		for _, k := range []string{"a", "b"} {
			if rng.IntN(4) != 0 {
				ev[k] = value()
			}
		}
		switch rng.IntN(3) {
		case 0:
			ev["c"] = value()
		case 1:
			c := map[string]any{}
			if rng.IntN(3) != 0 {
				c["d"] = value()
			}
			ev["c"] = c
		}
		if rng.IntN(3) != 0 {
			var e []any
			for range rng.IntN(3) {
				if rng.IntN(2) == 0 {
					e = append(e, value())
					continue
				}
				el := map[string]any{}
				for _, k := range []string{"f", "g"} {
					if rng.IntN(2) == 0 {
						el[k] = value()
					}
				}
				e = append(e, el)
			}
			ev["e"] = e
		}
		b, err := json.Marshal(ev)
		if err != nil {
			panic(err)
		}
		out = append(out, b)
	}
	return out
}

// TestCompareLargePatterns: 4 groups of 8 alternatives ANDed expand to 4096
// DNF clauses; the search works on the pattern's own shape and still proves
// the answer.
func TestCompareLargePatterns(t *testing.T) {
	var groups []string
	for g := range 4 {
		var ors []string
		for i := range 8 {
			ors = append(ors, fmt.Sprintf("$.f%d = v%d", g, i))
		}
		groups = append(groups, "("+strings.Join(ors, " || ")+")")
	}
	a := "{" + strings.Join(groups, " && ") + "}"
	b := "{" + strings.Join(groups[:3], " && ") + " && ($.f3 = v1 || $.f3 = v2)}"
	for _, tc := range []struct {
		a, b string
		want Relation
	}{{a, a, Equivalent}, {a, b, Broader}, {b, a, Narrower}} {
		got, err := Compare(tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Relation != tc.want || !got.Proven {
			t.Errorf("got %v (proven=%v %s), want %v", got.Relation, got.Proven, got.Note, tc.want)
		}
		checkComparison(t, "large", tc.a, tc.b, got)
	}
}

// TestCompareSatisfiable: for every conjunction of two conditions (and
// random ones of three) over overlapping selectors, Compare against an
// unrelated pattern must find an event the conjunction matches whenever one
// of many independently built events shows that such an event exists. A
// miss means the search wrongly believed some combination of values
// impossible in a JSON event.
func TestCompareSatisfiable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	events := randomEvents(rng, 2000)
	var conds []string
	for _, sel := range randomSelectors {
		conds = append(conds, sel+" NOT EXISTS", sel+" IS NULL", sel+` != "x"`, sel+" > 1")
	}
	const other = `{ $.zz = "q" }`
	check := func(p string) {
		if _, err := Parse(p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got, err := Compare(p, other)
		if err != nil {
			t.Errorf("Compare(%s): %v", p, err)
			return
		}
		if got.OnlyA != nil || !got.Proven {
			return
		}
		m := MustCompile(p)
		for _, ev := range events {
			if m.Match(ev) {
				t.Errorf("Compare(%s, %s) = %v: no event only the first matches, but %s does", p, other, got.Relation, ev)
				return
			}
		}
	}
	for i := range conds {
		for j := i + 1; j < len(conds); j++ {
			check("{ " + conds[i] + " && " + conds[j] + " }")
		}
	}
	for range 100 {
		check("{ " + conds[rng.IntN(len(conds))] + " && " + conds[rng.IntN(len(conds))] + " && " + conds[rng.IntN(len(conds))] + " }")
	}
}

// TestCompareCISPairs compares every CIS pattern with every other: no
// errors, every answer proven, and every example confirmed by the matcher.
func TestCompareCISPairs(t *testing.T) {
	cases := loadCompareCases(t, "cis.txt")
	for _, x := range cases {
		for _, y := range cases {
			got, err := Compare(x.a, y.a)
			if err != nil {
				t.Errorf("%s vs %s: %v", x.name, y.name, err)
				continue
			}
			if !got.Proven {
				t.Errorf("%s vs %s: not proven (%s)", x.name, y.name, got.Note)
			}
			checkComparison(t, x.name+" vs "+y.name, x.a, y.a, got)
		}
	}
}

// TestCompareConcurrent: Compare shares nothing mutable between calls
// (run with -race).
func TestCompareConcurrent(t *testing.T) {
	cases := loadCompareCases(t, "cis43.txt")
	want := make([]Relation, len(cases))
	for i, tc := range cases {
		got, err := Compare(tc.a, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = got.Relation
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(cases))
	for range 4 {
		wg.Go(func() {
			for i, tc := range cases {
				got, err := Compare(tc.a, tc.b)
				if err != nil || got.Relation != want[i] {
					errs <- fmt.Sprintf("%s: %v %v", tc.name, got.Relation, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestEscapeFirstLetters(t *testing.T) {
	in := `{"userIdentity":{"type":"Root","x":"a\"b"},"n":1,"arr":["x",{"k":"v"}]}`
	want := `{"userIdentity":{"type":"\u0052oot","x":"\u0061\"b"},"n":1,"arr":["\u0078",{"k":"\u0076"}]}`
	if got := string(escapeFirstLetters([]byte(in))); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var a, b any
	if json.Unmarshal([]byte(in), &a) != nil || json.Unmarshal([]byte(want), &b) != nil || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("escaping changed the event's meaning: %v vs %v", a, b)
	}
}

// TestCompareBlankPhraseWithLineBreaks: a quoted phrase of only blanks
// (space, tab, CR, LF) matches every event, so requiring or excluding it
// changes nothing. The normal form once counted only space and tab as blank
// and disagreed with the matcher on these.
func TestCompareBlankPhraseWithLineBreaks(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"ERROR -\"\n\"", "ERROR"},
		{"ERROR -\"\r\n\t \"", "ERROR"},
		{"?\"\n\" ?foo", "\" \""},
		{"?\"\r\"", "\" \""},
		{"\"\r\"", "\" \""},
	} {
		where := fmt.Sprintf("%q vs %q", tc.a, tc.b)
		got, err := Compare(tc.a, tc.b)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if got.Relation != Equivalent || !got.Proven {
			t.Errorf("%s: got %v (proven=%v, OnlyA=%s, OnlyB=%s), want proven equivalent", where, got.Relation, got.Proven, got.OnlyA, got.OnlyB)
		}
		checkComparison(t, where, tc.a, tc.b, got)
	}
}
