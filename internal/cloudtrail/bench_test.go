package cloudtrail

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// benchCorpus is about 64 MB of realistic records (the sample's ctgen
// JSON Lines) with a root record every 1000, as JSON Lines and as one
// {"Records":[...]} document.
func benchCorpus(b *testing.B) (lines, s3log []byte) {
	b.Helper()
	fh, err := os.Open("../../testdata/sample/siem-export.jsonl")
	if err != nil {
		b.Skip(err)
	}
	defer fh.Close()
	var recs []string
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); !strings.Contains(l, `\u`) {
			recs = append(recs, l)
		}
	}
	var lb, sb bytes.Buffer
	sb.WriteString(`{"Records":[`)
	for i := 0; lb.Len() < 64<<20; i++ {
		r := recs[i%len(recs)]
		if i%1000 == 999 {
			r = recRoot
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		lb.WriteString(r)
		lb.WriteByte('\n')
		sb.WriteString(r)
	}
	sb.WriteString("]}")
	return lb.Bytes(), sb.Bytes()
}

func benchDecode(b *testing.B, data []byte, size int64) {
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if _, err := DecodeStream(bytes.NewReader(data), "bench", Options{Candidates: [][]byte{[]byte("Root")}}, Handler{Record: func([]byte, int64) error { n++; return nil }}); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatal("no candidates")
		}
	}
}

// BenchmarkDecodeJSONLines is the JSON Lines fast path (compare with
// grep -c; bench/scan.sh does it side by side).
func BenchmarkDecodeJSONLines(b *testing.B) {
	lines, _ := benchCorpus(b)
	benchDecode(b, lines, int64(len(lines)))
}

// BenchmarkDecodeS3LogGzip is the .json.gz path; BenchmarkGunzipOnly is
// its floor (klauspost/compress alone). Both report decompressed bytes.
func BenchmarkDecodeS3LogGzip(b *testing.B) {
	_, s3log := benchCorpus(b)
	z := gzipBytes(b, s3log)
	benchDecode(b, z, int64(len(s3log)))
}

func BenchmarkGunzipOnly(b *testing.B) {
	_, s3log := benchCorpus(b)
	z := gzipBytes(b, s3log)
	b.SetBytes(int64(len(s3log)))
	for b.Loop() {
		r, err := kgzip.NewReader(bytes.NewReader(z))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeValidating is the validating path every other shape
// takes (no candidate literals: every record is split out and yielded).
func BenchmarkDecodeValidating(b *testing.B) {
	_, s3log := benchCorpus(b)
	b.SetBytes(int64(len(s3log)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(s3log), "bench", func([]byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func gzipBytes(b *testing.B, data []byte) []byte {
	var buf bytes.Buffer
	w := kgzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}
