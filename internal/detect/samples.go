package detect

// Sample records, written from the CloudTrail documentation ("CloudTrail
// userIdentity element", "AWS console sign-in events"), that the rules
// carry as proof of what they match.
const (
	sampleRootAPICall = `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE"},"eventTime":"2026-11-30T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0","eventID":"11111111-0000-4000-8000-000000000001","eventType":"AwsApiCall","readOnly":false,"recipientAccountId":"111122223333"}`

	sampleRootConsoleSignIn = `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-30T10:01:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"Yes"},"eventID":"11111111-0000-4000-8000-000000000002","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`

	sampleRootFailedSignIn = `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-30T10:02:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","errorMessage":"Failed authentication","responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"eventID":"11111111-0000-4000-8000-000000000003","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`

	sampleRootNoEventType = `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-30T10:03:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.10","eventID":"11111111-0000-4000-8000-000000000004","recipientAccountId":"111122223333"}`

	sampleRootInvokedBy = `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","invokedBy":"support.amazonaws.com"},"eventTime":"2026-11-30T10:04:00Z","eventSource":"support.amazonaws.com","eventName":"DescribeCases","awsRegion":"us-east-1","sourceIPAddress":"support.amazonaws.com","eventID":"11111111-0000-4000-8000-000000000005","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	sampleRootServiceEvent = `{"userIdentity":{"type":"Root","accountId":"111122223333"},"eventTime":"2026-11-30T10:05:00Z","eventSource":"health.amazonaws.com","eventName":"HealthEvent","awsRegion":"us-east-1","eventID":"11111111-0000-4000-8000-000000000006","eventType":"AwsServiceEvent","recipientAccountId":"111122223333"}`

	sampleIAMUser = `{"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/Root","accountId":"111122223333","userName":"Root"},"eventTime":"2026-11-30T10:06:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.20","eventID":"11111111-0000-4000-8000-000000000007","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	sampleStopLogging = `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/mallory","accountId":"111122223333","userName":"mallory"},"eventTime":"2026-11-30T10:07:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.66","requestParameters":{"name":"org-trail"},"eventID":"11111111-0000-4000-8000-000000000008","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	sampleDeleteAlarmsByRole = `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333"},"eventTime":"2026-11-30T10:08:00Z","eventSource":"monitoring.amazonaws.com","eventName":"DeleteAlarms","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.67","requestParameters":{"alarmNames":["RootAccountUsage"]},"eventID":"11111111-0000-4000-8000-000000000009","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	sampleDisableAlarmActionsDenied = `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Dev/eve","accountId":"111122223333"},"eventTime":"2026-11-30T10:09:00Z","eventSource":"monitoring.amazonaws.com","eventName":"DisableAlarmActions","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.68","errorCode":"AccessDenied","errorMessage":"User is not authorized","eventID":"11111111-0000-4000-8000-00000000000a","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	sampleDescribeAlarms = `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333"},"eventTime":"2026-11-30T10:10:00Z","eventSource":"monitoring.amazonaws.com","eventName":"DescribeAlarms","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.67","eventID":"11111111-0000-4000-8000-00000000000b","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

	// The same name from another service is not the trail being stopped.
	sampleStopLoggingWrongSource = `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333"},"eventTime":"2026-11-30T10:11:00Z","eventSource":"example.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","eventID":"11111111-0000-4000-8000-00000000000c","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
)
