package filterpattern

import (
	"fmt"
	"sync"
)

// cloudTrailFixtures are small but real-shaped CloudTrail records: the cases
// every CIS 4.3 discussion turns on.
var cloudTrailFixtures = [][]byte{
	// Root API call.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root console sign-in.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Failed root sign-in.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root call made on the root user's behalf by a service.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","invokedBy":"cloudformation.amazonaws.com"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"iam.amazonaws.com","eventName":"CreateRole","awsRegion":"us-east-1","sourceIPAddress":"cloudformation.amazonaws.com","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Service event attributed to the account root.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"kms.amazonaws.com","eventName":"RotateKey","awsRegion":"us-east-1","sourceIPAddress":"kms.amazonaws.com","eventType":"AwsServiceEvent","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root event without eventType.
	[]byte(`{"userIdentity":{"type":"Root","principalId":"111122223333","accountId":"111122223333"},"eventSource":"iam.amazonaws.com","eventName":"GetAccountSummary","awsRegion":"us-east-1"}`),
	// IAM user API call, denied.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice","sessionContext":{"attributes":{"creationDate":"2026-01-02T03:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-01-02T03:04:05Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUserPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","errorCode":"AccessDenied","errorMessage":"User is not authorized","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// IAM user console sign-in without MFA.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Assumed role changing a security group.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:bob","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
}

// decodedFixtures decodes cloudTrailFixtures once; the result is never
// modified.
var decodedFixtures = sync.OnceValue(func() []any {
	out := make([]any, len(cloudTrailFixtures))
	for i, ev := range cloudTrailFixtures {
		doc, ok := decodeEvent(ev)
		if !ok {
			panic(fmt.Sprintf("filterpattern: CloudTrail fixture %d is not a JSON object", i))
		}
		out[i] = doc
	}
	return out
})
