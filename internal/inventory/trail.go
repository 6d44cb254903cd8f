package inventory

import "time"

// Trail is a CloudTrail trail with its status and event selectors.
type Trail struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// HomeRegion is where the trail was created; its status, selectors
	// and log group live there.
	HomeRegion string `json:"home_region"`
	// OwnerAccount is the account in the trail ARN: for an organization
	// trail seen from a member account it is not the member.
	OwnerAccount        string `json:"owner_account"`
	IsMultiRegion       bool   `json:"is_multi_region"`
	IsOrganizationTrail bool   `json:"is_organization_trail"`
	// LogGroupARN and RoleARN are empty when the trail does not deliver to
	// CloudWatch Logs.
	LogGroupARN string `json:"log_group_arn,omitempty"`
	RoleARN     string `json:"role_arn,omitempty"`
	S3Bucket    string `json:"s3_bucket,omitempty"`

	// Status is nil when GetTrailStatus failed (StatusError says why).
	Status      *TrailStatus `json:"status,omitempty"`
	StatusError *ReadError   `json:"status_error,omitempty"`
	// Selectors is nil when GetEventSelectors failed.
	Selectors      *Selectors `json:"selectors,omitempty"`
	SelectorsError *ReadError `json:"selectors_error,omitempty"`
}

// TrailStatus is what GetTrailStatus reports.
type TrailStatus struct {
	IsLogging bool `json:"is_logging"`
	// LatestCloudWatchLogsDelivery is zero when CloudTrail never delivered.
	LatestCloudWatchLogsDelivery      time.Time `json:"latest_cloudwatch_logs_delivery,omitzero"`
	LatestCloudWatchLogsDeliveryError string    `json:"latest_cloudwatch_logs_delivery_error,omitempty"`
	LatestDeliveryError               string    `json:"latest_delivery_error,omitempty"`
}

// Selectors are a trail's event selectors: either basic or advanced (AWS
// allows one kind per trail).
type Selectors struct {
	Basic    []EventSelector    `json:"basic,omitempty"`
	Advanced []AdvancedSelector `json:"advanced,omitempty"`
}

// Read/write types of basic event selectors.
const (
	ReadWriteAll       = "All"
	ReadWriteReadOnly  = "ReadOnly"
	ReadWriteWriteOnly = "WriteOnly"
)

// EventSelector is a basic event selector.
type EventSelector struct {
	ReadWriteType                 string   `json:"read_write_type"`
	IncludeManagementEvents       bool     `json:"include_management_events"`
	ExcludeManagementEventSources []string `json:"exclude_management_event_sources,omitempty"`
}

// AdvancedSelector is an advanced event selector.
type AdvancedSelector struct {
	Name   string          `json:"name,omitempty"`
	Fields []SelectorField `json:"fields"`
}

// SelectorField is one field condition of an advanced selector.
type SelectorField struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}
