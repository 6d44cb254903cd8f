package cloudtrail

// Exclusion says why a root-user event does not count under CIS 4.3.
type Exclusion string

// The CIS 4.3 filter { $.userIdentity.type = "Root" && $.userIdentity.invokedBy
// NOT EXISTS && $.eventType != "AwsServiceEvent" } leaves out root events
// that an AWS service performed on the root user's behalf, service events,
// and (because "!=" needs the field) records without an eventType.
const (
	NotExcluded       Exclusion = ""
	ExcludedInvokedBy Exclusion = "invokedBy"       // userIdentity.invokedBy exists
	ExcludedService   Exclusion = "AwsServiceEvent" // eventType is AwsServiceEvent
	ExcludedNoType    Exclusion = "no eventType"    // eventType is absent
)

// Verdict is the CIS 4.3 classification of one record.
type Verdict struct {
	Root      bool      // userIdentity.type is Root
	CIS       bool      // the CIS 4.3 filter matches
	Exclusion Exclusion // why a root record does not match; empty otherwise
}

// Classify applies CIS 4.3 to a parsed record. It agrees with the filter
// pattern engine running cis.RootUsagePattern (a test holds the two
// together) and adds the reason for every root record the filter skips.
func Classify(r *Record) Verdict {
	if r.UserIdentity.Type != "Root" {
		return Verdict{}
	}
	v := Verdict{Root: true}
	switch {
	case r.Present.InvokedBy:
		v.Exclusion = ExcludedInvokedBy
	case !r.Present.EventType:
		v.Exclusion = ExcludedNoType
	case r.EventType == "AwsServiceEvent":
		v.Exclusion = ExcludedService
	default:
		v.CIS = true
	}
	return v
}
