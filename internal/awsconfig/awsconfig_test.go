package awsconfig

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// silentServer accepts every request and never answers; it counts the
// requests it was sent.
func silentServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		n.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close finish
	return srv, &n
}

func loadAgainst(t *testing.T, endpoint string, o Options) *sts.Client {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIEXAMPLESECRET")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	o.Region = "us-east-1"
	cfg, err := Load(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return sts.NewFromConfig(cfg)
}

// An endpoint that accepts connections and never answers must not hold a
// command for the retryer's 8 attempts: it gets NoAnswerAttempts, and the
// error names it (and no credential).
func TestSilentEndpointGetsBoundedAttemptsAndIsNamed(t *testing.T) {
	srv, requests := silentServer(t)
	client := loadAgainst(t, srv.URL, Options{ResponseTimeout: 100 * time.Millisecond})
	// The guard only decides between "gave up by itself" and "hung".
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("a silent endpoint answered")
	}
	if ctx.Err() != nil {
		t.Fatalf("the call hung until the test's guard: %v", err)
	}
	if got := requests.Load(); got != NoAnswerAttempts {
		t.Errorf("the silent endpoint was sent %d requests, want %d (DefaultMaxAttempts is %d)", got, NoAnswerAttempts, DefaultMaxAttempts)
	}
	var na *NoAnswerError
	if !errors.As(err, &na) {
		t.Fatalf("err = %v, want a *NoAnswerError", err)
	}
	if na.Endpoint != srv.URL || na.Attempts != NoAnswerAttempts || na.Timeout != 100*time.Millisecond {
		t.Errorf("NoAnswerError = %+v, want endpoint %s, %d attempts, 100ms", na, srv.URL, NoAnswerAttempts)
	}
	msg := err.Error()
	if !strings.Contains(msg, "no answer from "+srv.URL) {
		t.Errorf("message does not name the endpoint: %s", msg)
	}
	for _, secret := range []string{"AKIAEXAMPLE", "wJalrXUtnFEMIEXAMPLESECRET"} {
		if strings.Contains(msg, secret) {
			t.Errorf("message holds a credential: %s", msg)
		}
	}
}

// The caller's own deadline is not the endpoint's silence.
func TestCallerDeadlineIsNotNoAnswer(t *testing.T) {
	srv, _ := silentServer(t)
	client := loadAgainst(t, srv.URL, Options{ResponseTimeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var na *NoAnswerError
	if err == nil || errors.As(err, &na) {
		t.Fatalf("err = %v, want the caller's deadline, not a NoAnswerError", err)
	}
}

// Only silence is capped: an endpoint that answers with a retryable error
// still gets every attempt the retryer allows.
func TestAnsweringEndpointKeepsItsAttempts(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	client := loadAgainst(t, srv.URL, Options{MaxAttempts: 3, ResponseTimeout: 100 * time.Millisecond})
	_, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("a failing endpoint succeeded")
	}
	if got := n.Load(); got != 3 {
		t.Errorf("endpoint was sent %d requests, want MaxAttempts 3", got)
	}
	var na *NoAnswerError
	if errors.As(err, &na) {
		t.Errorf("an answering endpoint reported as silent: %v", err)
	}
}

// A command gives up on a silent endpoint within a minute with the
// production timeouts, and an SQS long poll (20 s) still fits one attempt.
func TestNoAnswerBoundUnderAMinute(t *testing.T) {
	if b := NoAnswerBound(ResponseTimeout); b >= time.Minute {
		t.Errorf("NoAnswerBound(%s) = %s, want under a minute", ResponseTimeout, b)
	}
	if ResponseTimeout <= 20*time.Second {
		t.Errorf("ResponseTimeout %s leaves no room for a 20 s SQS long poll", ResponseTimeout)
	}
}
