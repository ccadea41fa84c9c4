package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight/generator/customer"
)

// CustomerDir is the folder of the output that holds the customer site.
const CustomerDir = "customer/"

// customerLayouts are the page templates of the customer site, under
// customer/layouts/ in the theme, each defining "main" inside its base.html.
var customerLayouts = []string{"home.html", "incidents.html", "incident.html", "service.html", "search.html", "404.html"}

// CustomerPage is what every customer layout receives as its dot. It holds
// only the customer model: nothing internal can be reached from it.
type CustomerPage struct {
	Site  *customer.Site
	Kind  string // home, incident, service, 404
	Title string
	Path  string // output path inside the customer site
	Root  string // relative path from the page to the customer site's root

	Incident  *customer.Incident
	Service   *customer.Service
	Incidents []*customer.Incident

	items map[*customer.Incident]string // "incident-item" of each incident, rendered once

	r      *renderer
	layout string             // customer/layouts/ file rendering it
	tmpl   *template.Template // its templates
}

// Cached renders the partial name for the page once per layout, page kind
// and depth, as Page.Cached does on the internal site.
func (p *CustomerPage) Cached(name string) (template.HTML, error) {
	if p.r == nil || p.tmpl == nil {
		return "", fmt.Errorf("Cached %q: not a page of a site", name)
	}
	return p.r.fragment(fragmentKey{"customer/" + p.layout, name, p.Kind, p.Root}, p.tmpl, p)
}

// Items returns the "incident-item" of each of the page's incidents, with
// links made relative to this page. Each item is rendered once per build,
// with links relative to the customer site's root.
func (p *CustomerPage) Items() template.HTML {
	var b strings.Builder
	for _, i := range p.Incidents {
		b.WriteString(p.items[i])
	}
	if p.Root == "" {
		return template.HTML(b.String())
	}
	return template.HTML(strings.ReplaceAll(b.String(), `href="`, `href="`+p.Root))
}

// URL returns the relative link from this page to a path of the customer
// site, with index.html for folders (see Page.URL).
func (p *CustomerPage) URL(target string) string {
	target = strings.TrimPrefix(target, "/")
	if target == "" || strings.HasSuffix(target, "/") {
		target += "index.html"
	}
	return p.Root + target
}

// IncidentURL links to an incident's customer page.
func (p *CustomerPage) IncidentURL(i *customer.Incident) string {
	return p.URL("incidents/" + i.ID + "/")
}

// ServiceURL links to a service's customer page.
func (p *CustomerPage) ServiceURL(s *customer.Service) string {
	return p.URL("services/" + s.Slug + "/")
}

// With returns a copy of the page listing other incidents (for the
// "incident-list" template).
func (p *CustomerPage) With(list []*customer.Incident) *CustomerPage {
	c := *p
	c.Incidents = list
	return &c
}

// Current lists the ongoing incidents of the whole site.
func (p *CustomerPage) Current() []*customer.Incident {
	var out []*customer.Incident
	for _, i := range p.Site.Incidents {
		if i.Ongoing() {
			out = append(out, i)
		}
	}
	return out
}

// Recent lists the incidents that started within the last 90 days and have
// ended.
func (p *CustomerPage) Recent() []*customer.Incident {
	from := p.Site.Now.AddDate(0, 0, -90)
	var out []*customer.Incident
	for _, i := range p.Site.Incidents {
		if !i.Ongoing() && !i.Start.Before(from) {
			out = append(out, i)
		}
	}
	return out
}

// customerFuncs are the functions customer layouts may use: formatting
// only.
func customerFuncs(all template.FuncMap) template.FuncMap {
	f := template.FuncMap{}
	for _, k := range []string{"T", "datetime", "when", "timetag", "date", "iso", "duration", "lower", "add", "join", "percent"} {
		f[k] = all[k]
	}
	// uptime formats a share as a percentage with two decimals, never
	// rounding a downtime up to 100 %.
	f["uptime"] = func(share float64) string {
		pct := 100 * share
		s := fmt.Sprintf("%.2f", pct)
		if s == "100.00" && share < 1 {
			s = "99.99"
		}
		return s + " %"
	}
	return f
}

// customerJobs lists every file of the customer site as a job; it computes
// the customer site, if not done yet, and renders every incident's item.
func (r *renderer) customerJobs() ([]job, error) {
	cs, theme, t := r.customerSite(), r.theme, r.t
	tmpl, err := r.parsed.customerTemplates()
	if err != nil {
		return nil, err
	}
	items, err := r.customerItems(cs, tmpl["incidents.html"])
	if err != nil {
		return nil, err
	}
	var jobs []job
	add := func(layout string, p *CustomerPage) {
		p.items = items
		jobs = append(jobs, job{paths: []string{CustomerDir + p.Path}, run: func() error { return r.customerPage(cs, tmpl, layout, p) }})
	}
	file := func(name string, fn func() error) {
		jobs = append(jobs, job{paths: []string{CustomerDir + name}, run: fn})
	}
	add("home.html", &CustomerPage{Kind: "home", Title: cs.Title, Path: "index.html", Incidents: cs.Incidents})
	add("incidents.html", &CustomerPage{Kind: "incidents", Title: t("customer_history"), Path: "incidents/index.html", Incidents: cs.Incidents})
	for _, i := range cs.Incidents {
		add("incident.html", &CustomerPage{Kind: "incident", Title: i.Title, Path: "incidents/" + i.ID + "/index.html", Incident: i})
		jobs[len(jobs)-1].many = true
	}
	for _, sv := range cs.Services {
		add("service.html", &CustomerPage{Kind: "service", Title: sv.Name, Path: "services/" + sv.Slug + "/index.html", Service: sv, Incidents: sv.Incidents})
		file("services/"+sv.Slug+"/feed.xml", func() error {
			return r.customerFeed(cs, "services/"+sv.Slug+"/feed.xml", cs.Title+" · "+sv.Name, sv.Incidents)
		})
		file("services/"+sv.Slug+"/badge.svg", func() error {
			return r.write(CustomerDir+"services/"+sv.Slug+"/badge.svg", []byte(badge(sv, t)))
		})
	}
	add("search.html", &CustomerPage{Kind: "search", Title: t("search"), Path: "search/index.html"})
	add("404.html", &CustomerPage{Kind: "404", Title: t("not_found"), Path: "404.html", Root: basePath(cs.BaseURL)})
	file("feed.xml", func() error { return r.customerFeed(cs, "feed.xml", cs.Title, cs.Incidents) })
	file("api/incidents.json", func() error { return r.customerJSON(cs) })
	file("sitemap.xml", func() error { return r.customerSitemap(cs) })
	static, err := files(theme, "customer/static")
	if err != nil {
		return nil, err
	}
	copyFile := func(from, to string) {
		file(to, func() error {
			b, err := fs.ReadFile(theme, from)
			if err != nil {
				return err
			}
			return r.write(CustomerDir+to, b)
		})
	}
	for _, name := range static {
		copyFile(name, strings.TrimPrefix(name, "customer/static/"))
	}
	// The search page's script and style, and the icon, are the internal
	// site's: the customer site holds its own copies, so that it stands alone.
	for _, name := range []string{"js/search.js", "css/search.css", "favicon.svg"} {
		copyFile("static/"+name, name)
	}
	return jobs, nil
}

// customerItems renders the "incident-item" of every customer incident
// once, on every core.
func (r *renderer) customerItems(cs *customer.Site, t *template.Template) (map[*customer.Incident]string, error) {
	html := make([]string, len(cs.Incidents))
	jobs := make([]job, len(cs.Incidents))
	for k, i := range cs.Incidents {
		jobs[k].run = func() error {
			if r.parsed.customerItemsCompiled {
				html[k] = string(r.customerItem(nil, &CustomerPage{Site: cs, Incident: i}))
				return nil
			}
			var b strings.Builder
			if err := t.ExecuteTemplate(&b, "incident-item", &CustomerPage{Site: cs, Incident: i}); err != nil {
				return fmt.Errorf("rendering \"incident-item\" for %s: %w", i.ID, err)
			}
			html[k] = b.String()
			return nil
		}
	}
	if err := run(jobs, nil); err != nil {
		return nil, err
	}
	m := make(map[*customer.Incident]string, len(html))
	for k, i := range cs.Incidents {
		m[i] = html[k]
	}
	return m, nil
}

func (r *renderer) customerPage(cs *customer.Site, tmpl map[string]*template.Template, layout string, p *CustomerPage) error {
	p.Site = cs
	if p.Root == "" {
		p.Root = strings.Repeat("../", strings.Count(p.Path, "/"))
	}
	p.r, p.layout, p.tmpl = r, layout, tmpl[layout]
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer putBuf(buf)
	if layout == "incident.html" && p.Kind == "incident" && r.parsed.customerCompiled {
		b, err := r.customerIncidentPage(buf.AvailableBuffer(), p)
		if err != nil {
			return fmt.Errorf("rendering %s%s with customer/layouts/%s: %w", CustomerDir, p.Path, layout, err)
		}
		if cap(b) > buf.Cap() { // keep the grown buffer for the next page
			*buf = *bytes.NewBuffer(b[:0])
		}
		if err := r.write(CustomerDir+p.Path, b); err != nil {
			return err
		}
		r.pages.Add(1)
		return nil
	}
	if err := tmpl[layout].ExecuteTemplate(r.stoppable(buf), "base.html", p); err != nil {
		if errors.Is(err, ErrStopped) {
			return err
		}
		return fmt.Errorf("rendering %s%s with customer/layouts/%s: %w", CustomerDir, p.Path, layout, err)
	}
	if err := r.write(CustomerDir+p.Path, buf.Bytes()); err != nil {
		return err
	}
	r.pages.Add(1)
	return nil
}

// customerFeed writes an Atom feed of customer incidents, newest first.
func (r *renderer) customerFeed(cs *customer.Site, name, title string, incidents []*customer.Incident) error {
	base := cs.BaseURL
	absolute := strings.Contains(base, "://")
	f := atomFeed{Title: title, ID: base + name, Links: []atomLink{{Href: base + name, Rel: "self"}, {Href: base}}}
	if !absolute { // Atom ids must be absolute IRIs
		f.ID = "urn:hindsight:customer:" + strings.TrimSuffix(name, ".xml")
	}
	var newest time.Time
	for _, i := range incidents {
		if len(f.Entries) == feedSize {
			break
		}
		u := i.End
		if u.IsZero() {
			u = i.Start
		}
		if u.After(newest) {
			newest = u
		}
		link := base + "incidents/" + i.ID + "/"
		id := link
		if !absolute {
			id = "urn:hindsight:customer:incident:" + i.ID
		}
		e := atomEntry{Title: i.Title, ID: id, Updated: atomTime(u), Link: atomLink{Href: link},
			Summary: atomSummary{Type: "html", Text: string(i.Summary) + string(i.Impact)}}
		if i.Severity != "" {
			e.Category = append(e.Category, atomCat{Term: i.Severity})
		}
		for _, sv := range i.Services {
			e.Category = append(e.Category, atomCat{Term: sv.Name})
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = atomTime(newest)
	return r.writeXML(CustomerDir+name, f)
}

// apiIncident is one incident of customer/api/incidents.json.
type apiIncident struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Severity    string   `json:"severity"`
	Services    []string `json:"services"`
	StartedAt   string   `json:"started_at,omitempty"`
	EndedAt     string   `json:"ended_at,omitempty"`
	Ongoing     bool     `json:"ongoing"`
	DurationMin *float64 `json:"duration_minutes,omitempty"`
	Summary     string   `json:"summary"`
	SummaryHTML string   `json:"summary_html"`
	Impact      string   `json:"impact"`
	ImpactHTML  string   `json:"impact_html"`
}

type apiService struct {
	Name     string             `json:"name"`
	URL      string             `json:"url"`
	Status   string             `json:"status"`
	Uptime   map[string]float64 `json:"uptime"` // "30d" → percent
	Incident []string           `json:"incidents"`
}

// customerJSON writes customer/api/incidents.json.
func (r *renderer) customerJSON(cs *customer.Site) error {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	doc := struct {
		Title     string        `json:"title"`
		Incidents []apiIncident `json:"incidents"`
		Services  []apiService  `json:"services"`
	}{Title: cs.Title, Incidents: []apiIncident{}, Services: []apiService{}}
	for _, i := range cs.Incidents {
		a := apiIncident{ID: i.ID, URL: cs.BaseURL + "incidents/" + i.ID + "/", Title: i.Title, Severity: i.Severity,
			Services: []string{}, StartedAt: stamp(i.Start), EndedAt: stamp(i.End), Ongoing: i.Ongoing(),
			Summary: i.SummaryText, SummaryHTML: string(i.Summary), Impact: i.ImpactText, ImpactHTML: string(i.Impact)}
		if d := i.Duration(); d > 0 {
			m := d.Minutes()
			a.DurationMin = &m
		}
		for _, sv := range i.Services {
			a.Services = append(a.Services, sv.Name)
		}
		doc.Incidents = append(doc.Incidents, a)
	}
	for _, sv := range cs.Services {
		a := apiService{Name: sv.Name, URL: cs.BaseURL + "services/" + sv.Slug + "/", Status: "operational",
			Uptime: map[string]float64{}, Incident: []string{}}
		if cur := sv.Current(); len(cur) > 0 {
			a.Status = cur[0].Severity
		}
		for _, u := range sv.Uptime {
			a.Uptime[fmt.Sprintf("%dd", u.Days)] = 100 * u.Share
		}
		for _, i := range sv.Incidents {
			a.Incident = append(a.Incident, i.ID)
		}
		doc.Services = append(doc.Services, a)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return r.write(CustomerDir+"api/incidents.json", append(b, '\n'))
}

// customerSitemap writes the customer site's own sitemap.xml.
func (r *renderer) customerSitemap(cs *customer.Site) error {
	base := cs.BaseURL
	set := urlSet{URLs: []siteURL{{Loc: base}}}
	for _, i := range cs.Incidents {
		set.URLs = append(set.URLs, siteURL{Loc: base + "incidents/" + i.ID + "/"})
	}
	for _, sv := range cs.Services {
		set.URLs = append(set.URLs, siteURL{Loc: base + "services/" + sv.Slug + "/"})
	}
	return r.writeXML(CustomerDir+"sitemap.xml", set)
}

// badge draws a service's status badge: its name, then "operational" or the
// label of its most severe ongoing incident.
func badge(sv *customer.Service, t func(string) string) string {
	status, colour := t("customer_operational"), "#2e7d32"
	if cur := sv.Current(); len(cur) > 0 {
		status = cur[0].Severity
		colour = "#b26a00"
		if cur[0].Level == 1 {
			colour = "#c62828"
		}
	}
	// Widths from an average glyph of 11 px Verdana (about 7 px), which
	// is close enough for a badge and needs no font metrics.
	w := func(s string) int { return 10 + 7*utf8.RuneCountInString(s) }
	lw, rw := w(sv.Name), w(status)
	esc := template.HTMLEscapeString
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%[1]d" height="20" role="img" aria-label="%[2]s: %[3]s">
<title>%[2]s: %[3]s</title>
<rect width="%[4]d" height="20" fill="#555"/>
<rect x="%[4]d" width="%[5]d" height="20" fill="%[6]s"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="%[7]d" y="14">%[2]s</text>
<text x="%[8]d" y="14">%[3]s</text>
</g>
</svg>
`, lw+rw, esc(sv.Name), esc(status), lw, rw, colour, lw/2, lw+rw/2)
}

// IsCustomer reports whether the page is on the customer site (true here),
// for partials both sites share.
func (p *CustomerPage) IsCustomer() bool { return true }
