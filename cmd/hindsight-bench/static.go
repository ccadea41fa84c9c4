package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	hbuild "github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/search"
	"github.com/hindsight-sre/hindsight/generator/sitesearch"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// Targets of the static search, from the search issue.
const (
	targetStaticAdd  = time.Second
	targetFirstBytes = 150 << 10
	targetLaterBytes = 50 << 10
	targetRequests   = 4
	targetIndexFiles = 2000
)

// staticQueries are typed into the search page: words as engineers type
// them, in English and French, with typos and a word still being typed.
var staticQueries = []string{
	"dns", "certificate expired", "cascading timeouts", "disk full", "out of memory", "schema migration",
	"rabbitmq capacity", "connection pool", "deploy rollback", "latency spike kafka", "timout", "certifcate",
	"rabbi", "panne base de données", "perte de messages", "health checks dependency", "packet loss",
	"status page", "quota limit exceeded", "redis eviction", "certificates", "tls handshake", "replica lag",
	"feature flag", "config push",
}

// benchStatic measures the static search index: the time it adds to a build
// (inBuild: the "search indexes" stage of the timed builds, both indexes
// written; and computed on its own, in this process, from the loaded
// corpus), its size and file count against the Markdown corpus, and, in
// Chromium when there is one, the requests and bytes each query of the
// search page loads.
func benchStatic(dir, site string, inBuild float64) error {
	fmt.Println("\nstatic search (the index in the site, search/)")
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		return err
	}
	s, _, err := hbuild.Load(hbuild.Options{ContentDir: filepath.Join(dir, "content"), Config: cfg, Drafts: true, Now: time.Now()})
	if err != nil {
		return err
	}
	var times []float64
	var st sitesearch.Stats
	for range 3 {
		start := time.Now()
		docs := hbuild.SearchDocs(s)
		_, st, err = sitesearch.Build(docs, sitesearch.Options{Synonyms: search.ForConfig(cfg.Synonyms)})
		if err != nil {
			return err
		}
		times = append(times, time.Since(start).Seconds())
	}
	md, err := markdownSize(filepath.Join(dir, "content"))
	if err != nil {
		return err
	}
	t := median(times)
	fmt.Printf("  in the builds above:            %6.2f s (median of the search indexes stage, customer index and writing included; target ≤ %.0f s: %s)\n",
		inBuild, targetStaticAdd.Seconds(), verdict(inBuild <= targetStaticAdd.Seconds()))
	fmt.Printf("  index of %d postmortems alone: %6.2f s (median of 3, in this process, nothing written)\n", st.Docs, t)
	fmt.Printf("  size:                           %6.1f MB in %d files (%d term shards), %d terms\n", float64(st.Bytes)/(1<<20), st.Files, st.Shards, st.Terms)
	fmt.Printf("  against the Markdown (%.1f MB): %5.1f %% (target < 50 %%: %s); files target ≤ %d: %s\n",
		float64(md)/(1<<20), 100*float64(st.Bytes)/float64(md), verdict(st.Bytes*2 < md), targetIndexFiles, verdict(st.Files <= targetIndexFiles))
	return benchQueriesInBrowser(site)
}

func markdownSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	return n, err
}

// benchQueriesInBrowser types each query into the built site's search page,
// from disk: once on a fresh page (the first query: the manifest too), once
// after another query (a later one), and adds up the files each loaded.
func benchQueriesInBrowser(site string) error {
	path := browser.Find()
	if path == "" {
		fmt.Println("  bytes per query: skipped (no Chromium; install chromium or set HINDSIGHT_CHROME)")
		return nil
	}
	ctx, stop, err := browser.Start(path)
	if err != nil {
		return err
	}
	defer stop()
	if err := benchListPages(ctx, site); err != nil {
		return err
	}
	page := "file://" + filepath.Join(site, "search", "index.html")
	type measure struct {
		query    string
		files    []string
		bytes    int64
		requests int
		ms       float64
	}
	read := func() (measure, error) {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(function (resolve) {
		  (function poll() {
		    var s = document.getElementById('search');
		    if (!s || (s.dataset.state !== 'done' && s.dataset.state !== 'error')) return setTimeout(poll, 10);
		    resolve(JSON.stringify({state: s.dataset.state, requests: JSON.parse(s.dataset.requests || '[]'), ms: +s.dataset.ms}));
		  })();
		})`, chromedp.EvalAwaitPromise))
		if err != nil {
			return measure{}, err
		}
		var v struct {
			State    string
			Requests []string
			Ms       float64
		}
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return measure{}, err
		}
		if v.State != "done" {
			return measure{}, fmt.Errorf("the search page failed (%s)", v.State)
		}
		m := measure{requests: len(v.Requests), ms: v.Ms, files: v.Requests}
		for _, name := range v.Requests {
			info, err := os.Stat(filepath.Join(site, "search", filepath.FromSlash(name)))
			if err != nil {
				return measure{}, err
			}
			m.bytes += info.Size()
		}
		return m, nil
	}
	var first, later []measure
	for i, q := range staticQueries {
		if err := chromedp.Do(ctx, chromedp.Navigate(page+"?q="+url.QueryEscape(q))); err != nil {
			return err
		}
		m, err := read()
		if err != nil {
			return fmt.Errorf("%q: %w", q, err)
		}
		m.query = q
		first = append(first, m)
		next := staticQueries[(i+1)%len(staticQueries)]
		js := fmt.Sprintf(`(function(){var i=document.getElementById('search-q');i.value=%q;document.getElementById('search').dataset.state='typing';i.dispatchEvent(new Event('input'));return ''})()`, next)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil {
			return err
		}
		m, err = read()
		if err != nil {
			return fmt.Errorf("%q after %q: %w", next, q, err)
		}
		m.query = next
		later = append(later, m)
	}
	summary := func(what string, ms []measure, limit int64) {
		bytes := make([]float64, len(ms))
		reqs := make([]float64, len(ms))
		times := make([]float64, len(ms))
		for i, m := range ms {
			bytes[i], reqs[i], times[i] = float64(m.bytes), float64(m.requests), m.ms
		}
		maxB, maxR := slices.Max(bytes), slices.Max(reqs)
		fmt.Printf("  %-12s %3d queries: median %5.1f KB, max %5.1f KB (target ≤ %d KB: %s); requests median %.0f, max %.0f (target ≤ %d: %s); answer median %.0f ms\n",
			what, len(ms), median(bytes)/1024, maxB/1024, limit>>10, verdict(maxB <= float64(limit)), median(reqs), maxR, targetRequests, verdict(maxR <= targetRequests), median(times))
		for _, m := range ms {
			if float64(m.bytes) > float64(limit) || m.requests > targetRequests {
				fmt.Printf("      over: %q, %.1f KB in %d files %v\n", m.query, float64(m.bytes)/1024, m.requests, m.files)
			}
		}
	}
	summary("first query", first, targetFirstBytes)
	summary("later query", later, targetLaterBytes)
	return nil
}

// benchListPages opens the site's longest lists in Chromium, from disk, and
// times each until its first frame is drawn (median of 3): the incidents
// index, the largest service page and the actions page.
func benchListPages(ctx context.Context, site string) error {
	services, err := filepath.Glob(filepath.Join(site, "services", "*", "index.html"))
	if err != nil {
		return err
	}
	largest, size := "", int64(0)
	for _, p := range services {
		if info, err := os.Stat(p); err == nil && info.Size() > size {
			largest, size = p, info.Size()
		}
	}
	pages := []string{filepath.Join(site, "incidents", "index.html"), largest, filepath.Join(site, "actions", "index.html")}
	fmt.Println("  list pages in Chromium, from disk, until the first frame is drawn (median of 3):")
	for _, p := range pages {
		if p == "" {
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return err
		}
		var times []float64
		for range 3 {
			start := time.Now()
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+p)); err != nil {
				return err
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(function () { r(true); }); }); })`, chromedp.EvalAwaitPromise)); err != nil {
				return err
			}
			times = append(times, time.Since(start).Seconds())
		}
		rel, _ := filepath.Rel(site, p)
		fmt.Printf("    %-34s %6.2f s (%.1f MB)\n", filepath.ToSlash(rel)+":", median(times), float64(info.Size())/(1<<20))
	}
	return nil
}
