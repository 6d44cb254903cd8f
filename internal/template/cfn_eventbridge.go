package template

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	cfnstack "github.com/awslabs/goformation/v7/cloudformation/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/cloudwatch"
	"github.com/awslabs/goformation/v7/cloudformation/events"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/lambda"
	"github.com/awslabs/goformation/v7/cloudformation/logs"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"
)

// cfnEventBridge is the alternative design: EventBridge rules for root API
// calls and console sign-ins invoke rootwatch's Lambda mode, which adds the
// account alias and publishes to SNS. With central set, the rules listen
// on the organization's central bus instead of the default bus.
func cfnEventBridge(o Options, central bool) *cloudformation.Template {
	t := cloudformation.NewTemplate()
	t.Description = "rootwatch: EventBridge rules for root API calls and console sign-ins, a Lambda function that alerts through SNS, a dead-letter queue and alarms on failures."
	t.Parameters["CodeS3Bucket"] = cloudformation.Parameter{Type: "String", Description: cloudformation.String("S3 bucket holding rootwatch-lambda-<arch>.zip (from `make lambda`), in this region.")}
	t.Parameters["CodeS3Key"] = cloudformation.Parameter{Type: "String", Default: "rootwatch-lambda-" + o.architecture() + ".zip"}
	topic := addTopic(t, o, "RootActivityTopic", functionName, "root activity alerts")

	t.Resources["DeadLetterQueue"] = &sqs.Queue{
		MessageRetentionPeriod: intPtr(dlqRetention),
		SqsManagedSseEnabled:   cloudformation.Bool(true),
		Tags:                   managedTags(),
	}
	t.Resources["FunctionLogGroup"] = &logs.LogGroup{
		LogGroupName:    cloudformation.String("/aws/lambda/" + functionName),
		RetentionInDays: intPtr(logRetentionDays),
		Tags:            managedTags(),
	}
	var keyArn any
	if o.KMS {
		keyArn = cloudformation.GetAtt("AlertsKey", "Arn")
	}
	t.Resources["FunctionRole"] = &iam.Role{
		Description:              cloudformation.String("rootwatch Lambda function: alert on root activity"),
		AssumeRolePolicyDocument: lambdaAssumeRole(),
		Policies: []iam.Role_Policy{{
			PolicyName:     "rootwatch-root-activity",
			PolicyDocument: functionPolicy(cloudformation.GetAtt("FunctionLogGroup", "Arn"), cloudformation.Ref(topic), cloudformation.GetAtt("DeadLetterQueue", "Arn"), keyArn, o.Org),
		}},
		Tags: managedTags(),
	}
	env := map[string]string{topicEnvVar: cloudformation.Ref(topic)}
	if o.Org {
		env["ROOTWATCH_ORG_ACCOUNT_NAMES"] = "true"
	}
	t.Resources["Function"] = &lambda.Function{
		FunctionName:  cloudformation.String(functionName),
		Description:   cloudformation.String("rootwatch: alert on use of the AWS root user (CIS 4.3)"),
		Runtime:       cloudformation.String("provided.al2023"),
		Handler:       cloudformation.String("bootstrap"),
		Architectures: []string{o.architecture()},
		Code: &lambda.Function_Code{
			S3Bucket: cloudformation.RefPtr("CodeS3Bucket"),
			S3Key:    cloudformation.RefPtr("CodeS3Key"),
		},
		MemorySize:       intPtr(functionMemory),
		Timeout:          intPtr(functionTimeout),
		Role:             cloudformation.GetAtt("FunctionRole", "Arn"),
		Environment:      &lambda.Function_Environment{Variables: env},
		DeadLetterConfig: &lambda.Function_DeadLetterConfig{TargetArn: cloudformation.GetAttPtr("DeadLetterQueue", "Arn")},
		LoggingConfig: &lambda.Function_LoggingConfig{
			LogFormat: cloudformation.String("JSON"),
			LogGroup:  cloudformation.RefPtr("FunctionLogGroup"),
		},
		Tags: managedTags(),
	}
	var bus *string
	if central {
		bus = cloudformation.RefPtr("CentralEventBus")
	}
	rules := []struct{ id, name, detailType string }{
		{"RootApiCallRule", apiCallRule, detailTypeAPI},
		{"RootConsoleSignInRule", consoleRule, detailTypeSignIn},
	}
	var ruleArns []any
	for _, r := range rules {
		t.Resources[r.id] = &events.Rule{
			Name:         cloudformation.String(r.name),
			Description:  cloudformation.String("rootwatch: " + r.detailType + " by the root user (CIS 4.3 exclusions applied)"),
			EventBusName: bus,
			EventPattern: rootEventPattern(r.detailType),
			State:        cloudformation.String("ENABLED"),
			Targets: []events.Rule_Target{{
				Id:               "rootwatch",
				Arn:              cloudformation.GetAtt("Function", "Arn"),
				DeadLetterConfig: &events.Rule_DeadLetterConfig{Arn: cloudformation.GetAttPtr("DeadLetterQueue", "Arn")},
				RetryPolicy:      &events.Rule_RetryPolicy{MaximumRetryAttempts: intPtr(185), MaximumEventAgeInSeconds: intPtr(86400)},
			}},
		}
		t.Resources[r.id+"Permission"] = &lambda.Permission{
			Action:       "lambda:InvokeFunction",
			FunctionName: cloudformation.Ref("Function"),
			Principal:    "events.amazonaws.com",
			SourceArn:    cloudformation.GetAttPtr(r.id, "Arn"),
		}
		ruleArns = append(ruleArns, cloudformation.GetAtt(r.id, "Arn"))
	}
	t.Resources["DeadLetterQueuePolicy"] = &sqs.QueuePolicy{
		Queues:         []string{cloudformation.Ref("DeadLetterQueue")},
		PolicyDocument: dlqPolicy(cfnRefs, cloudformation.GetAtt("DeadLetterQueue", "Arn"), ruleArns),
	}
	t.Resources["FunctionErrorsAlarm"] = cfnAlarm(functionName+"-errors",
		"rootwatch: the root-activity function failed; root alerts may be delayed or in the dead-letter queue.",
		"AWS/Lambda", "Errors", "Sum", cloudwatch.Alarm_Dimension{Name: "FunctionName", Value: cloudformation.Ref("Function")}, topic)
	t.Resources["DeadLetterAlarm"] = cfnAlarm(functionName+"-dead-letters",
		"rootwatch: root-activity events could not be processed and wait in the dead-letter queue.",
		"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", cloudwatch.Alarm_Dimension{Name: "QueueName", Value: cloudformation.GetAtt("DeadLetterQueue", "QueueName")}, topic)
	t.Outputs["FunctionArn"] = cloudformation.Output{Value: cloudformation.GetAtt("Function", "Arn")}
	t.Outputs["DeadLetterQueueUrl"] = cloudformation.Output{Value: cloudformation.Ref("DeadLetterQueue")}
	return t
}

// cfnAlarm is an alarm on one event of an AWS metric (>= 1 in 5 minutes),
// notifying the topic: how the function's own failures reach a person.
func cfnAlarm(name, description, namespace, metric, statistic string, dim cloudwatch.Alarm_Dimension, topic string) *cloudwatch.Alarm {
	return &cloudwatch.Alarm{
		AlarmName:          cloudformation.String(name),
		AlarmDescription:   cloudformation.String(description),
		Namespace:          cloudformation.String(namespace),
		MetricName:         cloudformation.String(metric),
		Dimensions:         []cloudwatch.Alarm_Dimension{dim},
		Statistic:          cloudformation.String(statistic),
		Period:             intPtr(300),
		EvaluationPeriods:  1,
		Threshold:          cloudformation.Float64(1),
		ComparisonOperator: "GreaterThanOrEqualToThreshold",
		TreatMissingData:   cloudformation.String("notBreaching"),
		AlarmActions:       []string{cloudformation.Ref(topic)},
		Tags:               managedTags(),
	}
}

// cfnMemberForwarder is what the StackSet deploys in every member account
// and region: the same two rules on the default bus, forwarding to the
// central bus with a role (required when the bus admits the organization
// rather than named accounts).
func cfnMemberForwarder() *cloudformation.Template {
	t := cloudformation.NewTemplate()
	t.Description = "rootwatch member stack: forward root API calls and console sign-ins to the security account's central event bus."
	t.Parameters["CentralEventBusArn"] = cloudformation.Parameter{Type: "String", Description: cloudformation.String("ARN of the central rootwatch event bus in the security account.")}
	t.Resources["ForwardRole"] = &iam.Role{
		Description:              cloudformation.String("rootwatch: let EventBridge forward root activity to the central bus"),
		AssumeRolePolicyDocument: eventsAssumeRole(),
		Policies: []iam.Role_Policy{{
			PolicyName:     "rootwatch-forward-root-activity",
			PolicyDocument: forwardPolicy(cloudformation.Ref("CentralEventBusArn")),
		}},
		Tags: managedTags(),
	}
	for _, r := range []struct{ id, name, detailType string }{
		{"RootApiCallForwardRule", apiCallRule, detailTypeAPI},
		{"RootConsoleSignInForwardRule", consoleRule, detailTypeSignIn},
	} {
		t.Resources[r.id] = &events.Rule{
			Name:         cloudformation.String(r.name),
			Description:  cloudformation.String("rootwatch: forward " + r.detailType + " by the root user to the central bus"),
			EventPattern: rootEventPattern(r.detailType),
			State:        cloudformation.String("ENABLED"),
			Targets: []events.Rule_Target{{
				Id:          "rootwatch-central-bus",
				Arn:         cloudformation.Ref("CentralEventBusArn"),
				RoleArn:     cloudformation.GetAttPtr("ForwardRole", "Arn"),
				RetryPolicy: &events.Rule_RetryPolicy{MaximumRetryAttempts: intPtr(185), MaximumEventAgeInSeconds: intPtr(86400)},
			}},
		}
	}
	return t
}

// cfnEventBridgeOrg is the security account's stack: the central bus that
// admits the organization, the function and its rules on that bus, and a
// service-managed StackSet that puts the forwarding rules in every
// account and region (and keeps new accounts covered).
func cfnEventBridgeOrg(o Options) (*cloudformation.Template, error) {
	t := cfnEventBridge(o, true)
	t.Description = "rootwatch organization deployment (security account): central event bus for root activity from every account and region, the alerting function, and a StackSet for the member accounts."
	t.Parameters["OrganizationId"] = cloudformation.Parameter{Type: "String", AllowedPattern: cloudformation.String(`^o-[a-z0-9]{10,32}$`), Description: cloudformation.String("The AWS Organizations ID (o-...).")}
	t.Parameters["OrganizationRootId"] = cloudformation.Parameter{Type: "String", AllowedPattern: cloudformation.String(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`), Description: cloudformation.String("Root (r-...) or OU (ou-...) whose accounts get the forwarding rules.")}
	t.Resources["CentralEventBus"] = &events.EventBus{Name: centralBusName, Tags: managedTags()}
	t.Resources["CentralEventBusPolicy"] = &events.EventBusPolicy{
		EventBusName: cloudformation.RefPtr("CentralEventBus"),
		StatementId:  "AllowOrganizationMembersToPutEvents",
		Statement:    busPolicy(cloudformation.GetAtt("CentralEventBus", "Arn"), cloudformation.Ref("OrganizationId"))["Statement"].([]any)[0],
	}
	body, err := memberTemplateBody(cfnMemberForwarder())
	if err != nil {
		return nil, err
	}
	t.Resources["MemberStackSet"] = &cfnstack.StackSet{
		StackSetName:     stackSetName,
		Description:      cloudformation.String("rootwatch: forward root activity from every member account and region to the central bus"),
		PermissionModel:  "SERVICE_MANAGED",
		AutoDeployment:   &cfnstack.StackSet_AutoDeployment{Enabled: cloudformation.Bool(true), RetainStacksOnAccountRemoval: cloudformation.Bool(false)},
		ManagedExecution: &cfnstack.StackSet_ManagedExecution{Active: cloudformation.Bool(true)},
		Capabilities:     []string{"CAPABILITY_IAM"},
		OperationPreferences: &cfnstack.StackSet_OperationPreferences{
			RegionConcurrencyType:      cloudformation.String("PARALLEL"),
			FailureTolerancePercentage: intPtr(10),
			MaxConcurrentPercentage:    intPtr(50),
		},
		Parameters: []cfnstack.StackSet_Parameter{{ParameterKey: "CentralEventBusArn", ParameterValue: cloudformation.GetAtt("CentralEventBus", "Arn")}},
		StackInstancesGroup: []cfnstack.StackSet_StackInstances{{
			DeploymentTargets: &cfnstack.StackSet_DeploymentTargets{OrganizationalUnitIds: []string{cloudformation.Ref("OrganizationRootId")}},
			Regions:           o.regions(),
		}},
		TemplateBody: cloudformation.String(body),
		Tags:         managedTags(),
	}
	addManagementStackSet(t, o, body)
	t.Outputs["CentralEventBusArn"] = cloudformation.Output{Value: cloudformation.GetAtt("CentralEventBus", "Arn")}
	return t, nil
}

// addManagementStackSet covers the management account, where root use is
// the most dangerous and where service-managed StackSets never deploy
// ("StackSets doesn't deploy stack instances to the organization
// management account", CloudFormation API reference, DeploymentTargets).
// A self-managed StackSet puts the same forwarding rules in this account
// (the stack must be deployed in the management account, as the
// service-managed StackSet already requires) in every listed region; in the
// stack's own region they forward to the central bus in the same account
// and region, which EventBridge supports with the same role.
func addManagementStackSet(t *cloudformation.Template, o Options, body string) {
	t.Parameters["StackSetAdministrationRoleName"] = cloudformation.Parameter{Type: "String", Default: stackSetAdminRole,
		Description: cloudformation.String("Self-managed StackSet administration role in this (management) account; AWS documents how to create it.")}
	t.Parameters["StackSetExecutionRoleName"] = cloudformation.Parameter{Type: "String", Default: stackSetExecRole,
		Description: cloudformation.String("Self-managed StackSet execution role in this (management) account, trusting the administration role.")}
	t.Resources["ManagementStackSet"] = &cfnstack.StackSet{
		StackSetName:          mgmtStackSetName,
		Description:           cloudformation.String("rootwatch: forward root activity from the management account, in every region, to the central bus"),
		PermissionModel:       "SELF_MANAGED",
		AdministrationRoleARN: cloudformation.JoinPtr("", []any{"arn:", cloudformation.Ref("AWS::Partition"), ":iam::", cloudformation.Ref("AWS::AccountId"), ":role/", cloudformation.Ref("StackSetAdministrationRoleName")}),
		ExecutionRoleName:     cloudformation.RefPtr("StackSetExecutionRoleName"),
		Capabilities:          []string{"CAPABILITY_IAM"},
		OperationPreferences: &cfnstack.StackSet_OperationPreferences{
			RegionConcurrencyType:      cloudformation.String("PARALLEL"),
			FailureTolerancePercentage: intPtr(0),
			MaxConcurrentPercentage:    intPtr(100),
		},
		Parameters: []cfnstack.StackSet_Parameter{{ParameterKey: "CentralEventBusArn", ParameterValue: cloudformation.GetAtt("CentralEventBus", "Arn")}},
		StackInstancesGroup: []cfnstack.StackSet_StackInstances{{
			DeploymentTargets: &cfnstack.StackSet_DeploymentTargets{Accounts: []string{cloudformation.Ref("AWS::AccountId")}},
			Regions:           o.regions(),
		}},
		TemplateBody: cloudformation.String(body),
		Tags:         managedTags(),
	}
}

// cfnCISOrg deploys the CIS chain into every member account with a
// service-managed StackSet, on each account's own trail log group. With an
// organization trail, one plain cis-alarm stack on the organization trail's
// log group (in the account that owns it) covers every member instead.
func cfnCISOrg(o Options) (*cloudformation.Template, error) {
	t := cloudformation.NewTemplate()
	t.Description = "rootwatch: CIS 4.3 chain (metric filter, alarm, SNS topic) in every member account, by a service-managed StackSet."
	t.Parameters["OrganizationRootId"] = cloudformation.Parameter{Type: "String", AllowedPattern: cloudformation.String(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`), Description: cloudformation.String("Root (r-...) or OU (ou-...) whose accounts get the chain.")}
	t.Parameters["LogGroupName"] = cloudformation.Parameter{Type: "String", Description: cloudformation.String("Name of the CloudTrail log group in each member account (the same in all of them).")}
	t.Parameters["NotificationEmail"] = cloudformation.Parameter{Type: "String", Default: ""}
	member := cfnCIS(o)
	body, err := memberTemplateBody(member)
	if err != nil {
		return nil, err
	}
	t.Resources["CISStackSet"] = &cfnstack.StackSet{
		StackSetName:     cisStackSetName,
		Description:      cloudformation.String("rootwatch: CIS 4.3 root-usage monitoring in every member account"),
		PermissionModel:  "SERVICE_MANAGED",
		AutoDeployment:   &cfnstack.StackSet_AutoDeployment{Enabled: cloudformation.Bool(true), RetainStacksOnAccountRemoval: cloudformation.Bool(false)},
		ManagedExecution: &cfnstack.StackSet_ManagedExecution{Active: cloudformation.Bool(true)},
		Parameters: []cfnstack.StackSet_Parameter{
			{ParameterKey: "LogGroupName", ParameterValue: cloudformation.Ref("LogGroupName")},
			{ParameterKey: "NotificationEmail", ParameterValue: cloudformation.Ref("NotificationEmail")},
		},
		StackInstancesGroup: []cfnstack.StackSet_StackInstances{{
			DeploymentTargets: &cfnstack.StackSet_DeploymentTargets{OrganizationalUnitIds: []string{cloudformation.Ref("OrganizationRootId")}},
			Regions:           o.regions(),
		}},
		TemplateBody: cloudformation.String(body),
		Tags:         managedTags(),
	}
	return t, nil
}
