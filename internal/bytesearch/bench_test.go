package bytesearch

import (
	"bytes"
	"os"
	"testing"
)

// benchWindow is one 256 KiB window of the sample's CloudTrail JSON Lines
// (ctgen records, no root event in it): the prefilter's everyday work is
// to find nothing in it, fast.
func benchWindow(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile("../../testdata/sample/siem-export.jsonl")
	if err != nil {
		b.Skip(err)
	}
	data = bytes.ReplaceAll(data, []byte("Root"), []byte("Xoot"))
	data = bytes.ReplaceAll(data, []byte(`\u`), []byte(`\x`))
	var w []byte
	for len(w) < 256<<10 {
		w = append(w, data...)
	}
	return w[:256<<10]
}

var cisLiterals = [][]byte{[]byte("Root"), []byte(`\u`)}

func BenchmarkFinder(b *testing.B) {
	w := benchWindow(b)
	f := New(cisLiterals)
	b.SetBytes(int64(len(w)))
	for b.Loop() {
		if f.Index(w) >= 0 {
			b.Fatal("found a literal that is not there")
		}
	}
}

// BenchmarkBytesIndex is the baseline: one bytes.Index per literal.
func BenchmarkBytesIndex(b *testing.B) {
	w := benchWindow(b)
	b.SetBytes(int64(len(w)))
	for b.Loop() {
		for _, l := range cisLiterals {
			if bytes.Contains(w, l) {
				b.Fatal("found a literal that is not there")
			}
		}
	}
}
