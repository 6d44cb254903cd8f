package awsemu

import (
	"bytes"
	"encoding/xml"
)

// service is how one AWS service is reached: its protocol, its XML
// namespace (query protocols) and the awsfake client serving the caller.
type service struct {
	proto  protocol
	xmlns  string
	client func(s *Server, c caller) any
}

// services are keyed by the SigV4 signing name in the credential scope.
var services = map[string]service{
	"cloudtrail": {proto: protoJSON11, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).Trails(c.region) }},
	// Athena is served by Server.Queries, never by a client.
	"athena": {proto: protoJSON11, client: func(*Server, caller) any { return nil }},
	"logs":   {proto: protoJSON11, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).LogsClient(c.region) }},
	"events": {proto: protoJSON11, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).EventsClient(c.region) }},
	"kms":    {proto: protoJSON11, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).KMSClient(c.region) }},
	"organizations": {proto: protoJSON11, client: func(s *Server, c caller) any {
		return s.Cloud.Dialer(c.account).Organizations()
	}},
	"monitoring": {proto: protoCBOR, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).CloudWatchClient(c.region) }},
	"sns": {proto: protoQuery, xmlns: "http://sns.amazonaws.com/doc/2010-03-31/", client: func(s *Server, c caller) any {
		return s.Cloud.Conn(c.account).SNSClient(c.region)
	}},
	"sts": {proto: protoQuery, xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", client: func(s *Server, c caller) any {
		return s.Cloud.Dialer(c.account).STS()
	}},
	"iam": {proto: protoQuery, xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", client: func(s *Server, c caller) any {
		return s.Cloud.Conn(c.account).IAMClient()
	}},
	"ec2": {proto: protoEC2, xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", client: func(s *Server, c caller) any {
		return s.Cloud.Conn(c.account).EC2(c.region)
	}},
	"account": {proto: protoRESTJSON, client: func(s *Server, c caller) any { return s.Cloud.Conn(c.account).Account() }},
	"scheduler": {proto: protoRESTJSON, client: func(s *Server, c caller) any {
		return s.Cloud.Conn(c.account).SchedulerClient(c.region)
	}},
	"sqs": {proto: protoJSON10, client: func(s *Server, c caller) any { return s.Queues }},
	"securityhub": {proto: protoRESTJSON, client: func(s *Server, c caller) any {
		return s.Cloud.Conn(c.account).SecurityHub(c.region)
	}},
}

// restOps names the restJson1 operations whose path is not the operation
// name (Security Hub's, from its service model's @http traits).
var restOps = map[string]string{
	"POST /findings/import": "BatchImportFindings",
}

func xmlEscape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
