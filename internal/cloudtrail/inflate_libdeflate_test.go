//go:build libdeflate && cgo

package cloudtrail

import (
	"reflect"
	"strings"
	"testing"
)

// TestInflateWhole: a CloudTrail .json.gz is inflated in one libdeflate
// call, and inputs libdeflate cannot take whole (plain, multi-member,
// corrupt) still decode exactly as the streaming path decodes them.
func TestInflateWhole(t *testing.T) {
	s3log := `{"Records":[` + recRoot + `,` + recUser + `]}`
	tests := []struct {
		name  string
		in    string
		whole bool
	}{
		{"single member", gz(s3log), true},
		{"plain", s3log, false},
		{"two members", gz(s3log) + gz(s3log), false},
		{"corrupt", gz(s3log)[:30] + "garbage" + gz(s3log)[37:], false},
		{"truncated", gz(s3log)[:40], false},
		{"empty", gz(""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dec Decoder
			type result struct {
				st   Stats
				err  string
				recs []string
			}
			run := func(dec *Decoder) (r result) {
				st, err := dec.Decode(strings.NewReader(tt.in), "x", Options{}, Handler{Record: func(raw []byte, off int64) error {
					r.recs = append(r.recs, string(raw))
					return nil
				}})
				r.st = st
				if err != nil {
					r.err = err.Error()
				}
				return r
			}
			got := run(&dec)
			if inflated := dec.whole.inflated == 1; inflated != tt.whole {
				t.Fatalf("inflated in one call: %v, want %v", inflated, tt.whole)
			}
			// The streaming path is the reference.
			want := run(&Decoder{whole: wholeInflater{streaming: true}})
			if !reflect.DeepEqual(got.recs, want.recs) || got.err != want.err || got.st != want.st {
				t.Fatalf("whole: %+v\nstreaming: %+v", got, want)
			}
		})
	}
}
