-- CIS AWS Foundations Benchmark v3.0.0 4.1
-- cloudtrail-lake: approximate
--   approximate: $.errorCode = "*UnauthorizedOperation": a wildcard: SQL tests that each literal piece occurs (in order unchecked)
--   approximate: $.errorCode = "AccessDenied*": a wildcard: SQL tests that each literal piece occurs (in order unchecked)
"errorcode" IS NOT NULL AND strpos("errorcode", 'UnauthorizedOperation') > 0 OR "errorcode" IS NOT NULL AND starts_with("errorcode", 'AccessDenied') AND "sourceipaddress" <> 'delivery.logs.amazonaws.com' AND "eventname" <> 'HeadBucket'
SELECT COALESCE("errorcode" IS NOT NULL AND strpos("errorcode", 'UnauthorizedOperation') > 0 OR "errorcode" IS NOT NULL AND starts_with("errorcode", 'AccessDenied') AND "sourceipaddress" <> 'delivery.logs.amazonaws.com' AND "eventname" <> 'HeadBucket', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("errorcode" IS NOT NULL AND strpos("errorcode", 'UnauthorizedOperation') > 0 OR "errorcode" IS NOT NULL AND starts_with("errorcode", 'AccessDenied') AND "sourceipaddress" <> 'delivery.logs.amazonaws.com' AND "eventname" <> 'HeadBucket')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.2
-- cloudtrail-lake: approximate
--   approximate: $.additionalEventData.MFAUsed != "Yes": != inside additionalEventData, a map<string,string> column of caller data: a JSON boolean reads as its text
"eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes'
SELECT COALESCE("eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.2 (v3.0.0 variant)
-- cloudtrail-lake: approximate
--   approximate: $.additionalEventData.MFAUsed != "Yes": != inside additionalEventData, a map<string,string> column of caller data: a JSON boolean reads as its text
--   approximate: $.responseElements.ConsoleLogin = "Success": equality inside responseElements, a map<string,string> column of caller data: the extraction is not proven to agree with the engine on every JSON text
"eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes' AND "useridentity"."type" = 'IAMUser' AND element_at("responseelements", 'ConsoleLogin') = 'Success'
SELECT COALESCE("eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes' AND "useridentity"."type" = 'IAMUser' AND element_at("responseelements", 'ConsoleLogin') = 'Success', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'ConsoleLogin' AND element_at("additionaleventdata", 'MFAUsed') <> 'Yes' AND "useridentity"."type" = 'IAMUser' AND element_at("responseelements", 'ConsoleLogin') = 'Success')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.3
-- cloudtrail-lake: exact
"useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent'
SELECT COALESCE("useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("useridentity"."type" = 'Root' AND "useridentity"."invokedby" IS NULL AND "eventtype" <> 'AwsServiceEvent')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.4
-- cloudtrail-lake: exact
"eventname" = 'DeleteGroupPolicy' OR "eventname" = 'DeleteRolePolicy' OR "eventname" = 'DeleteUserPolicy' OR "eventname" = 'PutGroupPolicy' OR "eventname" = 'PutRolePolicy' OR "eventname" = 'PutUserPolicy' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeletePolicy' OR "eventname" = 'CreatePolicyVersion' OR "eventname" = 'DeletePolicyVersion' OR "eventname" = 'AttachRolePolicy' OR "eventname" = 'DetachRolePolicy' OR "eventname" = 'AttachUserPolicy' OR "eventname" = 'DetachUserPolicy' OR "eventname" = 'AttachGroupPolicy' OR "eventname" = 'DetachGroupPolicy'
SELECT COALESCE("eventname" = 'DeleteGroupPolicy' OR "eventname" = 'DeleteRolePolicy' OR "eventname" = 'DeleteUserPolicy' OR "eventname" = 'PutGroupPolicy' OR "eventname" = 'PutRolePolicy' OR "eventname" = 'PutUserPolicy' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeletePolicy' OR "eventname" = 'CreatePolicyVersion' OR "eventname" = 'DeletePolicyVersion' OR "eventname" = 'AttachRolePolicy' OR "eventname" = 'DetachRolePolicy' OR "eventname" = 'AttachUserPolicy' OR "eventname" = 'DetachUserPolicy' OR "eventname" = 'AttachGroupPolicy' OR "eventname" = 'DetachGroupPolicy', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'DeleteGroupPolicy' OR "eventname" = 'DeleteRolePolicy' OR "eventname" = 'DeleteUserPolicy' OR "eventname" = 'PutGroupPolicy' OR "eventname" = 'PutRolePolicy' OR "eventname" = 'PutUserPolicy' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeletePolicy' OR "eventname" = 'CreatePolicyVersion' OR "eventname" = 'DeletePolicyVersion' OR "eventname" = 'AttachRolePolicy' OR "eventname" = 'DetachRolePolicy' OR "eventname" = 'AttachUserPolicy' OR "eventname" = 'DetachUserPolicy' OR "eventname" = 'AttachGroupPolicy' OR "eventname" = 'DetachGroupPolicy')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.5
-- cloudtrail-lake: exact
"eventname" = 'CreateTrail' OR "eventname" = 'UpdateTrail' OR "eventname" = 'DeleteTrail' OR "eventname" = 'StartLogging' OR "eventname" = 'StopLogging'
SELECT COALESCE("eventname" = 'CreateTrail' OR "eventname" = 'UpdateTrail' OR "eventname" = 'DeleteTrail' OR "eventname" = 'StartLogging' OR "eventname" = 'StopLogging', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'CreateTrail' OR "eventname" = 'UpdateTrail' OR "eventname" = 'DeleteTrail' OR "eventname" = 'StartLogging' OR "eventname" = 'StopLogging')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.6
-- cloudtrail-lake: exact
"eventname" = 'ConsoleLogin' AND "errormessage" = 'Failed authentication'
SELECT COALESCE("eventname" = 'ConsoleLogin' AND "errormessage" = 'Failed authentication', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'ConsoleLogin' AND "errormessage" = 'Failed authentication')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.7
-- cloudtrail-lake: exact
"eventsource" = 'kms.amazonaws.com' AND ("eventname" = 'DisableKey' OR "eventname" = 'ScheduleKeyDeletion')
SELECT COALESCE("eventsource" = 'kms.amazonaws.com' AND ("eventname" = 'DisableKey' OR "eventname" = 'ScheduleKeyDeletion'), FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventsource" = 'kms.amazonaws.com' AND ("eventname" = 'DisableKey' OR "eventname" = 'ScheduleKeyDeletion'))
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.8
-- cloudtrail-lake: exact
"eventsource" = 's3.amazonaws.com' AND ("eventname" = 'PutBucketAcl' OR "eventname" = 'PutBucketPolicy' OR "eventname" = 'PutBucketCors' OR "eventname" = 'PutBucketLifecycle' OR "eventname" = 'PutBucketReplication' OR "eventname" = 'DeleteBucketPolicy' OR "eventname" = 'DeleteBucketCors' OR "eventname" = 'DeleteBucketLifecycle' OR "eventname" = 'DeleteBucketReplication')
SELECT COALESCE("eventsource" = 's3.amazonaws.com' AND ("eventname" = 'PutBucketAcl' OR "eventname" = 'PutBucketPolicy' OR "eventname" = 'PutBucketCors' OR "eventname" = 'PutBucketLifecycle' OR "eventname" = 'PutBucketReplication' OR "eventname" = 'DeleteBucketPolicy' OR "eventname" = 'DeleteBucketCors' OR "eventname" = 'DeleteBucketLifecycle' OR "eventname" = 'DeleteBucketReplication'), FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventsource" = 's3.amazonaws.com' AND ("eventname" = 'PutBucketAcl' OR "eventname" = 'PutBucketPolicy' OR "eventname" = 'PutBucketCors' OR "eventname" = 'PutBucketLifecycle' OR "eventname" = 'PutBucketReplication' OR "eventname" = 'DeleteBucketPolicy' OR "eventname" = 'DeleteBucketCors' OR "eventname" = 'DeleteBucketLifecycle' OR "eventname" = 'DeleteBucketReplication'))
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.9
-- cloudtrail-lake: exact
"eventsource" = 'config.amazonaws.com' AND ("eventname" = 'StopConfigurationRecorder' OR "eventname" = 'DeleteDeliveryChannel' OR "eventname" = 'PutDeliveryChannel' OR "eventname" = 'PutConfigurationRecorder')
SELECT COALESCE("eventsource" = 'config.amazonaws.com' AND ("eventname" = 'StopConfigurationRecorder' OR "eventname" = 'DeleteDeliveryChannel' OR "eventname" = 'PutDeliveryChannel' OR "eventname" = 'PutConfigurationRecorder'), FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventsource" = 'config.amazonaws.com' AND ("eventname" = 'StopConfigurationRecorder' OR "eventname" = 'DeleteDeliveryChannel' OR "eventname" = 'PutDeliveryChannel' OR "eventname" = 'PutConfigurationRecorder'))
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.10
-- cloudtrail-lake: exact
"eventname" = 'AuthorizeSecurityGroupIngress' OR "eventname" = 'AuthorizeSecurityGroupEgress' OR "eventname" = 'RevokeSecurityGroupIngress' OR "eventname" = 'RevokeSecurityGroupEgress' OR "eventname" = 'CreateSecurityGroup' OR "eventname" = 'DeleteSecurityGroup'
SELECT COALESCE("eventname" = 'AuthorizeSecurityGroupIngress' OR "eventname" = 'AuthorizeSecurityGroupEgress' OR "eventname" = 'RevokeSecurityGroupIngress' OR "eventname" = 'RevokeSecurityGroupEgress' OR "eventname" = 'CreateSecurityGroup' OR "eventname" = 'DeleteSecurityGroup', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'AuthorizeSecurityGroupIngress' OR "eventname" = 'AuthorizeSecurityGroupEgress' OR "eventname" = 'RevokeSecurityGroupIngress' OR "eventname" = 'RevokeSecurityGroupEgress' OR "eventname" = 'CreateSecurityGroup' OR "eventname" = 'DeleteSecurityGroup')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.11
-- cloudtrail-lake: exact
"eventname" = 'CreateNetworkAcl' OR "eventname" = 'CreateNetworkAclEntry' OR "eventname" = 'DeleteNetworkAcl' OR "eventname" = 'DeleteNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclAssociation'
SELECT COALESCE("eventname" = 'CreateNetworkAcl' OR "eventname" = 'CreateNetworkAclEntry' OR "eventname" = 'DeleteNetworkAcl' OR "eventname" = 'DeleteNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclAssociation', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'CreateNetworkAcl' OR "eventname" = 'CreateNetworkAclEntry' OR "eventname" = 'DeleteNetworkAcl' OR "eventname" = 'DeleteNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclEntry' OR "eventname" = 'ReplaceNetworkAclAssociation')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.12
-- cloudtrail-lake: exact
"eventname" = 'CreateCustomerGateway' OR "eventname" = 'DeleteCustomerGateway' OR "eventname" = 'AttachInternetGateway' OR "eventname" = 'CreateInternetGateway' OR "eventname" = 'DeleteInternetGateway' OR "eventname" = 'DetachInternetGateway'
SELECT COALESCE("eventname" = 'CreateCustomerGateway' OR "eventname" = 'DeleteCustomerGateway' OR "eventname" = 'AttachInternetGateway' OR "eventname" = 'CreateInternetGateway' OR "eventname" = 'DeleteInternetGateway' OR "eventname" = 'DetachInternetGateway', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'CreateCustomerGateway' OR "eventname" = 'DeleteCustomerGateway' OR "eventname" = 'AttachInternetGateway' OR "eventname" = 'CreateInternetGateway' OR "eventname" = 'DeleteInternetGateway' OR "eventname" = 'DetachInternetGateway')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.13
-- cloudtrail-lake: exact
"eventname" = 'CreateRoute' OR "eventname" = 'CreateRouteTable' OR "eventname" = 'ReplaceRoute' OR "eventname" = 'ReplaceRouteTableAssociation' OR "eventname" = 'DeleteRouteTable' OR "eventname" = 'DeleteRoute' OR "eventname" = 'DisassociateRouteTable'
SELECT COALESCE("eventname" = 'CreateRoute' OR "eventname" = 'CreateRouteTable' OR "eventname" = 'ReplaceRoute' OR "eventname" = 'ReplaceRouteTableAssociation' OR "eventname" = 'DeleteRouteTable' OR "eventname" = 'DeleteRoute' OR "eventname" = 'DisassociateRouteTable', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'CreateRoute' OR "eventname" = 'CreateRouteTable' OR "eventname" = 'ReplaceRoute' OR "eventname" = 'ReplaceRouteTableAssociation' OR "eventname" = 'DeleteRouteTable' OR "eventname" = 'DeleteRoute' OR "eventname" = 'DisassociateRouteTable')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.14
-- cloudtrail-lake: exact
"eventname" = 'CreateVpc' OR "eventname" = 'DeleteVpc' OR "eventname" = 'ModifyVpcAttribute' OR "eventname" = 'AcceptVpcPeeringConnection' OR "eventname" = 'CreateVpcPeeringConnection' OR "eventname" = 'DeleteVpcPeeringConnection' OR "eventname" = 'RejectVpcPeeringConnection' OR "eventname" = 'AttachClassicLinkVpc' OR "eventname" = 'DetachClassicLinkVpc' OR "eventname" = 'DisableVpcClassicLink' OR "eventname" = 'EnableVpcClassicLink'
SELECT COALESCE("eventname" = 'CreateVpc' OR "eventname" = 'DeleteVpc' OR "eventname" = 'ModifyVpcAttribute' OR "eventname" = 'AcceptVpcPeeringConnection' OR "eventname" = 'CreateVpcPeeringConnection' OR "eventname" = 'DeleteVpcPeeringConnection' OR "eventname" = 'RejectVpcPeeringConnection' OR "eventname" = 'AttachClassicLinkVpc' OR "eventname" = 'DetachClassicLinkVpc' OR "eventname" = 'DisableVpcClassicLink' OR "eventname" = 'EnableVpcClassicLink', FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventname" = 'CreateVpc' OR "eventname" = 'DeleteVpc' OR "eventname" = 'ModifyVpcAttribute' OR "eventname" = 'AcceptVpcPeeringConnection' OR "eventname" = 'CreateVpcPeeringConnection' OR "eventname" = 'DeleteVpcPeeringConnection' OR "eventname" = 'RejectVpcPeeringConnection' OR "eventname" = 'AttachClassicLinkVpc' OR "eventname" = 'DetachClassicLinkVpc' OR "eventname" = 'DisableVpcClassicLink' OR "eventname" = 'EnableVpcClassicLink')
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

-- CIS AWS Foundations Benchmark v3.0.0 4.15
-- cloudtrail-lake: exact
"eventsource" = 'organizations.amazonaws.com' AND ("eventname" = 'AcceptHandshake' OR "eventname" = 'AttachPolicy' OR "eventname" = 'CreateAccount' OR "eventname" = 'CreateOrganizationalUnit' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeclineHandshake' OR "eventname" = 'DeleteOrganization' OR "eventname" = 'DeleteOrganizationalUnit' OR "eventname" = 'DeletePolicy' OR "eventname" = 'DetachPolicy' OR "eventname" = 'DisablePolicyType' OR "eventname" = 'EnablePolicyType' OR "eventname" = 'InviteAccountToOrganization' OR "eventname" = 'LeaveOrganization' OR "eventname" = 'MoveAccount' OR "eventname" = 'RemoveAccountFromOrganization' OR "eventname" = 'UpdatePolicy' OR "eventname" = 'UpdateOrganizationalUnit')
SELECT COALESCE("eventsource" = 'organizations.amazonaws.com' AND ("eventname" = 'AcceptHandshake' OR "eventname" = 'AttachPolicy' OR "eventname" = 'CreateAccount' OR "eventname" = 'CreateOrganizationalUnit' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeclineHandshake' OR "eventname" = 'DeleteOrganization' OR "eventname" = 'DeleteOrganizationalUnit' OR "eventname" = 'DeletePolicy' OR "eventname" = 'DetachPolicy' OR "eventname" = 'DisablePolicyType' OR "eventname" = 'EnablePolicyType' OR "eventname" = 'InviteAccountToOrganization' OR "eventname" = 'LeaveOrganization' OR "eventname" = 'MoveAccount' OR "eventname" = 'RemoveAccountFromOrganization' OR "eventname" = 'UpdatePolicy' OR "eventname" = 'UpdateOrganizationalUnit'), FALSE) AS rootwatch_match, eventjson
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE ("eventsource" = 'organizations.amazonaws.com' AND ("eventname" = 'AcceptHandshake' OR "eventname" = 'AttachPolicy' OR "eventname" = 'CreateAccount' OR "eventname" = 'CreateOrganizationalUnit' OR "eventname" = 'CreatePolicy' OR "eventname" = 'DeclineHandshake' OR "eventname" = 'DeleteOrganization' OR "eventname" = 'DeleteOrganizationalUnit' OR "eventname" = 'DeletePolicy' OR "eventname" = 'DetachPolicy' OR "eventname" = 'DisablePolicyType' OR "eventname" = 'EnablePolicyType' OR "eventname" = 'InviteAccountToOrganization' OR "eventname" = 'LeaveOrganization' OR "eventname" = 'MoveAccount' OR "eventname" = 'RemoveAccountFromOrganization' OR "eventname" = 'UpdatePolicy' OR "eventname" = 'UpdateOrganizationalUnit'))
  AND eventtime >= '2026-02-28 23:59:59'
  AND eventtime <= '2026-03-08 00:00:01';

