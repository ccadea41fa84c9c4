package build

import (
	"errors"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/search"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/sitesearch"
)

// SearchDocs are the internal site's postmortems as the static search index
// sees them: every text field bleve indexes, with the same boosts.
func SearchDocs(s *site.Site) []sitesearch.Doc { return searchDocs(s, nil) }

// searchDocs is SearchDocs, which gives up, leaving docs unfinished, once
// stop is closed.
func searchDocs(s *site.Site, stop <-chan struct{}) []sitesearch.Doc {
	docs := make([]sitesearch.Doc, len(s.Incidents))
	var wg sync.WaitGroup
	n := runtime.GOMAXPROCS(0)
	for k := range n {
		wg.Go(func() {
			for i := k; i < len(docs); i += n {
				if (i/n)%64 == 0 && stopped(stop) {
					return
				}
				docs[i] = searchDoc(s, s.Incidents[i])
			}
		})
	}
	wg.Wait()
	return docs
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// searchDoc is one postmortem for the index.
func searchDoc(s *site.Site, p *postmortem.Postmortem) sitesearch.Doc {
	sd := sitesearch.Doc{URL: "incidents/" + p.ID + "/", Title: p.Title, Severity: p.Severity,
		Services: p.Services, Lang: p.Language}
	if t := p.Date(); !t.IsZero() {
		t = t.In(s.Config.Location)
		sd.Year = t.Year()
	}
	for i, text := range search.FieldTexts(p) {
		sd.Fields = append(sd.Fields, sitesearch.Field{Text: text, Boost: search.TextFields[i].Boost})
		if i > 0 && sd.Excerpt == "" { // the first telling passage after the title
			sd.Excerpt = text
		}
	}
	return sd
}

// CustomerSearchDocs are the customer site's incidents for its own index:
// only what the customer pages show (title, summary, impact, the public
// severity label and service names), never a postmortem.
func CustomerSearchDocs(cs *customer.Site) []sitesearch.Doc {
	docs := make([]sitesearch.Doc, 0, len(cs.Incidents))
	for _, i := range cs.Incidents {
		d := sitesearch.Doc{URL: "incidents/" + i.ID + "/", Title: i.Title, Severity: i.Severity, Lang: cs.Language}
		for _, sv := range i.Services {
			d.Services = append(d.Services, sv.Name)
		}
		if !i.Start.IsZero() {
			d.Year = i.Start.Year()
		}
		d.Fields = []sitesearch.Field{{Text: i.Title, Boost: 4}, {Text: i.SummaryText, Boost: 2}, {Text: i.ImpactText, Boost: 1.5},
			{Text: strings.Join(d.Services, " "), Boost: 1}}
		d.Excerpt = i.SummaryText
		if d.Excerpt == "" {
			d.Excerpt = i.ImpactText
		}
		docs = append(docs, d)
	}
	return docs
}

// writeSearch writes a static search index under dir of out.
func writeSearch(out output.Writer, dir string, docs []sitesearch.Doc, opts sitesearch.Options) (sitesearch.Stats, error) {
	files, st, err := sitesearch.Build(docs, opts)
	if err != nil {
		return st, err
	}
	// Written on two cores: they are some two thousand files.
	names := slices.Collect(maps.Keys(files))
	var errs [2]error
	var wg sync.WaitGroup
	for k := range errs {
		wg.Go(func() {
			for i := k; i < len(names) && errs[k] == nil; i += len(errs) {
				errs[k] = out.WriteFile(path.Join(dir, names[i]), files[names[i]])
			}
		})
	}
	wg.Wait()
	return st, errors.Join(errs[:]...)
}
