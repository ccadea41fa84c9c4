package render

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/markdown"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/themes"
)

// The incident page is the page a knowledge base has by the thousand, and
// html/template spends most of its time on it interpreting the layout:
// reflection for each field, function and escaper. When a site renders it
// with the default theme's layouts, unchanged, Hindsight writes it with the
// Go code below instead: byte for byte what the templates would write. So
// it does for each incident's list entries, for the open-actions partial
// (the actions page lists every action) and for the lists of the
// communications and retrospectives pages (compiled_lists.go), which
// list every postmortem, and for the customer site's incident page and
// list entries (compiled_customer.go). TestCompiledIncident
// renders every page of the test site, the example content and a
// synthetic knowledge base with and without these and compares the bytes;
// FuzzCompiledIncident does so for any text in a postmortem's fields. A
// site that overrides one of the templates involved gets its own executed
// as written.
//
// Editing the default incident.html, base.html, partials/badges.html,
// partials/incident-table.html, partials/actions-table.html,
// communications.html, retrospectives.html or the customer site's
// incident.html or base.html means editing this file (or the other
// compiled_*.go) alike; the tests above fail until both agree.

// compiledIncidentTemplates are the templates an incident page executes
// (but for the fragments Page.Cached renders, which stay templates): the
// compiled page is used when the site's are the default theme's.
var compiledIncidentTemplates = []string{"base.html", "main", "scripts", "severity", "status", "action-type"}

// compiledRowTemplates are those of an incident's list entries
// (rowPartials), taken from incidents.html.
var compiledRowTemplates = []string{"incident-row", "history-item", "severity", "status"}

// compiledPartials are the partials replaced, in the layouts where they
// parse to the default theme's, by a call of a Go function that writes
// the same (see parsedTheme.compile).
var compiledPartials = []struct {
	name   string   // the partial
	layout string   // the one layout whose partial it is ("main"), or "" for every layout
	uses   []string // the templates it executes, itself included
	fn     string   // the function called instead
	write  func(t *parsedTheme) any
}{
	{"open-actions", "", []string{"open-actions", "action-type"}, "_hindsight_open_actions",
		func(t *parsedTheme) any { return t.openActions }},
	{"main", "communications.html", []string{"main", "severity", "status"}, "_hindsight_communications",
		func(t *parsedTheme) any { return t.communications }},
	{"main", "retrospectives.html", []string{"main", "status"}, "_hindsight_retrospectives",
		func(t *parsedTheme) any { return t.retrospectives }},
}

// compile notes which compiled parts the site's layouts allow (those that
// parse to the default theme's, parsed with the same translations) and
// puts compiled partials in place.
func (t *parsedTheme) compile() error {
	def, err := templates(themes.Default, "layouts", []string{"incident.html", "incidents.html", "communications.html", "retrospectives.html"}, t.tr, t.fm)
	if err != nil {
		return err
	}
	t.compiled = sameTemplates(t.tmpl["incident.html"], def["incident.html"], compiledIncidentTemplates)
	t.compiledRows = sameTemplates(t.tmpl["incidents.html"], def["incidents.html"], compiledRowTemplates)
	for _, c := range compiledPartials {
		for name, tm := range t.tmpl {
			same := c.layout == "" && sameTemplates(tm, def["incidents.html"], c.uses) ||
				name == c.layout && sameTemplates(tm, def[name], c.uses)
			if !same {
				continue
			}
			tm.Funcs(template.FuncMap{c.fn: c.write(t)})
			if _, err := tm.New(c.name).Parse("{{" + c.fn + " .}}"); err != nil {
				return fmt.Errorf("compiling %q of layouts/%s: %w", c.name, name, err)
			}
		}
	}
	return nil
}

// sameTemplates reports whether the templates names of a and b parse to
// the same trees.
func sameTemplates(a, b *template.Template, names []string) bool {
	if a == nil || b == nil {
		return false
	}
	for _, n := range names {
		ta, tb := a.Lookup(n), b.Lookup(n)
		if ta == nil || tb == nil || ta.Tree == nil || tb.Tree == nil || ta.Tree.Root.String() != tb.Tree.Root.String() {
			return false
		}
	}
	return true
}

// incidentPage appends the incident page p to b, as the default layouts
// write it.
func (r *renderer) incidentPage(b []byte, p *Page) ([]byte, error) {
	cfg := p.Site.Config
	b = append(b, "<!DOCTYPE html>\n<html lang=\""...)
	b = appendHTML(b, cfg.Language)
	b = append(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"...)
	b = appendHTML(b, p.Title)
	b = append(b, " · "...)
	b = appendHTML(b, cfg.Title)
	b = append(b, "</title>\n"...)
	head, err := p.Cached("head-links")
	if err != nil {
		return nil, err
	}
	header, err := p.Cached("site-header")
	if err != nil {
		return nil, err
	}
	footer, err := p.Cached("site-footer")
	if err != nil {
		return nil, err
	}
	b = append(b, head...)
	b = append(b, "\n</head>\n<body class=\"kind-"...)
	b = appendHTML(b, p.Kind)
	b = append(b, "\">\n"...)
	b = append(b, header...)
	b = append(b, "\n<main id=\"main\">\n"...)
	b = r.incidentMain(b, p)
	b = append(b, "\n</main>\n"...)
	b = append(b, footer...)
	return append(b, "\n\n</body>\n</html>\n"...), nil
}

// incidentMain appends the "main" block of incident.html.
func (r *renderer) incidentMain(b []byte, page *Page) []byte {
	p := page.Incident
	if p == nil {
		return b
	}
	f := r.parsed.formats
	// tr is {{T "key"}}, folded into the layout when it is parsed; call is
	// {{T (print ...)}}, a call whose result is escaped.
	tr := func(b []byte, key string) []byte { return append(b, r.parsed.folded(key)...) }
	call := func(b []byte, key string) []byte { return appendHTML(b, f.t(key)) }
	// item appends <div><dt>key</dt><dd>value</dd></div>.
	item := func(b []byte, class, key string, value []byte) []byte {
		b = append(b, "<div"...)
		if class != "" {
			b = append(b, " class=\""...)
			b = append(b, class...)
			b = append(b, '"')
		}
		b = append(b, "><dt>"...)
		b = tr(b, key)
		b = append(b, "</dt><dd>"...)
		b = append(b, value...)
		return append(b, "</dd></div>"...)
	}
	var scratch []byte
	escaped := func(s string) []byte {
		scratch = appendHTML(scratch[:0], s)
		return scratch
	}

	b = append(b, "\n<article class=\"incident\" lang=\""...)
	b = appendHTML(b, p.Language)
	b = append(b, "\">\n<header class=\"incident-header\">\n  <p class=\"badges\">"...)
	b = severityPartial(b, p.Severity)
	b = append(b, ' ')
	if p.Draft() {
		b = r.parsed.statusPartial(b, p.Status)
	}
	b = append(b, ' ')
	if p.Ongoing() {
		b = append(b, "<span class=\"ongoing\">"...)
		b = tr(b, "ongoing")
		b = append(b, "</span>"...)
	}
	b = append(b, ' ')
	if p.ChangeInduced {
		b = append(b, "<span class=\"chip\">"...)
		b = tr(b, "change_induced")
		b = append(b, "</span>"...)
	}
	b = append(b, "</p>\n  <h1>"...)
	b = appendHTML(b, p.Title)
	b = append(b, "</h1>\n  <p class=\"meta\">\n    "...)
	if len(p.Services) > 0 {
		b = append(b, "<span>"...)
		b = tr(b, "services")
		b = append(b, ": "...)
		b = serviceLinks(b, page, p.Services)
		b = append(b, "</span>"...)
	}
	b = append(b, "\n    "...)
	if len(p.Tags) > 0 {
		b = append(b, "<span class=\"tags\">"...)
		for _, g := range p.Tags {
			b = append(b, "<a class=\"tag\" href=\""...)
			b = appendURLAttr(b, page.TagURL(g), false)
			b = append(b, "\">#"...)
			b = appendHTML(b, g)
			b = append(b, "</a> "...)
		}
		b = append(b, "</span>"...)
	}
	b = append(b, "\n    <span class=\"id\">"...)
	b = appendHTML(b, p.ID)
	b = append(b, "</span>\n  </p>\n  <dl class=\"facts-grid\">\n    "...)
	for _, fact := range [...]struct {
		key string
		at  time.Time
	}{{"started", p.StartedAt}, {"detected", p.DetectedAt}, {"mitigated", p.MitigatedAt}, {"resolved", p.ResolvedAt}} {
		if !fact.at.IsZero() {
			b = item(b, "", fact.key, []byte(f.timetag(fact.at)))
		}
		b = append(b, "\n    "...)
	}
	for _, span := range [...]struct {
		key string
		d   time.Duration
	}{{"time_to_detect", p.TimeToDetect()}, {"time_to_mitigate", p.TimeToMitigate()}, {"time_to_resolve", p.TimeToResolve()}} {
		if span.d != 0 {
			b = item(b, "ttx", span.key, escaped(f.duration(span.d)))
		}
		b = append(b, "\n    "...)
	}
	if p.Trigger != "" {
		b = item(b, "", "trigger", escaped(p.Trigger))
	}
	b = append(b, "\n  </dl>\n  <nav class=\"toc\" aria-label=\""...)
	b = tr(b, "sections")
	b = append(b, "\">"...)
	for i, sec := range [...]string{"facts", "analysis", "actions", "communication", "retrospective"} {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "<a href=\"#"...)
		b = append(b, sec...)
		b = append(b, "\">"...)
		b = tr(b, sec)
		b = append(b, "</a>"...)
	}
	b = append(b, "</nav>\n</header>\n\n"...)

	b = sectionStart(b, "facts", tr)
	b = append(b, "\n  "...)
	if len(p.Timeline) > 0 {
		b = append(b, "\n  <ol class=\"timeline\">\n    "...)
		for _, e := range p.Timeline {
			b = append(b, "<li>"...)
			b = append(b, f.timetag(e.At)...)
			b = append(b, " <span class=\"offset\">"...)
			b = appendHTML(b, f.since(p.StartedAt, e.At))
			b = append(b, "</span><p>"...)
			b = append(b, inline(e.Event)...)
			b = append(b, "</p></li>\n    "...)
		}
		b = append(b, "\n  </ol>\n  "...)
	} else {
		b = empty(b, "empty", "no_timeline", tr)
	}
	b = append(b, "\n</section>\n\n"...)

	b = sectionStart(b, "analysis", tr)
	b = append(b, "\n  <h3>"...)
	b = tr(b, "root_cause")
	b = append(b, "</h3>\n  "...)
	if p.RootCause != "" {
		b = append(b, "<div class=\"root-cause\">"...)
		b = append(b, markdown.String(p.RootCause)...)
		b = append(b, "</div>"...)
	} else {
		b = empty(b, "missing", "no_root_cause", tr)
	}
	b = append(b, "\n  "...)
	if len(p.ContributingFactors) > 0 {
		b = append(b, "<h3>"...)
		b = tr(b, "contributing_factors")
		b = append(b, "</h3>\n  <ul class=\"factors\">"...)
		for _, c := range p.ContributingFactors {
			b = append(b, "<li>"...)
			b = append(b, inline(c)...)
			b = append(b, "</li>"...)
		}
		b = append(b, "</ul>"...)
	}
	b = append(b, "\n  "...)
	if len(p.FiveWhys) > 0 {
		b = append(b, "<h3>"...)
		b = tr(b, "five_whys")
		b = append(b, "</h3>\n  <ol class=\"whys\">"...)
		for i, w := range p.FiveWhys {
			b = append(b, "<li><span class=\"why-n\">"...)
			b = tr(b, "why")
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, "</span> "...)
			b = append(b, inline(w)...)
			b = append(b, "</li>"...)
		}
		b = append(b, "</ol>"...)
	}
	b = append(b, "\n  "...)
	if len(p.Ishikawa) > 0 {
		b = append(b, "<h3>"...)
		b = tr(b, "ishikawa")
		b = append(b, "</h3>\n  <figure class=\"ishikawa\">"...)
		b = appendFishbone(b, p.Ishikawa, p.Title, p.ID, f.t)
		b = append(b, "\n  <figcaption><dl class=\"ishikawa-list\">"...)
		for _, c := range p.Ishikawa {
			b = append(b, "<div><dt>"...)
			b = call(b, "ishikawa_"+c.Name)
			b = append(b, "</dt>"...)
			for _, cause := range c.Causes {
				b = append(b, "<dd>"...)
				b = appendHTML(b, cause)
				b = append(b, "</dd>"...)
			}
			b = append(b, "</div>"...)
		}
		b = append(b, "</dl></figcaption></figure>"...)
	}
	b = append(b, "\n</section>\n\n"...)

	b = sectionStart(b, "actions", tr)
	b = append(b, "\n  "...)
	if len(p.Actions) > 0 {
		b = append(b, "\n  <table class=\"actions\">\n  <thead><tr>"...)
		b = r.parsed.headCells(b, "action", "type", "owner", "due", "status")
		b = append(b, "</tr></thead>\n  <tbody>\n  "...)
		for _, a := range p.Actions {
			late, link := a.Overdue(f.now), safeURL(a.Link)
			b = append(b, "<tr class=\"astatus-"...)
			b = appendHTML(b, a.Status)
			if late {
				b = append(b, " overdue"...)
			}
			b = append(b, "\">\n  <td>"...)
			if link != "" {
				b = append(b, "<a href=\""...)
				b = appendURLAttr(b, string(link), true)
				b = append(b, "\">"...)
				b = append(b, inline(a.Title)...)
				b = append(b, "</a>"...)
			} else {
				b = append(b, inline(a.Title)...)
			}
			b = append(b, "</td>\n  <td>"...)
			b = r.parsed.actionTypePartial(b, a.Type)
			b = append(b, "</td>\n  <td>"...)
			if a.Owner != "" {
				b = appendHTML(b, a.Owner)
			} else {
				b = append(b, "<span class=\"missing\">"...)
				b = tr(b, "no_owner")
				b = append(b, "</span>"...)
			}
			b = append(b, "</td>\n  <td>"...)
			b = appendHTML(b, f.date(a.Due))
			if late {
				b = append(b, " <span class=\"overdue-flag\">"...)
				b = tr(b, "overdue")
				b = append(b, "</span>"...)
			}
			b = append(b, "</td>\n  <td>"...)
			b = call(b, "astatus_"+a.Status)
			b = append(b, "</td>\n  </tr>\n  "...)
		}
		b = append(b, "</tbody>\n  </table>\n  "...)
	} else {
		b = empty(b, "empty", "no_actions", tr)
	}
	b = append(b, "\n</section>\n\n"...)

	b = sectionStart(b, "communication", tr)
	state, u := page.CommState(), page.CustomerURL(p)
	b = append(b, "\n  \n  <p class=\"comm-state comm-"...)
	if state != "" {
		b = appendHTML(b, state)
	} else {
		b = append(b, "none"...)
	}
	b = append(b, "\">"...)
	if state != "" {
		b = append(b, "<span class=\"chip"...)
		if state == "published" {
			b = append(b, " chip-ok"...)
		}
		b = append(b, "\">"...)
		b = call(b, "comm_state_"+state)
		b = append(b, "</span> "...)
		b = call(b, "comm_state_"+state+"_note")
	} else {
		b = tr(b, "no_communication")
	}
	if u != "" {
		b = append(b, " <a href=\""...)
		b = appendURLAttr(b, u, false)
		b = append(b, "\">"...)
		b = tr(b, "comm_view_customer")
		b = append(b, " →</a>"...)
	}
	b = append(b, "</p>\n  "...)
	if c := p.Customer; c.Title != "" || c.Summary != "" || c.Impact != "" {
		b = append(b, "\n  <div class=\"customer\">\n    "...)
		if c.Title != "" {
			b = append(b, "<h3>"...)
			b = appendHTML(b, c.Title)
			b = append(b, "</h3>"...)
		}
		for _, part := range [...]struct{ key, text string }{{"customer_summary", c.Summary}, {"customer_impact", c.Impact}} {
			b = append(b, "\n    "...)
			if part.text != "" {
				b = append(b, "<h4>"...)
				b = tr(b, part.key)
				b = append(b, "</h4>"...)
				b = append(b, markdown.Public(part.text)...)
			}
		}
		b = append(b, "\n  </div>\n  "...)
	}
	b = append(b, "\n</section>\n\n"...)

	b = sectionStart(b, "retrospective", tr)
	b = append(b, "\n  "...)
	if rs := p.Retrospective; rs.Held() {
		b = append(b, "\n  <dl class=\"retro\">\n    "...)
		b = item(b, "", "date", escaped(f.when(rs.Date)))
		b = append(b, "\n    "...)
		if rs.Facilitator != "" {
			b = item(b, "", "facilitator", escaped(rs.Facilitator))
		}
		b = append(b, "\n    "...)
		if len(rs.Participants) > 0 {
			b = item(b, "", "participants", escaped(strings.Join(rs.Participants, ", ")))
		}
		b = append(b, "\n  </dl>\n  "...)
		if p.RetroKnown() {
			onTime := p.RetroOnTime()
			b = append(b, "<p class=\""...)
			if onTime {
				b = append(b, "on-time\">"...)
				b = tr(b, "retro_on_time")
			} else {
				b = append(b, "late\">"...)
				b = tr(b, "retro_late")
			}
			b = append(b, " ("...)
			b = appendHTML(b, f.duration(p.RetroDelay()))
			b = append(b, ' ')
			b = tr(b, "after_resolution")
			b = append(b, ")</p>"...)
		}
		b = append(b, "\n  "...)
	} else {
		b = empty(b, "empty", "no_retrospective", tr)
	}
	b = append(b, "\n</section>\n\n"...)

	if p.Body != "" {
		b = append(b, "<section class=\"body\" aria-label=\""...)
		b = tr(b, "notes")
		b = append(b, "\">\n"...)
		b = append(b, p.Body...)
		b = append(b, "\n</section>"...)
	}
	b = append(b, "\n\n<footer class=\"incident-nav\">\n  "...)
	for _, nav := range page.ServiceNav() {
		b = append(b, "<p><a href=\""...)
		b = appendURLAttr(b, page.URL("services/"+nav.Service.Slug+"/"), false)
		b = append(b, "\">"...)
		b = appendHTML(b, nav.Service.DisplayName())
		b = append(b, "</a>:\n  "...)
		if o := nav.Older; o != nil {
			b = append(b, "<a rel=\"prev\" href=\""...)
			b = appendURLAttr(b, page.IncidentURL(o), false)
			b = append(b, "\">← "...)
			b = appendHTML(b, o.Title)
			b = append(b, "</a>"...)
		}
		b = append(b, "\n  "...)
		if n := nav.Newer; n != nil {
			b = append(b, "<a rel=\"next\" href=\""...)
			b = appendURLAttr(b, page.IncidentURL(n), false)
			b = append(b, "\">"...)
			b = appendHTML(b, n.Title)
			b = append(b, " →</a>"...)
		}
		b = append(b, "</p>\n  "...)
	}
	b = append(b, "\n  <p class=\"source\">"...)
	b = tr(b, "source")
	b = append(b, ": <code>"...)
	b = appendHTML(b, p.Path)
	return append(b, "</code></p>\n</footer>\n</article>\n"...)
}

// sectionStart appends a section's opening tag and heading.
func sectionStart(b []byte, id string, tr func([]byte, string) []byte) []byte {
	b = append(b, "<section id=\""...)
	b = append(b, id...)
	b = append(b, "\" aria-labelledby=\""...)
	b = append(b, id...)
	b = append(b, "-h\">\n  <h2 id=\""...)
	b = append(b, id...)
	b = append(b, "-h\">"...)
	b = tr(b, id)
	return append(b, "</h2>"...)
}

// empty appends <p class="class">key</p>.
func empty(b []byte, class, key string, tr func([]byte, string) []byte) []byte {
	b = append(b, "<p class=\""...)
	b = append(b, class...)
	b = append(b, "\">"...)
	b = tr(b, key)
	return append(b, "</p>"...)
}

// openActions writes the "open-actions" partial.
func (t *parsedTheme) openActions(l ActionList) template.HTML {
	f := t.formats
	var b []byte
	b = append(b, '\n')
	if len(l.Actions) == 0 {
		b = append(b, "<p class=\"empty\">"...)
		if l.Empty != "" {
			b = appendHTML(b, f.t(l.Empty))
		} else {
			b = append(b, t.folded("no_open_actions")...)
		}
		b = append(b, "</p>\n"...)
		return template.HTML(b)
	}
	b = append(b, "\n<div class=\"list\">"...)
	for i, run := range l.Chunks() {
		b = append(b, "<div class=\"chunk\">\n<table class=\"actions\">\n<thead"...)
		if i > 0 {
			b = append(b, " class=\"continued\""...)
		}
		b = append(b, "><tr>"...)
		b = t.headCells(b, "action", "type", "owner", "due", "incident")
		b = append(b, "</tr></thead>\n<tbody>\n"...)
		for _, a := range run {
			late, link := a.Overdue(f.now), safeURL(a.Link)
			b = append(b, "<tr"...)
			if late {
				b = append(b, " class=\"overdue\""...)
			}
			b = append(b, ">\n<td>"...)
			if link != "" {
				b = append(b, "<a href=\""...)
				b = appendURLAttr(b, string(link), true)
				b = append(b, "\">"...)
				b = appendHTML(b, a.Title)
				b = append(b, "</a>"...)
			} else {
				b = appendHTML(b, a.Title)
			}
			b = append(b, "</td>\n<td>"...)
			b = t.actionTypePartial(b, a.Type)
			b = append(b, "</td>\n<td>"...)
			if a.Owner != "" {
				b = appendHTML(b, a.Owner)
			} else {
				b = append(b, "<span class=\"missing\">"...)
				b = append(b, t.folded("no_owner")...)
				b = append(b, "</span>"...)
			}
			b = append(b, "</td>\n<td>"...)
			b = appendHTML(b, f.date(a.Due))
			if late {
				b = append(b, " <span class=\"overdue-flag\">"...)
				b = append(b, t.folded("overdue")...)
				b = append(b, "</span>"...)
			}
			b = append(b, "</td>\n<td><a href=\""...)
			b = appendURLAttr(b, l.Page.IncidentURL(a.Incident), false)
			b = append(b, "\">"...)
			b = appendHTML(b, a.Incident.Title)
			b = append(b, "</a></td>\n</tr>\n"...)
		}
		b = append(b, "</tbody>\n</table>\n</div>"...)
	}
	b = append(b, "</div>\n"...)
	if l.Total > len(l.Actions) {
		b = append(b, "<p class=\"more\">"...)
		b = append(b, t.folded("showing")...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(l.Actions)), 10)
		b = append(b, " / "...)
		b = strconv.AppendInt(b, int64(l.Total), 10)
		b = append(b, ' ')
		b = append(b, t.folded("open_actions_lc")...)
		b = append(b, "</p>"...)
	}
	return template.HTML(append(b, "\n\n"...))
}

// headCells appends a table's column headings: the translations of keys.
func (t *parsedTheme) headCells(b []byte, keys ...string) []byte {
	for _, k := range keys {
		b = append(b, "<th scope=\"col\">"...)
		b = append(b, t.folded(k)...)
		b = append(b, "</th>"...)
	}
	return b
}

// actionTypePartial appends the "action-type" partial.
func (t *parsedTheme) actionTypePartial(b []byte, typ string) []byte {
	if typ == "" {
		return b
	}
	b = append(b, "<span class=\"atype atype-"...)
	b = appendHTML(b, typ)
	b = append(b, "\">"...)
	b = appendHTML(b, t.formats.t("action_"+typ))
	return append(b, "</span>"...)
}

// compiledRow appends an incident's list entry, the partial named (one of
// rowPartials), as incidents.html writes it.
func (r *renderer) compiledRow(b []byte, partial string, page *Page) []byte {
	p := page.Incident
	if p == nil {
		return b
	}
	f := r.parsed.formats
	date := p.Date()
	if partial == "incident-row" {
		b = append(b, "<tr data-service=\""...)
		b = appendHTML(b, strings.Join(p.Services, " "))
		b = append(b, "\" data-severity=\""...)
		b = appendHTML(b, p.Severity)
		b = append(b, "\" data-year=\""...)
		b = strconv.AppendInt(b, int64(page.Year(p)), 10)
		b = append(b, "\" data-status=\""...)
		b = appendHTML(b, p.Status)
		b = append(b, '"')
		if p.Draft() {
			b = append(b, " class=\"is-draft\""...)
		}
		b = append(b, ">\n<td><time datetime=\""...)
		b = appendHTML(b, iso(date))
		b = append(b, "\">"...)
		b = appendHTML(b, f.date(date))
		b = append(b, "</time></td>\n<td><a href=\""...)
		b = appendURLAttr(b, page.IncidentURL(p), false)
		b = append(b, "\">"...)
		b = appendHTML(b, p.Title)
		b = append(b, "</a></td>\n<td>"...)
		b = severityPartial(b, p.Severity)
		b = append(b, "</td>\n<td>"...)
		b = serviceLinks(b, page, p.Services)
		b = append(b, "</td>\n<td>"...)
		if p.Ongoing() {
			b = append(b, "<span class=\"ongoing\">"...)
			b = r.resolvedIn(b, p)
			b = append(b, "</span>"...)
		} else {
			b = r.resolvedIn(b, p)
		}
		b = append(b, "</td>\n<td>"...)
		b = r.parsed.statusPartial(b, p.Status)
		return append(b, "</td>\n</tr>\n"...)
	}
	// history-item
	b = append(b, "<li class=\"sevline-"...)
	b = appendHTML(b, strings.ToLower(p.Severity))
	b = append(b, "\"><time datetime=\""...)
	b = appendHTML(b, iso(date))
	b = append(b, "\">"...)
	b = appendHTML(b, f.date(date))
	b = append(b, "</time> "...)
	b = severityPartial(b, p.Severity)
	b = append(b, " <a href=\""...)
	b = appendURLAttr(b, page.IncidentURL(p), false)
	b = append(b, "\">"...)
	b = appendHTML(b, p.Title)
	b = append(b, "</a> <span class=\"dur\">"...)
	b = r.resolvedIn(b, p)
	b = append(b, "</span>"...)
	if p.Draft() {
		b = append(b, ' ')
		b = r.parsed.statusPartial(b, p.Status)
	}
	return append(b, "</li>\n"...)
}

// serviceLinks appends links to services, separated by commas.
func serviceLinks(b []byte, page *Page, services []string) []byte {
	for i, s := range services {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "<a href=\""...)
		b = appendURLAttr(b, page.ServiceURL(s), false)
		b = append(b, "\">"...)
		b = appendHTML(b, s)
		b = append(b, "</a>"...)
	}
	return b
}

// resolvedIn appends "ongoing" or the time to resolve, as list entries
// show it.
func (r *renderer) resolvedIn(b []byte, p *postmortem.Postmortem) []byte {
	if p.Ongoing() {
		return append(b, r.parsed.folded("ongoing")...)
	}
	return appendHTML(b, r.parsed.formats.duration(p.TimeToResolve()))
}

// statusPartial appends the "status" partial.
func (t *parsedTheme) statusPartial(b []byte, status string) []byte {
	b = append(b, "<span class=\"status status-"...)
	b = appendHTML(b, status)
	b = append(b, "\">"...)
	b = appendHTML(b, t.formats.t("status_"+status))
	return append(b, "</span>"...)
}

// severityPartial appends the "severity" partial.
func severityPartial(b []byte, sev string) []byte {
	if sev == "" {
		return append(b, "<span class=\"sev sev-none\">–</span>"...)
	}
	b = append(b, "<span class=\"sev sev-"...)
	b = appendHTML(b, strings.ToLower(sev))
	b = append(b, "\">"...)
	b = appendHTML(b, sev)
	return append(b, "</span>"...)
}
