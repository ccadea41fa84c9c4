package build

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/internal/browser"
)

// searchView is what a reader sees of the search page after a query.
type searchView struct {
	State    string     `json:"state"`
	Status   string     `json:"status"`
	Results  [][]string `json:"results"` // link, title, meta, snippet
	Marks    []string   `json:"marks"`
	Facets   [][]string `json:"facets"` // legend, label, count
	Requests []string   `json:"requests"`
}

// waitSearch waits for the search page to answer, and reads it.
const waitSearch = `new Promise(function (resolve) {
  (function poll() {
    var s = document.getElementById('search');
    if (!s || (s.dataset.state !== 'done' && s.dataset.state !== 'error' && s.dataset.state !== 'idle') || s.dataset.busy === '1') return setTimeout(poll, 20);
    var q = function (sel, root) { return Array.from((root || s).querySelectorAll(sel)); };
    resolve(JSON.stringify({
      state: s.dataset.state,
      status: s.querySelector('.search-status').textContent,
      results: q('.search-result').map(function (li) {
        var a = li.querySelector('a'), sn = li.querySelector('.snippet');
        return [a.href, a.textContent, li.querySelector('.meta').textContent, sn ? sn.textContent : ''];
      }),
      marks: q('mark').map(function (m) { return m.textContent; }),
      facets: q('.facet label').map(function (l) { return [l.closest('fieldset').querySelector('legend').textContent, l.textContent.trim(), l.querySelector('.count').textContent]; }),
      requests: JSON.parse(s.dataset.requests || '[]')
    }));
  })();
})`

func readSearch(t *testing.T, ctx context.Context, page string) searchView {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](waitSearch, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	var v searchView
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func openSearch(t *testing.T, ctx context.Context, page, q string) searchView {
	t.Helper()
	u := "file://" + page + "?q=" + url.QueryEscape(q)
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	return readSearch(t, ctx, page)
}

// rank is the position (1-based) of the first result whose link holds id, 0
// when none does.
func (v searchView) rank(id string) int {
	for i, r := range v.Results {
		if strings.Contains(r[0], "/incidents/"+id+"/") {
			return i + 1
		}
	}
	return 0
}

// TestSearchPageFromDisk builds the example knowledge base and searches it
// in Chromium from file:// URLs, as a reader who opened the site from disk:
// stemming, French, a typo, a word being typed, highlights, facets with
// counts, links that lead somewhere, at most 4 requests a query; and the
// customer site's search, which knows only customer text.
func TestSearchPageFromDisk(t *testing.T) {
	ctx := browser.New(t)
	out := t.TempDir()
	mustBuild(t, exampleOptions(t, out))
	page := filepath.Join(out, "search", "index.html")

	for _, c := range []struct{ q, id string }{
		{"certificates", "inc-2025-001"},      // stemmed: the title says "certificate"
		{"certifcate expird", "inc-2025-001"}, // two typos, one per word
		{"expired certif", "inc-2025-001"},    // the last word is being typed
		{"bascule postgresql", "2025-07-08-bascule-postgres-authentification"},
		{"quotas clouds", "inc-2026-015"}, // French plurals
	} {
		v := openSearch(t, ctx, page, c.q)
		if v.State != "done" {
			t.Fatalf("%q: page state %q, status %q", c.q, v.State, v.Status)
		}
		if r := v.rank(c.id); r < 1 || r > 3 {
			t.Errorf("%q: %s ranks %d, want top 3; results: %v", c.q, c.id, r, v.Results)
		}
		if len(v.Requests) > 4 {
			t.Errorf("%q: %d requests (%v), want at most 4", c.q, len(v.Requests), v.Requests)
		}
		for _, r := range v.Results {
			u, err := url.Parse(r[0])
			if err != nil || u.Scheme != "file" {
				t.Fatalf("%q: result link %q", c.q, r[0])
			}
			if _, err := os.Stat(u.Path); err != nil {
				t.Errorf("%q: result link %q leads nowhere", c.q, r[0])
			}
		}
	}

	// Highlights and facets.
	v := openSearch(t, ctx, page, "certificate")
	if len(v.Marks) == 0 || !strings.EqualFold(v.Marks[0][:4], "cert") {
		t.Errorf("no highlighted word in the results: %v", v.Marks)
	}
	var sev []string
	for _, f := range v.Facets {
		if f[0] == "Severity" {
			sev = f
			break
		}
	}
	if sev == nil {
		t.Fatalf("no severity facet: %v", v.Facets)
	}
	// Ticking a severity keeps only its results, as many as its count said.
	if err := chromedp.Do(ctx, chromedp.Click(`fieldset.facet:nth-of-type(2) input`)); err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Facets {
		if f[0] == "Severity" {
			sev = f
			break
		}
	}
	after := readSearch(t, ctx, page)
	if want := sev[2]; len(after.Results) > 0 && !strings.Contains(after.Status, want) {
		t.Errorf("ticking %q (count %s): status %q", sev[1], want, after.Status)
	}
	for _, r := range after.Results {
		if !strings.Contains(r[2], strings.Fields(sev[1])[0]) {
			t.Errorf("ticking %q kept %v", sev[1], r)
		}
	}

	// No result, and a query of stop words only.
	if v := openSearch(t, ctx, page, "zzzqqqxxx"); len(v.Results) != 0 || !strings.HasPrefix(v.Status, "No result") {
		t.Errorf("nonsense query: %v %q", v.Results, v.Status)
	}

	// The customer site: its own index, customer words only.
	cpage := filepath.Join(out, "customer", "search", "index.html")
	cv := openSearch(t, ctx, cpage, "collection interruption")
	if len(cv.Results) == 0 || !strings.Contains(cv.Results[0][1], "Data collection interruption") {
		t.Fatalf("customer search: %v (%s)", cv.Results, cv.Status)
	}
	for _, r := range cv.Results {
		if strings.Contains(r[1], "Expired TLS certificate") {
			t.Errorf("the customer search shows an internal title: %v", r)
		}
		if !strings.Contains(r[0], "/customer/incidents/") {
			t.Errorf("customer result links out of the customer site: %s", r[0])
		}
	}
	// A word of the internal root cause only.
	if cv := openSearch(t, ctx, cpage, "collect.nimbus.example"); len(cv.Results) != 0 {
		t.Errorf("the customer search finds an internal host name: %v", cv.Results)
	}
}

// TestSearchShowsInjectionInert searches, in Chromium, a site whose
// postmortem carries markup and script in every field: both sites' search
// pages show it as text, and nothing runs.
func TestSearchShowsInjectionInert(t *testing.T) {
	ctx := browser.New(t)
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	opts := smallOptions(t, map[string]string{"evil.md": injectionSource(), "good.md": goodPostmortem})
	mustBuild(t, opts)
	for _, p := range []string{"search/index.html", "customer/search/index.html"} {
		v := openSearch(t, ctx, filepath.Join(opts.OutDir, filepath.FromSlash(p)), "script alert")
		if len(v.Results) == 0 {
			t.Fatalf("%s: no result for the evil postmortem (%s)", p, v.Status)
		}
		if !strings.Contains(v.Results[0][1], "<script>alert(1)</script>") {
			t.Errorf("%s: the title is not shown as text: %q", p, v.Results[0][1])
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#search script, #search img, #search svg, #search iframe, #search [onerror], #search [onload]').length`))
		if err != nil || raw != 0 {
			t.Errorf("%s: %d live elements in the results (%v)", p, raw, err)
		}
	}
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d alert dialogs opened", n)
	}
}
