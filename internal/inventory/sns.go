package inventory

// Topic is an SNS topic an alarm notifies.
type Topic struct {
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// Found is false when AWS said the topic does not exist.
	Found bool       `json:"found"`
	Error *ReadError `json:"error,omitempty"`
	// Policy is the topic's access policy (JSON).
	Policy string `json:"policy,omitempty"`
	// KMSMasterKeyID is the server-side encryption key (ID, ARN or alias),
	// empty when the topic is not encrypted.
	KMSMasterKeyID string `json:"kms_master_key_id,omitempty"`

	Subscriptions      []Subscription `json:"subscriptions,omitempty"`
	SubscriptionsError *ReadError     `json:"subscriptions_error,omitempty"`
}

// PendingConfirmation is the SubscriptionArn SNS reports for a
// subscription that was never confirmed.
const PendingConfirmation = "PendingConfirmation"

// Subscription is a subscription to a topic.
type Subscription struct {
	ARN      string `json:"arn"`
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
	Owner    string `json:"owner,omitempty"`
}

// Pending reports whether the subscription still awaits confirmation.
func (s Subscription) Pending() bool { return s.ARN == PendingConfirmation }

// Key is the KMS key behind an encrypted topic.
type Key struct {
	// Ref is the value the topic names (alias, key ID or ARN).
	Ref    string `json:"ref"`
	Region string `json:"region"`
	ARN    string `json:"arn,omitempty"`
	// Manager is "AWS" for AWS-managed keys, "CUSTOMER" otherwise.
	Manager string     `json:"manager,omitempty"`
	State   string     `json:"state,omitempty"`
	Found   bool       `json:"found"`
	Error   *ReadError `json:"error,omitempty"`
	// Policy is the key's "default" key policy (JSON).
	Policy      string     `json:"policy,omitempty"`
	PolicyError *ReadError `json:"policy_error,omitempty"`
}
