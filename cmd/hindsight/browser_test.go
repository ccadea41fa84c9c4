package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// recorder keeps what a tab reports: errors of any kind and every URL it
// requests.
type recorder struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func record(t *testing.T, ctx context.Context) *recorder {
	t.Helper()
	r := &recorder{}
	err := chromedp.Listen(ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			r.errors = append(r.errors, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				r.errors = append(r.errors, "console.error: "+strings.Join(args, " "))
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				r.errors = append(r.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *network.EventLoadingFailed:
			r.errors = append(r.errors, "failed request: "+e.ErrorText)
		case *network.EventRequestWillBeSent:
			r.requests = append(r.requests, e.Request.URL)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *recorder) take() (errors, requests []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	errors, requests = r.errors, r.requests
	r.errors, r.requests = nil, nil
	return errors, requests
}

// settle waits for the page to load and its scripts to finish their work
// (the search page answers).
const settle = `new Promise(function (resolve) {
  (function poll() {
    var s = document.getElementById('search');
    if (document.readyState !== 'complete' || (s && s.dataset.state !== 'done' && s.dataset.state !== 'idle' && s.dataset.state !== 'error')) return setTimeout(poll, 20);
    setTimeout(function () { resolve(document.title); }, 50);
  })();
})`

// openSettled opens url in the browser and waits for the page to settle.
func openSettled(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](settle, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

func firstDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			return e.Name()
		}
	}
	t.Fatalf("no folder in %s", dir)
	return ""
}

// screenshotDir is where the browser tests leave screenshots for review
// (git-ignored).
func screenshotDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEveryPageInBrowser serves the example site from a plain static
// server and opens every kind of page in Chromium: none may log an error or
// fail a request; the metrics charts are visible; the search page finds an
// incident; the customer site never requests anything outside itself.
// Screenshots of the main pages go to screenshots/.
func TestEveryPageInBrowser(t *testing.T) {
	ctx := browser.New(t)
	rec := record(t, ctx)
	cfg, err := config.Load("../../hindsight.yaml", true)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := build.Build(build.Options{ContentDir: "../../content", OutDir: out, Config: cfg, Drafts: true,
		Now: time.Date(2026, 11, 24, 0, 0, 0, 0, cfg.Location)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(staticHandler(out))
	defer srv.Close()
	// The customer site as it is deployed: its folder at the root of a host.
	csrv := httptest.NewServer(staticHandler(filepath.Join(out, "customer")))
	defer csrv.Close()

	service := firstDir(t, filepath.Join(out, "services"))
	tag := firstDir(t, filepath.Join(out, "tags"))
	cservice := firstDir(t, filepath.Join(out, "customer", "services"))
	shots := map[string]string{"/": "home", "/incidents/inc-2025-001/": "incident", "/services/" + service + "/": "service",
		"/metrics/": "metrics", "customer:/": "customer-home", "customer:/services/" + cservice + "/": "customer-service",
		"/search/?q=certificate": "search"}
	pages := []string{"/", "/incidents/", "/incidents/inc-2025-001/", "/incidents/2025-07-08-bascule-postgres-authentification/",
		"/services/", "/services/" + service + "/", "/tags/", "/tags/" + tag + "/", "/metrics/", "/metrics/90d/",
		"/actions/", "/retrospectives/", "/communications/", "/search/?q=certificate", "/404.html",
		"customer:/", "customer:/incidents/", "customer:/incidents/inc-2025-001/", "customer:/services/" + cservice + "/",
		"customer:/search/?q=collection", "customer:/404.html", "customer:/no-such-page/"}
	for _, p := range pages {
		rec.take()
		base := srv.URL
		path, customer := strings.CutPrefix(p, "customer:")
		if customer {
			base = csrv.URL
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](settle, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		errs, reqs := rec.take()
		for _, e := range errs {
			if strings.Contains(path, "404") || strings.Contains(path, "no-such-page") {
				if strings.Contains(e, "404 (Not Found)") && strings.Contains(e, path) {
					continue // the page itself, answered with its status
				}
			}
			t.Errorf("%s: %s", p, e)
		}
		for _, u := range reqs {
			if !strings.HasPrefix(u, base+"/") {
				t.Errorf("%s requests %s, outside its site", p, u)
			}
		}
		if name, ok := shots[p]; ok {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(screenshotDir(t), name+".jpg"), png, 0o644)
		}
	}

	// Charts: the metrics page's SVG charts take room on the page.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/metrics/")); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(Array.from(document.querySelectorAll('main svg')).map(function (s) {
	  var r = s.getBoundingClientRect(), st = getComputedStyle(s);
	  return [Math.round(r.width), Math.round(r.height), st.visibility, st.display];
	}))`))
	if err != nil {
		t.Fatal(err)
	}
	var charts [][]any
	json.Unmarshal([]byte(raw), &charts)
	visible := 0
	for _, c := range charts {
		if c[0].(float64) > 100 && c[1].(float64) > 50 && c[2] == "visible" && c[3] != "none" {
			visible++
		}
	}
	if visible < 2 {
		t.Errorf("the metrics page shows %d visible charts: %v", visible, charts)
	}

	// The header's search box, on a plain static server.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/incidents/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
	  var f = document.querySelector('.header-search');
	  f.querySelector('input').value = 'expired certificate';
	  setTimeout(function () { f.requestSubmit(); }, 0);
	  return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](`new Promise(function (resolve) {
	  (function poll() {
	    var s = document.getElementById('search');
	    if (!s || s.dataset.state !== 'done') return setTimeout(poll, 20);
	    resolve(Array.from(s.querySelectorAll('.search-result a')).map(function (a) { return a.href; }).join(' '));
	  })();
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, "/incidents/inc-2025-001/") {
		t.Errorf("the header search box did not find inc-2025-001: %s", raw)
	}
}

// TestLiveReloadInBrowser keeps an incident page open while its file is
// edited, broken and fixed under serve: the page shows the edit within 2 s
// by itself, then the overlay with the error, then the fixed page, each
// patched in place rather than reloaded. Then the filtered incidents
// index takes an edit in place and keeps its filter, and a config change
// reloads it.
func TestLiveReloadInBrowser(t *testing.T) {
	ctx := browser.New(t)
	s := startLive(t)
	openSettled(t, ctx, s.srv.URL+"/incidents/inc-2025-001/")
	// Set on the window, it is gone if the page reloads.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	// Let the page's event stream connect before the edit.
	time.Sleep(300 * time.Millisecond)
	waitFor := func(what, js string, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for time.Now().Before(deadline) {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
			if err == nil && ok {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: not within %s", what, within)
	}

	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	orig, _ := os.ReadFile(file)
	edited := strings.Replace(string(orig), "title: Expired TLS certificate", "title: Live edit of the TLS certificate", 1)
	os.WriteFile(file, []byte(edited), 0o644)
	waitFor("the edit on the open page", `document.querySelector('h1').textContent.indexOf('Live edit') >= 0`, 2*time.Second)

	os.WriteFile(file, []byte(strings.Replace(edited, "severity: SEV1", "severity: SEV9", 1)), 0o644)
	waitFor("the error overlay", `(function(){var b=document.getElementById('hindsight-problems');return !!b && b.textContent.indexOf('2025-03-13-collect-tls-certificate-expired.md:')>=0})()`, 5*time.Second)
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('h1').textContent.indexOf('Live edit') >= 0`)); !ok {
		t.Error("the last good page is not shown under the overlay")
	}

	os.WriteFile(file, orig, 0o644)
	waitFor("the overlay gone and the page fixed", `!document.getElementById('hindsight-problems') && document.querySelector('h1').textContent.indexOf('Expired TLS certificate') >= 0`, 5*time.Second)
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !ok {
		t.Error("the incident page reloaded instead of taking the patches")
	}

	// The incidents index, filtered to SEV1.
	openSettled(t, ctx, s.srv.URL+"/incidents/?severity=SEV1")
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))
	time.Sleep(300 * time.Millisecond)
	const shown = `Array.from(document.querySelectorAll('table.incidents tbody tr')).filter(function (r) { return !r.hidden; })`
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](shown+`.length`))
	if err != nil || before == 0 {
		t.Fatalf("%d SEV1 rows shown (%v)", before, err)
	}
	os.WriteFile(file, []byte(edited), 0o644)
	waitFor("the edit in the index", `document.querySelector('table.incidents').closest('main').textContent.indexOf('Live edit of the TLS') >= 0`, 2*time.Second)
	after, _ := chromedp.Run(ctx, chromedp.Evaluate[int](shown+`.length`))
	hiddenOK, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](shown+`.every(function (r) { return r.dataset.severity === 'SEV1'; })`))
	if after != before || !hiddenOK {
		t.Errorf("after the patch %d rows shown, %d before; only SEV1: %v", after, before, hiddenOK)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !ok {
		t.Error("the incidents index reloaded instead of taking the patches")
	}
	cfg, _ := os.ReadFile(filepath.Join(s.dir, "hindsight.yaml"))
	os.WriteFile(filepath.Join(s.dir, "hindsight.yaml"), append(cfg, "\n# changed\n"...), 0o644)
	waitFor("a reload after a config change", `window.notReloaded !== true && document.readyState === 'complete'`, 5*time.Second)
	os.WriteFile(file, orig, 0o644)
}

// TestSearchPageFollowsEdits opens the search page under serve with a
// query that finds nothing yet, gives a postmortem that word, and expects
// the open page to list it once the search API has indexed the edit,
// without reloading.
func TestSearchPageFollowsEdits(t *testing.T) {
	ctx := browser.New(t)
	s := startLive(t)
	openSettled(t, ctx, s.srv.URL+"/search/?q=zyxwordlive")
	state := `(function(){var s=document.getElementById('search');return s.dataset.source+' '+s.querySelectorAll('.search-result').length})()`
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](state)); got != "api 0" {
		t.Fatalf("before the edit: source and results %q, want \"api 0\"", got)
	}
	chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`))
	time.Sleep(300 * time.Millisecond) // the event stream connects

	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	orig, _ := os.ReadFile(file)
	t.Cleanup(func() { os.WriteFile(file, orig, 0o644) })
	os.WriteFile(file, []byte(strings.Replace(string(orig), "title: Expired TLS certificate", "title: Expired TLS certificate zyxwordlive", 1)), 0o644)
	found := `(function(){var a=document.querySelector('#search .search-result a');return !!a && a.textContent.indexOf('zyxwordlive')>=0 && a.getAttribute('href').indexOf('inc-2025-001')>=0})()`
	deadline := time.Now().Add(5 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](found)); err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('search').textContent`))
			t.Fatalf("the open search page does not list the edited postmortem within 5 s; it shows %q", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !ok {
		t.Error("the search page reloaded instead of asking again")
	}
}
