package filterpattern

import (
	"testing"
	"unicode/utf8"
)

// matchSeeds are (pattern, event) pairs that reach every part of the fast
// path: the prefilter and its escape fallback, the scanner's skipping of
// nested values, wildcard selectors, duplicates, numbers, and each pattern
// kind. The committed corpus in testdata/fuzz/FuzzMatch holds more.
var matchSeeds = [][2]string{
	{cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}`},
	{cisPattern, `{"userIdentity":{"type":"R\u006fot"},"eventType":"AwsConsoleSignIn"}`},
	{cisPattern, `{"userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"},"eventType":"AwsApiCall"}`},
	{cisPattern, `{"userIdentity":{"type":"Root"}}`},
	// Not well-formed JSON yet holding the values (issue 13): not judged.
	{cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"\x"}`},
	{cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"\uZZZZ"}`},
	{cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","n":1.2.3}`},
	{cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent"}`},
	{`{ $.a[*].b = "x*y" || $.c.* > 10 }`, `{"a":[{"b":"xzy"},1,null],"c":{"d":11}}`},
	{`{ $.a IS NULL && $.b NOT EXISTS }`, `{"a":null,"a":1}`},
	{`{ $.['a.b'][0] = 1e3 }`, `{"a.b":[1000.0]}`},
	{`{ $.a = %^ab{,2}$% }`, `{"a":"abb"}`},
	{`{ $.a != "q\"r" }`, `{"a":"q\"r"}`},
	{`?ERROR ?WARN -x`, `an ERROR`},
	{`"a b" c`, `c a b`},
	{`%[0-9]{3}%`, `code 404`},
	{`[a, b=x*, ..., c>10]`, `one xy "two three" [4 5] 11`},
	{`[w1=ERROR || w1=%WARN%, w2]`, `WARNING something`},
}

// FuzzMatch checks that Match never panics and agrees with the slow
// reference evaluator (reference_test.go) on every pattern the parser
// accepts. Events that are not valid UTF-8 are only checked for panics:
// encoding/json replaces invalid bytes, CloudWatch Logs refuses them at
// ingestion, and the matcher compares bytes as they are.
func FuzzMatch(f *testing.F) {
	for _, s := range matchSeeds {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, pattern string, event []byte) {
		p, err := Parse(pattern)
		if err != nil {
			return
		}
		m, err := NewMatcher(p)
		if err != nil {
			t.Fatalf("Parse accepted %q but NewMatcher rejects it: %v", pattern, err)
		}
		got := m.Match(event)
		matched, judged := m.Judge(event)
		if matched != got || !judged && (matched || p.Kind != KindJSON || isJSONObject(event)) {
			t.Fatalf("Judge(%q, %q) = %v, %v; Match says %v", pattern, event, matched, judged, got)
		}
		if !utf8.Valid(event) {
			return
		}
		if want := refMatch(p, event); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference evaluator says %v", pattern, event, got, want)
		}
	})
}

// TestMatchAgreesWithReference runs the reference check over the product
// of a set of patterns and events, CloudTrail-shaped and not, so that the
// check does not depend on a fuzzing run.
func TestMatchAgreesWithReference(t *testing.T) {
	patterns := []string{
		cisPattern,
		`{ $.userIdentity.type = "Root" }`,
		`{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }`,
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`,
		`{ $.resources[*].ARN = "arn:aws:s3:::*" }`,
		`{ $.resources[0].type NOT EXISTS }`,
		`{ $.* = "Root" }`,
		`{ $.userIdentity.* = %Ro.t% }`,
		`{ $.readOnly IS TRUE || $.responseElements IS NULL }`,
		`{ $.n > 1 && $.n < 1e3 || $.n = 4* }`,
		`{ $.a.b.c != "x" }`,
		`Root -IAMUser`,
		`?Root ?"AssumeRoot"`,
		`%\x22type\x22:\x22Ro{1,2}t\x22%`,
		`[a, b, ...]`,
		`[..., last="*}"]`,
		`[a="*{*", b]`,
	}
	events := []string{
		`{"userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"},"eventType":"AwsApiCall","readOnly":true}`,
		`{"userIdentity":{"type":"Root","invokedBy":"x"},"eventType":"AwsApiCall"}`,
		`{"userIdentity":{"type":"Root"},"eventType":"AwsServiceEvent","responseElements":null}`,
		`{"userIdentity":{"type":"Root"}}`,
		`{"userIdentity":{"type":"IAMUser","userName":"Root"},"eventType":"AwsApiCall"}`,
		`{"userIdentity":{"type":"R\u006f\u006ft"},"eventType":"Aws\u0041piCall"}`,
		`{"userIdentity":{"type":"\u0052oot"},"eventType":"AwsApiCall"}`,
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"}}`,
		`{"eventName":"ConsoleLogin"}`,
		`{"errorCode":"Client.UnauthorizedOperation"}`,
		`{"errorCode":"AccessDeniedException"}`,
		`{"resources":[{"ARN":"arn:aws:s3:::bucket","type":"AWS::S3::Bucket"},{"ARN":"x"}]}`,
		`{"resources":[]}`,
		`{"resources":{"ARN":"arn:aws:s3:::b"}}`,
		`{"n":404}`, `{"n":"404"}`, `{"n":-5e-1}`, `{"n":2}`, `{"n":1000}`,
		`{"a":{"b":{"c":"y"}}}`, `{"a":{"b":{"c":["y"]}}}`, `{"a":{"b":null}}`,
		`{"readOnly":false,"responseElements":{}}`,
		`{"type":"Root"}`, `{"Root":"type"}`,
		`[{"userIdentity":{"type":"Root"}}]`,
		`{"userIdentity":{"type":"Root"},}`,
		`not json at all Root`,
		`a b c d`, `one`, `x "quoted field" [bracketed one] }`, `{ a b`,
		``,
	}
	for _, ps := range patterns {
		p, err := Parse(ps)
		if err != nil {
			t.Fatalf("Parse(%q): %v", ps, err)
		}
		m, err := NewMatcher(p)
		if err != nil {
			t.Fatalf("NewMatcher(%q): %v", ps, err)
		}
		for _, ev := range events {
			if got, want := m.Match([]byte(ev)), refMatch(p, []byte(ev)); got != want {
				t.Errorf("Match(%s, %s) = %v, reference says %v", ps, ev, got, want)
			}
		}
	}
}
