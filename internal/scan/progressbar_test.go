package scan

import (
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	p := new(Progress)
	p.UnitsFound.Store(10)
	p.UnitsDone.Store(5)
	p.BytesFound.Store(200 << 20)
	p.BytesDone.Store(100 << 20)
	b := &ProgressBar{P: p}
	want := "[############............] 5/10 read  100.0 MiB/200.0 MiB  10.0 MiB/s  ETA 10s"
	if got := b.Line(10 * time.Second); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	p.Listing.Store(true)
	if got := b.Line(10 * time.Second); got != "listing: 10 listed (200.0 MiB), 5 read (100.0 MiB)  10.0 MiB/s" {
		t.Errorf("while listing: %q", got)
	}
}
