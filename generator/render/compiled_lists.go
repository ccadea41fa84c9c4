package render

import (
	"html/template"
	"strconv"
)

// The "main" blocks of communications.html and retrospectives.html, which
// list every postmortem of the site, compiled as compiled.go explains.
// Editing either layout of the default theme means editing this file
// alike; TestCompiledIncident fails until both agree.

// communications writes the "main" block of communications.html.
func (t *parsedTheme) communications(page *Page) template.HTML {
	f := t.formats
	b := []byte("\n<h1>")
	b = append(b, t.folded("communications")...)
	b = append(b, "</h1>\n<p class=\"lede\">"...)
	b = append(b, t.folded("comm_intro")...)
	b = append(b, "</p>\n"...)
	for _, g := range page.Communications() {
		b = append(b, "\n<section aria-labelledby=\"comm-"...)
		b = appendHTML(b, g.State)
		b = append(b, "\">\n  <h2 id=\"comm-"...)
		b = appendHTML(b, g.State)
		b = append(b, "\">"...)
		b = appendHTML(b, f.t("comm_group_"+g.State))
		b = append(b, " <small>("...)
		b = strconv.AppendInt(b, int64(len(g.Incidents)), 10)
		b = append(b, ")</small></h2>\n  <p class=\"note\">"...)
		b = appendHTML(b, f.t("comm_group_"+g.State+"_note"))
		b = append(b, "</p>\n  "...)
		if len(g.Incidents) == 0 {
			b = append(b, "<p class=\"empty\">"...)
			b = append(b, t.folded("comm_none")...)
			b = append(b, "</p>\n</section>\n"...)
			continue
		}
		b = append(b, "<table class=\"incident-table comms\">\n    <thead><tr>"...)
		b = t.headCells(b, "date", "severity", "incident", "comm_customer_title", "comm_postmortem")
		b = append(b, "</tr></thead>\n    <tbody>\n    "...)
		for _, p := range g.Incidents {
			b = append(b, "<tr>\n      <td>"...)
			b = appendHTML(b, f.date(p.Date()))
			b = append(b, "</td>\n      <td>"...)
			b = severityPartial(b, p.Severity)
			b = append(b, "</td>\n      <td><a href=\""...)
			b = appendURLAttr(b, page.IncidentURL(p), false)
			b = append(b, "#communication\">"...)
			b = appendHTML(b, p.Title)
			b = append(b, "</a></td>\n      <td>"...)
			u := page.CustomerURL(p)
			if u != "" {
				b = append(b, "<a href=\""...)
				b = appendURLAttr(b, u, false)
				b = append(b, "\">"...)
			}
			if p.Customer.Title != "" {
				b = appendHTML(b, p.Customer.Title)
			} else {
				b = append(b, "<span class=\"empty\">"...)
				b = append(b, t.folded("comm_untitled")...)
				b = append(b, "</span>"...)
			}
			if u != "" {
				b = append(b, "</a>"...)
			}
			b = append(b, "</td>\n      <td>"...)
			b = t.statusPartial(b, p.Status)
			if p.Customer.Publish {
				b = append(b, " <span class=\"chip chip-ok\">"...)
				b = append(b, t.folded("comm_publish")...)
				b = append(b, "</span>"...)
			}
			b = append(b, "</td>\n    </tr>\n    "...)
		}
		b = append(b, "</tbody>\n  </table>\n</section>\n"...)
	}
	return template.HTML(append(b, '\n'))
}

// retrospectives writes the "main" block of retrospectives.html.
func (t *parsedTheme) retrospectives(page *Page) template.HTML {
	f := t.formats
	g := page.Retrospectives()
	b := []byte("\n<h1>")
	b = append(b, t.folded("retrospectives")...)
	b = append(b, "</h1>\n<p class=\"lede\">"...)
	b = append(b, t.folded("retros_intro")...)
	b = append(b, "</p>\n<ul class=\"counts\">\n  <li><a href=\"#retro-due\">"...)
	b = append(b, t.folded("retros_due")...)
	b = append(b, "</a> <strong>"...)
	b = strconv.AppendInt(b, int64(len(g.Due)), 10)
	b = append(b, "</strong></li>\n  <li class=\"count-overdue\"><a href=\"#retro-late\">"...)
	b = append(b, t.folded("retros_late")...)
	b = append(b, "</a> <strong>"...)
	b = strconv.AppendInt(b, int64(len(g.Late)), 10)
	b = append(b, "</strong></li>\n  <li><a href=\"#retro-held\">"...)
	b = append(b, t.folded("retros_held")...)
	b = append(b, "</a> <strong>"...)
	b = strconv.AppendInt(b, int64(len(g.Held)), 10)
	b = append(b, "</strong></li>\n</ul>\n"...)

	// Each section: its heading, then its table or the note that it is empty.
	section := func(id, title string, items []RetroItem, heads []string, none string, row func(b []byte, it RetroItem) []byte) {
		b = append(b, "<section aria-labelledby=\""...)
		b = append(b, id...)
		b = append(b, "\">\n  <h2 id=\""...)
		b = append(b, id...)
		b = append(b, "\">"...)
		b = append(b, t.folded(title)...)
		b = append(b, "</h2>\n  "...)
		if len(items) == 0 {
			b = append(b, "<p class=\"empty\">"...)
			b = append(b, t.folded(none)...)
			b = append(b, "</p>\n</section>\n"...)
			return
		}
		b = append(b, "<table class=\"retros\">\n    <thead><tr>"...)
		b = t.headCells(b, heads...)
		b = append(b, "</tr></thead>\n    <tbody>"...)
		for _, it := range items {
			b = row(b, it)
			b = append(b, "\n    "...)
		}
		b = append(b, "</tbody>\n  </table>\n</section>\n"...)
	}
	link := func(b []byte, it RetroItem) []byte {
		b = append(b, "<a href=\""...)
		b = appendURLAttr(b, page.IncidentURL(it.Incident), false)
		b = append(b, "#retrospective\">"...)
		b = appendHTML(b, it.Incident.Title)
		return append(b, "</a>"...)
	}
	section("retro-due", "retros_due", g.Due, []string{"incident", "resolved", "retros_since", "retros_deadline"}, "retros_none_due",
		func(b []byte, it RetroItem) []byte {
			b = append(b, "<tr><td>"...)
			b = link(b, it)
			b = append(b, "</td><td>"...)
			b = append(b, f.timetag(it.Incident.ResolvedAt)...)
			b = append(b, "</td><td>"...)
			b = appendHTML(b, f.duration(it.Since))
			b = append(b, "</td><td>"...)
			b = append(b, f.timetag(it.Deadline)...)
			return append(b, "</td></tr>"...)
		})
	section("retro-late", "retros_late", g.Late, []string{"incident", "resolved", "retros_since"}, "retros_none_late",
		func(b []byte, it RetroItem) []byte {
			b = append(b, "<tr class=\"overdue\"><td>"...)
			b = link(b, it)
			b = append(b, ' ')
			if it.Incident.Draft() {
				b = t.statusPartial(b, it.Incident.Status)
			}
			b = append(b, "</td><td>"...)
			b = append(b, f.timetag(it.Incident.ResolvedAt)...)
			b = append(b, "</td><td>"...)
			b = appendHTML(b, f.duration(it.Since))
			return append(b, "</td></tr>"...)
		})
	section("retro-held", "retros_held", g.Held, []string{"incident", "date", "retros_delay", "facilitator"}, "retros_none_held",
		func(b []byte, it RetroItem) []byte {
			b = append(b, "<tr><td>"...)
			b = link(b, it)
			b = append(b, "</td><td>"...)
			b = appendHTML(b, f.when(it.Incident.Retrospective.Date))
			b = append(b, "</td><td>"...)
			if it.Incident.RetroKnown() {
				b = appendHTML(b, f.duration(it.Since))
				b = append(b, ' ')
				if it.OnTime {
					b = append(b, "<span class=\"chip chip-ok\">"...)
					b = append(b, t.folded("retros_on_time")...)
				} else {
					b = append(b, "<span class=\"chip\">"...)
					b = append(b, t.folded("retros_after_72h")...)
				}
				b = append(b, "</span>"...)
			}
			b = append(b, "</td><td>"...)
			b = appendHTML(b, it.Incident.Retrospective.Facilitator)
			return append(b, "</td></tr>"...)
		})
	return template.HTML(b)
}
