package template

// cfnEventBridge is the alternative design: EventBridge rules for root API
// calls and console sign-ins invoke rootwatch's Lambda mode, which adds the
// account alias and publishes to SNS. With central set, the rules listen
// on the organization's central bus instead of the default bus.
func cfnEventBridge(o Options, central bool) *cfnTemplate {
	t := newCFNTemplate()
	t.Description = "rootwatch: EventBridge rules for root API calls and console sign-ins, a Lambda function that alerts through SNS, a dead-letter queue and alarms on failures."
	t.Parameters["CodeS3Bucket"] = cfnParameter{Type: "String", Description: "S3 bucket holding rootwatch-lambda-<arch>.zip (from `make lambda`), in this region."}
	t.Parameters["CodeS3Key"] = cfnParameter{Type: "String", Default: "rootwatch-lambda-" + o.architecture() + ".zip"}
	topic := addTopic(t, o, "RootActivityTopic", functionName, "root activity alerts")

	t.add("DeadLetterQueue", "AWS::SQS::Queue", props{
		"MessageRetentionPeriod": dlqRetention,
		"SqsManagedSseEnabled":   true,
		"Tags":                   managedTags(),
	})
	t.add("FunctionLogGroup", "AWS::Logs::LogGroup", props{
		"LogGroupName":    "/aws/lambda/" + functionName,
		"RetentionInDays": logRetentionDays,
		"Tags":            managedTags(),
	})
	var keyArn any
	if o.KMS {
		keyArn = getAtt("AlertsKey", "Arn")
	}
	t.add("FunctionRole", "AWS::IAM::Role", props{
		"Description":              "rootwatch Lambda function: alert on root activity",
		"AssumeRolePolicyDocument": lambdaAssumeRole(),
		"Policies": []any{props{
			"PolicyName":     "rootwatch-root-activity",
			"PolicyDocument": functionPolicy(getAtt("FunctionLogGroup", "Arn"), ref(topic), getAtt("DeadLetterQueue", "Arn"), keyArn, o.Org),
		}},
		"Tags": managedTags(),
	})
	env := props{topicEnvVar: ref(topic)}
	if o.Org {
		env["ROOTWATCH_ORG_ACCOUNT_NAMES"] = "true"
	}
	t.add("Function", "AWS::Lambda::Function", props{
		"FunctionName":  functionName,
		"Description":   "rootwatch: alert on use of the AWS root user (CIS 4.3)",
		"Runtime":       "provided.al2023",
		"Handler":       "bootstrap",
		"Architectures": []any{o.architecture()},
		"Code": props{
			"S3Bucket": ref("CodeS3Bucket"),
			"S3Key":    ref("CodeS3Key"),
		},
		"MemorySize":       functionMemory,
		"Timeout":          functionTimeout,
		"Role":             getAtt("FunctionRole", "Arn"),
		"Environment":      props{"Variables": env},
		"DeadLetterConfig": props{"TargetArn": getAtt("DeadLetterQueue", "Arn")},
		"LoggingConfig": props{
			"LogFormat": "JSON",
			"LogGroup":  ref("FunctionLogGroup"),
		},
		"Tags": managedTags(),
	})
	rules := []struct{ id, name, detailType string }{
		{"RootApiCallRule", apiCallRule, detailTypeAPI},
		{"RootConsoleSignInRule", consoleRule, detailTypeSignIn},
	}
	var ruleArns []any
	for _, r := range rules {
		rule := props{
			"Name":         r.name,
			"Description":  "rootwatch: " + r.detailType + " by the root user (CIS 4.3 exclusions applied)",
			"EventPattern": rootEventPattern(r.detailType),
			"State":        "ENABLED",
			"Targets": []any{props{
				"Id":               "rootwatch",
				"Arn":              getAtt("Function", "Arn"),
				"DeadLetterConfig": props{"Arn": getAtt("DeadLetterQueue", "Arn")},
				"RetryPolicy":      retryPolicy(),
			}},
		}
		if central {
			rule["EventBusName"] = ref("CentralEventBus")
		}
		t.add(r.id, "AWS::Events::Rule", rule)
		t.add(r.id+"Permission", "AWS::Lambda::Permission", props{
			"Action":       "lambda:InvokeFunction",
			"FunctionName": ref("Function"),
			"Principal":    "events.amazonaws.com",
			"SourceArn":    getAtt(r.id, "Arn"),
		})
		ruleArns = append(ruleArns, getAtt(r.id, "Arn"))
	}
	t.add("DeadLetterQueuePolicy", "AWS::SQS::QueuePolicy", props{
		"Queues":         []any{ref("DeadLetterQueue")},
		"PolicyDocument": dlqPolicy(cfnRefs, getAtt("DeadLetterQueue", "Arn"), ruleArns),
	})
	t.add("FunctionErrorsAlarm", "AWS::CloudWatch::Alarm", cfnAlarm(functionName+"-errors",
		"rootwatch: the root-activity function failed; root alerts may be delayed or in the dead-letter queue.",
		"AWS/Lambda", "Errors", "Sum", props{"Name": "FunctionName", "Value": ref("Function")}, topic))
	t.add("DeadLetterAlarm", "AWS::CloudWatch::Alarm", cfnAlarm(functionName+"-dead-letters",
		"rootwatch: root-activity events could not be processed and wait in the dead-letter queue.",
		"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", props{"Name": "QueueName", "Value": getAtt("DeadLetterQueue", "QueueName")}, topic))
	t.Outputs["FunctionArn"] = cfnOutput{Value: getAtt("Function", "Arn")}
	t.Outputs["DeadLetterQueueUrl"] = cfnOutput{Value: ref("DeadLetterQueue")}
	return t
}

// retryPolicy is EventBridge's most patient: a root alert is worth a
// day of retries.
func retryPolicy() props {
	return props{"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}
}

// cfnAlarm is an alarm on one event of an AWS metric (>= 1 in 5 minutes),
// notifying the topic: how the function's own failures reach a person.
func cfnAlarm(name, description, namespace, metric, statistic string, dim props, topic string) props {
	return props{
		"AlarmName":          name,
		"AlarmDescription":   description,
		"Namespace":          namespace,
		"MetricName":         metric,
		"Dimensions":         []any{dim},
		"Statistic":          statistic,
		"Period":             300,
		"EvaluationPeriods":  1,
		"Threshold":          1,
		"ComparisonOperator": "GreaterThanOrEqualToThreshold",
		"TreatMissingData":   "notBreaching",
		"AlarmActions":       []any{ref(topic)},
		"Tags":               managedTags(),
	}
}

// cfnMemberForwarder is what the StackSet deploys in every member account
// and region: the same two rules on the default bus, forwarding to the
// central bus with a role (required when the bus admits the organization
// rather than named accounts).
func cfnMemberForwarder() *cfnTemplate {
	t := newCFNTemplate()
	t.Description = "rootwatch member stack: forward root API calls and console sign-ins to the security account's central event bus."
	t.Parameters["CentralEventBusArn"] = cfnParameter{Type: "String", Description: "ARN of the central rootwatch event bus in the security account."}
	t.add("ForwardRole", "AWS::IAM::Role", props{
		"Description":              "rootwatch: let EventBridge forward root activity to the central bus",
		"AssumeRolePolicyDocument": eventsAssumeRole(),
		"Policies": []any{props{
			"PolicyName":     "rootwatch-forward-root-activity",
			"PolicyDocument": forwardPolicy(ref("CentralEventBusArn")),
		}},
		"Tags": managedTags(),
	})
	for _, r := range []struct{ id, name, detailType string }{
		{"RootApiCallForwardRule", apiCallRule, detailTypeAPI},
		{"RootConsoleSignInForwardRule", consoleRule, detailTypeSignIn},
	} {
		t.add(r.id, "AWS::Events::Rule", props{
			"Name":         r.name,
			"Description":  "rootwatch: forward " + r.detailType + " by the root user to the central bus",
			"EventPattern": rootEventPattern(r.detailType),
			"State":        "ENABLED",
			"Targets": []any{props{
				"Id":          "rootwatch-central-bus",
				"Arn":         ref("CentralEventBusArn"),
				"RoleArn":     getAtt("ForwardRole", "Arn"),
				"RetryPolicy": retryPolicy(),
			}},
		})
	}
	return t
}

const (
	orgIDPattern     = `^o-[a-z0-9]{10,32}$`
	orgTargetPattern = `^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`
)

// serviceManagedStackSet is a StackSet that reaches every account under the
// OrganizationRootId parameter, and the accounts that join it later.
func serviceManagedStackSet(o Options, name, description, body string, params []any, capabilities bool) props {
	p := props{
		"StackSetName":     name,
		"Description":      description,
		"PermissionModel":  "SERVICE_MANAGED",
		"AutoDeployment":   props{"Enabled": true, "RetainStacksOnAccountRemoval": false},
		"ManagedExecution": props{"Active": true},
		"Parameters":       params,
		"StackInstancesGroup": []any{props{
			"DeploymentTargets": props{"OrganizationalUnitIds": []any{ref("OrganizationRootId")}},
			"Regions":           stringsAny(o.regions()),
		}},
		"TemplateBody": body,
		"Tags":         managedTags(),
	}
	if capabilities {
		p["Capabilities"] = []any{"CAPABILITY_IAM"}
		p["OperationPreferences"] = props{
			"RegionConcurrencyType":      "PARALLEL",
			"FailureTolerancePercentage": 10,
			"MaxConcurrentPercentage":    50,
		}
	}
	return p
}

func stackSetParam(key string, value any) props {
	return props{"ParameterKey": key, "ParameterValue": value}
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// cfnEventBridgeOrg is the security account's stack: the central bus that
// admits the organization, the function and its rules on that bus, and a
// service-managed StackSet that puts the forwarding rules in every
// account and region (and keeps new accounts covered).
func cfnEventBridgeOrg(o Options) (*cfnTemplate, error) {
	t := cfnEventBridge(o, true)
	t.Description = "rootwatch organization deployment (security account): central event bus for root activity from every account and region, the alerting function, and a StackSet for the member accounts."
	t.Parameters["OrganizationId"] = cfnParameter{Type: "String", AllowedPattern: orgIDPattern, Description: "The AWS Organizations ID (o-...)."}
	t.Parameters["OrganizationRootId"] = cfnParameter{Type: "String", AllowedPattern: orgTargetPattern, Description: "Root (r-...) or OU (ou-...) whose accounts get the forwarding rules."}
	t.add("CentralEventBus", "AWS::Events::EventBus", props{"Name": centralBusName, "Tags": managedTags()})
	t.add("CentralEventBusPolicy", "AWS::Events::EventBusPolicy", props{
		"EventBusName": ref("CentralEventBus"),
		"StatementId":  "AllowOrganizationMembersToPutEvents",
		"Statement":    busPolicy(getAtt("CentralEventBus", "Arn"), ref("OrganizationId"))["Statement"].([]any)[0],
	})
	body, err := memberTemplateBody(cfnMemberForwarder())
	if err != nil {
		return nil, err
	}
	t.add("MemberStackSet", "AWS::CloudFormation::StackSet", serviceManagedStackSet(o, stackSetName,
		"rootwatch: forward root activity from every member account and region to the central bus", body,
		[]any{stackSetParam("CentralEventBusArn", getAtt("CentralEventBus", "Arn"))}, true))
	addManagementStackSet(t, o, body)
	t.Outputs["CentralEventBusArn"] = cfnOutput{Value: getAtt("CentralEventBus", "Arn")}
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
func addManagementStackSet(t *cfnTemplate, o Options, body string) {
	t.Parameters["StackSetAdministrationRoleName"] = cfnParameter{Type: "String", Default: stackSetAdminRole,
		Description: "Self-managed StackSet administration role in this (management) account; AWS documents how to create it."}
	t.Parameters["StackSetExecutionRoleName"] = cfnParameter{Type: "String", Default: stackSetExecRole,
		Description: "Self-managed StackSet execution role in this (management) account, trusting the administration role."}
	t.add("ManagementStackSet", "AWS::CloudFormation::StackSet", props{
		"StackSetName":          mgmtStackSetName,
		"Description":           "rootwatch: forward root activity from the management account, in every region, to the central bus",
		"PermissionModel":       "SELF_MANAGED",
		"AdministrationRoleARN": join("", []any{"arn:", ref("AWS::Partition"), ":iam::", ref("AWS::AccountId"), ":role/", ref("StackSetAdministrationRoleName")}),
		"ExecutionRoleName":     ref("StackSetExecutionRoleName"),
		"Capabilities":          []any{"CAPABILITY_IAM"},
		"OperationPreferences": props{
			"RegionConcurrencyType":      "PARALLEL",
			"FailureTolerancePercentage": 0,
			"MaxConcurrentPercentage":    100,
		},
		"Parameters": []any{stackSetParam("CentralEventBusArn", getAtt("CentralEventBus", "Arn"))},
		"StackInstancesGroup": []any{props{
			"DeploymentTargets": props{"Accounts": []any{ref("AWS::AccountId")}},
			"Regions":           stringsAny(o.regions()),
		}},
		"TemplateBody": body,
		"Tags":         managedTags(),
	})
}

// cfnCISOrg deploys the CIS chain into every member account with a
// service-managed StackSet, on each account's own trail log group. With an
// organization trail, one plain cis-alarm stack on the organization trail's
// log group (in the account that owns it) covers every member instead.
func cfnCISOrg(o Options) (*cfnTemplate, error) {
	t := newCFNTemplate()
	t.Description = "rootwatch: CIS 4.3 chain (metric filter, alarm, SNS topic) in every member account, by a service-managed StackSet."
	t.Parameters["OrganizationRootId"] = cfnParameter{Type: "String", AllowedPattern: orgTargetPattern, Description: "Root (r-...) or OU (ou-...) whose accounts get the chain."}
	t.Parameters["LogGroupName"] = cfnParameter{Type: "String", Description: "Name of the CloudTrail log group in each member account (the same in all of them)."}
	t.Parameters["NotificationEmail"] = cfnParameter{Type: "String", Default: ""}
	body, err := memberTemplateBody(cfnCIS(o))
	if err != nil {
		return nil, err
	}
	t.add("CISStackSet", "AWS::CloudFormation::StackSet", serviceManagedStackSet(o, cisStackSetName,
		"rootwatch: CIS 4.3 root-usage monitoring in every member account", body,
		[]any{stackSetParam("LogGroupName", ref("LogGroupName")), stackSetParam("NotificationEmail", ref("NotificationEmail"))}, false))
	return t, nil
}
