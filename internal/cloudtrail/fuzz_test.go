package cloudtrail

import (
	"bytes"
	"testing"
)

// FuzzDecode: no input makes a decoder panic or hang, both paths agree
// that what they yield is one complete JSON value, and the fast path never
// yields more than it counts.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"Records":[` + recRoot + `,` + recUser + `]}`))
	f.Add([]byte(recUser + "\n" + recRoot + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
			var yielded int64
			st, _ := DecodeStream(bytes.NewReader(data), "fuzz", Options{Candidates: cands, MaxValue: 1 << 20}, Handler{
				Record: func(raw []byte, off int64) error {
					yielded++
					if end, err := skipValue(raw, 0); err != nil || end != len(raw) {
						t.Fatalf("yielded an incomplete value %q: %v", raw, err)
					}
					return nil
				},
			})
			if yielded > st.Records {
				t.Fatalf("yielded %d > counted %d", yielded, st.Records)
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
