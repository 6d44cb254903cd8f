package sqlpattern

// fieldKind is what a table column (or struct member) holds, and what the
// table contract says CloudTrail writes there.
type fieldKind int

const (
	// kindString: a STRING column for a field CloudTrail writes as a JSON
	// string, never null.
	kindString fieldKind = iota + 1
	// kindBool: a field CloudTrail writes as a JSON boolean. Athena's
	// table holds it as the text true/false, Lake as a BOOLEAN.
	kindBool
	// kindJSONText: a STRING column holding caller data as JSON text
	// (requestParameters in the Athena table). May be null.
	kindJSONText
	// kindMap: a map<string,string> of caller data (CloudTrail Lake's
	// requestParameters). May be null.
	kindMap
	// kindTimestamp: a TIMESTAMP column (Lake's eventtime).
	kindTimestamp
	// kindStruct: an object with known members.
	kindStruct
	// kindArray: an array of structs (resources).
	kindArray
	// kindOpaque: a column the translation does not look into
	// (webIdFederationData's attribute map, for instance).
	kindOpaque
)

// field is one node of a table layout: the JSON key CloudTrail writes, the
// SQL name of the column or struct member, and its members.
type field struct {
	json    string
	sql     string
	kind    fieldKind
	members []*field // kindStruct; kindArray: the element's members
}

func str(json string) *field { return &field{json: json, kind: kindString} }

func of(kind fieldKind, json string, members ...*field) *field {
	return &field{json: json, kind: kind, members: members}
}

// member finds a member by its JSON key, spelled exactly: a filter pattern
// selector is case-sensitive, so $.useridentity is not $.userIdentity.
func (f *field) member(name string) *field {
	for _, m := range f.members {
		if m.json == name {
			return m
		}
	}
	return nil
}

// sqlName is the column or member name: CloudTrail's key in lower case, as
// the documented DDL declares it (Hive and Trino fold names to lower case).
func (f *field) sqlName() string {
	if f.sql != "" {
		return f.sql
	}
	b := []byte(f.json)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func sessionContext(lake bool) *field {
	creation := str("creationDate")
	if lake {
		creation = of(kindTimestamp, "creationDate")
	}
	members := []*field{
		of(kindStruct, "attributes", str("mfaAuthenticated"), creation),
		of(kindStruct, "sessionIssuer", str("type"), str("principalId"), str("arn"), str("accountId"), str("userName")),
		str("ec2RoleDelivery"),
		of(kindStruct, "webIdFederationData", str("federatedProvider"), of(kindOpaque, "attributes")),
	}
	if lake {
		members = append(members, str("sourceIdentity"), str("ec2IssuedInVPC"))
	}
	return of(kindStruct, "sessionContext", members...)
}

// athenaTable is the CloudTrail table of the Athena User Guide ("Create the
// table for CloudTrail logs in Athena using partition projection"): scalar
// fields as STRING, userIdentity, resources, addendum and tlsDetails as
// structs, request and response contents as JSON text.
func athenaTable() *field {
	return of(kindStruct, "$",
		str("eventVersion"),
		of(kindStruct, "userIdentity",
			str("type"), str("principalId"), str("arn"), str("accountId"), str("invokedBy"),
			str("accessKeyId"), str("userName"),
			of(kindStruct, "onBehalfOf", str("userId"), str("identityStoreArn")),
			sessionContext(false),
		),
		str("eventTime"), str("eventSource"), str("eventName"), str("awsRegion"),
		&field{json: "sourceIPAddress", kind: kindString},
		str("userAgent"), str("errorCode"), str("errorMessage"),
		of(kindJSONText, "requestParameters"), of(kindJSONText, "responseElements"),
		of(kindJSONText, "additionalEventData"),
		str("requestID"), str("eventID"), of(kindBool, "readOnly"),
		of(kindArray, "resources", str("ARN"), str("accountId"), str("type")),
		str("eventType"), str("apiVersion"), str("recipientAccountId"),
		of(kindJSONText, "serviceEventDetails"), str("sharedEventID"), str("vpcEndpointId"),
		str("vpcEndpointAccountId"), str("eventCategory"),
		of(kindStruct, "addendum", str("reason"), str("updatedFields"), str("originalRequestID"), str("originalEventID")),
		str("sessionCredentialFromConsole"), of(kindJSONText, "edgeDeviceDetails"),
		of(kindStruct, "tlsDetails", str("tlsVersion"), str("cipherSuite"), str("clientProvidedHostHeader")),
	)
}

// lakeTable is the CloudTrail Lake schema for CloudTrail events ("Supported
// SQL schemas for event data stores"): eventtime is a TIMESTAMP, readonly
// and managementevent are BOOLEANs, request and response contents are
// map<string,string>, and eventjson holds the whole record.
func lakeTable() *field {
	return of(kindStruct, "$",
		str("eventVersion"),
		of(kindStruct, "userIdentity",
			str("type"), str("principalId"), str("arn"), str("accountId"), str("accessKeyId"), str("userName"),
			sessionContext(true),
			of(kindStruct, "onBehalfOf", str("userId"), str("identityStoreArn")),
			of(kindStruct, "inScopeOf", str("sourceArn"), str("sourceAccount"), str("issuerType"), str("credentialsIssuedTo")),
			str("invokedBy"), str("identityProvider"),
		),
		of(kindTimestamp, "eventTime"), str("eventSource"), str("eventName"), str("awsRegion"),
		&field{json: "sourceIPAddress", kind: kindString},
		str("userAgent"), str("errorCode"), str("errorMessage"),
		of(kindMap, "requestParameters"), of(kindMap, "responseElements"), of(kindMap, "additionalEventData"),
		str("requestID"), str("eventID"), of(kindBool, "readOnly"),
		of(kindArray, "resources", str("accountId"), str("type"), str("ARN"), str("ARNPrefix")),
		str("eventType"), str("apiVersion"), of(kindBool, "managementEvent"), str("recipientAccountId"),
		str("sharedEventID"), str("annotation"), str("vpcEndpointId"), str("vpcEndpointAccountId"),
		of(kindMap, "serviceEventDetails"), of(kindMap, "addendum"), of(kindMap, "edgeDeviceDetails"),
		str("eventCategory"),
		of(kindStruct, "tlsDetails", str("tlsVersion"), str("cipherSuite"), str("clientProvidedHostHeader")),
		str("sessionCredentialFromConsole"),
	)
}
