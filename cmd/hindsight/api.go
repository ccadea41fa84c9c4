package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/search"
)

// Limits of /api/search: the query, as for `hindsight search`, and the
// results one answer holds.
const (
	apiMaxQuery = 500
	apiMaxLimit = 50
)

// searchAPI answers /api/search?q=…&limit=N from the bleve index, for the
// search page under `hindsight serve`; services=, severity= and year=
// (each repeatable: either value) narrow the results. The index is opened
// (and brought up to date) in the background; until it is ready the API
// answers 503 and the page uses the static index.
type searchAPI struct {
	mu     sync.RWMutex
	ix     *search.Index
	err    error
	drafts bool
	ready  chan struct{} // closed once the index is open, or failed to

	content, cache string // what it indexes, where
	cfg            *config.Config

	// refreshed, when set, is called after each refresh that brought the
	// index up to date (serve tells the open pages: a search page shows
	// the new results).
	refreshed func()
}

// openSearchAPI starts opening the index of content, kept in cache.
func openSearchAPI(content, cache string, cfg *config.Config, drafts bool, stderr io.Writer) *searchAPI {
	a := &searchAPI{drafts: drafts, ready: make(chan struct{}), content: content, cache: cache, cfg: cfg}
	go func() {
		defer close(a.ready)
		ix, up, err := search.Open(cache, content, cfg, search.ForConfig(cfg.Synonyms))
		if err == nil && (up.Indexed > 0 || up.Removed > 0) {
			fmt.Fprintf(stderr, "search index: %d indexed, %d removed (%s); /api/search is ready\n", up.Indexed, up.Removed, up.Took.Round(1e6))
		}
		if err != nil {
			fmt.Fprintf(stderr, "hindsight: the search API is off (%v); the search page uses the static index\n", err)
		}
		a.mu.Lock()
		a.ix, a.err = ix, err
		a.mu.Unlock()
	}()
	return a
}

// apiResult is one hit as the search page reads it.
type apiResult struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Date     string   `json:"date,omitempty"`
	Severity string   `json:"severity,omitempty"`
	Services []string `json:"services"`
	Field    string   `json:"field,omitempty"`
	Snippet  string   `json:"snippet,omitempty"` // plain text; the page marks the words
}

type apiAnswer struct {
	Query   string                    `json:"query"`
	Total   uint64                    `json:"total"`
	Results []apiResult               `json:"results"`
	Facets  map[string][]search.Facet `json:"facets"`
}

func (a *searchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(code int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		fail(http.StatusMethodNotAllowed, "use GET")
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		fail(http.StatusBadRequest, "missing q: /api/search?q=dns+timeout")
		return
	}
	if len(q) > apiMaxQuery {
		fail(http.StatusBadRequest, fmt.Sprintf("the query is %d characters long; the limit is %d", len(q), apiMaxQuery))
		return
	}
	limit := 10
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fail(http.StatusBadRequest, "limit must be a positive number")
			return
		}
		limit = min(n, apiMaxLimit)
	}
	// Held through the search: Close waits for it.
	a.mu.RLock()
	defer a.mu.RUnlock()
	ix, err := a.ix, a.err
	if ix == nil {
		msg := "the search index is being built"
		if err != nil {
			msg = "the search index is unavailable: " + err.Error()
		}
		fail(http.StatusServiceUnavailable, msg)
		return
	}
	filter := search.Filter{}
	for _, f := range []string{"services", "severity", "year"} {
		if v := r.URL.Query()[f]; len(v) > 0 {
			filter[f] = v
		}
	}
	if !a.drafts { // the site shows published postmortems only
		filter["status"] = []string{"published"}
	}
	res, err := ix.SearchFiltered(q, limit, true, filter)
	if err != nil {
		var qe *search.QueryError
		if errors.As(err, &qe) {
			fail(http.StatusBadRequest, qe.Msg)
			return
		}
		fail(http.StatusInternalServerError, err.Error())
		return
	}
	out := apiAnswer{Query: q, Total: res.Total, Results: []apiResult{}, Facets: res.Facets}
	for _, h := range res.Hits {
		ar := apiResult{ID: h.ID, Title: h.Title, Severity: h.Severity, Services: h.Services, Field: h.Field,
			Snippet: search.Text(h.Snippet)}
		if !h.Date.IsZero() {
			ar.Date = h.Date.Format("2006-01-02")
		}
		out.Results = append(out.Results, ar)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// refreshDelay is how long after a rebuild the search index is updated:
// long enough for the open pages to ask for their patches first, short
// enough that an open search page shows an edit within 150 ms (at 40 ms,
// 140 ms median on the bench corpus in Chromium; at 10 ms, 95 ms, the
// other pages no slower).
const refreshDelay = 10 * time.Millisecond

// refresh brings the index up to date after a rebuild, in the background:
// changed names the only content files that may have changed (nil: any).
func (a *searchAPI) refresh(changed []string) {
	a.mu.RLock()
	ix := a.ix
	a.mu.RUnlock()
	if ix == nil {
		return
	}
	// In the background, one at a time (Refresh waits for the one under
	// way); searches go on meanwhile. It starts a little later (see
	// refreshDelay), and tells the open pages when it is done.
	time.AfterFunc(refreshDelay, func() {
		if _, err := ix.Refresh(changed); err != nil {
			a.mu.Lock()
			a.err = err
			a.mu.Unlock()
		} else if a.refreshed != nil {
			a.refreshed()
		}
	})
}

// Close closes the index once it is open.
func (a *searchAPI) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ix != nil {
		a.ix.Close()
		a.ix = nil
	}
}

// withSearchAPI serves /api/search with api and tells the internal site's
// search page about it: its manifest, search/index.js, gets a first line
// naming the API. The customer site's is left alone: its search must only
// ever see customer text, never the postmortems the API searches.
func withSearchAPI(files http.Handler, dir string, api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/search":
			api.ServeHTTP(w, r)
			return
		case "/search/index.js":
			b, err := os.ReadFile(dir + "/search/index.js")
			if err != nil {
				break
			}
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			io.WriteString(w, "window.hindsightSearchAPI = \"/api/search\";\n")
			w.Write(b)
			return
		}
		files.ServeHTTP(w, r)
	})
}
