package cloudtrail

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// FuzzDecode: no input makes a decoder panic or hang, both paths agree
// that what they yield is one complete JSON value, the fast path never
// yields more than it counts, and on input both read without a problem
// the fast path yields every record holding a candidate literal that the
// validating path yields, and counts the same records, whatever the
// window size.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"Records":[`+recRoot+`,`+recUser+`]}`), uint16(0))
	f.Add([]byte(recUser+"\n"+recRoot+"\n"), uint16(64))
	f.Add([]byte(recUser+"\n"+recUser+"\n"+strings.Replace(recRoot, "Root", `\u0052oot`, 1)+"\n"), uint16(100))
	// Insights events between records: counted as Insights by both paths.
	f.Add([]byte(`{"Records":[`+recUser+`,`+recInsight+`,`+recInsight+`,`+recRoot+`]}`), uint16(0))
	f.Add([]byte(recInsight+"\n"+recUser+"\n"+recInsight+"\n"), uint16(128))
	// A root record with an invalid escape (issue 13): both paths must
	// still yield it, for the matcher to report it as not judged.
	f.Add([]byte(`{"Records":[`+recUser+`,`+strings.Replace(recRoot, `"eventTime"`, `"userAgent":"\x","eventTime"`, 1)+`]}`), uint16(0))
	f.Add([]byte(strings.Replace(recRoot, `"eventTime"`, `"userAgent":"\uZZZZ","eventTime"`, 1)+"\n"+recUser+"\n"), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, window uint16) {
		type run struct {
			st   Stats
			err  error
			recs map[string]int
		}
		decode := func(cands [][]byte) (r run) {
			r.recs = map[string]int{}
			r.st, r.err = DecodeStream(bytes.NewReader(data), "fuzz", Options{Candidates: cands, MaxValue: 1 << 20, Window: int(window)}, Handler{
				Record: func(raw []byte, off int64) error {
					if end, err := skipValue(raw, 0); err != nil || end != len(raw) {
						t.Fatalf("yielded an incomplete value %q: %v", raw, err)
					}
					r.recs[fmt.Sprint(off, string(raw))]++
					return nil
				},
			})
			if n := int64(len(r.recs)); n > r.st.Records {
				t.Fatalf("yielded %d > counted %d", n, r.st.Records)
			}
			return r
		}
		all, fast := decode(nil), decode([][]byte{[]byte("Root")})
		if all.err != nil || fast.err != nil || all.st.Problems > 0 || fast.st.Problems > 0 {
			return
		}
		if all.st.Records != fast.st.Records || all.st.Insights != fast.st.Insights {
			t.Fatalf("validating path counted %d records and %d Insights events, fast path %d and %d",
				all.st.Records, all.st.Insights, fast.st.Records, fast.st.Insights)
		}
		for rec := range all.recs {
			if (strings.Contains(rec, "Root") || strings.Contains(rec, `\u`)) && fast.recs[rec] == 0 {
				t.Fatalf("fast path missed candidate %q", rec)
			}
		}
	})
}

// FuzzParseRecord: ParseRecord never panics and Classify is consistent.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(recRoot))
	f.Add([]byte(`{"userIdentity":{"type":"Root","invokedBy":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord(data)
		if err != nil {
			return
		}
		v := Classify(&r)
		if v.CIS && (!v.Root || v.Exclusion != NotExcluded) || v.Root != (r.UserIdentity.Type == "Root") {
			t.Fatalf("inconsistent verdict %+v for %q", v, data)
		}
	})
}
