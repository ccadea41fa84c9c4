// Package build owns one run of Hindsight from start to finish: open the
// content folder safely, load and check every postmortem, render the site into
// a staging folder beside the output and swap it into place — or, on any
// error, leave the previous output exactly as it was.
package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/render"
	"github.com/hindsight-sre/hindsight/generator/search"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/sitesearch"
	"github.com/hindsight-sre/hindsight/themes"
)

// Options describe one build.
type Options struct {
	ContentDir string         // folder of postmortems
	OutDir     string         // output folder; unused by Check
	Config     *config.Config // site configuration
	Drafts     bool           // build drafts and postmortems under review
	// Deployments is the deployments CSV for the change failure rate; ""
	// uses the config's metrics.deployments.
	Deployments string
	Now         time.Time // "today"; zero is Today in the config's time zone
	// Progress, when set, is told how far each stage ("reading", "writing") is.
	Progress func(stage string, done, total int)
	// CommitLock, when set, is held while the new output replaces the old:
	// serve holds it for reading while it answers a request, so that no
	// request sees the folder half swapped.
	CommitLock sync.Locker

	cache   *site.Cache // a Session's
	changed []string    // with cache: the only files that may have changed (site.Options.Changed)
}

// Result describes a finished build or check.
type Result struct {
	Postmortems int       // postmortems built
	Pages       int       // HTML pages written
	Files       int       // files written
	Diagnostics diag.List // errors and warnings, sorted
	Stages      []Stage   // how long each stage took, in order
}

// Stage is one stage of a build and how long it took.
type Stage struct {
	Name string
	Took time.Duration
}

// stage appends a stage that began at start and ends now, and returns now.
func (r *Result) stage(name string, start time.Time) time.Time {
	now := time.Now()
	r.Stages = append(r.Stages, Stage{name, now.Sub(start)})
	return now
}

// Today is the build's notion of now: SOURCE_DATE_EPOCH (seconds since 1970,
// the reproducible-builds convention) when set, else the start of the current
// day in loc, so two builds on the same day produce the same bytes.
func Today(loc *time.Location) (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		return time.Unix(sec, 0).In(loc), nil
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
}

// Load opens the content folder and loads the site.
//
// Reading allocates a lot of short-lived memory while the heap that survives
// only grows, so when the process has a soft memory limit (the hindsight
// command sets one) the garbage collector waits for two thirds of that
// limit instead of running at every doubling of a small heap; both are
// restored afterwards. Not the whole limit: the memory reading leaves the
// process holding would then be the limit itself, and every later large
// allocation would make the runtime hand pages back to the system and
// fault them in again (on the 10,000-postmortem corpus, builds of 2.8-2.9 s
// instead of 3.0-3.3 s, a sixth less system time, the same peak). Only
// from a small heap: under serve, with a whole site in memory, a lower
// limit would make the collector run through the reading of an edit.
func Load(opts Options) (*site.Site, diag.List, error) {
	if limit := debug.SetMemoryLimit(-1); limit < 1<<40 {
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		if heapObjects() < limit/3 {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit / 3 * 2))
		}
	}
	root, err := os.OpenRoot(opts.ContentDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("content folder %q does not exist; create it or point --content at your postmortems", opts.ContentDir)
		}
		return nil, nil, fmt.Errorf("cannot open content folder: %w", err)
	}
	defer root.Close()
	progress := func(done, total int) {
		if opts.Progress != nil {
			opts.Progress("reading", done, total)
		}
	}
	s, diags := site.Load(root.FS(), opts.Config, site.Options{
		Dir: filepath.ToSlash(filepath.Clean(opts.ContentDir)), Drafts: opts.Drafts, Now: opts.Now, Progress: progress, Cache: opts.cache, Changed: opts.changed})
	return s, diags, nil
}

// heapObjects is the memory the heap's objects take, live or not yet swept.
func heapObjects() int64 {
	m := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	rtmetrics.Read(m)
	if m[0].Value.Kind() != rtmetrics.KindUint64 {
		return 0
	}
	return int64(m[0].Value.Uint64())
}

// Theme is the default theme overlaid with the site's own layouts/, static/
// and i18n/ files.
func Theme(cfg *config.Config) fs.FS {
	return render.Overlay(themes.Default, os.DirFS(cfg.Dir))
}

// withNow returns opts with Now set: a zero Now would make "today" the
// year 1, and the metrics count every day since.
func (opts Options) withNow() Options {
	if opts.Now.IsZero() && opts.Config != nil {
		now, err := Today(opts.Config.Location)
		if err != nil { // a SOURCE_DATE_EPOCH that is not a number
			y, m, d := time.Now().In(opts.Config.Location).Date()
			now = time.Date(y, m, d, 0, 0, 0, 0, opts.Config.Location)
		}
		opts.Now = now
	}
	return opts
}

// Check loads and checks the content and the theme without writing anything.
func Check(opts Options) (Result, error) {
	opts = opts.withNow()
	s, diags, err := Load(opts)
	res := Result{Diagnostics: diags}
	if err != nil || s == nil {
		return res, errors.Join(err, diags.Err())
	}
	res.Postmortems = len(s.Incidents)
	cdiags, err := checkContent(s, nil)
	if err != nil {
		return res, err
	}
	res.Diagnostics = append(res.Diagnostics, cdiags...)
	if _, mdiags := Metrics(s, opts, opts.Deployments); len(mdiags) > 0 {
		res.Diagnostics = append(res.Diagnostics, mdiags...)
		if err := mdiags.Err(); err != nil {
			return res, err
		}
	}
	if err := render.CheckTheme(Theme(opts.Config), opts.Config.Language); err != nil {
		return res, err
	}
	return res, nil
}

// Build loads, checks and renders the site into OutDir.
func Build(opts Options) (Result, error) {
	return NewSession(opts).Build()
}

// Session builds one site again and again, as `hindsight serve` does after
// each change of the content. It keeps what each postmortem file gave
// (site.Cache), the checks of each postmortem and each incident's list
// entries (render.Rows) and each service's metrics (metrics.Memo), so that
// a build after an edit reads, checks and computes again only what the
// changed files touch. A session belongs to one config, theme and "today"
// (Options.Now): start another when one of them changes. Its methods must
// not be called concurrently, but a Prepared it returned may be written
// while the session prepares the next one.
type Session struct {
	opts   Options
	cache  site.Cache
	checks map[*postmortem.Postmortem]diag.List
	rows   *render.Rows
	memo   *metrics.Memo
	deps   deploymentsFile

	stopped *stoppedWrites
}

// stoppedWrites are the staging folders of writes told to stop, not
// removed yet. A Prepared holds them rather than its session: through the
// session's cache the postmortems would stay in memory while Write builds
// the search index, which they must leave room for.
type stoppedWrites struct {
	mu      sync.Mutex
	folders []*output.Staging
}

// add keeps the staging folder of a stopped write.
func (sw *stoppedWrites) add(st *output.Staging) {
	sw.mu.Lock()
	sw.folders = append(sw.folders, st)
	sw.mu.Unlock()
}

// remove removes the folders kept.
func (sw *stoppedWrites) remove() {
	sw.mu.Lock()
	folders := sw.folders
	sw.folders = nil
	sw.mu.Unlock()
	for _, st := range folders {
		st.Abort()
	}
}

// NewSession starts a session with opts.
func NewSession(opts Options) *Session {
	return &Session{opts: opts.withNow(), checks: map[*postmortem.Postmortem]diag.List{}, rows: &render.Rows{}, memo: &metrics.Memo{},
		stopped: &stoppedWrites{}}
}

// Options are the options the session builds with.
func (ss *Session) Options() Options { return ss.opts }

// FilesRead is how many postmortem files the last build or Prepare read;
// the others came from the session's cache.
func (ss *Session) FilesRead() int { return ss.cache.Read() }

// Build is Build with the session's caches.
func (ss *Session) Build() (Result, error) {
	p, res, err := ss.Prepare()
	if err != nil {
		return res, err
	}
	return p.Write(nil)
}

// Prepared is a site loaded and checked, ready to be written (Write) or
// served as it is asked for (Lazy).
type Prepared struct {
	opts    Options
	site    *site.Site
	metrics *metrics.Metrics
	res     Result
	rows    *render.Rows
	stopped *stoppedWrites // the session's
}

// Prepare loads and checks the content; nothing is written. The Result
// holds the diagnostics; on error there is no Prepared.
func (ss *Session) Prepare() (*Prepared, Result, error) { return ss.PrepareChanged(nil) }

// PrepareChanged is Prepare when only the files named by changed (paths
// in the content folder, slash-separated) can have been added, changed or
// removed since the session's last build or Prepare, as a watcher reports
// them: the content folder is not listed again. A nil changed is Prepare.
func (ss *Session) PrepareChanged(changed []string) (*Prepared, Result, error) {
	opts := ss.opts
	if err := checkOut(opts); err != nil {
		return nil, Result{}, err
	}
	opts.cache, opts.changed = &ss.cache, changed
	start := time.Now()
	s, diags, err := Load(opts)
	res := Result{Diagnostics: diags}
	start = res.stage("reading", start)
	if err != nil || s == nil {
		return nil, res, errors.Join(err, diags.Err())
	}
	res.Postmortems = len(s.Incidents)
	cdiags, err := checkContent(s, ss.checks)
	if err != nil {
		return nil, res, err
	}
	res.Diagnostics = append(res.Diagnostics, cdiags...)
	m, mdiags := metricsWith(s, opts, opts.Deployments, &ss.deps)
	res.stage("checks and metrics", start)
	res.Diagnostics = append(res.Diagnostics, mdiags...)
	if err := mdiags.Err(); err != nil {
		return nil, res, err
	}
	m.Memo = ss.memo
	// Not the cache: through it the postmortems would stay in memory
	// while Write builds the search index, which they must leave room for.
	opts.cache, opts.changed = nil, nil
	return &Prepared{opts: opts, site: s, metrics: m, res: res, rows: ss.rows, stopped: ss.stopped}, res, nil
}

// ErrStopped is what Write returns when told to stop (a stop that comes
// once the last file is written is too late: the output is swapped in).
var ErrStopped = render.ErrStopped

// Write renders the site and the search indexes into a staging folder
// beside OutDir and swaps it into place. Closing stop makes it give up and
// leave the previous output as it was (ErrStopped). The staging folder of
// a write told to stop is removed by the session's next Write, or by
// RemoveStopped: removing thousands of files takes a core for a few tenths
// of a second, which under serve would slow the edit that stopped it.
func (p *Prepared) Write(stop <-chan struct{}) (Result, error) {
	// Nothing holds p past the pages: through it the postmortems would
	// stay in memory while the search index is built.
	opts, s, res, stopped := p.opts, p.site, p.res, p.stopped
	res.Stages = slices.Clone(res.Stages)
	stopped.remove()
	start := time.Now()
	stage, err := output.NewStaging(opts.OutDir)
	if err != nil {
		return res, err
	}
	cs := Customer(s)
	stats, err := render.Render(s, stage, render.Options{Theme: Theme(opts.Config), Metrics: p.metrics, Customer: cs, Rows: p.rows,
		Stop: stop, Progress: func(done, total int) {
			if opts.Progress != nil {
				opts.Progress("writing", done, total)
			}
		}})
	start = res.stage("pages", start)
	// The search index, once the pages are written: alongside, the two
	// would hold their memory at once.
	var sr searchResult
	if err == nil {
		sr = writeSearchIndexes(stage, s, cs, opts.Config, stop)
		start = res.stage("search indexes", start)
		switch {
		case errors.Is(sr.err, sitesearch.ErrStopped):
			err = ErrStopped
		case sr.err != nil:
			err = fmt.Errorf("writing the search index: %w", sr.err)
		}
	}
	if errors.Is(err, ErrStopped) {
		stopped.add(stage)
		return res, err
	}
	if err != nil {
		stage.Abort()
		return res, err
	}
	res.Pages, res.Files = stats.Pages, stats.Files+sr.files+1 // +1: the output marker
	// Requests wait for the swap (CommitLock), not for the removal of the
	// previous output after it.
	if opts.CommitLock != nil {
		opts.CommitLock.Lock()
	}
	remove, err := stage.Swap()
	if opts.CommitLock != nil {
		opts.CommitLock.Unlock()
	}
	if err == nil {
		err = remove()
	}
	if err != nil {
		return res, err
	}
	res.stage("swapping in", start)
	return res, nil
}

// RemoveStopped removes the staging folders of the writes that were told
// to stop (see Write). serve calls it before it ends.
func (ss *Session) RemoveStopped() { ss.stopped.remove() }

// Lazy returns the site as render.Lazy renders it: each file when it is
// first asked for. The search indexes are not part of it.
func (p *Prepared) Lazy() (*render.Lazy, error) {
	return render.NewLazy(p.site, render.Options{Theme: Theme(p.opts.Config), Metrics: p.metrics, Rows: p.rows},
		func() *customer.Site { return Customer(p.site) })
}

// checkOut refuses an output folder that is, or holds, the content or the
// site's own files: a build replaces the whole output folder.
func checkOut(opts Options) error {
	out, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return err
	}
	for _, keep := range []struct{ what, dir string }{{"content", opts.ContentDir}, {"site (config)", opts.Config.Dir}} {
		dir, err := filepath.Abs(keep.dir)
		if err != nil {
			return err
		}
		if within(dir, out) {
			return fmt.Errorf("--out %q would replace the %s folder %q; choose an output folder of its own, such as public", opts.OutDir, keep.what, keep.dir)
		}
	}
	return nil
}

// within reports whether the absolute path p is dir or inside it (dir may be
// the root, "/").
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// searchResult is what writing the search indexes gave.
type searchResult struct {
	files int
	err   error
}

// writeSearchIndexes writes the static search index of the site, and of
// the customer site when there is one.
func writeSearchIndexes(out output.Writer, s *site.Site, cs *customer.Site, cfg *config.Config, stop <-chan struct{}) searchResult {
	opts := sitesearch.Options{Synonyms: search.ForConfig(cfg.Synonyms), Stop: stop}
	var (
		cst  sitesearch.Stats
		cerr error
		wg   sync.WaitGroup
	)
	if cs != nil {
		// The customer site's index is small: built beside the other, it
		// takes the moments when that one leaves a core idle.
		wg.Go(func() { cst, cerr = writeSearch(out, "customer/search", CustomerSearchDocs(cs), opts) })
	}
	docs := searchDocs(s, stop)
	if stopped(stop) {
		wg.Wait()
		return searchResult{err: sitesearch.ErrStopped}
	}
	st, err := writeSearch(out, "search", docs, opts)
	wg.Wait()
	return searchResult{files: st.Files + cst.Files, err: errors.Join(err, cerr)}
}
