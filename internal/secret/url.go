package secret

import (
	"net/url"
)

// RedactURL returns what may be shown of a URL that is itself a credential
// (Slack, Teams and most webhook URLs carry their token in the path):
// "scheme://host/…". Unparseable input shows as Redacted.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Redacted
	}
	s := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		s += "/…"
	}
	return s
}
