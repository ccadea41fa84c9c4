package render

import (
	"strconv"

	"github.com/hindsight-sre/hindsight/generator/customer"
)

// The customer site's incident page, one per published communication,
// compiled as compiled.go explains. Editing the default theme's
// customer/layouts/incident.html or customer/layouts/base.html means
// editing this file alike; TestCompiledIncident fails until both agree.

// compiledCustomerTemplates are the templates a customer incident page
// executes (but for the fragments CustomerPage.Cached renders);
// compiledCustomerItemTemplates those of an incident's entry in the lists.
var (
	compiledCustomerTemplates     = []string{"base.html", "main", "severity"}
	compiledCustomerItemTemplates = []string{"incident-item", "severity"}
)

// customerItem appends the "incident-item" partial of p.Incident: its
// entry in the customer site's lists.
func (r *renderer) customerItem(b []byte, p *CustomerPage) []byte {
	i := p.Incident
	if i == nil {
		return b
	}
	f := r.parsed.formats
	b = append(b, "  <li class=\"level-"...)
	b = strconv.AppendInt(b, int64(i.Level), 10)
	b = append(b, "\">\n    <a class=\"title\" href=\""...)
	b = appendURLAttr(b, p.IncidentURL(i), false)
	b = append(b, "\">"...)
	b = appendHTML(b, i.Title)
	b = append(b, "</a>\n    "...)
	b = r.parsed.customerBadges(b, i)
	b = append(b, "\n    <p class=\"meta\">"...)
	b = append(b, f.timetag(i.Start)...)
	if d := i.Duration(); d != 0 {
		b = append(b, " · "...)
		b = appendHTML(b, f.duration(d))
	}
	if len(i.Services) > 0 {
		b = append(b, " · "...)
		b = customerServiceLinks(b, p, i.Services)
	}
	return append(b, "</p>\n  </li>\n"...)
}

// customerServiceLinks appends links to services, separated by commas.
func customerServiceLinks(b []byte, p *CustomerPage, services []*customer.Service) []byte {
	for k, s := range services {
		if k > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "<a href=\""...)
		b = appendURLAttr(b, p.ServiceURL(s), false)
		b = append(b, "\">"...)
		b = appendHTML(b, s.Name)
		b = append(b, "</a>"...)
	}
	return b
}

// customerBadges appends an incident's severity and, while it lasts, the
// "ongoing" badge, as the customer page and list entry show them.
func (t *parsedTheme) customerBadges(b []byte, i *customer.Incident) []byte {
	b = customerSeverity(b, i)
	if i.Ongoing() {
		b = append(b, " <span class=\"ongoing\">"...)
		b = append(b, t.folded("ongoing")...)
		b = append(b, "</span>"...)
	}
	return b
}

// customerSeverity appends the customer site's "severity" partial.
func customerSeverity(b []byte, i *customer.Incident) []byte {
	if i.Severity == "" {
		return b
	}
	b = append(b, "<span class=\"sev level-"...)
	b = strconv.AppendInt(b, int64(i.Level), 10)
	b = append(b, "\">"...)
	b = appendHTML(b, i.Severity)
	return append(b, "</span>"...)
}

// customerIncidentPage appends the customer incident page p to b, as the
// default customer layouts write it.
func (r *renderer) customerIncidentPage(b []byte, p *CustomerPage) ([]byte, error) {
	t := r.parsed
	f := t.formats
	b = append(b, "<!DOCTYPE html>\n<html lang=\""...)
	b = appendHTML(b, p.Site.Language)
	b = append(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"...)
	b = appendHTML(b, p.Title)
	b = append(b, " · "...)
	b = appendHTML(b, p.Site.Title)
	b = append(b, "</title>\n"...)
	var parts [3][]byte
	for k, name := range [...]string{"head-links", "site-header", "site-footer"} {
		h, err := p.Cached(name)
		if err != nil {
			return nil, err
		}
		parts[k] = []byte(h)
	}
	b = append(b, parts[0]...)
	b = append(b, "\n</head>\n<body class=\"kind-"...)
	b = appendHTML(b, p.Kind)
	b = append(b, "\">\n"...)
	b = append(b, parts[1]...)
	b = append(b, "\n<main id=\"main\">\n"...)
	if i := p.Incident; i != nil {
		b = append(b, "\n<article class=\"incident level-"...)
		b = strconv.AppendInt(b, int64(i.Level), 10)
		b = append(b, "\">\n<h1>"...)
		b = appendHTML(b, i.Title)
		b = append(b, "</h1>\n<p class=\"badges\">"...)
		b = t.customerBadges(b, i)
		b = append(b, "</p>\n<dl class=\"facts\">\n  "...)
		if len(i.Services) > 0 {
			b = append(b, "<div><dt>"...)
			b = append(b, t.folded("customer_affected")...)
			b = append(b, "</dt><dd>"...)
			b = customerServiceLinks(b, p, i.Services)
			b = append(b, "</dd></div>"...)
		}
		b = append(b, "\n  "...)
		if !i.Start.IsZero() {
			b = append(b, "<div><dt>"...)
			b = append(b, t.folded("customer_started")...)
			b = append(b, "</dt><dd>"...)
			b = append(b, f.timetag(i.Start)...)
			b = append(b, "</dd></div>"...)
		}
		b = append(b, "\n  <div><dt>"...)
		b = append(b, t.folded("customer_ended")...)
		b = append(b, "</dt><dd>"...)
		if i.Ongoing() {
			b = append(b, t.folded("ongoing")...)
		} else {
			b = append(b, f.timetag(i.End)...)
		}
		b = append(b, "</dd></div>\n  "...)
		if d := i.Duration(); d != 0 {
			b = append(b, "<div><dt>"...)
			b = append(b, t.folded("duration")...)
			b = append(b, "</dt><dd>"...)
			b = appendHTML(b, f.duration(d))
			b = append(b, "</dd></div>"...)
		}
		b = append(b, "\n</dl>\n"...)
		if i.Summary != "" {
			b = append(b, "<section aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">"...)
			b = append(b, t.folded("customer_summary")...)
			b = append(b, "</h2>"...)
			b = append(b, i.Summary...)
			b = append(b, "</section>"...)
		}
		b = append(b, '\n')
		if i.Impact != "" {
			b = append(b, "<section aria-labelledby=\"impact-h\"><h2 id=\"impact-h\">"...)
			b = append(b, t.folded("customer_impact")...)
			b = append(b, "</h2>"...)
			b = append(b, i.Impact...)
			b = append(b, "</section>"...)
		}
		b = append(b, "\n</article>\n"...)
	}
	b = append(b, "\n</main>\n"...)
	b = append(b, parts[2]...)
	return append(b, "\n</body>\n</html>\n\n\n"...), nil
}
