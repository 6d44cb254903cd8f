package filterpattern

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// MetricTransformation is the metric half of a metric filter, as in the
// PutMetricFilter API (MetricTransformation).
type MetricTransformation struct {
	MetricName      string
	MetricNamespace string
	// MetricValue is a number ("1") or a reference to a value of the
	// matched event: $.path for JSON patterns, $name or $N for
	// space-delimited ones.
	MetricValue string
	// DefaultValue, when set, is published for a period in which events
	// were ingested but none matched. It is not a per-event value:
	// Evaluate never returns it; the caller aggregating periods does.
	DefaultValue *float64
	// Dimensions maps a dimension name to a reference, like MetricValue.
	Dimensions map[string]string
	Unit       string // a CloudWatch unit; "" means None
}

// MetricResult is what one matching event contributes.
type MetricResult struct {
	// Value is the metric value; HasValue is false when the value (or a
	// dimension) references a field the event lacks or that is not a
	// number, in which case nothing is published for the event.
	Value    float64
	HasValue bool
	// Dimensions holds the resolved dimension values.
	Dimensions map[string]string
	// Extracted holds the values the pattern extracts, keyed like
	// TestMetricFilter's extractedValues: $name / $N for space-delimited
	// patterns, the referenced $.path selectors for JSON patterns.
	Extracted map[string]string
}

// MetricFilter is a compiled filter pattern with its metric transformation.
// Like Matcher it is immutable and safe for concurrent use.
type MetricFilter struct {
	m     *Matcher
	t     MetricTransformation
	value metricRef
	dims  []metricDim // sorted by name
}

type metricDim struct {
	name string
	ref  metricRef
}

// metricRef is a literal number or a reference into the event.
type metricRef struct {
	text    string // as written
	literal bool
	num     float64
	steps   []Step // JSON: the selector below $
	field   string // space-delimited: the extracted-value key, "$name" or "$N"
}

// Limits and messages from the PutMetricFilter / MetricTransformation API.
const (
	maxMetricNameLen  = 255
	maxMetricValueLen = 100
	maxDimensions     = 3
	// errNoDimensions is the text CloudWatch Logs returns for dimensions on
	// a pattern that cannot carry them (spec §1.8, tf#22105).
	errNoDimensions = "The specified filter pattern does not support dimensions"
)

// standardUnits are the values of CloudWatch's StandardUnit.
var standardUnits = []string{
	"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
	"Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
	"Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
	"Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
	"Count/Second", "None",
}

// NewMetricFilter compiles pattern and validates t the way PutMetricFilter
// does.
func NewMetricFilter(pattern string, t MetricTransformation, opts ...Option) (*MetricFilter, error) {
	m, err := Compile(pattern, opts...)
	if err != nil {
		return nil, err
	}
	if err := checkMetricName("metricName", t.MetricName); err != nil {
		return nil, err
	}
	if err := checkMetricName("metricNamespace", t.MetricNamespace); err != nil {
		return nil, err
	}
	if t.Unit != "" && !slices.Contains(standardUnits, t.Unit) {
		return nil, fmt.Errorf("unit %q is not a CloudWatch unit (one of %s)", t.Unit, strings.Join(standardUnits, ", "))
	}
	if t.DefaultValue != nil && (math.IsNaN(*t.DefaultValue) || math.IsInf(*t.DefaultValue, 0)) {
		return nil, errors.New("defaultValue must be a finite number")
	}
	f := &MetricFilter{m: m, t: t}
	if f.value, err = f.parseRef("metricValue", t.MetricValue, true); err != nil {
		return nil, err
	}
	if len(t.Dimensions) > 0 {
		if m.pat.Kind != KindJSON && m.pat.Kind != KindDelimited {
			// Keep AWS's own wording so the message can be searched for.
			return nil, fmt.Errorf("%s pattern: %s", m.pat.Kind, errNoDimensions)
		}
		if len(t.Dimensions) > maxDimensions {
			return nil, fmt.Errorf("%d dimensions: a metric filter can have at most %d", len(t.Dimensions), maxDimensions)
		}
		if t.DefaultValue != nil {
			return nil, errors.New("a metric filter with dimensions cannot have a defaultValue")
		}
		f.t.Dimensions = make(map[string]string, len(t.Dimensions))
		for name, ref := range t.Dimensions {
			if err := checkDimensionName(name); err != nil {
				return nil, err
			}
			r, err := f.parseRef(fmt.Sprintf("dimension %q", name), ref, false)
			if err != nil {
				return nil, err
			}
			f.t.Dimensions[name] = ref
			f.dims = append(f.dims, metricDim{name: name, ref: r})
		}
		slices.SortFunc(f.dims, func(a, b metricDim) int { return strings.Compare(a.name, b.name) })
	}
	return f, nil
}

func checkMetricName(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%s is required", what)
	case len(s) > maxMetricNameLen:
		return fmt.Errorf("%s is longer than %d characters", what, maxMetricNameLen)
	case strings.ContainsAny(s, ":*$"):
		return fmt.Errorf("%s %q must not contain ':', '*' or '$'", what, s)
	}
	return nil
}

// checkDimensionName applies CloudWatch's rule for dimension names: ASCII,
// at least one non-whitespace character, not starting with ':'.
func checkDimensionName(s string) error {
	if strings.TrimSpace(s) == "" || len(s) > maxMetricNameLen || strings.HasPrefix(s, ":") {
		return fmt.Errorf("dimension name %q: must have 1 to %d ASCII characters, not all blank, not starting with ':'", s, maxMetricNameLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return fmt.Errorf("dimension name %q: only ASCII characters are allowed", s)
		}
	}
	return nil
}

// parseRef reads a metricValue or dimension value. Literal numbers are only
// allowed for the metric value; a bare word is rejected, as CloudFormation
// and the API do (cfnlint#1525).
func (f *MetricFilter) parseRef(what, s string, literalOK bool) (metricRef, error) {
	r := metricRef{text: s}
	if s == "" {
		return r, fmt.Errorf("%s is required", what)
	}
	if len(s) > maxMetricValueLen {
		return r, fmt.Errorf("%s is longer than %d characters", what, maxMetricValueLen)
	}
	if !strings.HasPrefix(s, "$") {
		if !literalOK {
			return r, fmt.Errorf("%s %q must reference a field of the pattern ($.path or $name)", what, s)
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || !isNumberText(s) || math.IsInf(n, 0) {
			return r, fmt.Errorf("%s %q is neither a number nor a field reference ($.path or $name)", what, s)
		}
		r.literal, r.num = true, n
		return r, nil
	}
	switch f.m.pat.Kind {
	case KindJSON:
		if !strings.HasPrefix(s, "$.") && !strings.HasPrefix(s, "$[") {
			return r, fmt.Errorf("%s %q: a JSON pattern's values are referenced as $.path", what, s)
		}
		// Reuse the pattern parser for the selector rather than keeping a
		// second selector grammar in step with it.
		p, err := Parse("{ " + s + " NOT EXISTS }")
		if err != nil {
			return r, fmt.Errorf("%s %q is not a JSON selector: %w", what, s, err)
		}
		c, ok := p.JSON.(*Condition)
		if !ok || c.Selector == nil {
			return r, fmt.Errorf("%s %q is not a single JSON selector", what, s)
		}
		r.steps = c.Selector.Steps
	case KindDelimited:
		name := s[1:]
		if n, err := strconv.Atoi(name); err == nil && name[0] != '+' && name[0] != '-' {
			if n < 1 {
				return r, fmt.Errorf("%s %q: field positions start at $1", what, s)
			}
		} else if !slices.ContainsFunc(f.m.pat.Delimited, func(fl Field) bool { return fl.Name == name && !fl.Ellipsis }) {
			return r, fmt.Errorf("%s %q names no field of the pattern", what, s)
		}
		r.field = s
	default:
		return r, fmt.Errorf("%s %q: a %s pattern has no fields to reference; use a number", what, s, f.m.pat.Kind)
	}
	return r, nil
}

// Matcher returns the compiled pattern.
func (f *MetricFilter) Matcher() *Matcher { return f.m }

// Transformation returns the validated transformation.
func (f *MetricFilter) Transformation() MetricTransformation { return f.t }

// Evaluate matches one event and, when it matches, computes what it
// publishes. Each matching event contributes once, whatever the number of
// occurrences of a term in it.
func (f *MetricFilter) Evaluate(event []byte) (MetricResult, bool) {
	if !f.m.Match(event) {
		return MetricResult{}, false
	}
	var res MetricResult
	var lookup func(r metricRef) (string, bool)
	switch f.m.pat.Kind {
	case KindJSON:
		// Match succeeded, and for a JSON pattern that means validObject
		// accepted the whole event; the object it found starts after the
		// leading blanks.
		root := skipWS(event, 0)
		res.Extracted = map[string]string{}
		lookup = func(r metricRef) (string, bool) {
			v, ok := jsonScalarText(event, root, r.steps)
			if ok {
				res.Extracted[r.text] = v
			}
			return v, ok
		}
	case KindDelimited:
		res.Extracted = f.m.delim.extract(event)
		lookup = func(r metricRef) (string, bool) {
			v, ok := res.Extracted[r.field]
			return v, ok
		}
	}
	ok := true
	if f.value.literal {
		res.Value = f.value.num
	} else if v, found := lookup(f.value); !found || !isNumberText(v) {
		ok = false
	} else {
		res.Value, _ = parseNumber([]byte(v))
		if math.IsInf(res.Value, 0) {
			ok = false
		}
	}
	if len(f.dims) > 0 {
		res.Dimensions = make(map[string]string, len(f.dims))
		for _, d := range f.dims {
			v, found := lookup(d.ref)
			if !found || v == "" {
				ok = false
				continue
			}
			res.Dimensions[d.name] = v
		}
	}
	res.HasValue = ok
	return res, true
}

// jsonScalarText resolves a selector in a valid document and returns the
// first selected string (unescaped) or number (as written). Other node
// types hold no metric value or dimension.
func jsonScalarText(doc []byte, root int, steps []Step) (string, bool) {
	i := walk(doc, root, steps, nil)
	if i < 0 {
		return "", false
	}
	switch c := doc[i]; {
	case c == '"':
		end, esc := stringEnd(doc, i)
		if esc {
			return string(unescapeString(doc[i+1 : end])), true
		}
		return string(doc[i+1 : end]), true
	case c == '-' || asciiDigit(c):
		return string(doc[i:numberEnd(doc, i)]), true
	}
	return "", false
}
