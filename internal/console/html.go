package console

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The pages are written by hand, not with html/template: that package
// looks methods up by name at run time, which turns off the linker's
// removal of unused methods for the whole program (issue 16,
// bench/size.sh: the release binary would double). Every value goes
// through text (html.EscapeString: < > & ' " become references), which is
// right for element content and for double-quoted attributes, the only
// places values land; links are built from url.PathEscape'd parts.
type page struct{ b strings.Builder }

func (p *page) raw(s ...string) {
	for _, x := range s {
		p.b.WriteString(x)
	}
}

func (p *page) text(s string) { p.b.WriteString(html.EscapeString(s)) }

func (p *page) int(n int) { p.b.WriteString(strconv.Itoa(n)) }

func (p *page) when(t time.Time) {
	if t.IsZero() {
		p.raw("—")
		return
	}
	p.text(t.UTC().Format("2006-01-02 15:04 UTC"))
}

// path writes "/prefix/ID" for an href: the ID path-escaped, then
// attribute-escaped.
func (p *page) path(prefix, id string) { p.text(prefix + url.PathEscape(id)) }

func (p *page) layout(v view, content func(p *page)) {
	p.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	p.text(v.Title)
	p.raw(" — rootwatch console</title>\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n</head>\n<body>\n<header class=\"top\">\n<span class=\"brand\">rootwatch</span>\n")
	if v.Who.Subject != "" {
		p.raw("<nav>\n")
		for _, n := range [][2]string{{"overview", "Overview"}, {"alerts", "Alerts"}, {"corrections", "Corrections"}} {
			p.raw(`<a href="/`, n[0], `"`)
			if v.Nav == n[0] {
				p.raw(` class="on"`)
			}
			p.raw(">", n[1], "</a>\n")
		}
		p.raw("</nav>\n<form class=\"who\" method=\"post\" action=\"/logout\">")
		p.csrf(v)
		p.raw(`<span id="whoami">`)
		p.text(v.Who.ID())
		if v.Who.Name != "" {
			p.raw(" (")
			p.text(v.Who.Name)
			p.raw(")")
		}
		p.raw(" · ")
		p.text(v.Who.Role)
		p.raw("</span> <button type=\"submit\">Log out</button></form>")
	}
	p.raw("\n</header>\n<main>\n")
	if v.Flash != "" {
		p.raw(`<p class="flash" id="flash">`)
		p.text(v.Flash)
		p.raw("</p>\n")
	}
	content(p)
	p.raw("</main>\n</body>\n</html>\n")
}

func (p *page) csrf(v view) {
	p.raw(`<input type="hidden" name="csrf" value="`)
	p.text(v.CSRF)
	p.raw(`">`)
}

func (p *page) pager(pg *pager) {
	if pg == nil {
		return
	}
	p.raw(`<p class="pager">`)
	p.int(pg.From)
	p.raw("–")
	p.int(pg.To)
	p.raw(" of ")
	if pg.More {
		p.raw("more than ")
	}
	p.int(pg.Total)
	if pg.Prev != "" {
		p.raw(` · <a href="`)
		p.text(pg.Prev)
		p.raw(`" rel="prev">previous</a>`)
	}
	if pg.Next != "" {
		p.raw(` · <a href="`)
		p.text(pg.Next)
		p.raw(`" rel="next">next</a>`)
	}
	p.raw("</p>\n")
}

// status writes a table cell coloured by a status or state word.
func (p *page) statusCell(s string) {
	p.raw(`<td class="st `)
	p.text(s)
	p.raw(`">`)
	p.text(s)
	p.raw("</td>")
}

func (p *page) selectOpts(name, cur string, opts []string) {
	p.raw(`<select name="`, name, `"><option value=""`)
	if cur == "" {
		p.raw(" selected")
	}
	p.raw(">any</option>")
	for _, o := range opts {
		p.raw("<option")
		if o == cur {
			p.raw(" selected")
		}
		p.raw(">")
		p.text(o)
		p.raw("</option>")
	}
	p.raw("</select>")
}
