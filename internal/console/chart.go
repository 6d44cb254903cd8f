package console

import (
	"fmt"
	"html"
	"slices"
	"strings"
)

// Charts are inline SVG built on the server: no script, no external
// asset. Every text in them is escaped here (html.EscapeString).

// statusChart is a strip of one bar per audit run, oldest left, coloured
// by status (the stylesheet colours the classes).
func statusChart(h []HistoryPoint) string {
	if len(h) == 0 {
		return `<p class="meta">No audit recorded yet.</p>`
	}
	pts := slices.Clone(h)
	slices.Reverse(pts)
	const w, bar, height = 900, 15, 24
	step := float64(w) / float64(max(len(pts), 1))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart history" viewBox="0 0 %d %d" role="img" aria-label="status per audit run">`, w, height+14)
	for i, p := range pts {
		cls := p.Status
		if cls != "PASS" && cls != "FAIL" {
			cls = "UNKNOWN"
		}
		label := p.At.UTC().Format("2006-01-02 15:04") + " " + p.Status
		if p.Broken != "" {
			label += " at " + p.Broken
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="0" width="%.1f" height="%d"><title>%s</title></rect>`,
			cls, float64(i)*step, min(step-1, bar), height, html.EscapeString(label))
	}
	fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, height+12, html.EscapeString(pts[0].At.UTC().Format("2006-01-02")))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, w, height+12, html.EscapeString(pts[len(pts)-1].At.UTC().Format("2006-01-02")))
	b.WriteString(`</svg>`)
	return b.String()
}

// dayBars is a bar chart of alerts per day.
func dayBars(days []Day) string {
	const w, height = 900, 100
	top := 1
	for _, d := range days {
		top = max(top, d.Alerts)
	}
	step := float64(w) / float64(max(len(days), 1))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart perday" viewBox="0 0 %d %d" role="img" aria-label="root-activity alerts per day">`, w, height+16)
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d"></line>`, height, w, height)
	for i, d := range days {
		bh := float64(d.Alerts) / float64(top) * float64(height-12)
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
			float64(i)*step+1, float64(height)-bh, step-2, bh, html.EscapeString(d.Day), d.Alerts)
	}
	if len(days) > 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, height+13, html.EscapeString(days[0].Day))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, w, height+13, html.EscapeString(days[len(days)-1].Day))
		fmt.Fprintf(&b, `<text x="%d" y="10" text-anchor="end">max %d</text>`, w, top)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
