package lambdamode

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

type fakeSSM map[string]string

func (f fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if !aws.ToBool(in.WithDecryption) {
		return nil, &smithy.GenericAPIError{Code: "ValidationException", Message: "secure string needs decryption"}
	}
	v, ok := f[*in.Name]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "ParameterNotFound", Message: "not found"}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
}

func TestConfigFromEnvironment(t *testing.T) {
	ssmc := fakeSSM{"/rootwatch/slack": "slack:https://hooks.slack.com/services/T000/B000/XXXX"}
	for _, tc := range []struct {
		name      string
		environ   []string
		wantSpecs []string
		wantErr   string
	}{
		{"topic only", []string{"ROOTWATCH_SNS_TOPIC_ARN=" + topicARN, "PATH=/bin"}, []string{"sns:" + topicARN}, ""},
		{"topic and more", []string{"ROOTWATCH_SNS_TOPIC_ARN=" + topicARN, "ROOTWATCH_NOTIFY=stdout:;webhook:https://siem.example.com/in"},
			[]string{"sns:" + topicARN, "stdout:", "webhook:https://siem.example.com/in"}, ""},
		{"secret from SSM", []string{"ROOTWATCH_NOTIFY_SSM=/rootwatch/slack"}, []string{"slack:https://hooks.slack.com/services/T000/B000/XXXX"}, ""},
		{"missing parameter", []string{"ROOTWATCH_NOTIFY_SSM=/nope"}, nil, "ParameterNotFound"},
		{"both ways", []string{"ROOTWATCH_NOTIFY=stdout:", "ROOTWATCH_NOTIFY_SSM=/rootwatch/slack"}, nil, "both set"},
		{"nothing", []string{"HOME=/root"}, nil, "ROOTWATCH_SNS_TOPIC_ARN"},
		{"bad bool", []string{"ROOTWATCH_SNS_TOPIC_ARN=" + topicARN, "ROOTWATCH_ORG_ACCOUNT_NAMES=maybe"}, nil, "want true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, err := ResolveEnv(context.Background(), tc.environ, ssmc)
			var c Config
			if err == nil {
				c, err = LoadConfig(env)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Specs(), tc.wantSpecs) {
				t.Errorf("specs = %v, want %v", c.Specs(), tc.wantSpecs)
			}
		})
	}
}
