package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// version changes whenever the mapping or the documents change, so that an
// index written by another version is rebuilt.
const version = 3

// batchSize is how many documents are indexed at a time: larger batches
// index faster but hold more memory.
const batchSize = 250

// CacheDir is the default cache folder for a content folder: .hindsight/
// beside it.
func CacheDir(contentDir string) string {
	return filepath.Join(filepath.Dir(filepath.Clean(contentDir)), ".hindsight")
}

// Index is the bleve index of a content folder, kept up to date in a cache
// folder.
type Index struct {
	idx bleve.Index
	syn Synonyms

	// What Refresh needs: one at a time.
	mu         sync.Mutex
	contentDir string
	cfg        *config.Config
	mpath      string
	man        manifest
}

// Update describes what Open did to bring the index up to date.
type Update struct {
	Indexed, Removed, Unchanged int
	Rebuilt                     bool // the index was (re)created from scratch
	Took                        time.Duration
	Problems                    diag.List // files that could not be indexed
}

// manifest records, per file, what the index holds of it.
type manifest struct {
	Version int                  `json:"version"`
	Config  string               `json:"config"`
	Files   map[string]fileState `json:"files"`
}

type fileState struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"`
	Hash    string `json:"sha256"`
	ID      string `json:"id"`
}

// configKey is what of the config changes how files are read.
func configKey(cfg *config.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%s|%s|%s|", version, cfg.Timezone, cfg.Language, strings.Join(cfg.Severities, ","))
	for _, k := range slices.Sorted(maps.Keys(cfg.Aliases)) {
		fmt.Fprintf(&b, "%s=%s,", k, cfg.Aliases[k])
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// Open opens the index in cacheDir and brings it up to date with the
// content folder: only files added, changed (by size, time and then
// content hash) or removed since the last run are read and reindexed. A
// change of the config's reading settings, or of Hindsight's index
// format, rebuilds it.
func Open(cacheDir, contentDir string, cfg *config.Config, syn Synonyms) (*Index, Update, error) {
	start := time.Now()
	var up Update
	root, err := os.OpenRoot(contentDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, up, fmt.Errorf("content folder %q does not exist; point --content at your postmortems", contentDir)
		}
		return nil, up, err
	}
	root.Close()

	dir := filepath.Join(cacheDir, "search")
	mpath := filepath.Join(dir, "manifest.json")
	var man manifest
	if b, err := os.ReadFile(mpath); err == nil {
		_ = json.Unmarshal(b, &man)
	}
	key := configKey(cfg)
	var idx bleve.Index
	if man.Version == version && man.Config == key {
		idx, err = bleve.Open(filepath.Join(dir, "index"))
	}
	if idx == nil {
		up.Rebuilt = true
		if err := os.RemoveAll(dir); err != nil {
			return nil, up, fmt.Errorf("cannot clear the search cache %s: %w", dir, err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, up, fmt.Errorf("cannot create the search cache %s: %w", dir, err)
		}
		man = manifest{Version: version, Config: key}
		if idx, err = bleve.New(filepath.Join(dir, "index"), Mapping()); err != nil {
			return nil, up, fmt.Errorf("cannot create the search index in %s: %w", dir, err)
		}
	}
	if man.Files == nil {
		man.Files = map[string]fileState{}
	}
	ix := &Index{idx: idx, syn: syn, contentDir: contentDir, cfg: cfg, mpath: mpath, man: man}
	r, err := ix.Refresh(nil)
	if err != nil {
		idx.Close()
		return nil, up, err
	}
	r.Rebuilt = up.Rebuilt || r.Rebuilt
	r.Took = time.Since(start)
	return ix, r, nil
}

// Refresh brings the open index up to date with the content folder, as
// Open does. names, when not nil, are the only files (slash-separated
// paths in the content folder) that may have been added, changed or
// removed since, as a watcher reports them: the folder is not listed.
// Searches may run meanwhile.
func (ix *Index) Refresh(names []string) (Update, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	start := time.Now()
	var up Update
	contentDir, cfg, man, idx := ix.contentDir, ix.cfg, &ix.man, ix.idx
	root, err := os.OpenRoot(contentDir)
	if err != nil {
		return up, err
	}
	defer root.Close()
	fsys := root.FS()
	var files []string
	if names == nil {
		if files, _, err = site.Files(fsys); err != nil {
			return up, fmt.Errorf("cannot read the content folder: %w", err)
		}
	} else {
		for _, name := range names {
			if _, err := fs.Stat(fsys, name); err == nil && site.IsPostmortemFile(name) {
				files = append(files, name)
			}
		}
	}

	// Which files changed: stat first, hash only when size or time moved.
	type job struct {
		name string
		st   fileState
		src  []byte
	}
	var changed []job
	for _, name := range files {
		info, err := fs.Stat(fsys, name)
		if err != nil {
			up.Problems.Warnf(path.Join(filepath.ToSlash(contentDir), name), 0, "not indexed: %v", err)
			continue
		}
		st := fileState{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
		old, known := man.Files[name]
		if known && old.Size == st.Size && old.ModTime == st.ModTime {
			up.Unchanged++
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			up.Problems.Warnf(path.Join(filepath.ToSlash(contentDir), name), 0, "not indexed: %v", err)
			continue
		}
		sum := sha256.Sum256(src)
		st.Hash = hex.EncodeToString(sum[:])
		if known && old.Hash == st.Hash {
			st.ID = old.ID
			man.Files[name] = st
			up.Unchanged++
			continue
		}
		changed = append(changed, job{name, st, src})
	}
	listed := map[string]bool{}
	for _, f := range files {
		listed[f] = true
	}
	// Gone: every file the index holds and the folder no longer has, or
	// with names, those of them that are gone.
	gone := slices.Sorted(maps.Keys(man.Files))
	if names != nil {
		gone = names
	}
	batch := idx.NewBatch()
	for _, name := range gone {
		if _, ok := man.Files[name]; ok && !listed[name] {
			batch.Delete(man.Files[name].ID)
			delete(man.Files, name)
			up.Removed++
		}
	}

	// Read the changed files on every core, index them in batches.
	reader := &postmortem.Reader{Config: cfg}
	docs := make([]map[string]any, len(changed))
	probs := make([]diag.List, len(changed))
	var wg sync.WaitGroup
	n := runtime.GOMAXPROCS(0)
	for k := range n {
		wg.Go(func() {
			for i := k; i < len(changed); i += n {
				display := path.Join(filepath.ToSlash(contentDir), changed[i].name)
				var d diag.List
				p := reader.Read(display, changed[i].src, &d)
				if p == nil || d.Errors() > 0 {
					probs[i].Warnf(display, 0, "not indexed: it has errors; run hindsight check")
					continue
				}
				docs[i] = Document(p, cfg.Location)
				changed[i].src = nil
			}
		})
	}
	wg.Wait()
	for i, j := range changed {
		up.Problems = append(up.Problems, probs[i]...)
		if docs[i] == nil {
			if old, ok := man.Files[j.name]; ok { // it was indexed before it broke
				batch.Delete(old.ID)
				delete(man.Files, j.name)
			}
			continue
		}
		id := docs[i]["id"].(string)
		if old, ok := man.Files[j.name]; ok && old.ID != id {
			batch.Delete(old.ID)
		}
		if err := batch.Index(id, docs[i]); err != nil {
			return up, fmt.Errorf("indexing %s: %w", j.name, err)
		}
		j.st.ID = id
		man.Files[j.name] = j.st
		up.Indexed++
		if batch.Size() >= batchSize {
			if err := idx.Batch(batch); err != nil {
				return up, err
			}
			batch.Reset()
		}
	}
	if batch.Size() > 0 {
		if err := idx.Batch(batch); err != nil {
			return up, err
		}
	}
	if up.Indexed > 0 || up.Removed > 0 || up.Rebuilt || len(changed) > 0 {
		b, err := json.Marshal(man)
		if err == nil {
			err = os.WriteFile(ix.mpath, b, 0o644)
		}
		if err != nil {
			return up, fmt.Errorf("cannot save the search manifest: %w", err)
		}
	}
	up.Took = time.Since(start)
	return up, nil
}

// Close closes the index, once a Refresh under way is done.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.idx.Close()
}

// Result is one search hit.
type Result struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Date     time.Time `json:"date,omitzero"`
	Severity string    `json:"severity,omitempty"`
	Services []string  `json:"services"`
	Field    string    `json:"field"`   // the most telling field that matched
	Snippet  string    `json:"snippet"` // HTML-escaped text with <mark>ed matches
	Score    float64   `json:"score"`
}

// Facet counts the hits by a field's values.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Results is the answer to a query.
type Results struct {
	Query  string             `json:"query"`
	Total  uint64             `json:"total"`
	Hits   []Result           `json:"hits"`
	Facets map[string][]Facet `json:"facets,omitempty"`
	Took   time.Duration      `json:"took_ns"`
}

// MaxLimit is the most results one query returns.
const MaxLimit = 100

// Search runs a query and returns at most limit hits, best first, with a
// highlighted snippet; with facets, also counts of all the hits by service,
// severity, status and year (of the incident's start, in UTC).
func (ix *Index) Search(q string, limit int, facets bool) (*Results, error) {
	return ix.SearchFiltered(q, limit, facets, nil)
}

// Filter narrows a search to the postmortems that have, for each field
// named, one of its values: services, severity, status, year.
type Filter map[string][]string

// SearchFiltered is Search, narrowed by a filter (which the query-string
// syntax cannot say: it has no "either of these services").
func (ix *Index) SearchFiltered(q string, limit int, facets bool, filter Filter) (*Results, error) {
	parsed, err := Parse(q, ix.syn, ix.known)
	if err != nil {
		return nil, err
	}
	if len(filter) > 0 {
		must := []query.Query{parsed}
		for _, field := range slices.Sorted(maps.Keys(filter)) {
			var any []query.Query
			for _, v := range filter[field] {
				switch field {
				case "services", "severity", "status":
					t := query.NewTermQuery(v)
					t.SetField(field)
					any = append(any, t)
				case YearField:
					y, err := strconv.ParseFloat(v, 64)
					if err != nil {
						return nil, &QueryError{fmt.Sprintf("year %q is not a number", v)}
					}
					yes := true
					n := query.NewNumericRangeInclusiveQuery(&y, &y, &yes, &yes)
					n.SetField(YearField)
					any = append(any, n)
				default:
					return nil, &QueryError{fmt.Sprintf("cannot filter by %q; filters are services, severity, status and year", field)}
				}
			}
			if len(any) > 0 {
				must = append(must, query.NewDisjunctionQuery(any))
			}
		}
		parsed = query.NewConjunctionQuery(must)
	}
	limit = max(1, min(limit, MaxLimit))
	req := bleve.NewSearchRequestOptions(parsed, limit, 0, false)
	req.Fields = []string{"title", "title" + frSuffix, "severity", "services", DateField}
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	for _, f := range TextFields {
		req.Highlight.AddField(f.Name)
		req.Highlight.AddField(f.Name + frSuffix)
	}
	if facets {
		req.AddFacet("services", bleve.NewFacetRequest("services", 20))
		req.AddFacet("severity", bleve.NewFacetRequest("severity", 10))
		req.AddFacet("status", bleve.NewFacetRequest("status", 5))
		years := bleve.NewFacetRequest(DateField, 40)
		for y := time.Now().Year() + 1; y > time.Now().Year()-40; y-- {
			from, to := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
			years.AddDateTimeRange(fmt.Sprint(y), from, to)
		}
		req.AddFacet("year", years)
	}
	res, err := ix.idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search failed: %w", err)
	}
	out := &Results{Query: q, Total: res.Total, Took: res.Took, Hits: []Result{}, Facets: map[string][]Facet{}}
	for _, h := range res.Hits {
		r := Result{ID: h.ID, Score: h.Score, Services: []string{}}
		r.Title, _ = h.Fields["title"].(string)
		if r.Title == "" {
			r.Title, _ = h.Fields["title"+frSuffix].(string)
		}
		r.Severity, _ = h.Fields["severity"].(string)
		switch v := h.Fields["services"].(type) {
		case string:
			r.Services = []string{v}
		case []any:
			for _, s := range v {
				if s, ok := s.(string); ok {
					r.Services = append(r.Services, s)
				}
			}
		}
		if d, ok := h.Fields[DateField].(string); ok {
			r.Date, _ = time.Parse(time.RFC3339, d)
		}
		// The most telling field with a highlighted match (the highlighter
		// also returns the start of fields that did not match).
	fields:
		for _, f := range TextFields {
			for _, name := range []string{f.Name, f.Name + frSuffix} {
				for _, frag := range h.Fragments[name] {
					if strings.Contains(frag, "<mark>") {
						r.Field, r.Snippet = f.Name, frag
						break fields
					}
				}
			}
		}
		out.Hits = append(out.Hits, r)
	}
	for name, fr := range res.Facets {
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				out.Facets[name] = append(out.Facets[name], Facet{t.Term, t.Count})
			}
		}
		for _, d := range fr.DateRanges {
			if d.Count > 0 {
				out.Facets[name] = append(out.Facets[name], Facet{d.Name, d.Count})
			}
		}
	}
	return out, nil
}

// known reports whether any form of a word is in the index, in either
// language.
func (ix *Index) known(word string) bool {
	m := ix.idx.Mapping()
	for lang, field := range map[string]string{"en": AllField, "fr": AllField + frSuffix} {
		a := m.AnalyzerNamed(analyzers[lang])
		if a == nil {
			continue
		}
		for _, tok := range a.Analyze([]byte(word)) {
			d, err := ix.idx.FieldDictRange(field, tok.Term, tok.Term)
			if err != nil {
				continue
			}
			e, err := d.Next()
			d.Close()
			if err == nil && e != nil {
				return true
			}
		}
	}
	return false
}
