package render

import (
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/synth"
	"github.com/hindsight-sre/hindsight/themes"
)

// TestLongListsInChunks: a list of more incidents than ChunkSize comes in
// runs, each a table (or history list) of its own, with every incident
// once and in order, and the header shown on the first run only.
func TestLongListsInChunks(t *testing.T) {
	dir := t.TempDir()
	const n = 2*ChunkSize + 50
	if err := synth.Generate(dir, synth.Options{Postmortems: n, Services: 1}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	s, diags := site.Load(os.DirFS(filepath.Join(dir, "content")), cfg, site.Options{Drafts: true, Now: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if s == nil || len(s.Incidents) != n {
		t.Fatalf("cannot load the corpus: %v", diags)
	}
	mem := output.NewMemory()
	if _, err := Render(s, mem, Options{Theme: themes.Default}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, inc := range s.Incidents {
		want = append(want, inc.ID)
	}
	links := regexp.MustCompile(`<a href="(?:\.\./)*incidents/([^/"]+)/index\.html">`)
	check := func(name, run, item string) {
		t.Helper()
		b, ok := mem.Files[name]
		if !ok {
			t.Fatalf("%s not written", name)
		}
		page := string(b)
		if got := strings.Count(page, run); got != 3 {
			t.Errorf("%s: %d %s, want 3", name, got, run)
		}
		var got []string
		for _, item := range strings.Split(page, item)[1:] {
			if m := links.FindStringSubmatch(item); m != nil {
				got = append(got, m[1])
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: the runs do not list every incident once, newest first (%d listed)", name, len(got))
		}
	}
	check("incidents/index.html", `<table class="incidents">`, "<tr data-service=")
	if page := string(mem.Files["incidents/index.html"]); strings.Count(page, `<thead class="continued">`) != 2 || strings.Count(page, "<thead>") != 1 {
		t.Errorf("incidents/index.html: want the header shown on the first run only")
	}
	check("services/"+s.Services[0].Slug+"/index.html", `<ol class="history">`, "<li class=\"sevline-")

	// The actions page: every action once, in runs of at most ChunkSize.
	actions := 0
	for _, inc := range s.Incidents {
		actions += len(inc.Actions)
	}
	page := string(mem.Files["actions/index.html"])
	rows, runs := 0, 0
	for _, table := range strings.Split(page, `<table class="actions">`)[1:] {
		body := table[strings.Index(table, "<tbody>"):strings.Index(table, "</tbody>")]
		n := strings.Count(body, "<tr")
		if n > ChunkSize {
			t.Errorf("a run of %d actions, more than %d", n, ChunkSize)
		}
		rows, runs = rows+n, runs+1
	}
	if rows != actions || runs < actions/ChunkSize {
		t.Errorf("the actions page lists %d actions in %d runs, want %d in at least %d", rows, runs, actions, actions/ChunkSize)
	}
}

// TestPageStops: a page being rendered when the render is told to stop
// gives up at its next write, with ErrStopped, and writes no file.
func TestPageStops(t *testing.T) {
	cfg, err := config.Load(filepath.Join("testdata", "site", "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	s, diags := site.Load(os.DirFS(filepath.Join("testdata", "site", "content")), cfg, site.Options{Dir: "content", Drafts: true, Now: time.Date(2026, 3, 1, 0, 0, 0, 0, cfg.Location)})
	if s == nil {
		t.Fatal(diags)
	}
	mem := output.NewMemory()
	r, err := newRenderer(s, mem, Options{Theme: themes.Default}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	close(stop)
	r.stop = stop
	err = r.page("incidents.html", &Page{Kind: "incidents", Title: "Incidents", Path: "incidents/index.html", Incidents: s.Incidents})
	if err != ErrStopped {
		t.Errorf("page after stop: %v, want ErrStopped", err)
	}
	if len(mem.Files) != 0 {
		t.Errorf("a stopped page wrote %v", mem.Names())
	}
}

// TestCachedPartials renders pages with a base layout whose partial is
// called with .Cached: each page gets the partial of its own kind and
// depth, rendered once for all the pages that share both.
func TestCachedPartials(t *testing.T) {
	s, _, _ := loadTestSite(t, true)
	theme := Overlay(themes.Default, fstest.MapFS{"layouts/base.html": {Data: []byte(
		`{{define "kind-and-depth"}}[{{.Kind}} {{.Root}}]{{end}}<!DOCTYPE html><title>{{.Title}}</title>{{.Cached "kind-and-depth"}}<main>{{template "main" .}}</main>`)}})
	mem := output.NewMemory()
	r, err := newRenderer(s, mem, Options{Theme: theme}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		layout string
		p      *Page
		want   string
	}{
		{"home.html", &Page{Kind: "home", Title: "Home", Path: "index.html", Incidents: s.Incidents}, "[home ]"},
		{"incidents.html", &Page{Kind: "incidents", Title: "All", Path: "incidents/index.html", Incidents: s.Incidents}, "[incidents ../]"},
		{"incidents.html", &Page{Kind: "incidents", Title: "SEV1", Path: "incidents/by/severity/sev1/index.html", Incidents: s.Incidents[:1]}, "[incidents ../../../../]"},
		{"tag.html", &Page{Kind: "tag", Title: "#" + s.Tags[0].Name, Path: "tags/" + s.Tags[0].Slug + "/index.html", Tag: s.Tags[0], Incidents: s.Tags[0].Incidents}, "[tag ../../]"},
	}
	for _, inc := range s.Incidents[:3] {
		pages = append(pages, struct {
			layout string
			p      *Page
			want   string
		}{"incident.html", &Page{Kind: "incident", Title: inc.Title, Path: "incidents/" + inc.ID + "/index.html", Incident: inc}, "[incident ../../]"})
	}
	for _, pg := range pages {
		if err := r.page(pg.layout, pg.p); err != nil {
			t.Fatal(err)
		}
		b := mem.Files[pg.p.Path]
		if !strings.Contains(string(b), pg.want) || !strings.Contains(string(b), "<title>"+template.HTMLEscapeString(pg.p.Title)+"</title>") {
			t.Errorf("%s: want %s and its own title in %.200q", pg.p.Path, pg.want, b)
		}
	}
	n := 0
	r.fragments.Range(func(any, any) bool { n++; return true })
	if n != 5 { // home, incidents at two depths, tag, and one for the three incidents
		t.Errorf("the partial was rendered %d times, want 5 (once per kind and depth)", n)
	}
}

// TestLazyLargePages: pages that Lazy keeps in their own buffers, sized
// from the previous version (every page here, with largePage at 0), are
// those Render writes, the first time and the next.
func TestLazyLargePages(t *testing.T) {
	defer func(n int) { largePage = n }(largePage)
	largePage = 0
	s, cfg, now := loadTestSite(t, true)
	opts := Options{Theme: themes.Default, Metrics: metrics.New(cfg, s.Incidents, now), Rows: &Rows{}}
	mem := output.NewMemory()
	if _, err := Render(s, mem, opts); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		lazy, err := NewLazy(s, Options{Theme: themes.Default, Metrics: metrics.New(cfg, s.Incidents, now), Rows: opts.Rows}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// All first, then compared: a buffer a page kept must not be
		// written over by the next page.
		names := []string{"index.html", "incidents/index.html", "incidents/by/severity/sev2/index.html", "actions/index.html", "tags/index.html"}
		got := map[string][]byte{}
		for _, name := range names {
			b, ok, err := lazy.File(name)
			if err != nil || !ok {
				t.Fatalf("round %d, %s: %v %v", round, name, ok, err)
			}
			got[name] = b
		}
		for _, name := range names {
			if string(got[name]) != string(mem.Files[name]) {
				t.Errorf("round %d, %s: differs from Render's", round, name)
			}
		}
		if _, ok := opts.Rows.sizes.Load("incidents/index.html"); !ok {
			t.Errorf("round %d: the incidents index's size is not kept", round)
		}
	}
}
