package inventory

// LogGroup is a CloudWatch Logs group a trail delivers to, looked up by the
// ARN in the trail.
type LogGroup struct {
	// ARN is the trail's CloudWatchLogsLogGroupArn (which ends in ":*").
	ARN    string `json:"arn"`
	Name   string `json:"name"`
	Region string `json:"region"`
	// Found is false when DescribeLogGroups succeeded and returned no
	// group of that name; meaningless when Error is set.
	Found bool       `json:"found"`
	Error *ReadError `json:"error,omitempty"`

	MetricFilters []MetricFilter `json:"metric_filters,omitempty"`
	// FiltersError is set when DescribeMetricFilters failed.
	FiltersError *ReadError `json:"filters_error,omitempty"`
}

// MetricFilter is a metric filter on a log group.
type MetricFilter struct {
	Name            string                 `json:"name"`
	Pattern         string                 `json:"pattern"`
	Transformations []MetricTransformation `json:"transformations"`
}

// MetricTransformation is how a filter turns matches into a metric.
type MetricTransformation struct {
	MetricName      string            `json:"metric_name"`
	MetricNamespace string            `json:"metric_namespace"`
	MetricValue     string            `json:"metric_value"`
	DefaultValue    *float64          `json:"default_value,omitempty"`
	Dimensions      map[string]string `json:"dimensions,omitempty"`
	Unit            string            `json:"unit,omitempty"`
}
