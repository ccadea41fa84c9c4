// Package render owns turning a loaded site into files: it applies the theme's
// layouts (html/template) to every page — home, incident lists and filters,
// incident, service and tag pages, 404 — writes the Atom feed and sitemap, and
// copies static files. A site overrides any theme file by putting a file at the
// same relative path under layouts/, static/ or i18n/ beside its config.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Options control Render.
type Options struct {
	Theme    fs.FS                 // the theme as the site sees it (see Overlay)
	Metrics  *metrics.Metrics      // the improvement figures (given a Memo if it has none); nil leaves out the metrics pages
	Customer *customer.Site        // the customer site, written under customer/; nil leaves it out
	Progress func(done, total int) // called as pages are written; may be nil
	// Rows, when set, keeps each incident's list entries from one render to
	// the next: those of postmortems it already holds are not rendered
	// again (see Rows).
	Rows *Rows
	// Stop, when closed, makes Render give up between two files and return
	// ErrStopped.
	Stop <-chan struct{}

	// interpreted executes every layout as written, the parts the default
	// theme has compiled (compiled.go) included: the tests compare the two.
	interpreted bool
}

// ErrStopped is what Render returns when Options.Stop is closed.
var ErrStopped = errors.New("rendering stopped")

// Stats describe what Render wrote.
type Stats struct {
	Pages int // HTML pages
	Files int // every file, pages included
}

// renderer holds what every page needs.
type renderer struct {
	site  *site.Site
	out   output.Writer
	theme fs.FS
	tr    map[string]string
	fm    template.FuncMap
	tmpl  map[string]*template.Template
	rows  *Rows
	// parsed is the theme as rows keeps it: parsed once per session.
	parsed *parsedTheme
	// metrics computes the metrics pages' figures once, when first needed;
	// nil when the build has no metrics.
	metrics  func() *metricsData
	services func() map[string]*ServiceFigures // the service pages' figures, once
	views    []metrics.View
	// customer is whether the customer site is built (internal pages link
	// to it); customerSite computes it once, when first needed.
	customer     bool
	customerSite func() *customer.Site
	pages        atomic.Int64
	files        atomic.Int64
	stop         <-chan struct{} // Options.Stop
	keepRuns     bool            // lists' runs are kept in rows (see Page.cached)
	fragments    sync.Map        // fragmentKey → template.HTML (see Page.Cached)
}

// stoppable is w, made to fail with ErrStopped once r.stop is closed: a
// page of megabytes (the actions page of a large knowledge base takes a
// second) then stops at its next write, rather than holding a core that
// `hindsight serve` needs for the edit that stopped it.
func (r *renderer) stoppable(w io.Writer) io.Writer {
	if r.stop == nil {
		return w
	}
	return stopWriter{w, r.stop}
}

type stopWriter struct {
	w    io.Writer
	stop <-chan struct{}
}

func (s stopWriter) Write(p []byte) (int, error) {
	select {
	case <-s.stop:
		return 0, ErrStopped
	default:
		return s.w.Write(p)
	}
}

// job renders the files named by paths (under the output) and writes them.
type job struct {
	paths []string
	run   func() error
	// many marks the jobs that come by the thousand and take little time
	// each (an incident's page): Render runs them after the others, so
	// that the few long ones (the actions page, the lists of every
	// incident) share the cores with them instead of running last, alone.
	many bool
}

// newRenderer parses the theme and prepares what every page shares; the
// metrics and the customer site are computed when first needed.
func newRenderer(s *site.Site, out output.Writer, opts Options, cs func() *customer.Site) (*renderer, error) {
	rows := opts.Rows
	if rows == nil {
		rows = &Rows{}
	}
	pt, err := rows.parsed(opts.Theme, s.Config.Language, s.Config.Location, s.Now, opts.interpreted)
	if err != nil {
		return nil, err
	}
	r := &renderer{site: s, out: out, theme: opts.Theme, parsed: pt, tr: pt.tr, fm: pt.fm, tmpl: pt.tmpl, rows: rows}
	r.rows.keep(s.Incidents)
	if m := opts.Metrics; m != nil {
		if m.Memo == nil { // the service pages and the views share the service reports
			m.Memo = &metrics.Memo{}
		}
		r.views = metrics.Views(m.Now, m.Location)
		r.metrics = sync.OnceValue(func() *metricsData { return computeMetrics(m, r.t) })
		r.services = sync.OnceValue(func() map[string]*ServiceFigures { return computeServiceFigures(m, r.t) })
	}
	if cs != nil {
		r.customer, r.customerSite = true, sync.OnceValue(cs)
	}
	return r, nil
}

// t translates a UI string key.
func (r *renderer) t(k string) string {
	if v, ok := r.tr[k]; ok {
		return v
	}
	return k
}

// Render writes the whole site to out.
func Render(s *site.Site, out output.Writer, opts Options) (Stats, error) {
	var cs func() *customer.Site
	if opts.Customer != nil {
		cs = func() *customer.Site { return opts.Customer }
	}
	r, err := newRenderer(s, out, opts, cs)
	if err != nil {
		return Stats{}, err
	}
	r.stop = opts.Stop
	if r.metrics != nil {
		// Now, beside the list entries, rather than in the first page
		// that needs them: each period is one goroutine, and all time
		// takes longest.
		go r.metrics()
	}
	select {
	case <-opts.Stop: // nil: never
		return Stats{}, ErrStopped
	default:
	}
	if err := r.renderRows(); err != nil {
		return Stats{}, err
	}
	jobs, err := r.jobs(true)
	if err != nil {
		return Stats{}, err
	}
	if r.customer {
		cjobs, err := r.customerJobs()
		if err != nil {
			return Stats{}, err
		}
		jobs = append(jobs, cjobs...)
	}
	slices.SortStableFunc(jobs, func(a, b job) int {
		switch {
		case a.many == b.many:
			return 0
		case b.many:
			return -1
		}
		return 1
	})
	if opts.Stop != nil {
		for i, j := range jobs {
			jobs[i].run = func() error {
				select {
				case <-opts.Stop:
					return ErrStopped
				default:
					return j.run()
				}
			}
		}
	}
	if err := run(jobs, opts.Progress); err != nil {
		return Stats{}, err
	}
	return Stats{Pages: int(r.pages.Load()), Files: int(r.files.Load())}, nil
}

// run runs jobs on every core and returns the first error.
func run(jobs []job, progress func(done, total int)) error {
	var (
		wg       sync.WaitGroup
		next     atomic.Int64
		done     atomic.Int64
		firstErr error
		once     sync.Once
		failed   atomic.Bool
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				if err := jobs[i].run(); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
				if progress != nil {
					progress(int(done.Add(1)), len(jobs))
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

func (r *renderer) write(name string, b []byte) error {
	if err := r.out.WriteFile(name, b); err != nil {
		return err
	}
	r.files.Add(1)
	return nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuf returns a page's buffer to bufPool, unless it grew past the size
// of most pages: the few list pages of megabytes would otherwise keep that
// much memory from being collected until long after they are written.
func putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		bufPool.Put(b)
	}
}

// maxPooled is the largest buffer putBuf keeps.
const maxPooled = 1 << 20

// largePage is the size past which Lazy keeps a page's buffer itself and
// its size for the next version: past maxPooled (a variable for tests).
var largePage = maxPooled

// page executes a layout for one page and writes it.
func (r *renderer) page(layout string, p *Page) error {
	depth := strings.Count(p.Path, "/")
	if p.Root == "" {
		p.Root = strings.Repeat("../", depth)
	}
	p.Site = r.site
	p.r, p.layout = r, layout
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer putBuf(buf)
	if layout == "incident.html" && p.Kind == "incident" && r.parsed.compiled {
		b, err := r.incidentPage(buf.AvailableBuffer(), p)
		if err != nil {
			return fmt.Errorf("rendering %s with layouts/%s: %w", p.Path, layout, err)
		}
		if cap(b) > buf.Cap() { // keep the grown buffer for the next page
			*buf = *bytes.NewBuffer(b[:0])
		}
		if err := r.write(p.Path, b); err != nil {
			return err
		}
		r.pages.Add(1)
		return nil
	}
	large := r.keepRuns && r.rows != nil // under Lazy: see Rows.sizes
	if large {
		if n, ok := r.rows.sizes.Load(p.Path); ok {
			buf.Grow(n.(int) + n.(int)/16) // room for an edit that lengthens it
		}
	}
	if err := r.tmpl[layout].ExecuteTemplate(r.stoppable(buf), "base.html", p); err != nil {
		if errors.Is(err, ErrStopped) {
			return err
		}
		return fmt.Errorf("rendering %s with layouts/%s: %w", p.Path, layout, err)
	}
	if large && buf.Cap() > largePage {
		// Too large for the pool (putBuf): the page keeps the buffer
		// itself rather than a copy, and the next version its size.
		r.rows.sizes.Store(p.Path, buf.Len())
		if m, ok := r.out.(*memory); ok {
			m.keep(p.Path, buf.Bytes())
			*buf = bytes.Buffer{} // the page has the bytes now, not the pool
			r.files.Add(1)
			r.pages.Add(1)
			return nil
		}
	}
	if err := r.write(p.Path, buf.Bytes()); err != nil {
		return err
	}
	r.pages.Add(1)
	return nil
}

// jobs lists every file of the internal site as a job; the incident pages
// only when incidents is true (see incidentJob).
func (r *renderer) jobs(incidents bool) ([]job, error) {
	s := r.site
	t := r.t
	var jobs []job
	add := func(layout string, p *Page) {
		jobs = append(jobs, job{paths: []string{p.Path}, run: func() error { return r.page(layout, p) }})
	}

	if incidents {
		for _, inc := range s.Incidents {
			jobs = append(jobs, r.incidentJob(inc))
		}
	}
	add("home.html", &Page{Kind: "home", Title: s.Config.Title, Path: "index.html", Incidents: s.Incidents})
	add("incidents.html", &Page{Kind: "incidents", Title: t("incidents"), Path: "incidents/index.html", Incidents: s.Incidents})
	for _, f := range r.filters() {
		add("incidents.html", &Page{Kind: "incidents", Title: t("incidents") + " · " + f.label,
			Path: "incidents/by/" + f.Field + "/" + filterSlug(f.slugOf) + "/index.html", Incidents: f.incidents, Filter: f.Filter})
	}
	add("services.html", &Page{Kind: "services", Title: t("services"), Path: "services/index.html"})
	for _, sv := range s.Services {
		add("service.html", &Page{Kind: "service", Title: sv.DisplayName(), Path: "services/" + sv.Slug + "/index.html", Service: sv, Incidents: sv.Incidents})
	}
	add("communications.html", &Page{Kind: "communications", Title: t("communications"), Path: "communications/index.html"})
	add("actions.html", &Page{Kind: "actions", Title: t("actions"), Path: "actions/index.html"})
	add("retrospectives.html", &Page{Kind: "retrospectives", Title: t("retrospectives"), Path: "retrospectives/index.html"})
	add("tags.html", &Page{Kind: "tags", Title: t("tags"), Path: "tags/index.html"})
	for _, g := range s.Tags {
		add("tag.html", &Page{Kind: "tag", Title: "#" + g.Name, Path: "tags/" + g.Slug + "/index.html", Tag: g, Incidents: g.Incidents})
	}
	for i, v := range r.views {
		p := &Page{Kind: "metrics", Title: t("metrics") + " · " + t("view_"+v.Key), Path: viewPath(v.Key) + "index.html"}
		jobs = append(jobs, job{paths: []string{p.Path}, run: func() error {
			p.Metrics = r.metrics().views[i]
			return r.page("metrics.html", p)
		}})
	}
	if r.metrics != nil {
		jobs = append(jobs, job{paths: []string{"metrics/metrics.json", "metrics/metrics.csv"}, run: r.metricsFiles})
	}
	add("search.html", &Page{Kind: "search", Title: t("search"), Path: "search/index.html"})
	add("404.html", &Page{Kind: "404", Title: t("not_found"), Path: "404.html", Root: basePath(s.Config.BaseURL)})
	jobs = append(jobs, job{paths: []string{"feed.xml"}, run: r.feed}, job{paths: []string{"sitemap.xml"}, run: r.sitemap})
	static, err := files(r.theme, "static")
	if err != nil {
		return nil, err
	}
	for _, name := range static {
		out := strings.TrimPrefix(name, "static/")
		jobs = append(jobs, job{paths: []string{out}, run: func() error {
			b, err := fs.ReadFile(r.theme, name)
			if err != nil {
				return err
			}
			return r.write(out, b)
		}})
	}
	return jobs, nil
}

// incidentJob is the job of an incident's page.
func (r *renderer) incidentJob(inc *postmortem.Postmortem) job {
	p := &Page{Kind: "incident", Title: inc.Title, Path: "incidents/" + inc.ID + "/index.html", Incident: inc}
	return job{paths: []string{p.Path}, run: func() error { return r.page("incident.html", p) }, many: true}
}

// basePath is the path part of the base URL ("/kb/"), from which the 404
// page, served at any depth, links to the site.
func basePath(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

type filterList struct {
	Filter
	label     string
	slugOf    string
	incidents []*postmortem.Postmortem
}

// filters builds the pre-rendered lists by service, severity, year and status.
func (r *renderer) filters() []filterList {
	s := r.site
	var out []filterList
	for _, sv := range s.Services {
		if len(sv.Incidents) > 0 {
			out = append(out, filterList{Filter{"service", sv.Name}, sv.DisplayName(), sv.Name, sv.Incidents})
		}
	}
	// Every severity of the scale and every status gets its list, empty or
	// not, since the layouts link to each of them. A few keys each: found
	// by comparison, with no map (this runs for each edit under serve).
	by := func(field string, keys []string, key func(*postmortem.Postmortem) int) {
		groups := make([][]*postmortem.Postmortem, len(keys))
		for _, p := range s.Incidents {
			if k := key(p); k >= 0 {
				groups[k] = append(groups[k], p)
			}
		}
		for _, k := range keys {
			// A key given twice has the group of its first place.
			out = append(out, filterList{Filter{field, k}, k, k, groups[slices.Index(keys, k)]})
		}
	}
	among := func(keys []string) func(string) int {
		return func(k string) int { return slices.Index(keys, k) }
	}
	severity := among(s.Config.Severities)
	by("severity", s.Config.Severities, func(p *postmortem.Postmortem) int { return severity(p.Severity) })
	years := make([]string, len(s.Years))
	for i, y := range s.Years {
		years[i] = strconv.Itoa(y)
	}
	by("year", years, func(p *postmortem.Postmortem) int { return slices.Index(s.Years, s.Year(p)) })
	statuses := s.Statuses()
	status := among(statuses)
	by("status", statuses, func(p *postmortem.Postmortem) int { return status(p.Status) })
	return out
}

// CheckTheme parses the theme's layouts and translations without rendering,
// so a broken override is found by `hindsight check`.
func CheckTheme(theme fs.FS, lang string) error {
	tr, err := translations(theme, lang)
	if err != nil {
		return err
	}
	fm := funcs(tr, time.UTC, time.Time{})
	if _, err := templates(theme, "layouts", pageLayouts, tr, fm); err != nil {
		return err
	}
	_, err = templates(theme, "customer/layouts", customerLayouts, tr, customerFuncs(fm))
	return err
}
