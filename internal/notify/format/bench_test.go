package format

import (
	"strings"
	"testing"
)

func BenchmarkSubject(b *testing.B) {
	a := rootAlert()
	b.ReportAllocs()
	for b.Loop() {
		_ = Subject(a, MaxSubject)
	}
}

func BenchmarkSubjectCut(b *testing.B) {
	a := rootAlert()
	a.AccountAlias = strings.Repeat("très-long-alias-", 12)
	b.ReportAllocs()
	for b.Loop() {
		_ = Subject(a, MaxSubject)
	}
}

func BenchmarkBody(b *testing.B) {
	a := rootAlert()
	b.ReportAllocs()
	for b.Loop() {
		_ = Body(a)
	}
}
