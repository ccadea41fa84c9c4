package render

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zone database

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/themes"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenFiles are the rendered files compared with testdata/golden; the
// golden file's name is the output path with "/" turned into "__".
var goldenFiles = []string{
	"index.html",
	"incidents/index.html",
	"incidents/inc-2026-007/index.html",                // full YAML: fishbone, overdue action, retro on time
	"incidents/2025-07-14-search-index-lag/index.html", // TOML: summer time, retro late
	"incidents/2024-11-02-checkout-outage/index.html",  // no front matter
	"services/search/index.html",
	"metrics/index.html",
	"feed.xml",
	"sitemap.xml",
	"404.html",
	"communications/index.html",
	"actions/index.html",
	"retrospectives/index.html",
	"search/index.html",
	"customer/index.html",
	"customer/incidents/2025-07-14-search-index-lag/index.html", // no title: named from severity and service; Markdown made safe
	"customer/incidents/inc-2026-007/index.html",
	"customer/services/checkout/index.html",
	"customer/services/checkout/badge.svg",
	"customer/search/index.html",
	"customer/feed.xml",
	"customer/api/incidents.json",
}

// loadTestSite loads testdata/site with "today" fixed at 1 March 2026,
// midnight in Paris.
func loadTestSite(t testing.TB, drafts bool) (*site.Site, *config.Config, time.Time) {
	t.Helper()
	cfg, err := config.Load(filepath.Join("testdata", "site", "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, cfg.Location)
	s, diags := site.Load(os.DirFS(filepath.Join("testdata", "site", "content")), cfg, site.Options{Dir: "content", Drafts: drafts, Now: now})
	if s == nil {
		for _, d := range diags {
			t.Log(d)
		}
		t.Fatal("cannot load testdata/site")
	}
	return s, cfg, now
}

// renderTestSite loads testdata/site and renders it into memory with the
// default theme.
func renderTestSite(t *testing.T, drafts bool) (*output.Memory, Stats) {
	t.Helper()
	s, cfg, now := loadTestSite(t, drafts)
	mem := output.NewMemory()
	stats, err := Render(s, mem, Options{Theme: themes.Default, Metrics: metrics.New(cfg, s.Incidents, now),
		Customer: customer.New(s, metrics.DefaultWeights(cfg.Severities))})
	if err != nil {
		t.Fatal(err)
	}
	return mem, stats
}

// TestGolden renders testdata/site and compares selected files with
// testdata/golden. Run with -update to rewrite them, then read the diff: a
// golden file must be right, not merely new.
func TestGolden(t *testing.T) {
	mem, _ := renderTestSite(t, true)
	for _, name := range goldenFiles {
		t.Run(name, func(t *testing.T) {
			got, ok := mem.Files[name]
			if !ok {
				t.Fatalf("%s was not written; files: %v", name, mem.Names())
			}
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "__"))
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it, then review it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff describes the first differing line.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return "(same lines; different bytes)"
}

// TestFiles checks the list of files a small site gets, and the counts
// reported. Every severity of the scale and every status gets its list,
// even empty (no sev4, no review here), since the theme links to all of them.
func TestFiles(t *testing.T) {
	mem, stats := renderTestSite(t, true)
	want := []string{
		"404.html",
		"actions/index.html",
		"communications/index.html",
		"css/hindsight.css",
		"css/search.css",
		"customer/404.html",
		"customer/api/incidents.json",
		"customer/css/search.css",
		"customer/css/status.css",
		"customer/favicon.svg",
		"customer/feed.xml",
		"customer/incidents/2025-07-14-search-index-lag/index.html",
		"customer/incidents/inc-2026-007/index.html",
		"customer/incidents/index.html",
		"customer/index.html",
		"customer/js/search.js",
		"customer/search/index.html",
		"customer/services/checkout/badge.svg",
		"customer/services/checkout/feed.xml",
		"customer/services/checkout/index.html",
		"customer/services/search/badge.svg",
		"customer/services/search/feed.xml",
		"customer/services/search/index.html",
		"customer/services/transactional-mail/badge.svg",
		"customer/services/transactional-mail/feed.xml",
		"customer/services/transactional-mail/index.html",
		"customer/sitemap.xml",
		"favicon.svg",
		"feed.xml",
		"incidents/2024-11-02-checkout-outage/index.html",
		"incidents/2025-07-14-search-index-lag/index.html",
		"incidents/2026-02-27-search-latency/index.html",
		"incidents/by/service/checkout/index.html",
		"incidents/by/service/search/index.html",
		"incidents/by/severity/sev1/index.html",
		"incidents/by/severity/sev2/index.html",
		"incidents/by/severity/sev3/index.html",
		"incidents/by/severity/sev4/index.html",
		"incidents/by/status/draft/index.html",
		"incidents/by/status/published/index.html",
		"incidents/by/status/review/index.html",
		"incidents/by/year/2024/index.html",
		"incidents/by/year/2025/index.html",
		"incidents/by/year/2026/index.html",
		"incidents/inc-2026-007/index.html",
		"incidents/index.html",
		"index.html",
		"js/filter.js",
		"js/search.js",
		"metrics/30d/index.html",
		"metrics/365d/index.html",
		"metrics/90d/index.html",
		"metrics/index.html",
		"metrics/metrics.csv",
		"metrics/metrics.json",
		"retrospectives/index.html",
		"search/index.html",
		"services/checkout/index.html",
		"services/index.html",
		"services/mail/index.html",
		"services/search/index.html",
		"sitemap.xml",
		"tags/database/index.html",
		"tags/failover/index.html",
		"tags/index.html",
		"tags/indexing/index.html",
		"tags/latency/index.html",
		"tags/search/index.html",
	}
	got := mem.Names()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pages := 0
	for _, n := range got {
		if strings.HasSuffix(n, ".html") {
			pages++
		}
	}
	if stats.Files != len(got) || stats.Pages != pages {
		t.Errorf("Stats = %+v, want %d pages and %d files", stats, pages, len(got))
	}
}

// TestWithoutDrafts checks --drafts=false: the draft has no page, no row and
// no filter list.
func TestWithoutDrafts(t *testing.T) {
	mem, _ := renderTestSite(t, false)
	for name, b := range mem.Files {
		if strings.Contains(string(b), "search-latency") || strings.Contains(string(b), "Search latency above SLO") {
			t.Errorf("%s mentions the draft", name)
		}
	}
	if _, ok := mem.Files["incidents/by/status/draft/index.html"]; ok {
		t.Error("incidents/by/status/draft/index.html written without drafts")
	}
}
