package secret

import (
	"encoding/base64"
	"net/url"
	"strings"
)

// MinFragment is the shortest piece of a secret Scrub hides on its own.
// Shorter pieces occur in ordinary text by chance; eight characters of a
// token or a webhook path are enough to narrow a guess, and a receiver
// that quotes part of a request (a 400 body cut at some width, a path
// without its host) quotes at least that much.
const MinFragment = 8

// Scrub returns text, which came back from a receiver, with every known
// secret hidden: the whole secret, any piece of it of at least
// MinFragment characters, and the same for its base64 (standard, URL,
// unpadded) and URL-escaped spellings. For a secret that is a URL (a
// Slack or Teams webhook), only the parts that carry the credential
// count as pieces (user info, path, query), so the scheme and host a
// receiver names stay readable. Each hidden run becomes Redacted.
func Scrub(text string, secrets ...string) string {
	if text == "" {
		return text
	}
	hide := make([]bool, len(text))
	found := false
	for _, s := range secrets {
		for _, v := range variants(s) {
			found = mark(text, v.text, v.pieces, hide) || found
		}
	}
	if !found {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !hide[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(Redacted)
		for i < len(text) && hide[i] {
			i++
		}
	}
	return b.String()
}

type variant struct {
	text   string
	pieces bool // also hide pieces of at least MinFragment characters
}

func variants(s string) []variant {
	if s == "" {
		return nil
	}
	parts := []string{s}
	out := []variant{{text: s, pieces: true}}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		out[0].pieces = false // the host is no secret; the parts below are
		parts = nil
		for _, p := range []string{u.User.String(), u.EscapedPath(), u.Path, u.RawQuery, u.Fragment} {
			if p != "" && p != "/" {
				parts = append(parts, p)
			}
		}
		for _, q := range u.Query() {
			parts = append(parts, q...)
		}
	}
	for _, p := range parts {
		if p != s {
			out = append(out, variant{text: p, pieces: true})
		}
		for _, enc := range []string{
			base64.StdEncoding.EncodeToString([]byte(p)),
			base64.RawStdEncoding.EncodeToString([]byte(p)),
			base64.URLEncoding.EncodeToString([]byte(p)),
			url.QueryEscape(p),
			url.PathEscape(p),
		} {
			if enc != p {
				out = append(out, variant{text: enc, pieces: true})
			}
		}
	}
	return out
}

// mark sets hide over every occurrence in text of v, and when pieces is
// set, of every substring of v of at least MinFragment bytes (each
// extended as far as it still is one). It reports whether it marked any.
func mark(text, v string, pieces bool, hide []bool) bool {
	found := false
	if !pieces || len(v) < MinFragment {
		for from := 0; ; {
			i := strings.Index(text[from:], v)
			if i < 0 || v == "" {
				return found
			}
			i += from
			for k := i; k < i+len(v); k++ {
				hide[k] = true
			}
			found, from = true, i+1
		}
	}
	grams := make(map[string]struct{}, len(v))
	for i := 0; i+MinFragment <= len(v); i++ {
		grams[v[i:i+MinFragment]] = struct{}{}
	}
	for i := 0; i+MinFragment <= len(text); i++ {
		if _, ok := grams[text[i:i+MinFragment]]; !ok {
			continue
		}
		j := i + MinFragment
		for j < len(text) && strings.Contains(v, text[i:j+1]) {
			j++
		}
		for k := i; k < j; k++ {
			hide[k] = true
		}
		found = true
	}
	return found
}
