// Package notifytest holds what every notifier's tests share: a realistic
// alert, a loopback HTTP receiver that records what it got and answers as
// told, and the checks that a failure is classified right and leaks no
// secret (after alertmanager's notify/test).
package notifytest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/secret"
)

// Now is the fixed clock of notifier tests.
var Now = time.Date(2026, 12, 1, 17, 0, 5, 0, time.UTC)

// Alert is a root console sign-in covering two CloudTrail events.
func Alert() alert.Alert {
	return alert.Alert{
		ID:           "rw-9f2c4a1b7e3d5f60",
		Rule:         alert.RuleRootUsage,
		Kind:         alert.KindEvent,
		Severity:     alert.SeverityCritical,
		Title:        "Root user signed in to the AWS console",
		Summary:      "The root user of prod-payments signed in from 203.0.113.7 without MFA.",
		Created:      Now,
		Account:      "123456789012",
		AccountAlias: "prod-payments",
		AccountName:  "Payments Production",
		Region:       "us-east-1",
		EventName:    "ConsoleLogin",
		EventSource:  "signin.amazonaws.com",
		EventTime:    time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC),
		SourceIP:     "203.0.113.7",
		UserAgent:    "Mozilla/5.0",
		Identity:     "arn:aws:iam::123456789012:root",
		MFAUsed:      "No",
		EventIDs: []string{
			"3b5a2f4e-1111-4000-8000-000000000001",
			"3b5a2f4e-1111-4000-8000-000000000002",
		},
		Events: []json.RawMessage{
			json.RawMessage(`{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"},"eventTime":"2026-12-01T17:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventID":"3b5a2f4e-1111-4000-8000-000000000001","eventType":"AwsConsoleSignIn","recipientAccountId":"123456789012"}`),
			json.RawMessage(`{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"},"eventTime":"2026-12-01T17:00:03Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","eventID":"3b5a2f4e-1111-4000-8000-000000000002","eventType":"AwsApiCall","recipientAccountId":"123456789012"}`),
		},
	}
}

// Request is one request a Receiver got.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Receiver is a loopback HTTP server that records every request and
// answers as SetAnswer says (200 "ok" by default).
type Receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Request
	answer   func(r Request) (status int, header http.Header, body string)
}

// NewReceiver starts a receiver and stops it when the test ends.
func NewReceiver(t *testing.T) *Receiver {
	t.Helper()
	rc := &Receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		req := Request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: b}
		rc.mu.Lock()
		rc.requests = append(rc.requests, req)
		answer := rc.answer
		rc.mu.Unlock()
		status, header, body := http.StatusOK, http.Header(nil), "ok"
		if answer != nil {
			status, header, body = answer(req)
		}
		for k, vs := range header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// SetAnswer replaces the answer function (safe while serving).
func (rc *Receiver) SetAnswer(f func(r Request) (int, http.Header, string)) {
	rc.mu.Lock()
	rc.answer = f
	rc.mu.Unlock()
}

// Requests returns what was received so far.
func (rc *Receiver) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.requests...)
}

// Last returns the last request, failing the test if there was none.
func (rc *Receiver) Last(t *testing.T) Request {
	t.Helper()
	reqs := rc.Requests()
	if len(reqs) == 0 {
		t.Fatal("receiver got no request")
	}
	return reqs[len(reqs)-1]
}

// Status answers every request with status and body.
func Status(status int, body string) func(Request) (int, http.Header, string) {
	return func(Request) (int, http.Header, string) { return status, nil, body }
}

// StatusCase is one row of the shared failure-classification table.
type StatusCase struct {
	Status    int
	Header    http.Header
	Body      string
	Retryable bool
}

// StatusCases is how every HTTP notifier must classify answers: throttling
// and server errors are worth retrying, other client errors are not.
var StatusCases = []StatusCase{
	{Status: 400, Body: "invalid_payload", Retryable: false},
	{Status: 401, Retryable: false},
	{Status: 403, Body: "action_prohibited", Retryable: false},
	{Status: 404, Body: "no_service", Retryable: false},
	{Status: 408, Retryable: true},
	{Status: 410, Body: "channel_is_archived", Retryable: false},
	{Status: 413, Retryable: false},
	{Status: 429, Header: http.Header{"Retry-After": {"7"}}, Retryable: true},
	{Status: 500, Body: "rollup_error", Retryable: true},
	{Status: 502, Retryable: true},
	{Status: 503, Retryable: true},
	{Status: 301, Header: http.Header{"Location": {"https://elsewhere.example/"}}, Retryable: false},
}

// CheckFailure asserts err is a failure with the expected retry
// classification that mentions none of secrets.
func CheckFailure(t *testing.T, err error, retryable bool, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("Notify succeeded, want an error")
	}
	if got := notify.Retryable(err); got != retryable {
		t.Errorf("Retryable(%v) = %v, want %v", err, got, retryable)
	}
	CheckNoSecret(t, err, secrets...)
}

// CheckNoSecret fails if err's message contains any secret (or its
// distinctive path, for URLs), any piece of one of secret.MinFragment
// characters or more, or its base64.
func CheckNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s))} {
			if form == "" {
				continue
			}
			if strings.Contains(msg, form) {
				t.Errorf("error leaks a secret %q: %s", form, msg)
				continue
			}
			for i := 0; i+secret.MinFragment <= len(form); i++ {
				if piece := form[i : i+secret.MinFragment]; strings.Contains(msg, piece) {
					t.Errorf("error leaks %q, a piece of the secret %q: %s", piece, form, msg)
					break
				}
			}
		}
	}
}

// Echoes is what a receiver that quotes a request back might send of
// secret: all of it, its second half, a middle piece, and its base64
// (whole and cut), as a 400 body that shows "the token you sent" does.
func Echoes(secret string) string {
	n := len(secret)
	if n < 4 {
		return secret
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(secret))
	return strings.Join([]string{
		secret, "..." + secret[n/2:], "'" + secret[n/4:n/4+n/2] + "'", b64, b64[2 : len(b64)-3],
	}, " | ")
}

// Answer answers with the case's status; the body starts with Echoes of
// echo (a secret the request carried) to play a server that quotes the
// request back: none of it may reach errors.
func (c StatusCase) Answer(echo string) func(Request) (int, http.Header, string) {
	return func(Request) (int, http.Header, string) {
		return c.Status, c.Header, Echoes(echo) + " " + c.Body
	}
}
