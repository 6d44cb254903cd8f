package scan

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// ProgressBar draws a one-line progress bar (inputs and bytes done, rate,
// ETA) for a running scan. It is for terminals only: callers skip it when
// the output is piped.
type ProgressBar struct {
	W        io.Writer
	P        *Progress
	Now      func() time.Time
	Interval time.Duration
}

// Run redraws until ctx ends, then clears the line.
func (b *ProgressBar) Run(ctx context.Context) {
	iv := b.Interval
	if iv == 0 {
		iv = 200 * time.Millisecond
	}
	start := b.Now()
	t := time.NewTicker(iv)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_, _ = fmt.Fprint(b.W, "\r\033[K")
			return
		case <-t.C:
			_, _ = fmt.Fprint(b.W, "\r\033[K"+b.Line(b.Now().Sub(start)))
		}
	}
}

// Line renders the bar after elapsed time. While the sources are still
// being listed the totals can grow, so it shows counts without a bar or
// an ETA (a bar measured against a moving total would read full all the
// time the listing keeps pace with the reads).
func (b *ProgressBar) Line(elapsed time.Duration) string {
	ud, uf := b.P.UnitsDone.Load(), b.P.UnitsFound.Load()
	bd, bf := b.P.BytesDone.Load(), b.P.BytesFound.Load()
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(bd) / s
	}
	if b.P.Listing.Load() {
		return fmt.Sprintf("listing: %d listed (%s), %d read (%s)  %s/s", uf, bytesHuman(bf), ud, bytesHuman(bd), bytesHuman(int64(rate)))
	}
	const width = 24
	frac := 0.0
	if bf > 0 {
		frac = min(float64(bd)/float64(bf), 1)
	}
	filled := int(frac * width)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	eta := "?"
	if rate > 0 && bf >= bd {
		eta = time.Duration(float64(bf-bd) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s] %d/%d read  %s/%s  %s/s  ETA %s", bar, ud, uf,
		bytesHuman(bd), bytesHuman(bf), bytesHuman(int64(rate)), eta)
}
