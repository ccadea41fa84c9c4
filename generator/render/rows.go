package render

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// rowPartials are the per-incident partials kept in Rows: an incident's row
// in incident tables and its item in service histories.
var rowPartials = []string{"incident-row", "history-item"}

// Rows keeps each incident's list entries (rowPartials), rendered once with
// links relative to the site root, so that the many lists that show an
// incident do not render it again: within a build, and from one build of
// `hindsight serve` to the next, where only the postmortems that changed
// get new entries (a postmortem that changes is a new value; unchanged ones
// are shared between loads, see site.Cache). A Rows belongs to one config
// and theme: start a new one when either changes. It is safe for
// concurrent use; the zero value is ready.
type Rows struct {
	mu   sync.RWMutex
	html map[rowKey]string
}

type rowKey struct {
	partial string
	inc     *postmortem.Postmortem
}

func (c *Rows) get(partial string, inc *postmortem.Postmortem) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.html[rowKey{partial, inc}]
	return h, ok
}

func (c *Rows) put(partial string, inc *postmortem.Postmortem, h string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.html == nil {
		c.html = map[rowKey]string{}
	}
	c.html[rowKey{partial, inc}] = h
}

// keep forgets the entries of postmortems other than incidents.
func (c *Rows) keep(incidents []*postmortem.Postmortem) {
	live := make(map[*postmortem.Postmortem]bool, len(incidents))
	for _, p := range incidents {
		live[p] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.html {
		if !live[k.inc] {
			delete(c.html, k)
		}
	}
}

// row returns an incident's entry for partial, rendering it when Rows does
// not hold it yet.
func (r *renderer) row(partial string, inc *postmortem.Postmortem) (string, error) {
	if h, ok := r.rows.get(partial, inc); ok {
		return h, nil
	}
	var b strings.Builder
	if err := r.tmpl["incidents.html"].ExecuteTemplate(&b, partial, &Page{Site: r.site, Incident: inc, r: r}); err != nil {
		return "", fmt.Errorf("rendering %q for %s: %w", partial, inc.ID, err)
	}
	h := b.String()
	r.rows.put(partial, inc, h)
	return h, nil
}

// renderRows renders, on every core, the entries Rows does not hold yet.
func (r *renderer) renderRows() error {
	var jobs []job
	for _, partial := range rowPartials {
		for _, inc := range r.site.Incidents {
			if _, ok := r.rows.get(partial, inc); !ok {
				jobs = append(jobs, job{nil, func() error { _, err := r.row(partial, inc); return err }})
			}
		}
	}
	return run(jobs, nil)
}
