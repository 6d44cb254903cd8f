package detect

import (
	"testing"
	"time"
)

// FuzzDetect: any input, matched or not, gives matches or an error, never
// a panic; a match always carries an event ID (the dedup key) and the
// alerts built from it are well formed.
func FuzzDetect(f *testing.F) {
	for _, r := range DefaultRules() {
		for _, s := range append(r.Matches, r.NoMatches...) {
			f.Add([]byte(s))
		}
	}
	f.Add([]byte(`{"userIdentity":{"type":"Ro\u006ft"},"eventType":"AwsApiCall"}`))
	d, err := New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ms, err := d.Detect(raw)
		if err != nil {
			return
		}
		for _, m := range ms {
			if m.Event.ID == "" {
				t.Fatalf("match without an event ID: %s", raw)
			}
			a := EventAlert([]Match{m}, time.Unix(0, 0))
			if a.ID == "" || len(a.EventIDs) != 1 {
				t.Fatalf("bad alert %+v", a)
			}
		}
	})
}
