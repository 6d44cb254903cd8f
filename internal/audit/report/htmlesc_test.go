package report

import (
	"html/template"
	"strings"
	"testing"
)

// The HTML report escapes by hand (see HTML); html/template is the
// reference it must agree with, in every context the page puts a value:
// element content, <title>, a quoted attribute, a URL fragment in href.
var escapeReference = template.Must(template.New("ref").Parse(
	`<title>{{.}}</title>|<p>{{.}}</p>|<td class="st {{.}}">|<a href="#a{{.}}">`))

func escapeMine(s string) string {
	return `<title>` + escapeHTML(s) + `</title>|<p>` + escapeHTML(s) + `</p>|<td class="st ` + escapeHTML(s) +
		`">|<a href="#a` + escapeHTML(escapeURLPart(s)) + `">`
}

func checkEscape(t *testing.T, s string) {
	t.Helper()
	var want strings.Builder
	if err := escapeReference.Execute(&want, s); err != nil {
		t.Fatal(err)
	}
	if got := escapeMine(s); got != want.String() {
		t.Errorf("escaping %q:\n got %s\nwant %s", s, got, want.String())
	}
}

func TestEscapeAgreesWithHTMLTemplate(t *testing.T) {
	for _, s := range []string{
		"", "111122223333", "PASS", `<script>alert("x")</script>`, `" onmouseover="x`, "a'b&c+d<e>f",
		"\x00nul", "bad utf-8 \xff\xfe", "ünïcödé — “quotes”", "javascript:alert(1)", "a b/c?d=e#f%20",
		"\u2028\u2029", "\ufdd0\uffff", "&amp;", "--><!--",
	} {
		checkEscape(t, s)
	}
}

func FuzzEscape(f *testing.F) {
	f.Add(`<b a="1">x&y+z'</b>`)
	f.Add("\x00\xff#%")
	f.Fuzz(func(t *testing.T, s string) { checkEscape(t, s) })
}
