package post

import (
	"fmt"
	"net"
	"net/url"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// ValidateURL checks a receiver URL without quoting it: HTTPS, or plain
// HTTP only to a loopback address (a local relay or a test receiver),
// because alerts carry account details and the URL is often the token.
func ValidateURL(field string, u secret.Secret) error {
	if u.IsZero() {
		return fmt.Errorf("%s is required", field)
	}
	p, err := url.Parse(u.Reveal())
	if err != nil || p.Host == "" {
		return fmt.Errorf("%s is not an absolute URL (expected https://host/path)", field)
	}
	switch p.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(p.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s %s: plain http is allowed only to a loopback address; use https", field, secret.RedactURL(u.Reveal()))
	}
	return fmt.Errorf("%s %s: scheme must be https", field, secret.RedactURL(u.Reveal()))
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
