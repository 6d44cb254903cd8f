package filterpattern

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

type matchCase struct {
	pattern string
	event   string
	want    bool
}

// matchCases pin the evaluation rules of spec §2-§5 beyond the documented
// examples of the conformance corpus: edge cases of each rule, and the
// places where the fast path could go wrong (escapes, spacing, duplicates,
// nesting, prefilter decoys).
var matchCases = []matchCase{
	// Terms (§2.2).
	{`ERROR`, `Exiting with ERRORCODE: -1`, true},
	{`ERROR`, `error`, false},
	{`ERROR ARGUMENTS`, `[ERROR 419] MISSING ARGUMENTS`, true},
	{`ERROR ARGUMENTS`, `[ERROR 419] MISSING`, false},
	{`"ERROR Exception"`, `ERROR Exception`, true},
	{`"ERROR Exception"`, `ERROR: Exception`, false},
	{`ERROR -ARGUMENTS`, `[ERROR 400] BAD REQUEST`, true},
	{`ERROR -ARGUMENTS`, `[ERROR 420] INVALID ARGUMENTS`, false},
	{`-ERROR`, `all good`, true},
	{`-ERROR`, `an ERROR`, false},
	{`?ERROR ?ARGUMENTS`, `[INFO] INVALID ARGUMENTS PROVIDED`, true},
	{`?ERROR ?ARGUMENTS`, `[INFO] fine`, false},
	{`?ERROR ?ARGUMENTS REQUEST`, `ERROR ARGUMENTS`, false},
	{`?ERROR ?ARGUMENTS REQUEST`, `REQUEST`, true},
	{`?ERROR -REQUEST`, `ERROR`, true}, // ? ignored: only -REQUEST counts
	{`?ERROR -REQUEST`, `nothing`, true},
	{``, `anything`, true},
	{`   `, ``, true},
	{`" "`, `nospace`, true},
	{`AccessDenied`, `{"errorCode":"AccessDenied"}`, true},

	// Standalone regex (§3).
	{`%AUTHORIZED%`, `[ERROR 401] UNAUTHORIZED REQUEST`, true},
	{`%^AUTHORIZED%`, `UNAUTHORIZED`, false},
	{`%gra|ey%`, `grey`, true},
	{`%a{,2}b%`, `xb`, true},
	{`%^a{,2}b$%`, `aaab`, false},
	{`%ERROR.*Exception%`, "ERROR\nException", false}, // '.' does not match newline
	{`%\x3A%`, `a:b`, true},

	// JSON basics (§4).
	{`{ $.eventType = "UpdateTrail" }`, `{"eventType":"UpdateTrail"}`, true},
	{`{$.eventType="UpdateTrail"}`, `{ "eventType" : "UpdateTrail" }`, true},
	{`{ $.eventType = UpdateTrail }`, `{"eventType":"UpdateTrailX"}`, false},
	{`{ $.eventType = "UpdateTrail" }`, `not json UpdateTrail`, false},
	{`{ $.eventType = "UpdateTrail" }`, `["UpdateTrail"]`, false},
	{`{ $.eventType = "UpdateTrail" }`, `{"eventType":"UpdateTrail"} trailing`, false},
	{`{ $.eventType = "UpdateTrail" }`, `{"eventType":"UpdateTrail"`, false},
	{`{ $.eventType = "UpdateTrail" }`, ` {"eventType":"UpdateTrail"}` + "\n", true},
	{`{ $.a.b = 1 }`, `{"a":{"b":1}}`, true},
	{`{ $.a.b = 1 }`, `{"a":{"c":{"b":1}}}`, false},
	{`{ $.a[1] = 2 }`, `{"a":[1,2,3]}`, true},
	{`{ $.a[3] = 2 }`, `{"a":[1,2,3]}`, false},
	{`{ $.a[0][1] = 5 }`, `{"a":[[4,5]]}`, true},
	{`{ $.a[*] = 3 }`, `{"a":[1,2,3]}`, true},
	{`{ $.a[*] = 4 }`, `{"a":[1,2,3]}`, false},
	{`{ $.* = "x" }`, `{"a":"y","b":"x"}`, true},
	{`{ $.a.* = "x" }`, `{"a":{"p":"y","q":"x"}}`, true},
	{`{ $.['a.b'] = 1 }`, `{"a.b":1}`, true},
	{`{ $.['a.b'] = 1 }`, `{"a":{"b":1}}`, false},
	{`{ $.r[*].t = "x" }`, `{"r":[{"t":"y"},{"t":"x"}]}`, true},
	{`{ $.r[*].t NOT EXISTS }`, `{"r":[{"t":"y"},{"u":"x"}]}`, false},
	{`{ $.r[*].t NOT EXISTS }`, `{"r":[{"u":"x"}]}`, true},

	// Missing fields, types (§4.5.3).
	{`{ $.a != "x" }`, `{"b":"x"}`, false},
	{`{ $.a != "x" }`, `{"a":"y"}`, true},
	{`{ $.a != "x" }`, `{"a":null}`, false},
	{`{ $.a != "x" }`, `{"a":{"x":1}}`, false},
	{`{ $.users = 1 }`, `{"users":[1]}`, false},
	{`{ $.users != 1 }`, `{"users":[1]}`, false},
	{`{ $.a = "true" }`, `{"a":true}`, false},
	{`{ $.a = 400 }`, `{"a":"400"}`, false},
	{`{ $.a != 400 }`, `{"a":"400"}`, false},
	{`{ $.a = 1000 }`, `{"a":1e3}`, true},
	{`{ $.a = 1e3 }`, `{"a":1000.0}`, true},
	{`{ $.a > 999.5 }`, `{"a":1000}`, true},
	{`{ $.a < -1 }`, `{"a":-2}`, true},
	{`{ $.a >= 10 }`, `{"a":9.99}`, false},
	{`{ $.a <= 10 }`, `{"a":1e400}`, false},
	{`{ $.a > 10 }`, `{"a":1e400}`, true},
	{`{ $.a = 4* }`, `{"a":404}`, true},
	{`{ $.a = 4* }`, `{"a":"4xx"}`, true},
	{`{ $.a = 4* }`, `{"a":504}`, false},

	// Wildcards in strings.
	{`{ $.a = "*Event" }`, `{"a":"PutEvent"}`, true},
	{`{ $.a = "Event*" }`, `{"a":"EventId"}`, true},
	{`{ $.a = "Ev*nt" }`, `{"a":"EvXXnt"}`, true},
	{`{ $.a = "Ev*nt" }`, `{"a":"Evnt"}`, true},
	{`{ $.a = "Ev*nt" }`, `{"a":"Even"}`, false},
	{`{ $.a = "a*a" }`, `{"a":"a"}`, false},
	{`{ $.a = * }`, `{"a":50}`, true},
	{`{ $.a = * }`, `{"a":""}`, true},
	{`{ $.a = * }`, `{"a":null}`, false},
	{`{ $.a = * }`, `{"b":1}`, false},
	{`{ $.ip != 123.123.* }`, `{"ip":"111.111.111.111"}`, true},
	{`{ $.ip != 123.123.* }`, `{"ip":"123.123.1.1"}`, false},

	// IS NULL / NOT EXISTS / IS TRUE / IS FALSE.
	{`{ $.a IS NULL }`, `{"a":null}`, true},
	{`{ $.a IS NULL }`, `{"b":null}`, false},
	{`{ $.a NOT EXISTS }`, `{"a":null}`, false},
	{`{ $.a NOT EXISTS }`, `{"b":1}`, true},
	{`{ $.a.b NOT EXISTS }`, `{"b":1}`, true},
	{`{ $.a.b NOT EXISTS }`, `{"a":"str"}`, true},
	{`{ $.a IS TRUE }`, `{"a":true}`, true},
	{`{ $.a IS TRUE }`, `{"a":"true"}`, false},
	{`{ $.a IS FALSE }`, `{"a":false}`, true},
	{`{ $.a IS FALSE }`, `{"a":0}`, false},

	// Logic and precedence.
	{`{ $.a = 1 || $.b = 2 && $.c = 3 }`, `{"a":1}`, true},
	{`{ ($.a = 1 || $.b = 2) && $.c = 3 }`, `{"a":1}`, false},
	{`{ ($.a = 1 || $.b = 2) && $.c = 3 }`, `{"b":2,"c":3}`, true},

	// Escapes, duplicates and odd spacing, where the fast path could slip.
	{`{ $.userIdentity.type = "Root" }`, `{"userIdentity":{"type":"R\u006fot"}}`, true},
	{`{ $.userIdentity.type = "Root" }`, `{"userIdentity":{"t\u0079pe":"Root"}}`, true},
	{`{ $.userIdentity.type = "Root" }`, `{"userIdentity" :  { "type"	:"Root" } }`, true},
	{`{ $.userIdentity.type = "Root" }`, `{"userIdentity":{"type":"assumedRoot"}}`, false},
	{`{ $.userIdentity.type = "Root" }`, `{"userIdentity":{"name":"Root","type":"IAMUser"}}`, false},
	{`{ $.userIdentity.type = "Root" }`, `{"x":"\"type\":\"Root\"","userIdentity":{"type":"IAMUser"}}`, false},
	{`{ $.path = "a/b" }`, `{"path":"a\/b"}`, true},
	{`{ $.q = "say \"hi\"" }`, `{"q":"say \"hi\""}`, true},
	{`{ $.a = 1 }`, `{"a":1,"a":2}`, false},
	{`{ $.a = 2 }`, `{"a":1,"a":2}`, true},
	{`{ $.a.b = 1 }`, `{"a":{"b":1},"a":{"c":1}}`, false},
	{`{ $.e = "é" }`, `{"e":"\u00e9"}`, true},
	{`{ $.e = "😀" }`, `{"e":"\ud83d\ude00"}`, true},
	{`{ $.e = "x" }`, `{"e":"x","bad":"\q"}`, false},
	{`{ $.e = "x" }`, "{\"e\":\"x\",\"ctl\":\"a\x01b\"}", false},

	// Regex values.
	{`{ $.eventType = %Trail% }`, `{"eventType":"UpdateTrail"}`, true},
	{`{ $.eventType = %^Trail% }`, `{"eventType":"UpdateTrail"}`, false},
	{`{ $.arr[*] = %val.{2}% }`, `{"arr":["x","valid"]}`, true},

	// Space-delimited (§5).
	{`[w1=ERROR, w2]`, `ERROR message with several words`, true},
	{`[w1=ERROR, w2]`, `WARN message`, false},
	{`[w1=ERROR]`, `ERROR message`, false},
	{`[w1=ERROR]`, `ERROR`, true},
	{`[a, b, c]`, `one two`, false},
	{`[ip, user, ..., status_code=404, bytes]`, `127.0.0.1 frank x y 404 2326`, true},
	{`[ip, user, ..., status_code=404, bytes]`, `127.0.0.1 frank x y 200 2326`, false},
	{`[..., status_code=4*, bytes>1000]`, `a b "GET / HTTP/1.0" 404 2326`, true},
	{`[..., status_code=4*, bytes>1000]`, `a b "GET / HTTP/1.0" 404 -`, false},
	{`[ip, ts, req="GET /index.html HTTP/1.0", ...]`, `1.2.3.4 [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 200`, true},
	{`[ip, ts="10/Oct/2000:13:55:36 -0700", ...]`, `1.2.3.4 [10/Oct/2000:13:55:36 -0700] "GET /" 200`, true},
	{`[a, b=x]`, `1 x`, true},
	{`[a, b=x]`, `1   x  `, true},
	{`[a, b="x y"]`, `1 x y`, true},
	{`[w1=ERROR || w1=%WARN%, w2]`, `WARNING disk`, true},
	{`[code = 404 || code = 410, x]`, `410 gone`, true},
	{`[code = 4* && code != 403, x]`, `403 forbidden`, false},
	{`[code != 403, x]`, `abc x`, false}, // a number literal never compares with text that is not a number
	{`[code > 400, x]`, `abc x`, false},
	{`[...]`, ``, true},
}

func TestMatch(t *testing.T) {
	for _, tc := range matchCases {
		t.Run(tc.pattern+"|"+tc.event, func(t *testing.T) {
			m, err := Compile(tc.pattern)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tc.pattern, err)
			}
			if got := m.Match([]byte(tc.event)); got != tc.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.event, got, tc.want)
			}
			if got := refMatch(m.Pattern(), []byte(tc.event)); got != tc.want {
				t.Errorf("reference evaluator disagrees with the case: refMatch = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLiteralInnerWildcard covers the switch for the 2018-2020 reading of
// '*' in the middle of a value.
func TestLiteralInnerWildcard(t *testing.T) {
	m, err := Compile(`{ $.a = "Ev*nt*" }`, WithLiteralInnerWildcard(true))
	if err != nil {
		t.Fatal(err)
	}
	for ev, want := range map[string]bool{
		`{"a":"Ev*nt"}`:    true,
		`{"a":"Ev*ntXYZ"}`: true,
		`{"a":"EvXXnt"}`:   false,
	} {
		if got := m.Match([]byte(ev)); got != want {
			t.Errorf("Match(%s) = %v, want %v", ev, got, want)
		}
	}
}

// TestNewMatcherHandBuilt checks the compiler on ASTs built without the
// parser, including shapes the parser would not produce.
func TestNewMatcherHandBuilt(t *testing.T) {
	sel := func(names ...string) *Selector {
		s := &Selector{}
		for _, n := range names {
			s.Steps = append(s.Steps, Step{Kind: StepField, Name: n})
		}
		return s
	}
	p := &Pattern{Kind: KindJSON, JSON: &Binary{Op: OpAnd,
		Left:  &Condition{Selector: sel("userIdentity", "type"), Op: OpEq, Value: Value{Kind: ValueString, Str: "Root"}},
		Right: &Condition{Selector: sel("userIdentity", "invokedBy"), Op: OpNotExists},
	}}
	m, err := NewMatcher(p)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Match([]byte(`{"userIdentity":{"type":"Root"}}`)) {
		t.Error("root event did not match")
	}
	if m.Match([]byte(`{"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"}}`)) {
		t.Error("root event with invokedBy matched")
	}
	if m.Pattern() != p {
		t.Error("Pattern() does not return the compiled pattern")
	}
	for _, bad := range []*Pattern{
		nil,
		{Kind: KindJSON},
		{Kind: KindRegex},
		{Kind: Kind(99)},
		{Kind: KindJSON, JSON: &Condition{Op: OpEq, Value: Value{Kind: ValueString, Str: "x"}}},
		{Kind: KindJSON, JSON: &Condition{Selector: sel("a"), Op: OpEq}},
		{Kind: KindDelimited, Delimited: []Field{{Ellipsis: true}, {Ellipsis: true}}},
	} {
		if _, err := NewMatcher(bad); err == nil {
			t.Errorf("NewMatcher(%+v) accepted an invalid AST", bad)
		}
	}
}

func TestMustCompilePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic on an invalid pattern")
		}
	}()
	MustCompile(`{ $.a = `)
}

// TestMatchAllocs pins the zero-allocation promise on non-matching events,
// both those the prefilter rejects and those that reach the scanner.
func TestMatchAllocs(t *testing.T) {
	root := `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"1","invokedBy":"support.amazonaws.com"},"eventTime":"2024-06-02T14:03:38Z","eventType":"AwsApiCall","requestParameters":{"a":[1,2,{"b":"c\"d"}]},"responseElements":null,"readOnly":true}`
	iam := strings.Replace(root, `"Root"`, `"IAMUser"`, 1)
	// long holds wildcard pieces longer than 32 bytes (the size up to which a
	// non-escaping []byte(string) needs no heap copy) in another field, so
	// the prefilter passes and the glob on eventType runs and fails.
	long := strings.Replace(root, `"readOnly":true`, `"readOnly":true,"note":"AwsApiCall-prefix-piece-longer-than-thirty-two-bytes a-middle-piece-longer-than-thirty-two-bytes suffix-piece-longer-than-thirty-two-bytes"`, 1)
	cases := []struct {
		pattern, event string
		pooled         bool // uses regexp, whose pooled machines allocate under -race
	}{
		{cisPattern, iam, false},  // prefilter rejects
		{cisPattern, root, false}, // scanner: invokedBy present
		{`{ $.eventTime = "2024*" && $.readOnly IS FALSE }`, root, false},
		{`{ $.requestParameters.a[*].b = "x*" }`, root, false},
		{`{ $.userIdentity.principalId > 5 }`, root, false},
		{`{ $.* = %zzz% }`, root, true},
		{`ERROR -ARGUMENTS`, root, false},
		{`[a, b=x*, ..., c>10]`, `one two three 4`, false},
		{`{ $.eventType = "*a-middle-piece-longer-than-thirty-two-bytes*" }`, long, false},
		{`{ $.eventType = "Aws*a-middle-piece-longer-than-thirty-two-bytes*Call" }`, long, false},
		{`{ $.eventType = "AwsApiCall-prefix-piece-longer-than-thirty-two-bytes*" }`, long, false},
		{`{ $.eventType = "*suffix-piece-longer-than-thirty-two-bytes" }`, long, false},
	}
	for _, c := range cases {
		if c.pooled && raceEnabled {
			continue
		}
		m := MustCompile(c.pattern)
		ev := []byte(c.event)
		if m.Match(ev) {
			t.Fatalf("%s matched %s; the test wants a non-matching event", c.pattern, c.event)
		}
		if n := testing.AllocsPerRun(100, func() { m.Match(ev) }); n != 0 {
			t.Errorf("Match(%s) allocates %.1f times per event", c.pattern, n)
		}
	}
}

const cisPattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`

// TestMatchConcurrent runs one matcher from many goroutines (run with -race).
func TestMatchConcurrent(t *testing.T) {
	m := MustCompile(`{ $.a = %x.y% || $.b[*] = "q*" }`)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				ev := fmt.Sprintf(`{"a":"x%dy","b":["z","q%d"]}`, i%3, i)
				if !m.Match([]byte(ev)) {
					t.Errorf("no match for %s", ev)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPrefilterNeedles(t *testing.T) {
	cases := []struct {
		pattern string
		want    []string // nil: no prefilter
	}{
		{cisPattern, []string{`"Root"`}},
		{`{ $.a = "AccessDenied*" || $.a = "*UnauthorizedOperation" }`, []string{`"AccessDenied`, `UnauthorizedOperation"`}},
		{`{ $.a = 4* }`, []string{`4`}},
		{`{ $.a != "x" }`, []string{`"a"`}},
		{`{ $.a NOT EXISTS }`, nil},
		{`{ $.a NOT EXISTS || $.b = "long value" }`, nil},
		{`{ $.a = "x/yy" }`, []string{`yy"`}},
		{`{ $.* = "x" }`, []string{`"x"`}},
		{`{ $.* > 1 }`, nil},
	}
	for _, c := range cases {
		m := MustCompile(c.pattern)
		var got []string
		for _, n := range m.pre.needles {
			got = append(got, n.s)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: needles %q, want %q", c.pattern, got, c.want)
		}
	}
}

func TestNeedleIndex(t *testing.T) {
	for _, c := range []struct {
		needle, hay string
		want        int
	}{
		{`"Root"`, `{"type":"Root"}`, 8},
		{`"Root"`, `RRRR"Root"`, 4},
		{`"Root"`, `"Roo`, -1},
		{`"Root"`, `Root"`, -1},
		{`ab`, `xxab`, 2},
		{`a`, `xxa`, 2},
		{``, `x`, 0},
	} {
		n := newNeedle(c.needle)
		if got := n.index([]byte(c.hay)); got != c.want {
			t.Errorf("index(%q in %q) = %d, want %d", c.needle, c.hay, got, c.want)
		}
	}
}

// TestPrefilterEscapes checks the escape fallback: an escape that spells a
// needle byte sends the event to full evaluation, any other escape does not.
func TestPrefilterEscapes(t *testing.T) {
	m := MustCompile(cisPattern)
	for _, c := range []struct {
		event     string
		candidate bool
	}{
		{`{"userIdentity":{"type":"IAMUser"},"q":"a\u003cb"}`, false},
		{`{"userIdentity":{"type":"IAMUser"},"q":"a\"b\\c\/d"}`, false},
		{`{"userIdentity":{"type":"R\u006fot"}}`, true},
		{`{"userIdentity":{"type":"\u0052oot"}}`, true},
		{`{"q":"caf\u00e9"}`, false},
		{`{"q":"bad \u00"}`, true},
		{`{"q":"\\u0052"}`, false}, // an escaped backslash, then the text u0052
	} {
		if got := m.pre.mayMatch([]byte(c.event)); got != c.candidate {
			t.Errorf("mayMatch(%s) = %v, want %v", c.event, got, c.candidate)
		}
	}
	nonASCII := MustCompile(`{ $.name = "café" }`)
	if !nonASCII.Match([]byte(`{"name":"caf\u00e9"}`)) {
		t.Error("an escaped non-ASCII character did not reach full evaluation")
	}
	ev := []byte(`{"userIdentity":{"type":"IAMUser"},"q":"a\u003cb"}`)
	if n := testing.AllocsPerRun(100, func() { m.Match(ev) }); n != 0 {
		t.Errorf("Match allocates %.1f times on an event with a harmless escape", n)
	}
}
