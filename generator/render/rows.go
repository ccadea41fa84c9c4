package render

import (
	"fmt"
	"github.com/hindsight-sre/hindsight/themes"
	"html"
	"html/template"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// rowPartials are the per-incident partials kept in Rows: an incident's row
// in incident tables and its item in service histories.
var rowPartials = [...]string{"incident-row", "history-item"}

// Rows keeps each incident's list entries (rowPartials), rendered once with
// links relative to the site root, so that the many lists that show an
// incident do not render it again: within a build, and from one build of
// `hindsight serve` to the next, where only the postmortems that changed
// get new entries (a postmortem that changes is a new value; unchanged ones
// are shared between loads, see site.Cache). It also keeps the theme's
// templates, parsed and (html/template does it on first use) escaped, and,
// for render.Lazy, the lists' runs of entries joined (see Page.cached). A
// Rows belongs to one config and theme: start a new one when either
// changes. It is safe for concurrent use; the zero value is ready.
type Rows struct {
	mu   sync.RWMutex
	html map[*postmortem.Postmortem]*entries

	themeMu sync.Mutex
	theme   *parsedTheme

	// runs are lists' runs of entries, joined (see Page.cached).
	runMu sync.Mutex
	runs  map[runKey]joinedRun

	// sizes are the sizes of the large pages Lazy rendered last, by path:
	// the next version of such a page (a list of thousands of incidents,
	// after an edit under serve) is written into a buffer of that size
	// rather than one grown from nothing.
	sizes sync.Map
}

// runKey names a run of a list: its partial, the links' prefix (the
// page's depth), its length and first incident.
type runKey struct {
	partial, root string
	n             int
	first         *postmortem.Postmortem
}

type joinedRun struct {
	incidents []*postmortem.Postmortem
	html      template.HTML
}

// run returns the run k of incidents, if it was joined from the same.
func (c *Rows) run(k runKey, incidents []*postmortem.Postmortem) (template.HTML, bool) {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	r, ok := c.runs[k]
	if !ok || !slices.Equal(r.incidents, incidents) {
		return "", false
	}
	return r.html, true
}

// keepRun keeps the run k of incidents, joined as h.
func (c *Rows) keepRun(k runKey, incidents []*postmortem.Postmortem, h template.HTML) {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	if c.runs == nil {
		c.runs = map[runKey]joinedRun{}
	}
	c.runs[k] = joinedRun{slices.Clone(incidents), h}
}

// entries are an incident's, by index in rowPartials.
type entries struct {
	html [len(rowPartials)]string
	done [len(rowPartials)]bool
}

func (c *Rows) get(partial int, inc *postmortem.Postmortem) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.html[inc]; e != nil && e.done[partial] {
		return e.html[partial], true
	}
	return "", false
}

func (c *Rows) put(partial int, inc *postmortem.Postmortem, h string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.html == nil {
		c.html = map[*postmortem.Postmortem]*entries{}
	}
	e := c.html[inc]
	if e == nil {
		e = &entries{}
		c.html[inc] = e
	}
	e.html[partial], e.done[partial] = h, true
}

// keep forgets the entries of postmortems other than incidents.
func (c *Rows) keep(incidents []*postmortem.Postmortem) {
	live := make(map[*postmortem.Postmortem]bool, len(incidents))
	for _, p := range incidents {
		live[p] = true
	}
	c.mu.Lock()
	for inc := range c.html {
		if !live[inc] {
			delete(c.html, inc)
		}
	}
	c.mu.Unlock()
	c.runMu.Lock()
	defer c.runMu.Unlock()
	for k, r := range c.runs {
		// A run with an incident gone can never be taken again, and
		// would keep the old postmortem in memory.
		if slices.ContainsFunc(r.incidents, func(p *postmortem.Postmortem) bool { return !live[p] }) {
			delete(c.runs, k)
		}
	}
}

// parsedTheme is a theme's templates, parsed for one language, time zone
// and day.
type parsedTheme struct {
	theme fs.FS
	lang  string
	loc   *time.Location
	now   time.Time
	// interpreted: the compiled parts are not used (Options.interpreted).
	interpreted bool

	tr   map[string]string
	fm   template.FuncMap
	tmpl map[string]*template.Template
	// formats are fm's formatting functions, for the compiled incident
	// page; escapedTr is tr escaped as foldT escapes it.
	formats   formats
	escapedTr map[string]string
	// compiled is whether incident pages are written by incidentPage,
	// compiledRows whether list entries are written by compiledRow: the
	// site's layouts for them are the default theme's.
	compiled, compiledRows bool

	customerOnce sync.Once
	customer     map[string]*template.Template
	customerErr  error
	// customerCompiled is whether customer incident pages are written by
	// customerIncidentPage, customerItemsCompiled whether their list
	// entries are written by customerItem: the site's customer layouts
	// for them are the default theme's.
	customerCompiled, customerItemsCompiled bool
}

// parsed returns the theme's templates, parsed once.
func (c *Rows) parsed(theme fs.FS, lang string, loc *time.Location, now time.Time, interpreted bool) (*parsedTheme, error) {
	c.themeMu.Lock()
	defer c.themeMu.Unlock()
	if t := c.theme; t != nil && t.lang == lang && t.loc == loc && t.now.Equal(now) && t.interpreted == interpreted && sameFS(t.theme, theme) {
		return t, nil
	}
	tr, err := translations(theme, lang)
	if err != nil {
		return nil, err
	}
	fm := funcs(tr, loc, now)
	tmpl, err := templates(theme, "layouts", pageLayouts, tr, fm)
	if err != nil {
		return nil, err
	}
	pt := &parsedTheme{theme: theme, lang: lang, loc: loc, now: now, interpreted: interpreted, tr: tr, fm: fm, tmpl: tmpl,
		formats: newFormats(tr, loc, now), escapedTr: make(map[string]string, len(tr))}
	for k, v := range tr {
		pt.escapedTr[k] = html.EscapeString(v)
	}
	if !interpreted {
		if err := pt.compile(); err != nil {
			return nil, err
		}
	}
	c.theme = pt
	return pt, nil
}

// folded is {{T "key"}} as foldT writes it into a layout.
func (t *parsedTheme) folded(key string) string {
	if s, ok := t.escapedTr[key]; ok {
		return s
	}
	return key // foldT leaves the call, whose escaping keeps a key as it is
}

// customerTemplates returns the customer site's templates, parsed once.
func (t *parsedTheme) customerTemplates() (map[string]*template.Template, error) {
	t.customerOnce.Do(func() {
		t.customer, t.customerErr = templates(t.theme, "customer/layouts", customerLayouts, t.tr, customerFuncs(t.fm))
		if t.customerErr == nil && !t.interpreted {
			var def map[string]*template.Template
			def, t.customerErr = templates(themes.Default, "customer/layouts", []string{"incident.html", "incidents.html"}, t.tr, customerFuncs(t.fm))
			if t.customerErr == nil {
				t.customerCompiled = sameTemplates(t.customer["incident.html"], def["incident.html"], compiledCustomerTemplates)
				t.customerItemsCompiled = sameTemplates(t.customer["incidents.html"], def["incidents.html"], compiledCustomerItemTemplates)
			}
		}
	})
	return t.customer, t.customerErr
}

// sameFS reports whether two file systems are the same value (false when
// they cannot be compared, as maps cannot).
func sameFS(a, b fs.FS) bool {
	if a == nil || b == nil || reflect.TypeOf(a) != reflect.TypeOf(b) || !reflect.TypeOf(a).Comparable() {
		return false
	}
	return a == b
}

// row returns an incident's entry for partial, rendering it when Rows does
// not hold it yet.
func (r *renderer) row(partial string, inc *postmortem.Postmortem) (string, error) {
	k := slices.Index(rowPartials[:], partial)
	if h, ok := r.rows.get(k, inc); ok {
		return h, nil
	}
	var h string
	if p := (&Page{Site: r.site, Incident: inc, r: r}); r.parsed.compiledRows {
		h = string(r.compiledRow(nil, partial, p))
	} else {
		var b strings.Builder
		if err := r.tmpl["incidents.html"].ExecuteTemplate(&b, partial, p); err != nil {
			return "", fmt.Errorf("rendering %q for %s: %w", partial, inc.ID, err)
		}
		h = b.String()
	}
	r.rows.put(k, inc, h)
	return h, nil
}

// renderRows renders, on every core, the entries Rows does not hold yet.
func (r *renderer) renderRows() error {
	var jobs []job
	for k, partial := range rowPartials {
		for _, inc := range r.site.Incidents {
			if _, ok := r.rows.get(k, inc); !ok {
				jobs = append(jobs, job{paths: nil, run: func() error { _, err := r.row(partial, inc); return err }})
			}
		}
	}
	return run(jobs, nil)
}
