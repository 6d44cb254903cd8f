package inventory

import "fmt"

// ReadError records one AWS read that failed, with the IAM action it
// needed so the report can name the missing permission.
type ReadError struct {
	// Action is the IAM action of the call, e.g. "cloudtrail:GetTrailStatus".
	Action string `json:"action"`
	// Code is the AWS error code (AccessDeniedException, ThrottlingException...).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Kind classifies the failure.
	Kind ErrorKind `json:"kind"`
}

// ErrorKind classifies a failed read.
type ErrorKind string

// Kinds of failed reads.
const (
	// Denied: the credentials lack the permission (or an SCP denies it).
	Denied ErrorKind = "denied"
	// Throttled: AWS kept throttling after every retry.
	Throttled ErrorKind = "throttled"
	// Failed: anything else (network, service error, assume-role failure).
	Failed ErrorKind = "failed"
)

func (e *ReadError) Error() string { return e.Verdict() }

// Verdict is the sentence the report shows for an UNKNOWN link.
func (e *ReadError) Verdict() string {
	switch e.Kind {
	case Denied:
		return "could not look: missing permission " + e.Action
	case Throttled:
		return fmt.Sprintf("could not look: %s kept being throttled (%s)", e.Action, e.Code)
	default:
		if e.Code != "" {
			return fmt.Sprintf("could not look: %s failed: %s: %s", e.Action, e.Code, e.Message)
		}
		return fmt.Sprintf("could not look: %s failed: %s", e.Action, e.Message)
	}
}
