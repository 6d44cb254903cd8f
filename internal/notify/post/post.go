// Package post sends a notifier's JSON payload over HTTPS and turns the
// outcome into a notify error that says whether to retry, without ever
// putting the receiver's URL (often a credential) in the message.
package post

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// DefaultTimeout bounds one delivery attempt when the caller's context
// has no deadline; the outbox retries, so waiting longer buys nothing.
const DefaultTimeout = 15 * time.Second

// maxErrorBody is how much of a failed response's body goes into the error.
const maxErrorBody = 200

// Request is one POST.
type Request struct {
	URL         secret.Secret
	Body        []byte
	ContentType string // default application/json
	Header      http.Header
	// Secrets sent in the body or headers (a routing key, a token): they
	// are blanked from any response text quoted in an error, in case the
	// receiver echoes them.
	Secrets []secret.Secret
}

// Client posts requests. It refuses redirects: a webhook that redirects is
// misconfigured, and following it would turn the POST into a GET and send
// the signed payload to another host.
type Client struct {
	http *http.Client
}

// New wraps hc (nil means a client with DefaultTimeout).
func New(hc *http.Client) *Client {
	c := &http.Client{Timeout: DefaultTimeout}
	if hc != nil {
		copied := *hc
		c = &copied
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{http: c}
}

// Response is a 2xx answer.
type Response struct {
	Status int
	Body   []byte // at most 64 KiB
}

// Do sends r. It returns the response on 2xx and a notify.Error otherwise:
// retryable for network errors, timeouts, 408, 429 and 5xx (with the
// server's Retry-After), permanent for other statuses and bad requests.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	shown := secret.RedactURL(r.URL.Reveal())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL.Reveal(), bytes.NewReader(r.Body))
	if err != nil {
		// The parse error quotes the URL; say only what is wrong.
		return nil, notify.Permanent(fmt.Errorf("post to %s: invalid URL", shown))
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	ct := r.ContentType
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "rootwatch")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the full URL
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, notify.Temporary(fmt.Errorf("post to %s: %w", shown, scrub(err, r)))
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Body: body}, nil
	}
	msg := fmt.Errorf("post to %s: HTTP %d%s", shown, resp.StatusCode, excerpt(body, r))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode >= 500:
		return nil, &notify.Error{Retryable: true, Err: msg, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now)}
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return nil, notify.Permanent(fmt.Errorf("%w (redirects are not followed; configure the final URL)", msg))
	}
	return nil, notify.Permanent(msg)
}

// Rejected turns a 2xx answer whose body says the receiver did not take
// the message into the same kind of error Do returns, quoting the body
// without the URL.
func Rejected(r Request, retryable bool, resp *Response) error {
	err := fmt.Errorf("post to %s: HTTP %d but the receiver answered%s", secret.RedactURL(r.URL.Reveal()), resp.Status, excerpt(resp.Body, r))
	if retryable {
		return notify.Temporary(err)
	}
	return notify.Permanent(err)
}

// excerpt is the start of an error body, on one line, with the URL, its
// path (which holds the token) and every request secret blanked, whole
// or in pieces, in case the server echoes them.
func excerpt(body []byte, r Request) string {
	s := format.OneLine(string(body))
	if s == "" {
		return ""
	}
	s = scrubString(s, r)
	return ": " + format.Truncate(s, maxErrorBody)
}

func scrub(err error, r Request) error {
	s := err.Error()
	if t := scrubString(s, r); t != s {
		return errors.New(t)
	}
	return err
}

// scrubString hides, in text a receiver sent back, the URL and every
// secret of the request, and any piece or encoding of them (secret.Scrub).
func scrubString(s string, r Request) string {
	secrets := []string{r.URL.Reveal()}
	for _, sec := range r.Secrets {
		secrets = append(secrets, sec.Reveal())
	}
	return secret.Scrub(s, secrets...)
}

// retryAfter reads Retry-After as seconds or an HTTP date; capped at an
// hour so a hostile or broken server cannot park the outbox.
func retryAfter(v string, now func() time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now())
	}
	if d < 0 {
		return 0
	}
	return min(d, time.Hour)
}
