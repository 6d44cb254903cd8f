package awsread_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
	"github.com/rootwatch/rootwatch/internal/awsread"
)

// TestHostileSDKDialerGivesUpOnSilentEndpoint: an endpoint that accepts the
// connection and never answers (a stuck proxy, a wrong AWS_ENDPOINT_URL)
// must fail the call, not hang the audit.
func TestHostileSDKDialerGivesUpOnSilentEndpoint(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select { // never answers
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close finish
	cfg := aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE", "secret", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
	// The guard only decides between "gave up by itself" and "hung".
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := awsread.NewSDKDialerTimeout(cfg, 200*time.Millisecond).STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err == nil {
		t.Fatal("a silent endpoint answered")
	}
	if ctx.Err() != nil {
		t.Fatalf("the call hung until the test's guard: %v", err)
	}
	var na *awsconfig.NoAnswerError
	if !errors.As(err, &na) || na.Endpoint != srv.URL {
		t.Fatalf("err = %v, want a NoAnswerError naming %s", err, srv.URL)
	}
}
