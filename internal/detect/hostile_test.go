package detect

import (
	"errors"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// A record that holds what a rule looks for but is not well-formed JSON
// cannot be judged: Detect says so, with where it breaks, instead of
// answering "no match" (issue 13: one broken escape hid a root event).
func TestHostileDetectMalformedRecord(t *testing.T) {
	d, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string]string{
		"bad escape":         strings.Replace(sampleRootAPICall, `"eventTime"`, `"userAgent":"\x","eventTime"`, 1),
		"bad unicode":        strings.Replace(sampleRootAPICall, `"eventTime"`, `"userAgent":"\u00G0","eventTime"`, 1),
		"tamper, bad number": strings.Replace(sampleDeleteAlarmsByRole, `"eventTime"`, `"n":-,"eventTime"`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			ms, err := d.Detect([]byte(raw))
			var me *cloudtrail.MalformedRecordError
			if !errors.Is(err, cloudtrail.ErrMalformedRecord) || !errors.As(err, &me) || me.Offset < 0 || len(ms) != 0 {
				t.Fatalf("Detect = %v, %v; want a malformed-record error with its offset", ms, err)
			}
		})
	}
	// Broken JSON without anything a rule looks for is simply no match.
	if ms, err := d.Detect([]byte(`{"userIdentity":{"type":"IAMUser"},"userAgent":"\x"}`)); err != nil || len(ms) != 0 {
		t.Errorf("unrelated broken record: %v, %v", ms, err)
	}
}
