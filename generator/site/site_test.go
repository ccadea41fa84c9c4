package site

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zone database

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// now is "today" in every test: 24 November 2026, Paris.
var now = time.Date(2026, 11, 24, 0, 0, 0, 0, paris)

// testConfig is a Paris site with a small service catalog.
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("hindsight.yaml", []byte(`title: Test
timezone: Europe/Paris
services:
  api:
    title: Public API
  billing: {}
  unused:
    title: Never broken
`))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// pm is a minimal published postmortem with YAML front matter.
func pm(lines ...string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\n" + strings.Join(lines, "\n") + "\nroot_cause: a cause\n---\n\nBody.\n")}
}

func load(t *testing.T, fsys fstest.MapFS, cfg *config.Config, drafts bool) (*Site, diag.List) {
	t.Helper()
	return Load(fsys, cfg, Options{Dir: "content", Drafts: drafts, Now: now})
}

func mustLoadSite(t *testing.T, fsys fstest.MapFS, cfg *config.Config, drafts bool) *Site {
	t.Helper()
	s, diags := load(t, fsys, cfg, drafts)
	if s == nil {
		t.Fatalf("Load failed:\n%s", diagText(diags))
	}
	return s
}

func diagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

func ids(ps []*postmortem.Postmortem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestDuplicateIDs(t *testing.T) {
	fsys := fstest.MapFS{
		"2025/a.md": pm("title: A", "id: same", "started_at: 2025-01-01 10:00", "resolved_at: 2025-01-01 11:00"),
		"2026/b.md": pm("title: B", "status: published", "id: same", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
	}
	s, diags := load(t, fsys, testConfig(t), true)
	if s != nil {
		t.Fatal("Load succeeded with a duplicate id")
	}
	var found bool
	for _, d := range diags {
		if d.Level == diag.Error && strings.Contains(d.Message, "duplicate id") {
			found = true
			// The second file is reported at its id: line, and names the first.
			if d.Path != "content/2026/b.md" || d.Line != 4 {
				t.Errorf("duplicate reported at %s:%d, want content/2026/b.md:4", d.Path, d.Line)
			}
			if !strings.Contains(d.Message, `"same"`) || !strings.Contains(d.Message, "content/2025/a.md") {
				t.Errorf("message %q should name the id and the other file", d.Message)
			}
			if got := d.String(); !strings.HasPrefix(got, "content/2026/b.md:4: ") {
				t.Errorf("diagnostic prints as %q, want path:line: message", got)
			}
		}
	}
	if !found {
		t.Fatalf("no duplicate id error in:\n%s", diagText(diags))
	}
}

func TestDrafts(t *testing.T) {
	fsys := fstest.MapFS{
		"pub.md":    pm("title: Published", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"draft.md":  pm("title: Draft", "status: draft", "started_at: 2026-02-01 10:00", "resolved_at: 2026-02-01 11:00"),
		"review.md": pm("title: Review", "status: review", "started_at: 2026-03-01 10:00", "resolved_at: 2026-03-01 11:00"),
	}
	with := mustLoadSite(t, fsys, testConfig(t), true)
	if got, want := ids(with.Incidents), []string{"review", "draft", "pub"}; !slices.Equal(got, want) {
		t.Errorf("with drafts: incidents %v, want %v", got, want)
	}
	without := mustLoadSite(t, fsys, testConfig(t), false)
	if got, want := ids(without.Incidents), []string{"pub"}; !slices.Equal(got, want) {
		t.Errorf("without drafts: incidents %v, want %v", got, want)
	}
	for _, y := range without.Years {
		if y != 2026 {
			t.Errorf("without drafts: years %v", without.Years)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	fsys := fstest.MapFS{
		// The file names sort the other way round from the dates.
		"a.md": pm("title: Oldest", "started_at: 2024-05-01 10:00", "resolved_at: 2024-05-01 11:00"),
		"b.md": pm("title: Newest", "started_at: 2026-05-01 10:00", "resolved_at: 2026-05-01 11:00"),
		"c.md": pm("title: Middle", "started_at: 2025-05-01 10:00", "resolved_at: 2025-05-01 11:00"),
		// Same instant: ties are broken by id.
		"e.md": pm("title: Tie E", "started_at: 2025-05-01T08:00:00Z", "resolved_at: 2025-05-01 11:00"),
		"d.md": pm("title: Tie D", "started_at: 2025-05-01T08:00:00Z", "resolved_at: 2025-05-01 11:00"),
		// Only detected_at: filed under it.
		"f.md": pm("title: Detected only", "detected_at: 2025-12-31 23:30", "resolved_at: 2026-01-01 01:00"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	if got, want := ids(s.Incidents), []string{"b", "f", "c", "d", "e", "a"}; !slices.Equal(got, want) {
		t.Errorf("incidents %v, want newest first %v", got, want)
	}
	// 2025-12-31 23:30 in Paris is filed under 2025 even though it is 22:30 UTC.
	if got, want := s.Years, []int{2026, 2025, 2024}; !slices.Equal(got, want) {
		t.Errorf("years %v, want %v", got, want)
	}
	if y := s.Year(s.ByID["f"]); y != 2025 {
		t.Errorf("Year(f) = %d, want 2025", y)
	}
}

func TestServices(t *testing.T) {
	fsys := fstest.MapFS{
		"one.md": pm("title: One", "services: [api, billing]", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"two.md": pm("title: Two", "services: [api, ghost]", "started_at: 2026-02-01 10:00", "resolved_at: 2026-02-01 11:00"),
	}
	s, diags := load(t, fsys, testConfig(t), true)
	if s == nil {
		t.Fatalf("Load failed:\n%s", diagText(diags))
	}
	var names []string
	for _, sv := range s.Services {
		names = append(names, sv.Name)
	}
	if want := []string{"api", "billing", "ghost", "unused"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v (catalog services without incidents included)", names, want)
	}
	api := s.Service("api")
	if got := ids(api.Incidents); !slices.Equal(got, []string{"two", "one"}) {
		t.Errorf("api incidents %v, want [two one]", got)
	}
	if api.DisplayName() != "Public API" || !api.InCatalog {
		t.Errorf("api: display %q, in catalog %v", api.DisplayName(), api.InCatalog)
	}
	if u := s.Service("unused"); u == nil || len(u.Incidents) != 0 || !u.InCatalog {
		t.Errorf("unused catalog service: %+v", u)
	}
	if g := s.Service("ghost"); g == nil || g.InCatalog || g.DisplayName() != "ghost" {
		t.Errorf("ghost service: %+v", g)
	}
	if s.Service("nope") != nil {
		t.Error(`Service("nope") is not nil`)
	}

	// The unknown service is a warning at the services: line.
	if diags.Errors() != 0 || diags.Warnings() != 1 {
		t.Fatalf("want exactly one warning:\n%s", diagText(diags))
	}
	d := diags[0]
	if d.Path != "content/two.md" || d.Line != 3 || !strings.Contains(d.Message, `"ghost"`) || !strings.Contains(d.Message, "hindsight.yaml") {
		t.Errorf("warning %q, want content/two.md:3 naming ghost and the catalog", d.String())
	}
}

func TestNoCatalogNoWarning(t *testing.T) {
	fsys := fstest.MapFS{
		"one.md": pm("title: One", "services: [anything]", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
	}
	cfg := config.Default()
	s, diags := load(t, fsys, cfg, true)
	if s == nil || len(diags) != 0 {
		t.Fatalf("an empty catalog accepts any service; got:\n%s", diagText(diags))
	}
	if len(s.Services) != 1 || s.Services[0].Name != "anything" {
		t.Errorf("services %+v", s.Services)
	}
}

func TestTags(t *testing.T) {
	fsys := fstest.MapFS{
		"one.md":   pm("title: One", "tags: [dns, kafka]", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"two.md":   pm("title: Two", "tags: [dns]", "started_at: 2026-02-01 10:00", "resolved_at: 2026-02-01 11:00"),
		"three.md": pm("title: Three", "tags: [Sécurité, C++, c]", "started_at: 2026-03-01 10:00", "resolved_at: 2026-03-01 11:00"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	got := map[string]string{}
	for _, g := range s.Tags {
		got[g.Name] = g.Slug + " " + strings.Join(ids(g.Incidents), ",")
	}
	want := map[string]string{
		"dns":      "dns two,one",
		"kafka":    "kafka one",
		"Sécurité": "securite three",
		"C++":      "c three",
		"c":        "c-2 three", // slugs stay distinct
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tag %q: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("tags %v, want %v", got, want)
	}
	if g := s.Tag("dns"); g == nil || len(g.Incidents) != 2 {
		t.Errorf(`Tag("dns") = %+v`, g)
	}
}

func TestSkippedFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"real.md":             pm("title: Real", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"README.md":           {Data: []byte("# How to write a postmortem\n")},
		"sub/readme.md":       {Data: []byte("# Sub readme\n")},
		".hidden.md":          {Data: []byte("not: [valid\n")},
		"_template.md":        {Data: []byte("---\nid: ../../x\n---\n")},
		".git/HEAD.md":        {Data: []byte("---\nbroken: [\n---\n")},
		"_drafts/idea.md":     {Data: []byte("# Idea\n")},
		"notes.txt":           {Data: []byte("not markdown")},
		"sub/UPPER.MD":        pm("title: Upper case extension", "started_at: 2026-02-01 10:00", "resolved_at: 2026-02-01 11:00"),
		"sub/.editor.md.swp":  {Data: []byte("junk")},
		"sub/.#lock-file.md":  {Data: []byte("junk")},
		"sub/deeper/_skip.md": {Data: []byte("junk")},
	}
	s, diags := load(t, fsys, testConfig(t), true)
	if s == nil {
		t.Fatalf("Load failed (a skipped file was read?):\n%s", diagText(diags))
	}
	if got, want := ids(s.Incidents), []string{"upper", "real"}; !slices.Equal(got, want) {
		t.Errorf("incidents %v, want %v", got, want)
	}
}

func TestNoPostmortems(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"empty":       {},
		"only readme": {"README.md": {Data: []byte("# Postmortems\n")}, "notes.txt": {Data: []byte("x")}},
	} {
		t.Run(name, func(t *testing.T) {
			s, diags := load(t, fsys, testConfig(t), true)
			if s != nil || diags.Errors() != 1 {
				t.Fatalf("want one error, got site %v and:\n%s", s != nil, diagText(diags))
			}
			msg := diags[0].String()
			if !strings.HasPrefix(msg, "content: ") || !strings.Contains(msg, "no postmortems found") || !strings.Contains(msg, "--content") {
				t.Errorf("message %q should name the folder, say no postmortems were found and hint at --content", msg)
			}
		})
	}
}

func TestPathSafetyID(t *testing.T) {
	for _, id := range []string{"../../x", "a/b", "..", `a\b`, "/etc"} {
		t.Run(id, func(t *testing.T) {
			fsys := fstest.MapFS{
				"x.md": pm("title: X", "id: '"+id+"'", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
			}
			s, diags := load(t, fsys, testConfig(t), true)
			if s != nil {
				t.Fatalf("id %q accepted", id)
			}
			if diags.Errors() == 0 || diags[0].Path != "content/x.md" || diags[0].Line != 3 || !strings.Contains(diags[0].Message, "id") {
				t.Errorf("want an error at content/x.md:3 about the id, got:\n%s", diagText(diags))
			}
		})
	}
}

func TestCountBySeverity(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md": pm("title: A", "severity: sev1", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"b.md": pm("title: B", "severity: SEV3", "started_at: 2026-01-02 10:00", "resolved_at: 2026-01-02 11:00"),
		"c.md": pm("title: C", "severity: SEV 3", "started_at: 2026-01-03 10:00", "resolved_at: 2026-01-03 11:00"),
		"d.md": pm("title: D", "started_at: 2026-01-04 10:00", "resolved_at: 2026-01-04 11:00"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	got := s.CountBySeverity(s.Incidents)
	want := []SeverityCount{{"SEV1", 1}, {"SEV2", 0}, {"SEV3", 2}, {"SEV4", 0}, {"", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("CountBySeverity = %v, want %v", got, want)
	}
	// With no incidents, every severity of the scale is there at 0, and no
	// "unrated" entry.
	zero := []SeverityCount{{"SEV1", 0}, {"SEV2", 0}, {"SEV3", 0}, {"SEV4", 0}}
	if got := s.CountBySeverity(nil); !slices.Equal(got, zero) {
		t.Errorf("CountBySeverity(nil) = %v, want %v", got, zero)
	}
}

func TestSince(t *testing.T) {
	fsys := fstest.MapFS{
		// Now is 2026-11-24 00:00 CET; 90 calendar days before is 2026-08-26
		// 00:00 CEST, although summer time ended in between.
		"in-recent.md":  pm("title: Recent", "started_at: 2026-11-20 10:00", "resolved_at: 2026-11-20 11:00"),
		"in-edge.md":    pm("title: Edge", "started_at: 2026-08-26 00:00", "resolved_at: 2026-08-26 02:00"),
		"out-before.md": pm("title: Before", "started_at: 2026-08-25 23:59", "resolved_at: 2026-08-26 02:00"),
		"out-future.md": pm("title: Future", "status: draft", "started_at: 2026-11-24 09:00"),
		"out-nodate.md": pm("title: No date", "status: draft"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	if got, want := ids(s.Since(90)), []string{"in-recent", "in-edge"}; !slices.Equal(got, want) {
		t.Errorf("Since(90 days) = %v, want %v", got, want)
	}
}

func TestOpenActions(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md": {Data: []byte(`---
title: A
started_at: 2026-10-01 10:00
resolved_at: 2026-10-01 11:00
root_cause: x
actions:
  - {title: later, owner: o, due: 2026-12-31}
  - {title: done-overdue, owner: o, due: 2026-01-01, status: done}
  - {title: no-due, owner: o}
  - {title: overdue-recent, owner: o, due: 2026-11-20}
---
`)},
		"b.md": {Data: []byte(`---
title: B
started_at: 2026-09-01 10:00
resolved_at: 2026-09-01 11:00
root_cause: x
actions:
  - {title: overdue-old, owner: o, due: 2026-09-15}
  - {title: soon, owner: o, due: 2026-11-30}
  - {title: wontfix, owner: o, due: 2026-01-01, status: wontfix}
---
`)},
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	var got []string
	for _, a := range s.OpenActions(s.Incidents) {
		got = append(got, a.Title+"@"+a.Incident.ID)
	}
	want := []string{"overdue-old@b", "overdue-recent@a", "soon@b", "later@a", "no-due@a"}
	if !slices.Equal(got, want) {
		t.Errorf("OpenActions = %v, want overdue first, then by due date, undated last: %v", got, want)
	}
	for _, a := range s.OpenActions(s.Incidents) {
		if over := strings.HasPrefix(a.Title, "overdue"); a.Overdue(s.Now) != over {
			t.Errorf("%s: Overdue = %v", a.Title, !over)
		}
	}
	// An action due today (midnight) is not overdue yet.
	if (postmortem.Action{Status: "open", Due: now}).Overdue(now) {
		t.Error("an action due today is overdue")
	}
}

// TestFirstActions checks that the first few actions, picked without
// sorting them all, are the first of the whole sorted list, ties in the
// order of incidents, for every limit.
func TestFirstActions(t *testing.T) {
	fsys := fstest.MapFS{}
	dues := []string{"2026-01-01", "2026-11-30", "", "2026-11-20", "2027-02-01", "2026-01-01"}
	for i := range 12 {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: I%d\nstarted_at: 2026-10-%02d 10:00\nresolved_at: 2026-10-%02d 11:00\nroot_cause: x\nactions:\n", i, i+1, i+1)
		for j := range 5 {
			due := dues[(i*5+j*7)%len(dues)]
			status := []string{"open", "open", "done"}[(i+j)%3]
			fmt.Fprintf(&b, "  - {title: a%d-%d, owner: o, status: %s", i, j, status)
			if due != "" {
				fmt.Fprintf(&b, ", due: %s", due)
			}
			b.WriteString("}\n")
		}
		b.WriteString("---\n")
		fsys[fmt.Sprintf("i%02d.md", i)] = &fstest.MapFile{Data: []byte(b.String())}
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	for _, status := range []string{"open", "done", "wontfix"} {
		all := s.Actions(s.Incidents, status)
		for limit := range len(all) + 2 {
			first, total := s.FirstActions(s.Incidents, status, limit)
			want := all
			if limit > 0 && limit < len(all) {
				want = all[:limit]
			}
			if total != len(all) || !slices.EqualFunc(first, want, func(a, b OpenAction) bool {
				return a.Title == b.Title && a.Incident == b.Incident
			}) {
				t.Fatalf("FirstActions(%s, %d) = %v (of %d), want %v (of %d)", status, limit, titles(first), total, titles(want), len(all))
			}
		}
	}
	// The whole list is sorted, ties kept in the order of incidents.
	all := s.Actions(s.Incidents, "open")
	pos := map[string]int{}
	for i, inc := range s.Incidents {
		for j, a := range inc.Actions {
			pos[a.Title] = i*100 + j
		}
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		ka := fmt.Sprint(!a.Overdue(s.Now), a.Due.IsZero(), a.Due.Format(time.RFC3339))
		kb := fmt.Sprint(!b.Overdue(s.Now), b.Due.IsZero(), b.Due.Format(time.RFC3339))
		if ka > kb || ka == kb && pos[a.Title] > pos[b.Title] {
			t.Errorf("%s before %s", a.Title, b.Title)
		}
	}
}

func titles(l []OpenAction) []string {
	var out []string
	for _, a := range l {
		out = append(out, a.Title)
	}
	return out
}

func TestImpactTime(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md": pm("title: A", "started_at: 2026-11-01 10:00", "resolved_at: 2026-11-01 11:30"),
		"b.md": pm("title: B", "started_at: 2026-11-02 10:00", "resolved_at: 2026-11-03 10:00"),
		// Ongoing: counts up to now (2026-11-24 00:00), 2 hours.
		"c.md": pm("title: C", "status: draft", "started_at: 2026-11-23 22:00"),
		// No times at all: nothing.
		"d.md": pm("title: D", "status: draft"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	if got, want := s.ImpactTime(s.Incidents), 90*time.Minute+24*time.Hour+2*time.Hour; got != want {
		t.Errorf("ImpactTime = %v, want %v", got, want)
	}
	if !s.ByID["c"].Ongoing() || s.ByID["a"].Ongoing() {
		t.Error("c should be ongoing and a not")
	}
}

func TestNeighbours(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md": pm("title: A", "services: [api]", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"b.md": pm("title: B", "services: [billing]", "started_at: 2026-02-01 10:00", "resolved_at: 2026-02-01 11:00"),
		"c.md": pm("title: C", "services: [api, billing]", "started_at: 2026-03-01 10:00", "resolved_at: 2026-03-01 11:00"),
		"d.md": pm("title: D", "services: [api]", "started_at: 2026-04-01 10:00", "resolved_at: 2026-04-01 11:00"),
	}
	s := mustLoadSite(t, fsys, testConfig(t), true)
	name := func(p *postmortem.Postmortem) string {
		if p == nil {
			return "-"
		}
		return p.ID
	}
	for _, tc := range []struct{ service, id, older, newer string }{
		{"api", "a", "-", "c"},
		{"api", "c", "a", "d"},
		{"api", "d", "c", "-"},
		{"billing", "c", "b", "-"},
		{"billing", "b", "-", "c"},
		{"billing", "a", "-", "-"}, // not an incident of billing
	} {
		older, newer := s.Service(tc.service).Neighbours(s.ByID[tc.id])
		if name(older) != tc.older || name(newer) != tc.newer {
			t.Errorf("%s: Neighbours(%s) = %s, %s; want %s, %s", tc.service, tc.id, name(older), name(newer), tc.older, tc.newer)
		}
	}
}

func TestReadErrorsCarryLines(t *testing.T) {
	fsys := fstest.MapFS{
		"good.md": pm("title: Good", "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00"),
		"bad.md":  pm("title: Bad", "severity: SEV9", "started_at: 2026-01-01 10:00"),
	}
	s, diags := load(t, fsys, testConfig(t), true)
	if s != nil {
		t.Fatal("Load succeeded with an unknown severity")
	}
	var errs []string
	for _, d := range diags {
		if d.Level == diag.Error {
			errs = append(errs, d.String())
		}
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "content/bad.md:3: ") || !strings.Contains(errs[0], "SEV9") {
		t.Errorf("want one error at content/bad.md:3 about SEV9, got:\n%s", diagText(diags))
	}
}

func TestProgress(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		fsys[n+".md"] = pm("title: "+n, "started_at: 2026-01-01 10:00", "resolved_at: 2026-01-01 11:00")
	}
	var calls, last int
	s, diags := Load(fsys, testConfig(t), Options{Drafts: true, Now: now, Progress: func(done, total int) {
		calls++
		if total != 5 || done <= last {
			t.Errorf("Progress(%d, %d) after %d", done, total, last)
		}
		last = done
	}})
	if s == nil {
		t.Fatal(diagText(diags))
	}
	if calls != 5 || last != 5 {
		t.Errorf("Progress called %d times, last done %d; want 5, 5", calls, last)
	}
}

// TestSortNewestFirst: the sort through gathered keys orders incidents as
// newestFirst does, ties, missing dates and far years included.
func TestSortNewestFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	dates := []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999, time.UTC),
		time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), time.Date(2024, 3, 5, 10, 0, 0, 1, time.UTC),
		time.Date(2024, 3, 5, 11, 0, 0, 0, time.FixedZone("x", 3600))}
	for round := range 50 {
		var ps []*postmortem.Postmortem
		for i := range r.IntN(200) {
			p := &postmortem.Postmortem{ID: fmt.Sprintf("pm-%d", r.IntN(50)*1000+i)}
			if r.IntN(4) > 0 {
				p.StartedAt = dates[r.IntN(len(dates))].Add(time.Duration(r.IntN(3)) * time.Hour)
			}
			ps = append(ps, p)
		}
		want := slices.Clone(ps)
		slices.SortFunc(want, newestFirst)
		sortNewestFirst(ps)
		if !slices.Equal(ps, want) {
			t.Fatalf("round %d: the orders differ", round)
		}
	}
}
