package cloudtrail

import (
	"errors"
	"strings"
	"testing"
)

// Insights events in compact S3 log files and JSON Lines are counted as
// Insights, not as records, on the fast paths too: they hold no
// candidate literal, and the fast paths used to count them before
// record() could tell.
func TestHostileFastPathCountsInsights(t *testing.T) {
	ins := recInsight
	tests := []struct {
		name string
		in   string
	}{
		{"s3 log", `{"Records":[` + recUser + `,` + ins + `,` + ins + `,` + recUser + `,` + recRoot + `]}`},
		{"insights file", `{"Records":[` + ins + `,` + ins + `,` + ins + `,` + ins + `]}`},
		{"lines", recUser + "\n" + ins + "\n" + ins + "\n" + recUser + "\n" + recRoot + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := int64(strings.Count(tt.in, `"eventVersion"`))
			insights := int64(strings.Count(tt.in, "AwsCloudTrailInsight"))
			for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
				st, err := DecodeStream(strings.NewReader(tt.in), "f", Options{Candidates: cands}, Handler{Record: func([]byte, int64) error { return nil }})
				if err != nil {
					t.Fatal(err)
				}
				if st.Insights != insights || st.Records != want-insights {
					t.Errorf("candidates %q: %d records %d insights, want %d %d", cands, st.Records, st.Insights, want-insights, insights)
				}
			}
		})
	}
}

// A JSON Lines line longer than the value limit is one problem, named
// with its offset; the lines after it are read.
func TestHostileOverlongLineResumesAtNextLine(t *testing.T) {
	long := `{"eventVersion":"1.09","userAgent":"` + strings.Repeat("A", 5000) + `"}`
	tests := []struct {
		name string
		in   string
		off  int64
	}{
		{"middle", recUser + "\n" + long + "\n" + recRoot + "\n" + recRoot + "\n", int64(len(recUser) + 1)},
		{"first", long + "\n" + recRoot + "\n" + recRoot + "\n", 0},
		{"not a record", recUser + "\n" + `{"x":"` + strings.Repeat("B", 5000) + "\"}\n" + recRoot + "\n" + recRoot + "\n", int64(len(recUser) + 1)},
	}
	for _, tt := range tests {
		for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
			t.Run(tt.name, func(t *testing.T) {
				var probs []*DecodeError
				roots := 0
				_, err := DecodeStream(strings.NewReader(tt.in), "f.jsonl", Options{Candidates: cands, MaxValue: 1024, Window: 256}, Handler{
					Record: func(raw []byte, _ int64) error {
						if strings.Contains(string(raw), `"Root"`) {
							roots++
						}
						return nil
					},
					Problem: func(e *DecodeError) { probs = append(probs, e) },
				})
				if err != nil {
					t.Fatal(err)
				}
				if roots != 2 {
					t.Errorf("read %d root records after the long line, want 2", roots)
				}
				if len(probs) != 1 || !errors.Is(probs[0], ErrTooLarge) || probs[0].Offset != tt.off || !strings.Contains(probs[0].Error(), "next line") {
					t.Fatalf("problems %v, want one ErrTooLarge at offset %d", probs, tt.off)
				}
			})
		}
	}
}

// A value too large inside a document is one fatal problem, not a
// resync that reports each line after it.
func TestHostileOverlongDocumentIsOneError(t *testing.T) {
	big := `{"eventVersion":"1.09",` + "\n" + strings.Repeat(` "userAgent":"x",`+"\n", 200) + `"eventName":"x"}`
	for _, in := range []string{
		"{\n \"Records\": [\n" + big + ",\n" + recRoot + "\n]}\n",
		"{\n \"other\": 1,\n" + strings.Repeat(` "userAgent":"x",`+"\n", 200) + `"eventName":"x"}` + "\n" + recRoot + "\n",
	} {
		probs := 0
		_, err := DecodeStream(strings.NewReader(in), "f.json", Options{MaxValue: 1024, Window: 256}, Handler{Problem: func(*DecodeError) { probs++ }})
		if !errors.Is(err, ErrTooLarge) || probs > 0 {
			t.Errorf("got %v and %d problems, want one ErrTooLarge", err, probs)
		}
	}
}

func TestHostileParseRecordOddTypes(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		failed bool
		time   bool
	}{
		{"external idp failure", `{"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventTime":"2024-01-01T00:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ExternalIdPDirectoryLogin","responseElements":{"ExternalIdPDirectoryLogin":"Failure"}}`, true, true},
		{"external idp success", `{"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventSource":"signin.amazonaws.com","eventName":"ExternalIdPDirectoryLogin","responseElements":{"ExternalIdPDirectoryLogin":"Success"}}`, false, false},
		{"eventTime a number", `{"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventTime":1717322680,"eventName":"ListUsers","errorCode":"AccessDenied"}`, true, false},
		{"eventTime garbage", `{"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventTime":"yesterday","eventName":"ListUsers"}`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRecord([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if r.Failed() != tt.failed || r.EventTime.IsZero() == tt.time || r.UserIdentity.Type != "Root" {
				t.Errorf("failed %v time %v type %q", r.Failed(), r.EventTime, r.UserIdentity.Type)
			}
		})
	}
	if _, err := ParseRecord([]byte(`{"eventVersion":`)); err == nil {
		t.Error("syntax error accepted")
	}
}
