package fix

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
)

// Endpoint is a subscription the user asked for: --email ADDRESS or
// --subscribe PROTOCOL:ENDPOINT.
type Endpoint struct {
	Protocol string
	Endpoint string
}

func (e Endpoint) String() string { return e.Protocol + ":" + e.Endpoint }

// needsConfirmation reports whether SNS leaves a subscription with this
// protocol pending until the endpoint's owner confirms it. Same-account SQS
// and Lambda subscriptions made by the topic owner are confirmed at once.
func (e Endpoint) needsConfirmation() bool {
	switch e.Protocol {
	case "email", "email-json", "http", "https":
		return true
	}
	return false
}

// Protocols are the SNS subscription protocols rootwatch accepts. Firehose
// is left out: it needs a subscription role rootwatch would have to create.
var Protocols = []string{"email", "email-json", "sms", "http", "https", "sqs", "lambda", "application"}

var (
	// E.164: a plus, then up to 15 digits, the first not zero.
	e164Re = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
	arnRe      = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):([a-z0-9-]+):([a-z0-9-]+):([0-9]{12}):(.+)$`)
	sqsNameRe  = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.fifo)?$`)
	lambdaRe   = regexp.MustCompile(`^function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$`)
	snsAppEpRe = regexp.MustCompile(`^endpoint/[^/]+/[^/]+/[A-Za-z0-9-]+$`)
)

// ParseSubscribe parses a --subscribe value. Only the first colon
// separates the protocol: the endpoint may hold colons itself (an SQS
// queue ARN, an https URL with a port).
func ParseSubscribe(s string) (Endpoint, error) {
	proto, ep, ok := strings.Cut(s, ":")
	if !ok || proto == "" {
		return Endpoint{}, fmt.Errorf("--subscribe %q: expected PROTOCOL:ENDPOINT with PROTOCOL one of %s", s, strings.Join(Protocols, ", "))
	}
	e := Endpoint{Protocol: strings.ToLower(proto), Endpoint: ep}
	if err := e.Validate(); err != nil {
		shown := s
		if e.Protocol == "http" || e.Protocol == "https" {
			shown = e.Protocol + ":" + displayEndpoint(e.Protocol, ep)
			if strings.HasPrefix(ep, "//") {
				err = fmt.Errorf("%w (the endpoint is the whole URL: --subscribe %s:%s://HOST/PATH)", err, e.Protocol, e.Protocol)
			}
		}
		return Endpoint{}, fmt.Errorf("--subscribe %q: %w", shown, err)
	}
	return e, nil
}

// ParseEmail parses an --email value.
func ParseEmail(s string) (Endpoint, error) {
	e := Endpoint{Protocol: "email", Endpoint: s}
	if err := e.Validate(); err != nil {
		return Endpoint{}, fmt.Errorf("--email %q: %w", s, err)
	}
	return e, nil
}

// Validate checks the endpoint the way SNS would, so that a typo is
// refused before any change is made rather than half-way through.
func (e Endpoint) Validate() error {
	if e.Endpoint == "" {
		return fmt.Errorf("empty %s endpoint", e.Protocol)
	}
	if strings.TrimSpace(e.Endpoint) != e.Endpoint {
		return fmt.Errorf("%s endpoint has leading or trailing spaces", e.Protocol)
	}
	switch e.Protocol {
	case "email", "email-json":
		return validateEmail(e.Endpoint)
	case "sms":
		if !e164Re.MatchString(e.Endpoint) {
			return fmt.Errorf("sms endpoint %q: expected an E.164 phone number such as +14155550100", e.Endpoint)
		}
	case "http", "https":
		u, err := url.Parse(e.Endpoint)
		if err != nil {
			// url's error quotes the whole URL, token and all.
			return fmt.Errorf("%s endpoint is not a valid URL", e.Protocol)
		}
		if u.Scheme != e.Protocol || u.Host == "" {
			return fmt.Errorf("%s endpoint %q: expected a URL starting with %s://HOST", e.Protocol, redactURL(u), e.Protocol)
		}
	case "sqs":
		a, err := parseEndpointARN(e, "sqs")
		if err != nil {
			return err
		}
		if !fits(sqsNameRe, a[5], 80) { // 80 with the .fifo suffix
			return fmt.Errorf("sqs endpoint %q: %q is not a queue name", e.Endpoint, a[5])
		}
	case "lambda":
		a, err := parseEndpointARN(e, "lambda")
		if err != nil {
			return err
		}
		if m := lambdaRe.FindStringSubmatch(a[5]); m == nil || len(m[1]) > 64 || len(m[2]) > 128 {
			return fmt.Errorf("lambda endpoint %q: expected function:NAME[:QUALIFIER] after the account", e.Endpoint)
		}
	case "application":
		a, err := parseEndpointARN(e, "sns")
		if err != nil {
			return err
		}
		if !snsAppEpRe.MatchString(a[5]) {
			return fmt.Errorf("application endpoint %q: expected endpoint/PLATFORM/APP/ID after the account", e.Endpoint)
		}
	default:
		return fmt.Errorf("unknown protocol %q: expected one of %s", e.Protocol, strings.Join(Protocols, ", "))
	}
	return nil
}

func parseEndpointARN(e Endpoint, service string) ([]string, error) {
	m := arnRe.FindStringSubmatch(e.Endpoint)
	if m == nil || m[2] != service {
		return nil, fmt.Errorf("%s endpoint %q: expected arn:aws:%s:REGION:ACCOUNT:RESOURCE", e.Protocol, e.Endpoint, service)
	}
	return m, nil
}

func validateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Errorf("%q is not an email address: %w", s, err)
	}
	if a.Name != "" || a.Address != s {
		return fmt.Errorf("%q: expected a bare address such as ops@example.com, without a display name or angle brackets", s)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return fmt.Errorf("%q: the domain %q is not a fully qualified host name", s, domain)
	}
	return nil
}

// redactURL hides credentials, path and query (a webhook URL is a secret).
func redactURL(u *url.URL) string {
	scheme := u.Scheme
	if scheme == "" {
		scheme = "?"
	}
	if u.Host == "" {
		return scheme + "://…"
	}
	return scheme + "://" + u.Host + "/…"
}

// displayEndpoint is how plans and journals show an endpoint: http(s) URLs
// often carry tokens, so only their host is shown.
func displayEndpoint(protocol, endpoint string) string {
	if protocol == "http" || protocol == "https" {
		if u, err := url.Parse(endpoint); err == nil {
			return redactURL(u)
		}
		return protocol + "://…"
	}
	return endpoint
}
