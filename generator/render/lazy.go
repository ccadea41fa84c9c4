package render

import (
	"bytes"
	"strings"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Lazy renders a site's files one at a time, when they are asked for, and
// keeps them. `hindsight serve` answers from it after an edit: the change
// shows as soon as the open page reloads, instead of after every page of a
// large knowledge base is written again. The metrics are computed for the
// first page that shows them, the customer site for the first customer
// file. What Lazy renders is byte for byte what Render writes.
type Lazy struct {
	r         *renderer
	mem       *memory
	jobs      map[string]*lazyJob
	incidents sync.Map // id → *lazyJob, made when first asked for
	customer  func() (map[string]*lazyJob, error)
}

type lazyJob struct {
	once sync.Once
	err  error
	run  func() error
}

// NewLazy prepares the site's files for File. cs, when not nil, computes
// the customer site (see Options.Customer); opts.Customer is not used.
func NewLazy(s *site.Site, opts Options, cs func() *customer.Site) (*Lazy, error) {
	mem := &memory{files: map[string][]byte{}}
	r, err := newRenderer(s, mem, opts, cs)
	if err != nil {
		return nil, err
	}
	// From one Lazy to the next, the lists' runs whose incidents did not
	// change are not joined again (a one-shot Render keeps none: they
	// would stay in memory through the whole build).
	r.keepRuns = true
	// Every page but the incidents': those are found by id when asked
	// for, which spares a reload of a large site thousands of jobs.
	jobs, err := r.jobs(false)
	if err != nil {
		return nil, err
	}
	l := &Lazy{r: r, mem: mem, jobs: index(jobs)}
	if r.customer {
		l.customer = sync.OnceValues(func() (map[string]*lazyJob, error) {
			jobs, err := r.customerJobs()
			return index(jobs), err
		})
	}
	return l, nil
}

func index(jobs []job) map[string]*lazyJob {
	m := make(map[string]*lazyJob, len(jobs))
	for _, j := range jobs {
		lj := &lazyJob{run: j.run}
		for _, p := range j.paths {
			m[p] = lj
		}
	}
	return m
}

// File returns the file a build writes at name, a slash-separated path
// under the output such as "incidents/x/index.html", rendering it if it is
// the first time. ok is false when a build writes no such file, or when it
// is a search index file (see package sitesearch), which Lazy does not
// hold. It is safe for concurrent use.
func (l *Lazy) File(name string) (b []byte, ok bool, err error) {
	j := l.jobs[name]
	if j == nil {
		j = l.incident(name)
	}
	if j == nil && l.customer != nil && strings.HasPrefix(name, CustomerDir) {
		m, err := l.customer()
		if err != nil {
			return nil, true, err
		}
		j = m[name]
	}
	if j == nil {
		return nil, false, nil
	}
	j.once.Do(func() { j.err = j.run() })
	if j.err != nil {
		return nil, true, j.err
	}
	return l.mem.get(name), true, nil
}

// incident returns the job of the incident page at name, made the first
// time it is asked for, or nil when name is no incident's page.
func (l *Lazy) incident(name string) *lazyJob {
	id, ok := strings.CutPrefix(name, "incidents/")
	if id, ok = strings.CutSuffix(id, "/index.html"); !ok || strings.Contains(id, "/") {
		return nil
	}
	s := l.r.site
	p := s.ByID[id]
	if p == nil || !s.Drafts && p.Draft() { // as site.Load leaves it out
		return nil
	}
	if j, ok := l.incidents.Load(id); ok {
		return j.(*lazyJob)
	}
	j, _ := l.incidents.LoadOrStore(id, &lazyJob{run: l.r.incidentJob(p).run})
	return j.(*lazyJob)
}

// memory is an output.Writer that keeps the files.
type memory struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memory) WriteFile(name string, b []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = bytes.Clone(b)
	return nil
}

// keep stores b itself as the file name: the caller gives it up. Its
// capacity is cut to its length, so that an append to the file (by a
// caller of File) copies it rather than writing past it.
func (m *memory) keep(name string, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[name] = b[:len(b):len(b)]
}

func (m *memory) get(name string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.files[name]
}
