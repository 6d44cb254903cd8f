// Package awsemu is a loopback AWS endpoint: an http.Handler that speaks
// the wire protocols of the aws-sdk-go-v2 clients rootwatch uses
// (awsJson1_1 for CloudTrail, CloudWatch Logs, EventBridge, KMS and
// Organizations; smithy-rpcv2-cbor for CloudWatch; awsQuery for SNS, STS
// and IAM; ec2Query for EC2; restJson1 for Account; restXml for S3) over
// the in-memory model of internal/awsfake.
//
// It exists so the real rootwatch binary can be driven end to end through
// AWS_ENDPOINT_URL, with the SDK's own signing, serialisation, retries
// and error decoding in the path: what passes here passes against any
// AWS-compatible endpoint that honours the protocols.
//
// Requests are routed by the service named in the SigV4 credential scope
// (".../<region>/<service>/aws4_request"), the region comes from the
// same scope, and the access key picks the account: "AKIA" followed by
// the 12-digit account ID, or a session key returned by sts:AssumeRole.
// Signatures are not verified.
//
// Responses are encoded from the SDK's own output types through their
// schema-driven Serialize methods, so member names, list and map
// wrapping and timestamp formats follow the service model rather than a
// hand-written copy of it.
package awsemu
