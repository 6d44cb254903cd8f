package filterpattern

import (
	"maps"
	"strings"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func TestMetricFilterEvaluate(t *testing.T) {
	apache := `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`
	cases := []struct {
		name      string
		pattern   string
		tr        MetricTransformation
		event     string
		matched   bool
		hasValue  bool
		value     float64
		dims      map[string]string
		extracted map[string]string // checked when not nil
	}{
		{
			name: "CIS 4.3 literal 1", pattern: cisPattern,
			tr:    MetricTransformation{MetricName: "RootAccountUsage", MetricNamespace: "CISBenchmark", MetricValue: "1"},
			event: `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}`, matched: true, hasValue: true, value: 1,
		},
		{
			name: "no match publishes nothing", pattern: cisPattern,
			tr:    MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "1", DefaultValue: ptr(0)},
			event: `{"userIdentity":{"type":"IAMUser"},"eventType":"AwsApiCall"}`,
		},
		{
			name: "JSON value from field (MFP latency example)", pattern: `{ $.latency = * }`,
			tr:    MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"},
			event: `{"latency": 50, "requestType": "GET"}`, matched: true, hasValue: true, value: 50,
			extracted: map[string]string{"$.latency": "50"},
		},
		{
			name: "JSON value after leading blanks", pattern: `{ $.latency = * }`,
			tr:    MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"},
			event: " \n\t {\"latency\": 7}\n", matched: true, hasValue: true, value: 7,
			extracted: map[string]string{"$.latency": "7"},
		},
		{
			name: "JSON value field missing", pattern: `{ $.requestType = "GET" }`,
			tr:    MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"},
			event: `{"requestType": "GET"}`, matched: true,
		},
		{
			name: "JSON value not numeric", pattern: `{ $.requestType = "GET" }`,
			tr:    MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"},
			event: `{"requestType": "GET", "latency": "fast"}`, matched: true,
		},
		{
			name: "JSON value numeric string", pattern: `{ $.requestType = "GET" }`,
			tr:    MetricTransformation{MetricName: "Latency", MetricNamespace: "App", MetricValue: "$.latency"},
			event: `{"requestType": "GET", "latency": "12.5"}`, matched: true, hasValue: true, value: 12.5,
		},
		{
			name: "JSON dimensions", pattern: `{ $.eventType = "AwsApiCall" }`,
			tr: MetricTransformation{MetricName: "Calls", MetricNamespace: "CT", MetricValue: "1",
				Dimensions: map[string]string{"EventName": "$.eventName", "Source": "$.eventSource"}},
			event:   `{"eventType":"AwsApiCall","eventName":"GetObject","eventSource":"s3.amazonaws.com"}`,
			matched: true, hasValue: true, value: 1,
			dims: map[string]string{"EventName": "GetObject", "Source": "s3.amazonaws.com"},
		},
		{
			name: "JSON dimension missing", pattern: `{ $.eventType = "AwsApiCall" }`,
			tr: MetricTransformation{MetricName: "Calls", MetricNamespace: "CT", MetricValue: "1",
				Dimensions: map[string]string{"EventName": "$.eventName"}},
			event: `{"eventType":"AwsApiCall"}`, matched: true, dims: map[string]string{},
		},
		{
			name: "delimited bytes (EX-BYTES)", pattern: `[ip, identity, user_id, timestamp, request, status_code = 404, size]`,
			tr: MetricTransformation{MetricName: "BytesTransferred", MetricNamespace: "Web", MetricValue: "$size", Unit: "Bytes",
				Dimensions: map[string]string{"IP": "$ip", "StatusCode": "$status_code"}},
			event: apache, matched: true, hasValue: true, value: 1534,
			dims: map[string]string{"IP": "127.0.0.1", "StatusCode": "404"},
			extracted: map[string]string{"$ip": "127.0.0.1", "$identity": "-", "$user_id": "frank",
				"$timestamp": "10/Oct/2000:13:25:15 -0700", "$request": "GET /index.html HTTP/1.0",
				"$status_code": "404", "$size": "1534"},
		},
		{
			name: "delimited positions with ellipsis", pattern: `[..., status_code = 404, size]`,
			tr:    MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "$size"},
			event: apache, matched: true, hasValue: true, value: 1534,
			extracted: map[string]string{"$1": "127.0.0.1", "$2": "-", "$3": "frank",
				"$4": "10/Oct/2000:13:25:15 -0700", "$5": "GET /index.html HTTP/1.0",
				"$status_code": "404", "$size": "1534"},
		},
		{
			name: "delimited value by position", pattern: `[a, b, c]`,
			tr:    MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "$2"},
			event: `x 7 y`, matched: true, hasValue: false, // $2 is named b, not positional
		},
		{
			name: "delimited unnamed position", pattern: `[a, , c]`,
			tr:    MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "$2"},
			event: `x 7 y`, matched: true, hasValue: true, value: 7,
		},
		{
			name: "delimited value not numeric", pattern: `[..., size]`,
			tr:    MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "$size"},
			event: `GET / -`, matched: true,
		},
		{
			name: "terms literal value", pattern: `ERROR`,
			tr:    MetricTransformation{MetricName: "Errors", MetricNamespace: "App", MetricValue: "1", DefaultValue: ptr(0)},
			event: `ERROR ERROR ERROR`, matched: true, hasValue: true, value: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := NewMetricFilter(c.pattern, c.tr)
			if err != nil {
				t.Fatal(err)
			}
			res, matched := f.Evaluate([]byte(c.event))
			if matched != c.matched || res.HasValue != c.hasValue || (c.hasValue && res.Value != c.value) {
				t.Errorf("Evaluate = (%+v, %v), want matched %v hasValue %v value %v", res, matched, c.matched, c.hasValue, c.value)
			}
			if c.dims != nil && !maps.Equal(res.Dimensions, c.dims) {
				t.Errorf("dimensions %v, want %v", res.Dimensions, c.dims)
			}
			if c.extracted != nil && !maps.Equal(res.Extracted, c.extracted) {
				t.Errorf("extracted %v, want %v", res.Extracted, c.extracted)
			}
		})
	}
}

func TestNewMetricFilterRejects(t *testing.T) {
	ok := MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "1"}
	with := func(f func(*MetricTransformation)) MetricTransformation {
		t := ok
		f(&t)
		return t
	}
	cases := []struct {
		name, pattern string
		tr            MetricTransformation
		errHas        string
	}{
		{"invalid pattern", `{ $.a = `, ok, "column"},
		{"dimensions on terms", `ERROR`, with(func(t *MetricTransformation) { t.Dimensions = map[string]string{"a": "$a"} }), errNoDimensions},
		{"dimensions on regex", `%ERR%`, with(func(t *MetricTransformation) { t.Dimensions = map[string]string{"a": "$a"} }), errNoDimensions},
		{"four dimensions", `{ $.a = 1 }`, with(func(t *MetricTransformation) {
			t.Dimensions = map[string]string{"a": "$.a", "b": "$.b", "c": "$.c", "d": "$.d"}
		}), "at most 3"},
		{"dimensions with default", `{ $.a = 1 }`, with(func(t *MetricTransformation) {
			t.Dimensions = map[string]string{"a": "$.a"}
			t.DefaultValue = ptr(0)
		}), "cannot have a defaultValue"},
		{"literal dimension", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.Dimensions = map[string]string{"a": "x"} }), "must reference"},
		{"dimension name colon", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.Dimensions = map[string]string{":a": "$.a"} }), "dimension name"},
		{"bare word value", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.MetricValue = "size" }), "neither a number"},
		{"empty value", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.MetricValue = "" }), "required"},
		{"delimited ref on JSON", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.MetricValue = "$a" }), "$.path"},
		{"bad JSON selector", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.MetricValue = "$.a b" }), "selector"},
		{"unknown delimited field", `[a, b]`, with(func(t *MetricTransformation) { t.MetricValue = "$c" }), "names no field"},
		{"position zero", `[a, b]`, with(func(t *MetricTransformation) { t.MetricValue = "$0" }), "start at $1"},
		{"ref on terms", `ERROR`, with(func(t *MetricTransformation) { t.MetricValue = "$.a" }), "no fields"},
		{"name with colon", `ERROR`, with(func(t *MetricTransformation) { t.MetricName = "a:b" }), "metricName"},
		{"name missing", `ERROR`, with(func(t *MetricTransformation) { t.MetricName = "" }), "metricName is required"},
		{"namespace star", `ERROR`, with(func(t *MetricTransformation) { t.MetricNamespace = "a*" }), "metricNamespace"},
		{"long name", `ERROR`, with(func(t *MetricTransformation) { t.MetricName = strings.Repeat("x", 256) }), "longer than 255"},
		{"long value", `{ $.a = 1 }`, with(func(t *MetricTransformation) { t.MetricValue = "$." + strings.Repeat("a", 99) }), "longer than 100"},
		{"bad unit", `ERROR`, with(func(t *MetricTransformation) { t.Unit = "Furlongs" }), "not a CloudWatch unit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewMetricFilter(c.pattern, c.tr)
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("NewMetricFilter error = %v, want one containing %q", err, c.errHas)
			}
		})
	}
}

func TestMetricFilterAccessors(t *testing.T) {
	tr := MetricTransformation{MetricName: "m", MetricNamespace: "n", MetricValue: "1", Unit: "Count", DefaultValue: ptr(0)}
	f, err := NewMetricFilter(cisPattern, tr)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Transformation(); got.MetricName != "m" || got.Unit != "Count" || *got.DefaultValue != 0 {
		t.Errorf("Transformation() = %+v", got)
	}
	if f.Matcher().Pattern().Kind != KindJSON {
		t.Error("Matcher() lost the pattern")
	}
}
