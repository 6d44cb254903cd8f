package secret

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	const key = "R0UT1NGKEYabcdef0123456789ABCDEF"
	const hook = "https://hooks.slack.com/services/T0000000/B0000000/SLACKSECRETTOKEN"
	tests := []struct {
		name, text string
		secrets    []string
		want       string
	}{
		{name: "whole", text: "bad key " + key + ".", secrets: []string{key}, want: "bad key [REDACTED]."},
		{name: "fragment", text: "key ending ..." + key[20:] + " rejected", secrets: []string{key}, want: "key ending ...[REDACTED] rejected"},
		{name: "middle fragment", text: "got '" + key[6:14] + "'", secrets: []string{key}, want: "got '[REDACTED]'"},
		{name: "seven characters stay", text: "got " + key[6:13], secrets: []string{key}, want: "got " + key[6:13]},
		{name: "base64", text: "auth " + base64.StdEncoding.EncodeToString([]byte(key)), secrets: []string{key}, want: "auth [REDACTED]"},
		{name: "base64 fragment", text: "auth " + base64.StdEncoding.EncodeToString([]byte(key))[4:20] + "...", secrets: []string{key}, want: "auth [REDACTED]..."},
		{name: "url-escaped", text: "q=" + url.QueryEscape("p@ss/w0rd+long"), secrets: []string{"p@ss/w0rd+long"}, want: "q=[REDACTED]"},
		{name: "webhook URL and path", text: "POST https://hooks.slack.com/services/T0000000/B0000000/SLACKSECRETTOKEN failed: no_service for B0000000/SLACKSEC",
			secrets: []string{hook}, want: "POST [REDACTED] failed: no_service for [REDACTED]"},
		{name: "query token", text: "sig=abcdefghij12 invalid", secrets: []string{"https://x.example/p?sig=abcdefghij12"}, want: "[REDACTED] invalid"},
		{name: "short secret whole only", text: "pw hunter2 hunt", secrets: []string{"hunter2"}, want: "pw [REDACTED] hunt"},
		{name: "nothing to hide", text: "HTTP 400 invalid_payload", secrets: []string{key, ""}, want: "HTTP 400 invalid_payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Scrub(tt.text, tt.secrets...); got != tt.want {
				t.Errorf("Scrub =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func FuzzScrub(f *testing.F) {
	f.Add("prefix SECRETVALUE123 suffix", "SECRETVALUE123", 3, 9)
	f.Fuzz(func(t *testing.T, text, sec string, from, n int) {
		if len(sec) < MinFragment || from < 0 || n < MinFragment || from+n > len(sec) {
			return
		}
		got := Scrub(text+sec[from:from+n]+text, sec)
		if strings.Contains(got, sec[from:from+n]) {
			t.Fatalf("Scrub kept a %d-byte piece of the secret: %q", n, got)
		}
	})
}
