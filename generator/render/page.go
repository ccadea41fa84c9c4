package render

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Page is what every layout receives as its dot.
type Page struct {
	Site  *site.Site
	Kind  string // home, incidents, incident, services, service, tags, tag, metrics, communications, 404
	Title string
	Path  string // output path of the page, e.g. "incidents/x/index.html"
	Root  string // relative path from the page to the site root, e.g. "../../"

	Incident  *postmortem.Postmortem   // incident page
	Incidents []*postmortem.Postmortem // lists
	Service   *site.Service            // service page
	Tag       *site.Group              // tag page
	Filter    Filter                   // incidents lists
	Metrics   *MetricsView             // metrics pages

	r      *renderer // what every page shares
	layout string    // the layout rendering it ("" for list entries)
}

// Cached renders the partial name for the page, once per layout, page kind
// and depth (Root): pages of the same kind then share it. It is for the
// parts of a page that depend on nothing else, as the default theme's site
// header and footer, which thousands of incident pages would otherwise
// render alike, one by one. A partial that shows anything of the page
// itself (its title, its incident) must be called with {{template}}.
func (p *Page) Cached(name string) (template.HTML, error) {
	if p.r == nil {
		return "", fmt.Errorf("Cached %q: not a page of a site", name)
	}
	layout := p.layout
	if layout == "" { // a list entry, rendered on its own
		layout = "incidents.html"
	}
	return p.r.fragment(fragmentKey{layout, name, p.Kind, p.Root}, p.r.tmpl[layout], p)
}

// fragmentKey names a partial rendered by Page.Cached or CustomerPage.Cached.
type fragmentKey struct{ layout, name, kind, root string }

// fragment returns the partial k.name of tmpl executed with dot, rendered
// the first time k is asked for.
func (r *renderer) fragment(k fragmentKey, tmpl *template.Template, dot any) (template.HTML, error) {
	if h, ok := r.fragments.Load(k); ok {
		return h.(template.HTML), nil
	}
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, k.name, dot); err != nil {
		return "", err
	}
	h := template.HTML(b.String())
	r.fragments.Store(k, h)
	return h, nil
}

// Rows returns the "incident-row" of each of the page's incidents, with
// links made relative to this page.
func (p *Page) Rows() (template.HTML, error) { return p.whole("incident-row") }

// HistoryItems returns the "history-item" of each of the page's incidents.
func (p *Page) HistoryItems() (template.HTML, error) { return p.whole("history-item") }

// RowChunks is Rows cut into runs of ChunkSize incidents, at least one
// (empty when the page lists none). The default theme puts each run in a
// table of its own that the browser lays out only when it scrolls into
// view (content-visibility), so that a list of thousands of incidents
// opens fast, and an edit under `hindsight serve` re-lays out one run.
func (p *Page) RowChunks() ([]template.HTML, error) { return p.chunks("incident-row") }

// HistoryChunks is HistoryItems cut as RowChunks are.
func (p *Page) HistoryChunks() ([]template.HTML, error) { return p.chunks("history-item") }

// ChunkSize is how many incidents a run of RowChunks or HistoryChunks holds.
// A run of the incidents index is then some 50 KB: html/template prints
// each run through fmt, which reuses its buffers up to 64 KB and
// allocates one for each larger string (at 200, 2 MB more garbage for
// each render of a large list under serve).
const ChunkSize = 100

func (p *Page) whole(partial string) (template.HTML, error) {
	c, err := p.cached(partial, len(p.Incidents))
	if err != nil {
		return "", err
	}
	return c[0], nil
}

func (p *Page) chunks(partial string) ([]template.HTML, error) { return p.cached(partial, ChunkSize) }

// cached joins the page's incidents' entries for partial, n to a string.
// Under render.Lazy, a run whose incidents are the same postmortems as
// when it was last joined for a page at the same depth is taken from
// r.rows: after an edit, `hindsight serve` joins again only the run of the
// edited one.
func (p *Page) cached(partial string, n int) ([]template.HTML, error) {
	n = max(n, 1)
	out := make([]template.HTML, 0, len(p.Incidents)/n+1)
	for start := 0; start < len(p.Incidents) || start == 0; start += n {
		incs := p.Incidents[start:min(start+n, len(p.Incidents))]
		k := runKey{partial, p.Root, len(incs), nil}
		if len(incs) > 0 {
			k.first = incs[0]
		}
		if p.r.keepRuns {
			if h, ok := p.r.rows.run(k, incs); ok {
				out = append(out, h)
				continue
			}
		}
		rows := make([]string, len(incs))
		for i, inc := range incs {
			h, err := p.r.row(partial, inc)
			if err != nil {
				return nil, err
			}
			rows[i] = h
		}
		h := p.join(rows)
		if p.r.keepRuns {
			p.r.rows.keepRun(k, incs, h)
		}
		out = append(out, h)
	}
	return out, nil
}

// join concatenates entries rendered with links relative to the site root,
// making their links relative to the page.
func (p *Page) join(rows []string) template.HTML {
	size := 0
	for _, h := range rows {
		size += len(h)
	}
	var b strings.Builder
	b.Grow(size + len(rows)*4*len(p.Root))
	for _, h := range rows {
		// Every href in the partials is internal.
		for p.Root != "" {
			i := strings.Index(h, `href="`)
			if i < 0 {
				break
			}
			b.WriteString(h[:i+len(`href="`)])
			b.WriteString(p.Root)
			h = h[i+len(`href="`):]
		}
		b.WriteString(h)
	}
	return template.HTML(b.String())
}

// Filter names the pre-rendered list an incidents page shows.
type Filter struct {
	Field string // "", "service", "severity", "year" or "status"
	Value string // the value shown
}

// URL returns the relative link from this page to a site path such as
// "incidents/" or "css/hindsight.css". Folders get an explicit index.html so
// links work from disk as well as from any host and sub-path.
func (p *Page) URL(target string) string {
	target = strings.TrimPrefix(target, "/")
	if target == "" || strings.HasSuffix(target, "/") {
		target += "index.html"
	}
	return p.Root + target
}

// IncidentURL links to an incident page.
func (p *Page) IncidentURL(i *postmortem.Postmortem) string { return p.URL("incidents/" + i.ID + "/") }

// ServiceURL links to a service page by service name.
func (p *Page) ServiceURL(name string) string {
	if sv := p.Site.Service(name); sv != nil {
		return p.URL("services/" + sv.Slug + "/")
	}
	return p.URL("services/")
}

// TagURL links to a tag page by tag name.
func (p *Page) TagURL(name string) string {
	if g := p.Site.Tag(name); g != nil {
		return p.URL("tags/" + g.Slug + "/")
	}
	return p.URL("tags/")
}

// FilterURL links to a pre-rendered incidents list ("service", name), or to
// all incidents when field is "".
func (p *Page) FilterURL(field, value string) string {
	if field == "" {
		return p.URL("incidents/")
	}
	return p.URL("incidents/by/" + field + "/" + filterSlug(value) + "/")
}

func filterSlug(v string) string {
	s := postmortem.Slug(v)
	if s == "" {
		return "none"
	}
	return s
}

// Recent is the incidents of the last 90 days.
func (p *Page) Recent() []*postmortem.Postmortem { return p.Site.Since(90) }

// Year is the year an incident is filed under.
func (p *Page) Year(i *postmortem.Postmortem) int { return p.Site.Year(i) }

// ServiceLink pairs a service with the neighbouring incidents of one incident.
type ServiceLink struct {
	Service      *site.Service
	Older, Newer *postmortem.Postmortem
}

// ServiceNav lists, for the incident page, each service with the previous
// and next incident of that service.
func (p *Page) ServiceNav() []ServiceLink {
	var out []ServiceLink
	for _, name := range p.Incident.Services {
		sv := p.Site.Service(name)
		if sv == nil {
			continue
		}
		older, newer := sv.Neighbours(p.Incident)
		out = append(out, ServiceLink{Service: sv, Older: older, Newer: newer})
	}
	return out
}

// WithIncidents returns a copy of the page listing other incidents (for
// partials that show a list, such as "incident-table").
func (p *Page) WithIncidents(list []*postmortem.Postmortem) *Page {
	c := *p
	c.Incidents = list
	return &c
}

// ActionList is the data of the "open-actions" partial.
type ActionList struct {
	Page    *Page
	Actions []site.OpenAction // at most the limit asked for
	Total   int               // how many open actions there are
	Empty   string            // the UI string shown when there are none; "no_open_actions" when ""
}

// Chunks cuts Actions into runs of ChunkSize, as RowChunks cuts a list of
// incidents: the default theme lays each out in a table of its own that
// the browser lays out only when it scrolls into view (the actions page of
// a large knowledge base lists tens of thousands).
func (l ActionList) Chunks() [][]site.OpenAction {
	var out [][]site.OpenAction
	for start := 0; start < len(l.Actions); start += ChunkSize {
		out = append(out, l.Actions[start:min(start+ChunkSize, len(l.Actions))])
	}
	return out
}

// ActionsOf lists the open actions of incidents, overdue first, at most limit
// of them (0: all).
func (p *Page) ActionsOf(incidents []*postmortem.Postmortem, limit int) ActionList {
	first, total := p.Site.FirstActions(incidents, "open", limit)
	return ActionList{Page: p, Actions: first, Total: total}
}

// MetricsViews lists the views of the metrics page (last 30, 90, 365 days,
// all time), for links between them; empty without metrics.
func (p *Page) MetricsViews() []*MetricsView {
	if p.r.metrics == nil {
		return nil
	}
	return p.r.metrics().views
}

// HasMetrics reports whether the site has metrics pages, without computing
// them (the header's link).
func (p *Page) HasMetrics() bool { return p.r.metrics != nil }

// Headline is the metrics view the home page shows (the last 90 days), or nil.
func (p *Page) Headline() *MetricsView {
	for _, v := range p.MetricsViews() {
		if v.Key == "90d" {
			return v
		}
	}
	return nil
}

// ServiceFigures are the service page's all-time figures, SLO and charts,
// or nil.
func (p *Page) ServiceFigures() *ServiceFigures {
	if p.r.services == nil || p.Service == nil {
		return nil
	}
	return p.r.services()[p.Service.Name]
}

// CommState is where the incident's customer communication stands:
// "published", "pending", "draft" or "" (see package customer).
func (p *Page) CommState() string { return customer.State(p.Incident, p.Site.Config) }

// CommStateOf is CommState for any incident.
func (p *Page) CommStateOf(i *postmortem.Postmortem) string { return customer.State(i, p.Site.Config) }

// CustomerURL links to the incident's page on the customer site, or is ""
// when the incident is not published there (or the customer site is not
// built).
func (p *Page) CustomerURL(i *postmortem.Postmortem) string {
	if !p.r.customer || !customer.Published(i) {
		return ""
	}
	return p.URL(CustomerDir + "incidents/" + i.ID + "/")
}

// CommGroup is one state of the communications page.
type CommGroup struct {
	State     string
	Incidents []*postmortem.Postmortem
}

// Communications groups the incidents that have, or need, a customer
// communication by state: pending first, then drafts, then published.
func (p *Page) Communications() []CommGroup {
	groups := []CommGroup{{State: customer.StatePending}, {State: customer.StateDraft}, {State: customer.StatePublished}}
	for _, i := range p.Site.Incidents {
		st := customer.State(i, p.Site.Config)
		for k := range groups {
			if groups[k].State == st {
				groups[k].Incidents = append(groups[k].Incidents, i)
			}
		}
	}
	return groups
}

// IsCustomer reports whether the page is on the customer site (false here),
// for partials both sites share.
func (p *Page) IsCustomer() bool { return false }
