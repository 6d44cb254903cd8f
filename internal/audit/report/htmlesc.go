package report

import "strings"

// escapeHTML escapes s for HTML element content, RCDATA (<title>) and
// quoted attribute values the way html/template does in those contexts:
// NUL becomes U+FFFD; " & ' + < > become character references; every
// other byte, invalid UTF-8 included, is copied.
func escapeHTML(s string) string { return htmlReplacer.Replace(s) }

var htmlReplacer = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// escapeURLPart percent-encodes s for the query or fragment part of a URL,
// as html/template's URL escaper does there: only ASCII letters, digits
// and - . _ ~ stay; every other byte becomes %xx (lower-case hex).
func escapeURLPart(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
