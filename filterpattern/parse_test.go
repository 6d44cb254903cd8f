package filterpattern

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// normalize returns a copy of p without what printing does not keep:
// source text, byte positions, and whether a value was quoted (canonical
// JSON always quotes strings; quotes never change a value's meaning).
func normalize(p *Pattern) *Pattern {
	q := *p
	q.Source = ""
	q.Terms = nil
	for _, t := range p.Terms {
		t.Pos = 0
		q.Terms = append(q.Terms, t)
	}
	if p.Regex != nil {
		q.Regex = &Regex{Source: p.Regex.Source}
	}
	q.JSON = normExpr(p.JSON)
	q.Delimited = nil
	for _, f := range p.Delimited {
		f.Pos = 0
		f.Cond = normExpr(f.Cond)
		q.Delimited = append(q.Delimited, f)
	}
	return &q
}

func normExpr(e Expr) Expr {
	switch e := e.(type) {
	case *Binary:
		return &Binary{Op: e.Op, Left: normExpr(e.Left), Right: normExpr(e.Right)}
	case *Condition:
		c := *e
		c.Pos = 0
		if e.Selector != nil {
			c.Selector = &Selector{Steps: e.Selector.Steps}
		}
		c.Value.Pos = 0
		c.Value.Quoted = false
		if e.Value.Regex != nil {
			c.Value.Regex = &Regex{Source: e.Value.Regex.Source}
		}
		return &c
	}
	return nil
}

// checkRoundTrip asserts print → parse gives the same tree and the same text.
func checkRoundTrip(t *testing.T, src string, p *Pattern) {
	t.Helper()
	canon := p.String()
	p2, err := parseUnlimited(canon)
	if err != nil {
		t.Fatalf("canonical form of %q does not parse: %q: %v", src, canon, err)
	}
	if !reflect.DeepEqual(normalize(p), normalize(p2)) {
		t.Fatalf("round trip of %q changed the tree:\ncanonical %q\n first %#v\nsecond %#v", src, canon, normalize(p), normalize(p2))
	}
	if again := p2.String(); again != canon {
		t.Fatalf("printing is not stable for %q: %q then %q", src, canon, again)
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		src   string
		kind  Kind
		canon string
	}{
		// Unstructured terms (AWS "match terms in unstructured log events").
		{"", KindTerms, ""},
		{"   ", KindTerms, ""},
		{`" "`, KindTerms, ""},
		{`""`, KindTerms, ""},
		{"ERROR", KindTerms, "ERROR"},
		{"ERROR ARGUMENTS", KindTerms, "ERROR ARGUMENTS"},
		{"  ERROR \t ARGUMENTS  ", KindTerms, "ERROR ARGUMENTS"},
		{`"INTERNAL SERVER ERROR"`, KindTerms, `"INTERNAL SERVER ERROR"`},
		{`"ERROR" "Exception"`, KindTerms, `"ERROR" "Exception"`},
		{"?ERROR ?ARGUMENTS", KindTerms, "?ERROR ?ARGUMENTS"},
		{"ERROR -ARGUMENTS", KindTerms, "ERROR -ARGUMENTS"},
		{"-ERROR", KindTerms, "-ERROR"},
		{`?"clean up" ?ERROR`, KindTerms, `?"clean up" ?ERROR`},
		{`-"not found"`, KindTerms, `-"not found"`},
		{`"ERROR" - "Exiting"`, KindTerms, `"ERROR" -"Exiting"`},
		{`? ERROR ?  WARN`, KindTerms, `?ERROR ?WARN`},
		{"Failed to process the request", KindTerms, "Failed to process the request"},
		{"404", KindTerms, "404"},
		{`"user@example.com" "/var/log"`, KindTerms, `"user@example.com" "/var/log"`},
		{`"say \"hi\"" "back\\slash"`, KindTerms, `"say \"hi\"" "back\\slash"`},
		{`"a\b"`, KindTerms, `"a\\b"`},
		{`ERROR " "`, KindTerms, "ERROR"},
		{`?" " ?ERROR`, KindTerms, `?" " ?ERROR`},

		// Standalone regular expressions ("Supported regular expressions").
		{"%AUTHORIZED%", KindRegex, "%AUTHORIZED%"},
		{"%^[hc]at%", KindRegex, "%^[hc]at%"},
		{"%[hc]at$%", KindRegex, "%[hc]at$%"},
		{"%colou?r%", KindRegex, "%colou?r%"},
		{"%[abcx-z]%", KindRegex, "%[abcx-z]%"},
		{`%a\\p%`, KindRegex, `%a\\p%`}, // an escaped backslash, then a plain p
		{"%a{3,5}%", KindRegex, "%a{3,5}%"},
		{"%a{3,}%", KindRegex, "%a{3,}%"},
		{"%a{,5}%", KindRegex, "%a{,5}%"},
		{"%gra|ey%", KindRegex, "%gra|ey%"},
		{"%[^c]at%", KindRegex, "%[^c]at%"},
		{`%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`, KindRegex, `%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`},
		{"%[Ee]rror|[Ff]ail%", KindRegex, "%[Ee]rror|[Ff]ail%"},
		{"%^starting|^initializing|^shutting down%", KindRegex, "%^starting|^initializing|^shutting down%"},
		{`%\x3A%`, KindRegex, `%\x3A%`},
		{`%\x28\w+\x29%`, KindRegex, `%\x28\w+\x29%`},
		{`%\s\S\D\W%`, KindRegex, `%\s\S\D\W%`},
		{"%a:b_c#d=e@f/g;h,i-j%", KindRegex, "%a:b_c#d=e@f/g;h,i-j%"},
		{"  %ERROR%  ", KindRegex, "%ERROR%"},

		// JSON patterns ("match terms in JSON log events").
		{`{ $.eventType = "UpdateTrail" }`, KindJSON, `{ $.eventType = "UpdateTrail" }`},
		{`{$.eventType="UpdateTrail"}`, KindJSON, `{ $.eventType = "UpdateTrail" }`},
		{`{ $.eventType = UpdateTrail }`, KindJSON, `{ $.eventType = "UpdateTrail" }`},
		{`{ $.sourceIPAddress != 123.123.* }`, KindJSON, `{ $.sourceIPAddress != "123.123.*" }`},
		{`{ $.arrayKey[0] = "value" }`, KindJSON, `{ $.arrayKey[0] = "value" }`},
		{`{ $.objectList[1].id = 2 }`, KindJSON, `{ $.objectList[1].id = 2 }`},
		{`{ $.coordinates[0][1] = 330 }`, KindJSON, `{ $.coordinates[0][1] = 330 }`},
		{`{ $.eventType = %Trail% }`, KindJSON, `{ $.eventType = %Trail% }`},
		{`{ $.arrayKey[*] = %val.{2}% }`, KindJSON, `{ $.arrayKey[*] = %val.{2}% }`},
		{`{ $.* = %111\.111\.111\.1[0-9]{1,2}% }`, KindJSON, `{ $.* = %111\.111\.111\.1[0-9]{1,2}% }`},
		{`{ $.['cluster.name'] = "value" }`, KindJSON, `{ $.['cluster.name'] = "value" }`},
		{`{ $.a['b.c'].d = 1 }`, KindJSON, `{ $.a.['b.c'].d = 1 }`},
		{`{ $.latency = * }`, KindJSON, `{ $.latency = "*" }`},
		{`{ $.eventType = "*" }`, KindJSON, `{ $.eventType = "*" }`},
		{`{ $.bandwidth > 75 }`, KindJSON, `{ $.bandwidth > 75 }`},
		{`{ $.latency < 50 }`, KindJSON, `{ $.latency < 50 }`},
		{`{ $.refreshRate >= 60 }`, KindJSON, `{ $.refreshRate >= 60 }`},
		{`{ $.responseTime <= 5 }`, KindJSON, `{ $.responseTime <= 5 }`},
		{`{ $.errorCode = 400 }`, KindJSON, `{ $.errorCode = 400 }`},
		{`{ $.errorCode != 500 }`, KindJSON, `{ $.errorCode != 500 }`},
		{`{ $.number[0] = 1e-3 }`, KindJSON, `{ $.number[0] = 1e-3 }`},
		{`{ $.number[0] != 1e+3 }`, KindJSON, `{ $.number[0] != 1e+3 }`},
		{`{ $.n > -1.5 && $.m < +1000 && $.k = 10E3 && $.j = .5 }`, KindJSON, `{ $.n > -1.5 && $.m < +1000 && $.k = 10E3 && $.j = .5 }`},
		{`{ $.objectList[0].isActive IS TRUE }`, KindJSON, `{ $.objectList[0].isActive IS TRUE }`},
		{`{ $.isActive IS FALSE }`, KindJSON, `{ $.isActive IS FALSE }`},
		{`{ $.user.name IS NULL }`, KindJSON, `{ $.user.name IS NULL }`},
		{`{ $.SomeObject NOT EXISTS }`, KindJSON, `{ $.SomeObject NOT EXISTS }`},
		{`{ $.user-agent = "curl" && $.my_field = x }`, KindJSON, `{ $.user-agent = "curl" && $.my_field = "x" }`},
		{`{ $.user.id = 1 && $.users[0].email = "John.Doe@example.com" }`, KindJSON, `{ $.user.id = 1 && $.users[0].email = "John.Doe@example.com" }`},
		{`{ ($.user.id = 2 && $.users[0].email = "John.Doe@example.com") || $.actions[2] = "GET" }`, KindJSON, `{ $.user.id = 2 && $.users[0].email = "John.Doe@example.com" || $.actions[2] = "GET" }`},
		{`{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, KindJSON, `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nomatch" }`},
		{`{ ($.a = 1 || $.b = 2) && $.c = 3 }`, KindJSON, `{ ($.a = 1 || $.b = 2) && $.c = 3 }`},
		{`{ $.a = 1 && ($.b = 2 || $.c = 3) }`, KindJSON, `{ $.a = 1 && ($.b = 2 || $.c = 3) }`},
		{`{ ((($.a = 1))) }`, KindJSON, `{ $.a = 1 }`},
		{`{ $.a = 1 || ($.b = 2 || $.c = 3) }`, KindJSON, `{ $.a = 1 || $.b = 2 || $.c = 3 }`},
		{`{ $.a = 1 && ($.b = 2 && $.c = 3) }`, KindJSON, `{ $.a = 1 && $.b = 2 && $.c = 3 }`},
		{`{ $.a = "say \"hi\"" }`, KindJSON, `{ $.a = "say \"hi\"" }`},
		{`{ $.a = "" }`, KindJSON, `{ $.a = "" }`},
		{`{ $.a = "400" }`, KindJSON, `{ $.a = "400" }`},
		{`{ $.arn = arn:aws:iam::123456789012:root }`, KindJSON, `{ $.arn = "arn:aws:iam::123456789012:root" }`},
		{`{ $.path = /var/log/*.log }`, KindJSON, `{ $.path = "/var/log/*.log" }`},
		{`{ $.a[*] = 1 && $.b.* = 2 && $.c[*].d = 3 }`, KindJSON, `{ $.a[*] = 1 && $.b.* = 2 && $.c[*].d = 3 }`},
		{`{ $.a = %x% && $.b = %y% }`, KindJSON, `{ $.a = %x% && $.b = %y% }`},
		{"{\n  $.a = 1\n  && $.b = 2\n}", KindJSON, `{ $.a = 1 && $.b = 2 }`},
		{`  { $.a = 1 }  `, KindJSON, `{ $.a = 1 }`},

		// Space-delimited patterns.
		{"[ip, user, username, timestamp, request, status_code, bytes]", KindDelimited, "[ip, user, username, timestamp, request, status_code, bytes]"},
		{"[w1=ERROR, w2]", KindDelimited, "[w1=ERROR, w2]"},
		{"[w1=ERROR || w1=%WARN%, w2]", KindDelimited, "[w1=ERROR || w1=%WARN%, w2]"},
		{"[w1!=ERROR&&w1!=WARN, w2]", KindDelimited, "[w1!=ERROR && w1!=WARN, w2]"},
		{"[ip, user, username, timestamp, request=*.html*, status_code=4*,]", KindDelimited, "[ip, user, username, timestamp, request=*.html*, status_code=4*, ]"},
		{"[..., status_code, bytes]", KindDelimited, "[..., status_code, bytes]"},
		{"[ip, user, ..., status_code, bytes]", KindDelimited, "[ip, user, ..., status_code, bytes]"},
		{"[ip, user, ...]", KindDelimited, "[ip, user, ...]"},
		{`[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request, status_code, bytes]`, KindDelimited, `[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request, status_code, bytes]`},
		{"[..., status_code = 404 || status_code = 410, bytes]", KindDelimited, "[..., status_code=404 || status_code=410, bytes]"},
		{"[..., status_code = 4* && status_code != 403, bytes]", KindDelimited, "[..., status_code=4* && status_code!=403, bytes]"},
		{"[ip, user, username, timestamp, request, status_code, bytes > 1000]", KindDelimited, "[ip, user, username, timestamp, request, status_code, bytes>1000]"},
		{`[ip, user, username, timestamp, request = "*/metadata*", status_code, size]`, KindDelimited, `[ip, user, username, timestamp, request="*/metadata*", status_code, size]`},
		{`[a="404", b=...]`, KindDelimited, `[a="404", b="..."]`},
		{"[a, , b]", KindDelimited, "[a, , b]"},
		{"[]", KindDelimited, "[]"},
		{"[a=1 || a=2 && a<5]", KindDelimited, "[a=1 || a=2 && a<5]"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if p.Kind != tt.kind {
				t.Errorf("kind = %v, want %v", p.Kind, tt.kind)
			}
			if p.Source != tt.src {
				t.Errorf("Source = %q, want the input", p.Source)
			}
			if got := p.String(); got != tt.canon {
				t.Errorf("String() = %q, want %q", got, tt.canon)
			}
			checkRoundTrip(t, tt.src, p)
		})
	}
}

func TestParseInvalid(t *testing.T) {
	long := "{ $.a = \"" + strings.Repeat("x", 1020) + "\" }"
	tests := []struct {
		src    string
		column int
		msg    string // substring of the message
	}{
		// Terms.
		{"ERROR@host", 6, "unquoted terms may hold only letters, digits and _"},
		{"user/name", 5, "double quotes"},
		{"ERROR:", 6, "double quotes"},
		{"a.b", 2, "double quotes"},
		{"café", 4, "double quotes"},
		{`"unterminated`, 1, "unterminated quoted string"},
		{`"a"b`, 4, "expected a space after the quoted term"},
		{"-", 2, "expected a term after"},
		{"ERROR - ", 9, "expected a term after"},
		{"--x", 2, "a term takes one prefix"},
		{"-?x", 2, "a term takes one prefix"},
		{"ERROR %foo%", 7, "double quotes"},
		{"ERROR 'x'", 7, "double quotes"},

		// Standalone regex.
		{"%foo(bar)%", 5, "parentheses are not supported"},
		{"%something!%", 11, `character "!" is not supported`},
		{"%é%", 2, "multi-byte"},
		{"%unterminated", 1, "unterminated regular expression"},
		{"%%", 1, "empty regular expression"},
		{"%foo% bar", 7, "cannot be combined"},
		{"%[abc%", 2, "invalid regular expression"},
		{"%a\tb%", 3, "not supported"},
		{`%\pC%`, 2, `escape \p is not supported`},
		{`{ $.a = %\PL% }`, 10, `escape \P is not supported`},
		{`%\Qx\E%`, 2, `escape \Q is not supported`},
		{`%\(%`, 3, "parentheses are not supported"},

		// JSON.
		{`{ $.a = 1`, 10, "If a filter pattern starts with '{' it must end with '}'"},
		{`{ status = "401" }`, 3, `must start with "$."`},
		{`{ $.a IS NOT NULL }`, 10, "IS NOT is not supported"},
		{`{ $.a EXISTS }`, 7, "EXISTS is not supported"},
		{`{ $.a = 'Root' }`, 9, "single quotes"},
		{`{ $.a == 1 }`, 7, `"==" is not an operator`},
		{`{ $.a > "5" }`, 9, "compares numbers only"},
		{`{ $.a > abc }`, 9, "compares numbers only"},
		{`{ $.a >= 4* }`, 10, "compares numbers only"},
		{`{ $.a < %x% }`, 9, "compares numbers only"},
		{`{ $.a[*].b[*] = 1 }`, 11, "at most 1 wildcard"},
		{`{ $.*.b.* = 1 }`, 8, "at most 1 wildcard"},
		{`{ $.a[*] = 1 && $.b[*] = 1 && $.c.* = 1 && $.d[*] = 1 }`, 44, "at most 3 selectors with a wildcard"},
		{`{ $.a = %x% && $.b = %y% && $.c = %z% }`, 35, "at most 2 regular expressions"},
		{`{ $.a = %a(b% }`, 11, "parentheses"},
		{`{ $.a is null }`, 7, "keywords are upper case"},
		{`{ $.a IS null }`, 10, "expected NULL, TRUE or FALSE after IS"},
		{`{ $.a NOT NULL }`, 11, "expected EXISTS after NOT"},
		{`{}`, 2, "expected selector"},
		{`{ }`, 3, "expected selector"},
		{`{ $.a = 1 } extra }`, 13, `expected end of pattern after the closing "}"`},
		{`{ ($.a = 1 }`, 12, `expected "&&", "||" or ")"`},
		{`{ $.a = 1 && }`, 14, "expected selector"},
		{`{ $.a = 1 || }`, 14, "expected selector"},
		{`{ $. = 1 }`, 5, "expected a property name"},
		{`{ $ = 1 }`, 4, `a selector starts with "$."`},
		{`{ $[0] = 1 }`, 4, "array index must follow a property"},
		{`{ $.a[x] = 1 }`, 7, "expected an array index"},
		{`{ $.a[1 = 1 }`, 8, `expected "]" after array index`},
		{`{ $.['a.b = 1 }`, 6, "unterminated key"},
		{`{ $.a = x y }`, 11, `expected "&&", "||" or "}" after condition`},
		{`{ $.a = 1 & $.b = 2 }`, 11, `single "&" is not an operator`},
		{`{ $.a = 1 | $.b = 2 }`, 11, `single "|" is not an operator`},
		{`{ $.a = "x\" }`, 9, "unterminated quoted string"},
		{`{ $.a = }`, 9, "expected value"},
		{`{ $.a }`, 7, "expected operator"},
		{`{ $.a ! 1 }`, 7, `"!" is not an operator`},
		{`{ $.a = x@y }`, 10, "double quotes"},
		{`{ $.a = $x }`, 10, `a selector starts with "$."`},
		{`{ $.@timestamp = 1 }`, 5, "expected a property name"},
		{`{ $.a = 1 } }`, 13, "expected end of pattern"},
		{`{ [a] }`, 3, "expected selector"},
		{long, 1025, "longer than 1024 characters"},

		// Space-delimited.
		{"[a, b", 6, "must end with ']'"},
		{"[a, ..., b, ...]", 13, `"..." only once`},
		{"[..., status_code = 4* && bytes > 1000]", 27, `that entry's field "status_code"`},
		{"[w1=ERROR || W1=WARNING, w2]", 14, `that entry's field "w1"`},
		{"[a b]", 4, `expected "," or "]" after field`},
		{"[a=]", 4, "expected value"},
		{"[a.b, c]", 3, "field name"},
		{"[a > x]", 6, "compares numbers only"},
		{"[a=%x%, b=%y%, c=%z%]", 18, "at most 2 regular expressions"},
		{"[a=1 && b]", 9, `that entry's field "a"`},
		{"[a=1 && a]", 10, "expected operator"},
		{"[a IS NULL]", 4, `expected "," or "]"`},
		{"[(a=1)]", 2, "expected field name"},
		{"[a] x]", 5, "expected end of pattern"},
		{"[a='x']", 4, "single quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := Parse(tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tt.src, p.String())
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is %T, want *SyntaxError", err, err)
			}
			if se.Column != tt.column {
				t.Errorf("column = %d, want %d (%v)\n%s", se.Column, tt.column, err, se.Caret())
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", se.Msg, tt.msg)
			}
			if se.Pattern != tt.src {
				t.Errorf("Pattern = %q, want the input", se.Pattern)
			}
			if !strings.HasPrefix(err.Error(), "column ") {
				t.Errorf("Error() = %q, want it to start with the column", err.Error())
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	exact := "{ $.a = \"" + strings.Repeat("x", MaxPatternLength-12) + "\" }"
	if n := len(exact); n != MaxPatternLength {
		t.Fatalf("test pattern has %d characters", n)
	}
	if _, err := Parse(exact); err != nil {
		t.Errorf("a pattern of exactly %d characters must parse: %v", MaxPatternLength, err)
	}
	// The limit counts characters, not bytes.
	multi := `"` + strings.Repeat("é", MaxPatternLength-2) + `"`
	if _, err := Parse(multi); err != nil {
		t.Errorf("%d characters of 2 bytes each must parse: %v", MaxPatternLength, err)
	}
	three := `{ $.a[*] = 1 && $.b[*] = 1 && $.c.* = 1 && $.d = 1 }`
	if _, err := Parse(three); err != nil {
		t.Errorf("three wildcard selectors must parse: %v", err)
	}
}

func TestParseAST(t *testing.T) {
	p, err := Parse(`{ $.a.['b.c'][2][*] != "x\\y" || $.n >= -1e3 && $.z NOT EXISTS }`)
	if err != nil {
		t.Fatal(err)
	}
	or, ok := p.JSON.(*Binary)
	if !ok || or.Op != OpOr {
		t.Fatalf("top is %#v, want ||", p.JSON)
	}
	c := or.Left.(*Condition)
	wantSteps := []Step{
		{Kind: StepField, Name: "a"},
		{Kind: StepField, Name: "b.c", Bracket: true},
		{Kind: StepIndex, Index: 2},
		{Kind: StepAnyIndex},
	}
	if !reflect.DeepEqual(c.Selector.Steps, wantSteps) {
		t.Errorf("steps = %#v", c.Selector.Steps)
	}
	if c.Op != OpNe || c.Value.Kind != ValueString || c.Value.Str != `x\y` || !c.Value.Quoted || c.Pos != 2 || c.Value.Pos != 23 {
		t.Errorf("condition = %#v", c)
	}
	and := or.Right.(*Binary)
	n := and.Left.(*Condition)
	if n.Op != OpGe || n.Value.Kind != ValueNumber || n.Value.Num != -1000 || n.Value.Str != "-1e3" {
		t.Errorf("number condition = %#v", n)
	}
	if z := and.Right.(*Condition); z.Op != OpNotExists || z.Value.Kind != ValueNone {
		t.Errorf("NOT EXISTS condition = %#v", z)
	}

	d, err := Parse(`[ip, ..., status_code = 4* && status_code != 403, size]`)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Delimited) != 4 || !d.Delimited[1].Ellipsis || d.Delimited[0].Name != "ip" || d.Delimited[2].Name != "status_code" {
		t.Fatalf("fields = %#v", d.Delimited)
	}
	b := d.Delimited[2].Cond.(*Binary)
	l, r := b.Left.(*Condition), b.Right.(*Condition)
	if l.Field != "status_code" || l.Selector != nil || l.Value.Kind != ValueString || l.Value.Str != "4*" || r.Value.Kind != ValueNumber || r.Value.Num != 403 {
		t.Errorf("conditions = %#v %#v", l, r)
	}

	tp, err := Parse(`?ERROR -"bad thing" plain`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Term{
		{Prefix: PrefixOptional, Text: "ERROR", Pos: 0},
		{Prefix: PrefixExclude, Text: "bad thing", Quoted: true, Pos: 7},
		{Prefix: PrefixNone, Text: "plain", Pos: 20},
	}
	if !reflect.DeepEqual(tp.Terms, want) {
		t.Errorf("terms = %#v", tp.Terms)
	}
	rp, err := Parse(" %a{,3}% ")
	if err != nil {
		t.Fatal(err)
	}
	if rp.Regex.Source != "a{,3}" || rp.Regex.Pos != 1 || rp.Regex.RE2() != "a{0,3}" {
		t.Errorf("regex = %#v, RE2 %q", rp.Regex, rp.Regex.RE2())
	}
}

func TestRE2Translation(t *testing.T) {
	tests := map[string]string{
		"a{,3}":      "a{0,3}",
		"a{1,3}":     "a{1,3}",
		`\{,3}`:      `\{,3}`,
		"[{,3}]":     "[{,3}]",
		"[]{,3}]x":   "[]{,3}]x",
		"[^]{,]{,2}": "[^]{,]{0,2}",
		"a{,}":       "a{,}",
		"x{,12}y{,}": "x{0,12}y{,}",
	}
	for in, want := range tests {
		if got := awsRegexToRE2(in); got != want {
			t.Errorf("awsRegexToRE2(%q) = %q, want %q", in, got, want)
		}
	}
}
