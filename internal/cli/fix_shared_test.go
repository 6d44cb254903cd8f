package cli

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rootwatch/rootwatch/internal/awsconfig"
)

// Read and Write share one loaded configuration: loading it twice would
// run the credential chain twice (two AssumeRole calls, two MFA prompts).
func TestSDKAccessLoadsOnce(t *testing.T) {
	var calls atomic.Int32
	var got awsconfig.Options
	f := &Factory{AWSConfig: func(_ context.Context, o awsconfig.Options) (aws.Config, error) {
		calls.Add(1)
		got = o
		return aws.Config{Region: "eu-west-1"}, nil
	}}
	profile, region := "", ""
	a := sdkAccess(f, &profile, &region)
	// The flags are parsed after the command is built.
	profile, region = "ops", "eu-west-1"
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := a.Read(ctx); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if _, err := a.Write(ctx, "111111111111", "aws", "rootwatch"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("AWSConfig called %d times, want 1", n)
	}
	if got.Profile != "ops" || got.Region != "eu-west-1" {
		t.Fatalf("loaded with %+v, want the parsed flags", got)
	}
}

func TestSDKAccessKeepsTheLoadError(t *testing.T) {
	var calls atomic.Int32
	boom := errors.New("no credentials")
	f := &Factory{AWSConfig: func(context.Context, awsconfig.Options) (aws.Config, error) {
		calls.Add(1)
		return aws.Config{}, boom
	}}
	profile, region := "", ""
	a := sdkAccess(f, &profile, &region)
	if _, err := a.Read(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Read: %v, want %v", err, boom)
	}
	if _, err := a.Write(context.Background(), "111111111111", "aws", "rootwatch"); !errors.Is(err, boom) {
		t.Fatalf("Write: %v, want %v", err, boom)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("AWSConfig called %d times, want 1", n)
	}
}
