package inventory

// Rule is an EventBridge rule on the default event bus.
type Rule struct {
	Name         string     `json:"name"`
	ARN          string     `json:"arn"`
	Region       string     `json:"region"`
	State        string     `json:"state"`
	EventPattern string     `json:"event_pattern,omitempty"`
	Targets      []Target   `json:"targets,omitempty"`
	TargetsError *ReadError `json:"targets_error,omitempty"`
}

// Target is an EventBridge rule target.
type Target struct {
	ID  string `json:"id"`
	ARN string `json:"arn"`
}
