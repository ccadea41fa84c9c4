// Package site owns the knowledge base as a whole: it reads every postmortem of
// a content folder (in parallel), runs the checks that span files (duplicate
// ids, unknown services), and groups incidents the way the site shows them —
// newest first, by service, tag, severity, year and status.
package site

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// Site is a loaded knowledge base.
type Site struct {
	Config    *config.Config
	Now       time.Time                // "today" for overdue actions and recent counts
	Incidents []*postmortem.Postmortem // newest first
	ByID      map[string]*postmortem.Postmortem
	Services  []*Service // by name; catalog services without incidents included
	Tags      []*Group   // by name
	Years     []int      // newest first
	Drafts    bool       // drafts and postmortems under review are built
}

// Statuses lists the statuses the site shows: all of them, or only
// "published" when drafts are left out.
func (s *Site) Statuses() []string {
	if s.Drafts {
		return []string{postmortem.StatusPublished, postmortem.StatusReview, postmortem.StatusDraft}
	}
	return []string{postmortem.StatusPublished}
}

// Service is one service and its incidents.
type Service struct {
	Name      string
	Slug      string
	Catalog   config.Service // zero unless InCatalog
	InCatalog bool
	Incidents []*postmortem.Postmortem // newest first

}

// DisplayName is the catalog title, or the name.
func (s *Service) DisplayName() string {
	if s.InCatalog {
		return s.Catalog.DisplayName()
	}
	return s.Name
}

// Group is a named set of incidents, such as a tag.
type Group struct {
	Name      string
	Slug      string
	Incidents []*postmortem.Postmortem // newest first
}

// Options control Load.
type Options struct {
	Dir      string // the content folder as the user named it, prefixed to paths in messages
	Drafts   bool   // keep drafts and postmortems under review
	Now      time.Time
	Progress func(done, total int) // called as files are read; may be nil
	// Cache, when set, keeps what each file gave so that the next Load
	// with it rereads only the files that changed (see Cache).
	Cache *Cache
	// Changed, when not nil and the Cache holds a previous Load of the
	// folder, lists the only files (slash-separated paths in the folder)
	// that may have been added, changed or removed since: the folder is
	// not listed again, which a watcher that knows what changed can spare
	// a large knowledge base.
	Changed []string
}

// Cache remembers the postmortem and the diagnostics each file gave, with
// the file's size and modification time, so that loading the same folder
// again rereads only the files that were added or changed: `hindsight
// serve` reloads a large knowledge base after an edit in milliseconds. A
// cache belongs to one config; Load starts it afresh when the config is
// another. Its postmortems are shared between loads and must not be
// modified. It is safe for one Load at a time.
type Cache struct {
	cfg     *config.Config
	files   map[string]cachedFile
	read    int      // files read by the last Load
	list    []string // the files of the last Load, sorted
	outside []string // the links to outside of the last Load
}

type cachedFile struct {
	size  int64
	mod   time.Time
	pm    *postmortem.Postmortem
	diags diag.List
}

// reuse reports whether the cache holds the file as it is now, filling
// info with what it gave; st is what the folder listing said of the file,
// or nil; trust takes the cache's word for a file without st.
func (c *Cache) reuse(fsys fs.FS, name string, st fs.FileInfo, trust bool, info *cachedFile) bool {
	if old, ok := c.files[name]; ok && st == nil && trust {
		*info = old
		return true
	}
	if st == nil {
		var err error
		if st, err = fs.Stat(fsys, name); err != nil {
			return false
		}
	}
	*info = cachedFile{size: st.Size(), mod: st.ModTime()}
	old, ok := c.files[name]
	if !ok || old.size != info.size || !old.mod.Equal(info.mod) {
		return false
	}
	*info = old
	return true
}

// update returns the files of the last Load with the changed paths added
// or removed, as listing the folder would, and what the listing would say
// of each changed file in stats.
func (c *Cache) update(fsys fs.FS, changed []string, stats map[string]fs.FileInfo) (files, outside []string) {
	files = slices.Clone(c.list)
	for _, p := range changed {
		p = path.Clean(p)
		if !IsPostmortemFile(p) {
			continue
		}
		i, found := slices.BinarySearch(files, p)
		st, err := fs.Stat(fsys, p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if found {
				files = slices.Delete(files, i, i+1)
			}
			continue
		case err == nil && !st.Mode().IsRegular():
			continue // a folder named *.md
		case err == nil:
			stats[p] = st
		}
		if !found { // or unreadable: reading it says why
			files = slices.Insert(files, i, p)
		}
	}
	return files, c.outside
}

// IsPostmortemFile reports whether Files would list a file at p (a
// slash-separated path in the content folder) if it is one: a *.md file
// other than README.md, outside hidden and _ folders.
func IsPostmortemFile(p string) bool {
	if !fs.ValidPath(p) || p == "." {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return false
		}
	}
	name := path.Base(p)
	return strings.EqualFold(path.Ext(name), ".md") && !strings.EqualFold(name, "README.md")
}

// Read is how many files the last Load read (the others came from the
// cache).
func (c *Cache) Read() int { return c.read }

// Load reads every postmortem under fsys. It returns the site and every
// diagnostic; the site is nil when there are errors.
func Load(fsys fs.FS, cfg *config.Config, opts Options) (*Site, diag.List) {
	var diags diag.List
	var stats map[string]fs.FileInfo // what the folder listing says of each file, for the cache
	if opts.Cache != nil {
		stats = map[string]fs.FileInfo{}
	}
	var files, outside []string
	var err error
	trust := false // the cache's files not in stats are as they were
	if c := opts.Cache; c != nil && opts.Changed != nil && c.cfg == cfg && c.list != nil {
		files, outside = c.update(fsys, opts.Changed, stats)
		trust = true
	} else {
		files, outside, err = list(fsys, stats)
	}
	if opts.Cache != nil {
		opts.Cache.list, opts.Cache.outside = nil, nil
	}
	if err != nil {
		diags.Errorf(opts.Dir, 0, "cannot read the content folder: %v", err)
		return nil, diags
	}
	for _, p := range outside {
		diags.Warnf(displayPath(opts.Dir, p), 0, "not read: it is a link that leads outside the content folder; copy what it points to in instead")
	}
	if len(files) == 0 {
		diags.Errorf(opts.Dir, 0, "no postmortems found (looking for *.md files); point --content at your postmortems folder")
		return nil, diags
	}
	pms := make([]*postmortem.Postmortem, len(files))
	perFile := make([]diag.List, len(files))
	reader := &postmortem.Reader{Config: cfg}
	cache := opts.Cache
	var infos []cachedFile
	if cache != nil {
		if cache.cfg != cfg || cache.files == nil {
			cache.cfg, cache.files = cfg, map[string]cachedFile{}
		}
		cache.read = 0
		infos = make([]cachedFile, len(files))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		done  int
		reads atomic.Int64
	)
	var next atomic.Int64 // the next file to read, taken by whichever worker is free
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				if cache == nil || !cache.reuse(fsys, files[i], stats[files[i]], trust, &infos[i]) {
					name := displayPath(opts.Dir, files[i])
					src, err := fs.ReadFile(fsys, files[i])
					if err != nil {
						perFile[i].Errorf(name, 0, "cannot read: %v", readHint(err))
					} else {
						pms[i] = reader.Read(name, src, &perFile[i])
					}
					if cache != nil {
						infos[i].pm, infos[i].diags = pms[i], perFile[i]
						reads.Add(1)
					}
				} else {
					pms[i], perFile[i] = infos[i].pm, infos[i].diags
				}
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(files))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if cache != nil {
		clear(cache.files)
		for i, c := range infos {
			if !c.mod.IsZero() { // else its time is unknown: read it next time
				cache.files[files[i]] = c
			}
		}
		cache.read = int(reads.Load())
		cache.list, cache.outside = files, outside
	}
	for _, l := range perFile {
		diags = append(diags, l...)
	}

	s := &Site{Config: cfg, Now: opts.Now, Drafts: opts.Drafts, ByID: make(map[string]*postmortem.Postmortem, len(pms))}
	for _, p := range pms {
		if p == nil {
			continue
		}
		if prev, dup := s.ByID[p.ID]; dup {
			diags.Errorf(p.Path, p.Line("id"), "duplicate id %q: %s has it too; ids must be unique (set id: in one of them)", p.ID, prev.Path)
			continue
		}
		s.ByID[p.ID] = p
		if !opts.Drafts && p.Draft() {
			continue
		}
		s.Incidents = append(s.Incidents, p)
	}
	if len(cfg.Services) > 0 {
		known := map[string]bool{}
		for _, c := range cfg.Services {
			known[c.Name] = true
		}
		for _, p := range s.Incidents {
			for _, name := range p.Services {
				if !known[name] {
					diags.Warnf(p.Path, p.Line("services"), "service %q is not in the service catalog of %s; add it there or fix the name", name, cfgName(cfg))
				}
			}
		}
	}
	diags.Sort()
	if diags.Errors() > 0 {
		return nil, diags
	}
	s.group()
	return s, diags
}

func cfgName(cfg *config.Config) string {
	if cfg.Path == "" {
		return "hindsight.yaml"
	}
	return cfg.Path
}

func readHint(err error) string {
	if escapes(err) {
		return "it is a link to a file outside the content folder; copy the file in instead"
	}
	return err.Error()
}

// escapes reports whether err comes from following a link out of the
// content folder (see os.Root).
func escapes(err error) bool {
	return strings.Contains(err.Error(), "escapes") || strings.Contains(err.Error(), "symlink")
}

func displayPath(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return path.Join(dir, name)
}

// Files lists the postmortem files of a content folder, as Load reads them,
// and the links that lead outside it.
func Files(fsys fs.FS) (files, outside []string, err error) { return list(fsys, nil) }

// list finds the postmortem files: every *.md, skipping hidden files and
// folders and README files. Links to folders are not followed, and links
// that lead outside the content folder (other than *.md files, which fail
// when read) are returned in outside, so that the postmortems of a linked
// folder are not dropped without a word.
//
// When stats is not nil, it gets what the listing says of each file (its
// size and modification time come with the folder's entries).
func list(fsys fs.FS, stats map[string]fs.FileInfo) (files, outside []string, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		isMD := strings.EqualFold(path.Ext(name), ".md")
		if d.Type()&fs.ModeSymlink != 0 && !isMD {
			if _, err := fs.Stat(fsys, p); err != nil && escapes(err) {
				outside = append(outside, p)
			}
			return nil
		}
		if d.IsDir() || !isMD || strings.EqualFold(name, "README.md") {
			return nil
		}
		files = append(files, p)
		if stats != nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				stats[p] = info
			}
		}
		return nil
	})
	slices.Sort(files)
	return files, outside, err
}

// newestFirst orders incidents by date, newest first, then by id.
// sortNewestFirst sorts incidents as newestFirst orders them, through
// their dates and ids gathered once: the comparisons then read a compact
// array instead of two postmortems each (under serve the site is sorted
// again for each edit).
func sortNewestFirst(incidents []*postmortem.Postmortem) {
	type key struct {
		sec  int64
		nsec int
		id   string
		p    *postmortem.Postmortem
	}
	keys := make([]key, len(incidents))
	for i, p := range incidents {
		d := p.Date()
		keys[i] = key{d.Unix(), d.Nanosecond(), p.ID, p}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.sec != b.sec {
			return cmp.Compare(b.sec, a.sec)
		}
		if a.nsec != b.nsec {
			return cmp.Compare(b.nsec, a.nsec)
		}
		return strings.Compare(a.id, b.id)
	})
	for i, k := range keys {
		incidents[i] = k.p
	}
}

func newestFirst(a, b *postmortem.Postmortem) int {
	if c := b.Date().Compare(a.Date()); c != 0 {
		return c // cmp.Or would compare the ids every time too
	}
	return strings.Compare(a.ID, b.ID)
}

func (s *Site) group() {
	sortNewestFirst(s.Incidents)
	services := map[string]*Service{}
	for _, c := range s.Config.Services {
		services[c.Name] = &Service{Name: c.Name, Slug: postmortem.Slug(c.Name), Catalog: c, InCatalog: true}
	}
	tags := map[string]*Group{}
	years := map[int]bool{}
	for _, p := range s.Incidents {
		for _, name := range p.Services {
			sv := services[name]
			if sv == nil {
				sv = &Service{Name: name, Slug: postmortem.Slug(name)}
				services[name] = sv
			}
			sv.Incidents = append(sv.Incidents, p)
		}
		for _, name := range p.Tags {
			g := tags[name]
			if g == nil {
				g = &Group{Name: name, Slug: postmortem.Slug(name)}
				tags[name] = g
			}
			g.Incidents = append(g.Incidents, p)
		}
		if d := p.Date(); !d.IsZero() {
			years[d.In(s.Config.Location).Year()] = true
		}
	}
	for _, sv := range services {
		s.Services = append(s.Services, sv)
	}
	slices.SortFunc(s.Services, func(a, b *Service) int { return strings.Compare(a.Name, b.Name) })
	s.Services = dedupeSlugs(s.Services, func(v *Service) *string { return &v.Slug })
	for _, g := range tags {
		s.Tags = append(s.Tags, g)
	}
	slices.SortFunc(s.Tags, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	s.Tags = dedupeSlugs(s.Tags, func(v *Group) *string { return &v.Slug })
	for y := range years {
		s.Years = append(s.Years, y)
	}
	slices.SortFunc(s.Years, func(a, b int) int { return b - a })
}

// dedupeSlugs gives distinct names that slug alike ("C++" and "c") distinct
// slugs, and names that slug to nothing a usable one.
func dedupeSlugs[T any](items []T, slug func(T) *string) []T {
	seen := map[string]bool{}
	for _, it := range items {
		sl := slug(it)
		if *sl == "" {
			*sl = "x"
		}
		base := *sl
		for n := 2; seen[*sl]; n++ {
			*sl = fmt.Sprintf("%s-%d", base, n)
		}
		seen[*sl] = true
	}
	return items
}

// Service returns the service with that name, or nil.
func (s *Site) Service(name string) *Service {
	i, ok := slices.BinarySearchFunc(s.Services, name, func(v *Service, n string) int { return strings.Compare(v.Name, n) })
	if !ok {
		return nil
	}
	return s.Services[i]
}

// Tag returns the tag with that name, or nil.
func (s *Site) Tag(name string) *Group {
	i, ok := slices.BinarySearchFunc(s.Tags, name, func(v *Group, n string) int { return strings.Compare(v.Name, n) })
	if !ok {
		return nil
	}
	return s.Tags[i]
}

// Year is the year an incident is filed under, in the site's time zone; 0
// when it has no date.
func (s *Site) Year(p *postmortem.Postmortem) int {
	d := p.Date()
	if d.IsZero() {
		return 0
	}
	return d.In(s.Config.Location).Year()
}

// SeverityCount is a number of incidents of one severity.
type SeverityCount struct {
	Severity string
	Count    int
}

// CountBySeverity counts incidents by severity, in scale order; unrated
// incidents are counted under "".
func (s *Site) CountBySeverity(incidents []*postmortem.Postmortem) []SeverityCount {
	out := make([]SeverityCount, len(s.Config.Severities))
	for i, sev := range s.Config.Severities {
		out[i].Severity = sev
	}
	unrated := 0
	for _, p := range incidents {
		if i := slices.Index(s.Config.Severities, p.Severity); i >= 0 {
			out[i].Count++
		} else {
			unrated++
		}
	}
	if unrated > 0 {
		out = append(out, SeverityCount{Count: unrated})
	}
	return out
}

// Since returns the incidents that started within the last days calendar
// days before Now (in Now's time zone, so a DST change does not shift the
// window).
func (s *Site) Since(days int) []*postmortem.Postmortem {
	from := s.Now.AddDate(0, 0, -days)
	var out []*postmortem.Postmortem
	for _, p := range s.Incidents {
		if t := p.Date(); !t.IsZero() && !t.Before(from) && !t.After(s.Now) {
			out = append(out, p)
		}
	}
	return out
}

// OpenAction is an open action with the postmortem it belongs to.
type OpenAction struct {
	postmortem.Action
	Incident *postmortem.Postmortem
}

// OpenActions lists the open actions of the given incidents, overdue first,
// then by due date.
func (s *Site) OpenActions(incidents []*postmortem.Postmortem) []OpenAction {
	return s.Actions(incidents, "open")
}

// Actions lists the actions of the given incidents that have the status,
// overdue first, then by due date (undated last).
func (s *Site) Actions(incidents []*postmortem.Postmortem, status string) []OpenAction {
	out, _ := s.FirstActions(incidents, status, 0)
	return out
}

// FirstActions is Actions cut to its first limit (all of them when limit
// is 0 or less), and how many there are in all. It copies only the actions
// it returns: the home and service pages show the first few of thousands.
func (s *Site) FirstActions(incidents []*postmortem.Postmortem, status string, limit int) ([]OpenAction, int) {
	type ref struct {
		overdue bool
		due     time.Time
		p       *postmortem.Postmortem
		i       int // in p.Actions
		seq     int // in the order of incidents
	}
	// before orders refs: overdue first, then by due date, undated last,
	// then in the order of incidents (a stable sort).
	before := func(a, b *ref) bool {
		if a.overdue != b.overdue {
			return a.overdue
		}
		if az, bz := a.due.IsZero(), b.due.IsZero(); az != bz {
			return bz
		}
		if c := a.due.Compare(b.due); c != 0 {
			return c < 0
		}
		return a.seq < b.seq
	}
	var refs []ref
	for _, p := range incidents {
		for i := range p.Actions {
			if a := &p.Actions[i]; a.Status == status {
				refs = append(refs, ref{a.Overdue(s.Now), a.Due, p, i, len(refs)})
			}
		}
	}
	total := len(refs)
	if limit > 0 && limit < total {
		// The first limit, kept in a heap whose top is the last of them.
		heap := refs[:limit]
		down := func(i int) {
			for {
				c := 2*i + 1
				if c >= len(heap) {
					return
				}
				if c+1 < len(heap) && before(&heap[c], &heap[c+1]) {
					c++
				}
				if !before(&heap[i], &heap[c]) {
					return
				}
				heap[i], heap[c] = heap[c], heap[i]
				i = c
			}
		}
		for i := len(heap)/2 - 1; i >= 0; i-- {
			down(i)
		}
		for k := limit; k < total; k++ {
			if before(&refs[k], &heap[0]) {
				heap[0] = refs[k]
				down(0)
			}
		}
		refs = heap
	}
	slices.SortFunc(refs, func(a, b ref) int {
		switch {
		case before(&a, &b):
			return -1
		case before(&b, &a):
			return 1
		}
		return 0
	})
	out := make([]OpenAction, len(refs))
	for k, r := range refs {
		out[k] = OpenAction{Action: r.p.Actions[r.i], Incident: r.p}
	}
	return out, total
}

// ImpactTime sums the time to resolve of the incidents (ongoing ones count up
// to Now).
func (s *Site) ImpactTime(incidents []*postmortem.Postmortem) time.Duration {
	var total time.Duration
	for _, p := range incidents {
		if d := p.TimeToResolve(); d > 0 {
			total += d
		} else if p.Ongoing() && !p.StartedAt.IsZero() && p.StartedAt.Before(s.Now) {
			total += s.Now.Sub(p.StartedAt)
		}
	}
	return total
}

// Neighbours returns the previous (older) and next (newer) incident of the
// same service.
func (sv *Service) Neighbours(p *postmortem.Postmortem) (older, newer *postmortem.Postmortem) {
	// Incidents are in the site's order, newest first.
	i, ok := slices.BinarySearchFunc(sv.Incidents, p, newestFirst)
	if !ok || sv.Incidents[i] != p {
		return nil, nil
	}
	if i+1 < len(sv.Incidents) {
		older = sv.Incidents[i+1]
	}
	if i > 0 {
		newer = sv.Incidents[i-1]
	}
	return older, newer
}
