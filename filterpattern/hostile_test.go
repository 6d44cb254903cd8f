package filterpattern

import (
	"bytes"
	"encoding/json"
	"testing"
)

// isJSONObject is the reference for "a JSON pattern can judge this event":
// encoding/json's grammar, one object.
func isJSONObject(ev []byte) bool {
	t := bytes.TrimLeft(ev, " \t\r\n")
	return json.Valid(ev) && len(t) > 0 && t[0] == '{'
}

// A JSON pattern cannot judge an event that holds its values but is not
// well-formed JSON: Judge says so, so that a caller reports the record
// rather than takes it for one that does not match (issue 13: one broken
// escape must not hide a root record).
func TestHostileJudgeMalformedJSON(t *testing.T) {
	tests := []struct {
		name, pattern, event string
		matched, judged      bool
	}{
		{"root", cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"aws-cli"}`, true, true},
		{"bad escape", cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"\x"}`, false, false},
		{"bad unicode escape", cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"\u12G4"}`, false, false},
		{"lone surrogate is valid JSON", cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","userAgent":"\ud800"}`, true, true},
		{"malformed number", cisPattern, `{"userIdentity":{"type":"Root"},"eventType":"AwsApiCall","n":01}`, false, false},
		{"raw control character", cisPattern, "{\"userIdentity\":{\"type\":\"Root\"},\"eventType\":\"AwsApiCall\",\"userAgent\":\"a\x01\"}", false, false},
		{"no needle: ruled out, judged", cisPattern, `{"userIdentity":{"type":"IAMUser"},"userAgent":"\x"}`, false, true},
		{"terms pattern judges anything", `Root`, `{"type":"Root","x":"\x"}`, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := MustCompile(tt.pattern)
			matched, judged := m.Judge([]byte(tt.event))
			if matched != tt.matched || judged != tt.judged {
				t.Errorf("Judge = %v, %v; want %v, %v", matched, judged, tt.matched, tt.judged)
			}
			if m.Match([]byte(tt.event)) != matched {
				t.Errorf("Match disagrees with Judge")
			}
		})
	}
}
