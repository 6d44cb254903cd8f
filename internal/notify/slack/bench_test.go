package slack

import (
	"encoding/json"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func BenchmarkMessage(b *testing.B) {
	a := notifytest.Alert()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = json.Marshal(NewMessage(a))
	}
}
