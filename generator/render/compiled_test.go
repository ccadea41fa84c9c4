package render

import (
	"bytes"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/synth"
	"github.com/hindsight-sre/hindsight/themes"
)

// bothWays returns two renderers of s into memory: one writes incident
// pages with the compiled page, the other with the templates.
func bothWays(t testing.TB, s *site.Site, now time.Time) (compiled, interpreted *renderer) {
	t.Helper()
	for i := range 2 {
		r, err := newRenderer(s, nil, Options{Theme: themes.Default, Metrics: metrics.New(s.Config, s.Incidents, now), interpreted: i == 1},
			func() *customer.Site { return customer.New(s, metrics.DefaultWeights(s.Config.Severities)) })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.parsed.customerTemplates(); err != nil {
			t.Fatal(err)
		}
		if (!r.parsed.compiled || !r.parsed.compiledRows || !r.parsed.customerCompiled || !r.parsed.customerItemsCompiled) && i == 0 {
			t.Fatal("the default theme's layouts are not recognised as the default")
		}
		if i == 0 {
			compiled = r
		} else {
			interpreted = r
		}
	}
	return compiled, interpreted
}

// sameIncidentPage renders the page and the list entries of inc both ways
// and fails if they differ.
func sameIncidentPage(t testing.TB, compiled, interpreted *renderer, inc *postmortem.Postmortem) {
	t.Helper()
	var pages [2][]byte
	for i, r := range [...]*renderer{compiled, interpreted} {
		mem := output.NewMemory()
		r.out = mem
		if err := r.incidentJob(inc).run(); err != nil {
			t.Fatal(err)
		}
		name := "incidents/" + inc.ID + "/index.html"
		pages[i] = mem.Files[name]
		if pages[i] == nil {
			t.Fatalf("%s was not written", name)
		}
	}
	if !bytes.Equal(pages[0], pages[1]) {
		t.Fatalf("%s: the compiled page differs from the template's at %s", inc.Path, firstDiff(string(pages[1]), string(pages[0])))
	}
	for _, partial := range rowPartials {
		var rows [2]string
		for i, r := range [...]*renderer{compiled, interpreted} {
			var err error
			if rows[i], err = r.row(partial, inc); err != nil {
				t.Fatal(err)
			}
		}
		if rows[0] != rows[1] {
			t.Fatalf("%s: the compiled %s differs from the template's at %s", inc.Path, partial, firstDiff(rows[1], rows[0]))
		}
	}
	// Its actions in the "open-actions" partial, all and only one.
	var open []site.OpenAction
	for _, a := range inc.Actions {
		open = append(open, site.OpenAction{Action: a, Incident: inc})
	}
	page := &Page{Site: interpreted.site, Kind: "actions", Root: "../", r: interpreted}
	for _, l := range []ActionList{{Page: page, Actions: open, Total: len(open)}, {Page: page, Actions: open[:min(1, len(open))], Total: len(open) + 1}, {Page: page, Empty: inc.Title}} {
		var want bytes.Buffer
		if err := interpreted.tmpl["actions.html"].ExecuteTemplate(&want, "open-actions", l); err != nil {
			t.Fatal(err)
		}
		if got := string(compiled.parsed.openActions(l)); got != want.String() {
			t.Fatalf("%s: the compiled open-actions differs from the template's at %s", inc.Path, firstDiff(want.String(), got))
		}
	}
	// The communications and retrospectives pages of a site of inc and
	// two variants: not published to customers, its retrospective due, or
	// late.
	due, late := *inc, *inc
	due.ResolvedAt, due.Retrospective, due.Customer = interpreted.site.Now.Add(-time.Hour), postmortem.Retrospective{}, postmortem.Customer{Summary: inc.Customer.Summary}
	late.ResolvedAt, late.Retrospective, late.Customer.Publish = interpreted.site.Now.Add(-100*time.Hour), postmortem.Retrospective{}, false
	pub, ongoing := *inc, *inc
	pub.Status, pub.Customer.Publish = postmortem.StatusPublished, true
	ongoing.Status, ongoing.Customer.Publish, ongoing.MitigatedAt, ongoing.ResolvedAt = postmortem.StatusPublished, true, time.Time{}, time.Time{}
	small := *interpreted.site
	small.Incidents = []*postmortem.Postmortem{inc, &due, &late, &pub, &ongoing}
	for _, c := range []struct {
		layout string
		write  func(*Page) template.HTML
	}{{"communications.html", compiled.parsed.communications}, {"retrospectives.html", compiled.parsed.retrospectives}} {
		var want bytes.Buffer
		if err := interpreted.tmpl[c.layout].ExecuteTemplate(&want, "main", &Page{Site: &small, Root: "../", r: interpreted}); err != nil {
			t.Fatal(err)
		}
		if got := string(c.write(&Page{Site: &small, Root: "../", r: compiled})); got != want.String() {
			t.Fatalf("%s: the compiled %s differs from the template's at %s", inc.Path, c.layout, firstDiff(want.String(), got))
		}
	}
	// Its customer pages.
	cs := customer.New(&small, metrics.DefaultWeights(small.Config.Severities))
	if len(cs.Incidents) < 2 {
		t.Fatalf("%d customer incidents of the published variants, want 2 or more", len(cs.Incidents))
	}
	for _, ci := range cs.Incidents {
		var pages [2][]byte
		for i, r := range [...]*renderer{compiled, interpreted} {
			mem := output.NewMemory()
			r.out = mem
			tmpl, err := r.parsed.customerTemplates()
			if err != nil {
				t.Fatal(err)
			}
			p := &CustomerPage{Kind: "incident", Title: ci.Title, Path: "incidents/" + ci.ID + "/index.html", Incident: ci}
			if err := r.customerPage(cs, tmpl, "incident.html", p); err != nil {
				t.Fatal(err)
			}
			pages[i] = mem.Files[CustomerDir+p.Path]
		}
		if !bytes.Equal(pages[0], pages[1]) {
			t.Fatalf("%s: the compiled customer page differs from the template's at %s", inc.Path, firstDiff(string(pages[1]), string(pages[0])))
		}
		// Its entry in the lists.
		tmpl, err := interpreted.parsed.customerTemplates()
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		if err := tmpl["incidents.html"].ExecuteTemplate(&want, "incident-item", &CustomerPage{Site: cs, Incident: ci}); err != nil {
			t.Fatal(err)
		}
		if got := string(compiled.customerItem(nil, &CustomerPage{Site: cs, Incident: ci})); got != want.String() {
			t.Fatalf("%s: the compiled customer list entry differs from the template's at %s", inc.Path, firstDiff(want.String(), got))
		}
	}
}

// incidentBothWays checks every incident page of s, then renders the whole
// site both ways and compares every file.
func incidentBothWays(t testing.TB, s *site.Site, now time.Time) {
	t.Helper()
	compiled, interpreted := bothWays(t, s, now)
	for _, inc := range s.Incidents {
		sameIncidentPage(t, compiled, interpreted, inc)
	}
	var sites [2]*output.Memory
	for i := range sites {
		sites[i] = output.NewMemory()
		_, err := Render(s, sites[i], Options{Theme: themes.Default, Metrics: metrics.New(s.Config, s.Incidents, now),
			Customer: customer.New(s, metrics.DefaultWeights(s.Config.Severities)), interpreted: i == 1})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(sites[0].Files) != len(sites[1].Files) {
		t.Fatalf("%d files written with the compiled parts, %d without", len(sites[0].Files), len(sites[1].Files))
	}
	for name, want := range sites[1].Files {
		if got := sites[0].Files[name]; !bytes.Equal(got, want) {
			t.Fatalf("%s: written with the compiled parts, it differs from the templates' at %s", name, firstDiff(string(want), string(got)))
		}
	}
}

// TestCompiledIncident checks that the compiled parts of the default theme
// (compiled.go) write what its layouts write: every page of the test site
// (both languages), of the example knowledge base and of a synthetic one.
func TestCompiledIncident(t *testing.T) {
	t.Run("testdata", func(t *testing.T) {
		s, _, now := loadTestSite(t, true)
		incidentBothWays(t, s, now)
	})
	t.Run("testdata-fr", func(t *testing.T) {
		s, now := loadSiteAt(t, filepath.Join("testdata", "site"), "fr", 2026, 3, 1)
		incidentBothWays(t, s, now)
	})
	t.Run("example", func(t *testing.T) {
		s, now := loadSiteAt(t, filepath.Join("..", ".."), "", 2026, 11, 24)
		incidentBothWays(t, s, now)
	})
	t.Run("synthetic", func(t *testing.T) {
		dir := t.TempDir()
		if err := synth.Generate(dir, synth.Options{Postmortems: 200}); err != nil {
			t.Fatal(err)
		}
		s, now := loadSiteAt(t, dir, "", 2026, 11, 24)
		incidentBothWays(t, s, now)
	})
}

// loadSiteAt loads the site of dir/hindsight.yaml and dir/content, drafts
// included, in language lang ("" keeps the config's), "today" being the
// day given, midnight in the site's zone.
func loadSiteAt(t *testing.T, dir, lang string, year int, month time.Month, day int) (*site.Site, time.Time) {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if lang != "" {
		cfg.Language = lang
	}
	now := time.Date(year, month, day, 0, 0, 0, 0, cfg.Location)
	s, diags := site.Load(os.DirFS(filepath.Join(dir, "content")), cfg, site.Options{Dir: "content", Drafts: true, Now: now})
	if s == nil {
		t.Fatal(diags)
	}
	return s, now
}

// TestCompiledIncidentOnlyForDefault checks that a site overriding a
// layout the incident page uses gets its templates, not the compiled page.
func TestCompiledIncidentOnlyForDefault(t *testing.T) {
	s, _, _ := loadTestSite(t, true)
	for _, c := range []struct {
		file, from, to string
		compiled, rows bool
	}{
		{"layouts/incident.html", `<h1>`, `<h1 class="x">`, false, true},
		{"layouts/base.html", `<main id="main">`, `<main id="main" class="x">`, false, true},
		{"layouts/partials/badges.html", `class="sev sev-{{`, `class="sev x sev-{{`, false, false},
		{"layouts/partials/my.html", ``, `{{define "status"}}{{.}}{{end}}`, false, false}, // redefines a partial
		{"layouts/partials/incident-table.html", `<td><time`, `<td class="x"><time`, true, false},
		{"layouts/home.html", `</h1>`, `!</h1>`, true, true},
		{"static/css/hindsight.css", ``, `/* more */`, true, true},
	} {
		theme := copyTheme(t)
		if theme[c.file] == nil {
			theme[c.file] = &fstest.MapFile{}
		}
		old := string(theme[c.file].Data)
		if c.from == "" {
			theme[c.file].Data = []byte(old + c.to)
		} else {
			if !strings.Contains(old, c.from) {
				t.Fatalf("%s: no %q", c.file, c.from)
			}
			theme[c.file].Data = []byte(strings.Replace(old, c.from, c.to, 1))
		}
		r, err := newRenderer(s, discard{}, Options{Theme: theme}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.parsed.compiled != c.compiled || r.parsed.compiledRows != c.rows {
			t.Errorf("with %s changed: compiled page, rows = %v, %v; want %v, %v", c.file, r.parsed.compiled, r.parsed.compiledRows, c.compiled, c.rows)
		}
		if !c.rows && c.from != "" {
			if row, err := r.row("incident-row", s.Incidents[0]); err != nil || !strings.Contains(row, strings.ReplaceAll(c.to, "{{", "")) {
				t.Errorf("with %s changed: the incident row does not show the change %q (%v):\n%s", c.file, c.to, err, row)
			}
		}
		if !c.compiled && c.from != "" {
			mem := output.NewMemory()
			r.out = mem
			inc := s.Incidents[0]
			if err := r.incidentJob(inc).run(); err != nil {
				t.Fatal(err)
			}
			if page := string(mem.Files["incidents/"+inc.ID+"/index.html"]); !strings.Contains(page, strings.ReplaceAll(c.to, "{{", "")) {
				t.Errorf("with %s changed: the incident page does not show the change %q", c.file, c.to)
			}
		}
	}
}

// copyTheme returns the default theme as a map, to change files of.
func copyTheme(t *testing.T) fstest.MapFS {
	m := fstest.MapFS{}
	err := fs.WalkDir(themes.Default, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(themes.Default, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzCompiledIncident fills an incident's text fields with any text (markup,
// quotes, "javascript:" links, invalid UTF-8) and checks that the compiled
// page and the templates still write the same bytes.
func FuzzCompiledIncident(f *testing.F) {
	f.Add("Title <b>&amp;</b>", "pay+ments", "tag's", "`code` <x>", "Why? \"quoted\"", "javascript:alert(1)", "fix", "open", "ops 'team'", "Owner & co", "people", "1 + 1")
	f.Add("", "", "", "", "", "", "", "", "", "", "", "")
	f.Add("\x00\xff", "a b/c:d", "%zz%41", "**bold**", "_x_", "https://x.test/a b?q=1&r=2", "automate", "done", "Sub\x00", "Ünï", "budget", "http:")
	s, _, now := loadTestSite(f, true)
	compiled, interpreted := bothWays(f, s, now)
	base := s.Incidents[0]
	f.Fuzz(func(t *testing.T, title, service, tag, event, why, link, typ, status, facilitator, owner, category, text string) {
		c := *base
		c.Title, c.Trigger, c.ID = title, text, "fuzz"
		c.Services = []string{service, "search"}
		c.Tags = []string{tag}
		c.Timeline = []postmortem.Event{{At: c.StartedAt.Add(-time.Minute), Event: event}, {At: c.StartedAt.Add(time.Hour), Event: text}}
		c.RootCause = why + "\n\n" + text
		c.ContributingFactors = []string{event, why}
		c.FiveWhys = []string{why, text}
		c.Ishikawa = []postmortem.Category{{Name: category, Causes: []string{text, why}}}
		c.Actions = []postmortem.Action{{Title: event, Type: typ, Owner: owner, Status: status, Link: link, Due: now.Add(-time.Hour)}, {Title: text, Link: link}}
		c.Customer = postmortem.Customer{Publish: true, Title: title, Summary: why, Impact: text}
		c.Retrospective = postmortem.Retrospective{Date: c.ResolvedAt.Add(time.Hour), Facilitator: facilitator, Participants: []string{owner, facilitator}}
		c.Body = template.HTML(template.HTMLEscapeString(text))
		c.Path = text
		c.Severity, c.Status, c.Language = strings.ToUpper(typ), status, category
		sameIncidentPage(t, compiled, interpreted, &c)
	})
}

// FuzzEscapers checks the compiled page's escapers against html/template.
func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", "a+b&c<d>'e\"", "\x00", "javascript:x", "JavaſcRipt:x", "httpſ://x", "mailto:a@b", "/a:b", "a b%2", "%41%zz%", "é\xff", "../incidents/x y/"} {
		f.Add(s)
	}
	tmpl := template.Must(template.New("").Parse(`<p title="{{.S}}">{{.S}}</p><a href="{{.S}}"></a><a href="{{.U}}"></a>`))
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		if err := tmpl.Execute(&want, struct {
			S string
			U template.URL
		}{s, template.URL(s)}); err != nil {
			t.Fatal(err)
		}
		var b []byte
		b = append(b, `<p title="`...)
		b = appendHTML(b, s)
		b = append(b, `">`...)
		b = appendHTML(b, s)
		b = append(b, `</p><a href="`...)
		b = appendURLAttr(b, s, false)
		b = append(b, `"></a><a href="`...)
		b = appendURLAttr(b, s, true)
		b = append(b, `"></a>`...)
		if !bytes.Equal(b, want.Bytes()) {
			t.Errorf("escaping %q:\n got %q\nwant %q", s, b, want.Bytes())
		}
	})
}

// TestCompiledPartialOverride checks that a compiled partial is replaced
// only where it is the default theme's: an override is executed as written.
func TestCompiledPartialOverride(t *testing.T) {
	s, cfg, now := loadTestSite(t, true)
	for _, override := range []bool{false, true} {
		theme := copyTheme(t)
		if override {
			f := theme["layouts/partials/actions-table.html"]
			f.Data = bytes.Replace(f.Data, []byte(`<tr{{if $late}}`), []byte(`<tr data-x{{if $late}}`), 1)
		}
		r, err := newRenderer(s, nil, Options{Theme: theme}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, layout := range []string{"actions.html", "home.html", "service.html"} {
			tree := r.tmpl[layout].Lookup("open-actions").Tree.Root.String()
			if replaced := strings.Contains(tree, "_hindsight_open_actions"); replaced == override {
				t.Errorf("override %v: open-actions of %s replaced = %v", override, layout, replaced)
			}
		}
		mem := output.NewMemory()
		if _, err := Render(s, mem, Options{Theme: theme, Metrics: metrics.New(cfg, s.Incidents, now)}); err != nil {
			t.Fatal(err)
		}
		page := string(mem.Files["actions/index.html"])
		if strings.Contains(page, "<tr data-x") != override || !strings.Contains(page, `<table class="actions">`) {
			t.Errorf("override %v: the actions page shows the override %v", override, !override)
		}
	}
}

// TestCompiledMainOverride checks that the compiled lists of the
// communications and retrospectives pages give way to a site's own
// layouts and partials.
func TestCompiledMainOverride(t *testing.T) {
	s, cfg, now := loadTestSite(t, true)
	for _, c := range []struct{ file, from, to, page, fn string }{
		{"", "", "", "communications/index.html", "_hindsight_communications"},
		{"", "", "", "retrospectives/index.html", "_hindsight_retrospectives"},
		{"layouts/communications.html", `<p class="note">`, `<p class="note x">`, "communications/index.html", ""},
		{"layouts/retrospectives.html", `<table class="retros">`, `<table class="retros x">`, "retrospectives/index.html", ""},
		{"layouts/partials/badges.html", `class="status status-{{`, `class="status x status-{{`, "communications/index.html", ""},
	} {
		theme, r := overridden(t, s, c.file, c.from, c.to)
		layout := strings.TrimSuffix(c.page, "/index.html") + ".html"
		if tree := r.tmpl[layout].Lookup("main").Tree.Root.String(); strings.Contains(tree, "_hindsight_") != (c.fn != "") || !strings.Contains(tree, c.fn) {
			t.Errorf("%s changed: main of %s is %.80s…; want it compiled: %v", c.file, layout, tree, c.fn != "")
		}
		mem := output.NewMemory()
		if _, err := Render(s, mem, Options{Theme: theme, Metrics: metrics.New(cfg, s.Incidents, now)}); err != nil {
			t.Fatal(err)
		}
		if page := string(mem.Files[c.page]); !strings.Contains(page, strings.ReplaceAll(c.to, "{{", "")) || !strings.Contains(page, "<h1>") {
			t.Errorf("%s changed: %s does not show %q", c.file, c.page, c.to)
		}
	}
}

// TestCompiledCustomerOverride checks that a site's own customer incident
// layout, frame or severity badge is executed as written.
func TestCompiledCustomerOverride(t *testing.T) {
	s, cfg, now := loadTestSite(t, true)
	for _, c := range []struct{ file, from, to string }{
		{"", "", ""},
		{"customer/layouts/incident.html", `<dl class="facts">`, `<dl class="facts x">`},
		{"customer/layouts/base.html", `<main id="main">`, `<main id="main" class="x">`},
		{"customer/layouts/base.html", `<span class="sev level-{{`, `<span class="sev x level-{{`},
		{"customer/layouts/base.html", `<p class="meta">`, `<p class="meta x">`},
	} {
		theme, r := overridden(t, s, c.file, c.from, c.to)
		if _, err := r.parsed.customerTemplates(); err != nil {
			t.Fatal(err)
		}
		item := strings.Contains(c.from, "meta") || strings.Contains(c.from, "sev")
		if page := !item && c.file == "customer/layouts/base.html" || c.file == "customer/layouts/incident.html" || strings.Contains(c.from, "sev"); r.parsed.customerCompiled == page {
			t.Errorf("%s changed (%s): customer incident page compiled = %v", c.file, c.to, r.parsed.customerCompiled)
		}
		if r.parsed.customerItemsCompiled == item {
			t.Errorf("%s changed (%s): customer list entries compiled = %v", c.file, c.to, r.parsed.customerItemsCompiled)
		}
		mem := output.NewMemory()
		cs := customer.New(s, metrics.DefaultWeights(cfg.Severities))
		if _, err := Render(s, mem, Options{Theme: theme, Metrics: metrics.New(cfg, s.Incidents, now), Customer: cs}); err != nil {
			t.Fatal(err)
		}
		name := CustomerDir + "incidents/" + cs.Incidents[0].ID + "/index.html"
		if strings.Contains(c.from, "meta") {
			name = CustomerDir + "incidents/index.html"
		}
		if page := string(mem.Files[name]); !strings.Contains(page, strings.ReplaceAll(c.to, "{{", "")) || !strings.Contains(page, "<h1") {
			t.Errorf("%s changed: %s does not show %q", c.file, name, c.to)
		}
	}
}

// overridden returns the default theme with every from in its file
// replaced by to (none when file is ""), and a renderer of s with it.
func overridden(t *testing.T, s *site.Site, file, from, to string) (fstest.MapFS, *renderer) {
	t.Helper()
	theme := copyTheme(t)
	if file != "" {
		old := string(theme[file].Data)
		if !strings.Contains(old, from) {
			t.Fatalf("%s: no %q", file, from)
		}
		theme[file].Data = []byte(strings.ReplaceAll(old, from, to))
	}
	r, err := newRenderer(s, nil, Options{Theme: theme}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return theme, r
}
