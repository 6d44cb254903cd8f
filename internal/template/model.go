package template

// Names and values both formats share, so that the CloudFormation and the
// Terraform output deploy the same thing and `rootwatch audit` judges both
// the same way.
const (
	functionName     = "rootwatch-root-activity"
	centralBusName   = "rootwatch-root-activity"
	apiCallRule      = "rootwatch-root-api-calls"
	consoleRule      = "rootwatch-root-console-sign-in"
	kmsAlias         = "alias/rootwatch-root-usage"
	stackSetName     = "rootwatch-root-activity-members"
	mgmtStackSetName = "rootwatch-root-activity-management"
	// The roles AWS documents for self-managed StackSets; the management
	// account's StackSet uses them unless told otherwise.
	stackSetAdminRole = "AWSCloudFormationStackSetAdministrationRole"
	stackSetExecRole  = "AWSCloudFormationStackSetExecutionRole"
	cisStackSetName   = "rootwatch-cis-4-3"
	functionTimeout   = 30
	functionMemory    = 128
	logRetentionDays  = 365
	dlqRetention      = 1209600 // 14 days, the SQS maximum
	managedTagKey     = "rootwatch:managed"
	detailTypeAPI     = "AWS API Call via CloudTrail"
	detailTypeSignIn  = "AWS Console Sign In via CloudTrail"
	topicEnvVar       = "ROOTWATCH_SNS_TOPIC_ARN"
)

// rootEventPattern is the EventBridge pattern equivalent to the CIS 4.3
// filter: root identity, not invoked by an AWS service, not an
// AwsServiceEvent. EventBridge's anything-but, like the filter's !=, does
// not match an event without eventType.
func rootEventPattern(detailType string) map[string]any {
	return map[string]any{
		"detail-type": []any{detailType},
		"detail": map[string]any{
			"userIdentity": map[string]any{
				"type":      []any{"Root"},
				"invokedBy": []any{map[string]any{"exists": false}},
			},
			"eventType": []any{map[string]any{"anything-but": "AwsServiceEvent"}},
		},
	}
}

// refs abstracts how each format refers to account, region, partition
// and to other resources, so policy documents are written once.
type refs struct {
	account, region, partition any
	join                       func(parts ...any) any
}

func statement(sid string, principal map[string]any, actions []any, resource any, condition map[string]any) map[string]any {
	st := map[string]any{
		"Sid":       sid,
		"Effect":    "Allow",
		"Principal": principal,
		"Action":    actions,
		"Resource":  resource,
	}
	if condition != nil {
		st["Condition"] = condition
	}
	return st
}

func policy(statements ...any) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

// topicPolicy lets CloudWatch alarms of this account publish to the topic
// (the confused-deputy conditions scope it to this account's alarms).
func topicPolicy(r refs, topicArn any) map[string]any {
	return policy(statement("AllowCloudWatchAlarmsToPublish",
		map[string]any{"Service": "cloudwatch.amazonaws.com"},
		[]any{"sns:Publish"}, topicArn,
		map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": r.account},
			"ArnLike":      map[string]any{"aws:SourceArn": r.join("arn:", r.partition, ":cloudwatch:", r.region, ":", r.account, ":alarm:*")},
		}))
}

// keyPolicy keeps the account in control of the key and lets CloudWatch
// encrypt alarm notifications with it. AWS-managed alias/aws/sns has a
// policy CloudWatch cannot use, which silently drops alarm notifications.
func keyPolicy(r refs) map[string]any {
	return policy(
		statement("EnableAccountAdministration",
			map[string]any{"AWS": r.join("arn:", r.partition, ":iam::", r.account, ":root")},
			[]any{"kms:*"}, "*", nil),
		statement("AllowCloudWatchToUseTheKey",
			map[string]any{"Service": "cloudwatch.amazonaws.com"},
			[]any{"kms:Decrypt", "kms:GenerateDataKey*"}, "*",
			map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": r.account}}),
	)
}

func lambdaAssumeRole() map[string]any {
	return policy(map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "lambda.amazonaws.com"},
		"Action":    "sts:AssumeRole",
	})
}

func eventsAssumeRole() map[string]any {
	return policy(map[string]any{
		"Effect":    "Allow",
		"Principal": map[string]any{"Service": "events.amazonaws.com"},
		"Action":    "sts:AssumeRole",
	})
}

// functionPolicy is the Lambda function's least privilege: write its own
// logs, look up the account alias (and, org-wide, the account name),
// publish to the topic, and park failed events in the dead-letter queue.
func functionPolicy(logGroupArn, topicArn, dlqArn, keyArn any, org bool) map[string]any {
	sts := []any{
		map[string]any{"Sid": "WriteOwnLogs", "Effect": "Allow",
			"Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": logGroupArn},
		map[string]any{"Sid": "PublishAlerts", "Effect": "Allow",
			"Action": []any{"sns:Publish"}, "Resource": topicArn},
		map[string]any{"Sid": "LookUpAccountAlias", "Effect": "Allow",
			"Action": []any{"iam:ListAccountAliases"}, "Resource": "*"},
		map[string]any{"Sid": "DeadLetter", "Effect": "Allow",
			"Action": []any{"sqs:SendMessage"}, "Resource": dlqArn},
	}
	if org {
		sts = append(sts, map[string]any{"Sid": "LookUpAccountName", "Effect": "Allow",
			"Action": []any{"organizations:DescribeAccount"}, "Resource": "*"})
	}
	if keyArn != nil {
		sts = append(sts, map[string]any{"Sid": "EncryptAlerts", "Effect": "Allow",
			"Action": []any{"kms:GenerateDataKey*", "kms:Decrypt"}, "Resource": keyArn})
	}
	return policy(sts...)
}

// dlqPolicy lets the rules' targets send undeliverable events to the queue.
func dlqPolicy(r refs, queueArn any, ruleArns []any) map[string]any {
	return policy(statement("AllowEventBridgeDeadLetters",
		map[string]any{"Service": "events.amazonaws.com"},
		[]any{"sqs:SendMessage"}, queueArn,
		map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": ruleArns}}))
}

// busPolicy admits every account of the organization to the central bus.
func busPolicy(busArn, orgID any) map[string]any {
	return policy(map[string]any{
		"Sid":       "AllowOrganizationMembersToPutEvents",
		"Effect":    "Allow",
		"Principal": "*",
		"Action":    "events:PutEvents",
		"Resource":  busArn,
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": orgID}},
	})
}

func forwardPolicy(busArn any) map[string]any {
	return policy(map[string]any{
		"Effect": "Allow", "Action": "events:PutEvents", "Resource": busArn,
	})
}
