package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// serveExample builds the example knowledge base and serves it as `hindsight
// serve` does, with the search API, once the index is open.
func serveExample(t *testing.T) *httptest.Server {
	t.Helper()
	content, _ := filepath.Abs("../../content")
	cfg, err := config.Load("../../hindsight.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	opts := build.Options{ContentDir: content, OutDir: out, Config: cfg, Drafts: false,
		Now: time.Date(2026, 11, 24, 0, 0, 0, 0, cfg.Location)}
	if _, err := build.Build(opts); err != nil {
		t.Fatal(err)
	}
	api := openSearchAPI(content, t.TempDir(), cfg, false, io.Discard)
	<-api.ready
	if api.err != nil {
		t.Fatal(api.err)
	}
	srv := httptest.NewServer(withSearchAPI(staticHandler(out), out, api))
	t.Cleanup(func() { srv.Close(); api.Close() })
	return srv
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSearchAPI(t *testing.T) {
	srv := serveExample(t)

	code, body := get(t, srv.URL+"/api/search?q=certificates")
	var ans apiAnswer
	if err := json.Unmarshal([]byte(body), &ans); err != nil || code != 200 {
		t.Fatalf("%d %v: %s", code, err, body)
	}
	if len(ans.Results) < 2 || (ans.Results[0].ID != "inc-2025-001" && ans.Results[1].ID != "inc-2025-001") || ans.Results[0].Snippet == "" {
		t.Fatalf("certificates: %+v", ans.Results)
	}
	if strings.Contains(ans.Results[0].Snippet, "<") {
		t.Errorf("the snippet should be plain text: %q", ans.Results[0].Snippet)
	}
	for _, f := range []string{"services", "severity", "year"} {
		if len(ans.Facets[f]) == 0 {
			t.Errorf("no %s facet: %v", f, ans.Facets)
		}
	}
	for _, r := range ans.Results {
		if r.ID == "" || r.Title == "" {
			t.Errorf("incomplete result %+v", r)
		}
	}

	// Filters: either value of a field, every field.
	code, body = get(t, srv.URL+"/api/search?limit=50&q=certificate&severity=SEV1&severity=SEV2&year=2025")
	var f apiAnswer
	if err := json.Unmarshal([]byte(body), &f); err != nil || code != 200 {
		t.Fatalf("%d %v: %s", code, err, body)
	}
	if len(f.Results) == 0 || len(f.Results) >= len(ans.Results)+10 {
		t.Errorf("filtered: %d results", len(f.Results))
	}
	for _, r := range f.Results {
		if (r.Severity != "SEV1" && r.Severity != "SEV2") || !strings.HasPrefix(r.Date, "2025") {
			t.Errorf("the filter kept %+v", r)
		}
	}

	// Limits and errors.
	code, body = get(t, srv.URL+"/api/search?limit=1000&q=the+incident")
	if err := json.Unmarshal([]byte(body), &ans); err != nil || code != 200 || len(ans.Results) > apiMaxLimit {
		t.Errorf("limit: %d results (%d)", len(ans.Results), code)
	}
	for q, want := range map[string]string{
		"":                                  "missing q",
		"q=" + strings.Repeat("x", 10000):   "the limit is 500",
		"q=colour:red":                      `unknown field`,
		"q=%22unclosed":                     "unbalanced quote",
		"q=dns&limit=-1":                    "limit must be a positive number",
		"q=dns&services=api&year=last+year": "is not a number",
	} {
		code, body := get(t, srv.URL+"/api/search?"+q)
		if code != 400 || !strings.Contains(body, want) {
			t.Errorf("%.40s: %d %s, want 400 with %q", q, code, body, want)
		}
	}

	// The internal manifest names the API; the customer one never does.
	if _, js := get(t, srv.URL+"/search/index.js"); !strings.HasPrefix(js, `window.hindsightSearchAPI = "/api/search";`) {
		t.Errorf("search/index.js does not name the API: %.80s", js)
	}
	if _, js := get(t, srv.URL+"/customer/search/index.js"); strings.Contains(js, "hindsightSearchAPI") {
		t.Error("the customer site's search would ask the internal search API")
	}
}

// TestSearchPagePrefersAPI opens the search page under serve: it answers
// from the server's search, with results and facets.
func TestSearchPagePrefersAPI(t *testing.T) {
	ctx := browser.New(t)
	srv := serveExample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search/index.html?q=certificates")); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(wait, chromedp.Evaluate[string](`new Promise(function (resolve) {
	  (function poll() {
	    var s = document.getElementById('search');
	    if (s.dataset.state !== 'done' && s.dataset.state !== 'error') return setTimeout(poll, 20);
	    resolve(JSON.stringify({source: s.dataset.source || '', state: s.dataset.state,
	      first: (s.querySelector('.search-result a') || {}).textContent || '',
	      facets: s.querySelectorAll('.facet label').length, marks: s.querySelectorAll('mark').length}));
	  })();
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Source, State, First string
		Facets, Marks        int
	}
	json.Unmarshal([]byte(raw), &v)
	if v.Source != "api" || v.State != "done" || !strings.Contains(v.First, "certificate") || v.Facets == 0 || v.Marks == 0 {
		t.Errorf("under serve the page should answer from the API: %+v", v)
	}
}
