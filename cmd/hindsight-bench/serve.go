package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// targetEdit is the target for an edit to show in the browser.
const targetEdit = 150 * time.Millisecond

// benchServe runs `hindsight serve` on the corpus and edits one postmortem's
// title several times, as an author would, timing from the moment the file
// is written: the reload event the open pages get, then the page a reload
// fetches (the incident, its service, tag and index pages, the metrics
// page: one open at a time), and the search API finding the new word. The
// edited file is restored at the end.
func benchServe(bin, dir, tmp string, perPage int) error {
	content := filepath.Join(dir, "content")
	files, _, err := site.Files(os.DirFS(content))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("listing the corpus: %v", err)
	}
	file := filepath.Join(content, filepath.FromSlash(files[len(files)/2]))
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	defer os.WriteFile(file, orig, 0o644)
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		return err
	}
	var diags diag.List
	p := (&postmortem.Reader{Config: cfg}).Read(file, orig, &diags)
	if p == nil || len(p.Services) == 0 || len(p.Tags) == 0 {
		return fmt.Errorf("%s: no postmortem with a service and a tag", file)
	}
	title := regexp.MustCompile(`(?m)^title: .*$`)
	if !title.Match(orig) {
		return fmt.Errorf("%s: no title line", file)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--content", content, "--config", filepath.Join(dir, "hindsight.yaml"),
		"--out", filepath.Join(tmp, "serve-public"), "--addr", addr)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	base := "http://" + addr
	fmt.Println("\nserve (one postmortem edited while serve runs; times from the write)")
	start := time.Now()
	if err := waitFor(base+"/", 5*time.Minute, nil); err != nil {
		os.Stdout.Write(log.Bytes())
		return err
	}
	fmt.Printf("  first build, until served:       %6.2f s\n", time.Since(start).Seconds())
	if err := waitFor(base+"/api/search?q=incident", 5*time.Minute, nil); err != nil {
		os.Stdout.Write(log.Bytes())
		return err
	}
	fmt.Printf("  search API ready after:          %6.2f s\n", time.Since(start).Seconds())

	resp, err := http.Get(base + "/_hindsight/events")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reloads := make(chan struct{}, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: reload" {
				reloads <- struct{}{}
			}
		}
	}()

	pages := []struct{ name, path string }{
		{"incident page", "/incidents/" + p.ID + "/"},
		{"its service page", "/services/" + postmortem.Slug(p.Services[0]) + "/"},
		{"its tag page", "/tags/" + postmortem.Slug(p.Tags[0]) + "/"},
		{"incidents index", "/incidents/"},
		{"metrics page", "/metrics/"},
	}
	// One page open at a time, as when an author keeps it beside the
	// editor: each round edits the file and fetches that page after the
	// reload event, as the page's script does, until it shows the edit.
	// Rounds are 300 ms apart: the output folder is written only once the
	// changes pause (a second), so each round is served from memory.
	times := map[string][]float64{}
	round := 0
	edit := func() (string, time.Time, error) {
		round++
		word := wordOf(round)
		time.Sleep(300 * time.Millisecond)
		t0 := time.Now()
		if err := os.WriteFile(file, title.ReplaceAll(orig, []byte("title: Edited "+word)), 0o644); err != nil {
			return "", t0, err
		}
		select {
		case <-reloads:
		case <-time.After(time.Minute):
			os.Stdout.Write(log.Bytes())
			return "", t0, fmt.Errorf("no reload event within a minute of the edit")
		}
		times["reload event"] = append(times["reload event"], ms(time.Since(t0)))
		return word, t0, nil
	}
	for _, pg := range pages {
		for range perPage {
			word, t0, err := edit()
			if err != nil {
				return err
			}
			want := word
			if pg.name == "metrics page" {
				want = "" // it shows no titles; fetched as a reload would
			}
			if err := waitFor(base+pg.path, 10*time.Second, func(b string) bool { return strings.Contains(b, want) }); err != nil {
				return fmt.Errorf("%s: %w", pg.name, err)
			}
			times[pg.name] = append(times[pg.name], ms(time.Since(t0)))
		}
	}
	for range perPage {
		word, t0, err := edit()
		if err != nil {
			return err
		}
		if err := waitFor(base+"/api/search?q="+word, 20*time.Second, func(b string) bool { return strings.Contains(b, `"`+p.ID+`"`) }); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		times["search API finds it"] = append(times["search API finds it"], ms(time.Since(t0)))
	}
	browserPages := append(pages, struct{ name, path string }{"search page", "/search/"})
	browserTimes, err := editInBrowser(base, p.ID, browserPages, perPage, edit, func() string { return wordOf(round + 1) })
	if err != nil {
		return err
	}
	fmt.Printf("  %d edits of %s, %d per page; median, 90th percentile and max in ms from the write (target: visible within %d ms)\n",
		round, filepath.Base(file), perPage, targetEdit.Milliseconds())
	for _, k := range []string{"reload event", "incident page", "its service page", "its tag page", "incidents index", "metrics page", "search API finds it"} {
		xs := times[k]
		fmt.Printf("  %-22s %6.0f %6.0f %6.0f\n", k+":", median(xs), quantile(xs, 0.9), slices.Max(xs))
	}
	if browserTimes != nil {
		fmt.Println("  in Chromium, the open page updating itself (patched in place, else reloaded) until a frame with the edit is drawn:")
		for _, pg := range browserPages {
			xs := browserTimes[pg.name]
			fmt.Printf("  %-22s %6.0f %6.0f %6.0f\n", pg.name+":", median(xs), quantile(xs, 0.9), slices.Max(xs))
		}
		fmt.Println("  (the search page is open with the query of the word the edit adds; it asks again once the search API has indexed the edit)")
	}
	return nil
}

// wordOf is the word the edit of round n puts in the title: unlike the
// last ones, since the search tolerates a typo and would find the
// postmortem by the previous round's word.
func wordOf(n int) string { return "zqx" + strings.Repeat(string(rune('a'+n%26)), 5) }

// editInBrowser opens each page in headless Chromium and, for a few edits,
// times from the write until the page, updated by its live script, has
// drawn a frame that shows the new title: the heading, or a link to the
// incident id. The search page is opened before each edit with the query
// of the word it will add (next). It returns nil when there is no
// Chromium.
func editInBrowser(base, id string, pages []struct{ name, path string }, perPage int, edit func() (string, time.Time, error), next func() string) (map[string][]float64, error) {
	path := browser.Find()
	if path == "" {
		fmt.Println("  in a browser: skipped (no Chromium; install chromium or set HINDSIGHT_CHROME)")
		return nil, nil
	}
	ctx, stop, err := browser.Start(path)
	if err != nil {
		return nil, err
	}
	defer stop()
	out := map[string][]float64{}
	for _, pg := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path)); err != nil {
			return nil, fmt.Errorf("%s: %w", pg.name, err)
		}
		time.Sleep(200 * time.Millisecond) // the live script connects
		for range perPage {
			if pg.name == "search page" {
				// The query of the word the edit adds: no result yet.
				if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path+"?q="+next())); err != nil {
					return nil, fmt.Errorf("%s: %w", pg.name, err)
				}
				if err := searchSettled(ctx); err != nil {
					return nil, err
				}
				time.Sleep(200 * time.Millisecond) // the live script connects
			}
			version, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.getAttribute('data-hindsight-page') || ''`))
			word, t0, err := edit()
			if err != nil {
				return nil, err
			}
			// Once the edit is in the page, two animation frames: the
			// second begins once the first, with the edit, is drawn.
			// A page that shows no titles (metrics) is up to date once its
			// live script has taken the update: it names the new version.
			// The cells holding links to the incident are found once (a
			// query over a list of 10,000 rows at every look would take
			// the page's time); a patch replaces the link in them.
			js := `(function () {
			  var word = ` + strconv.Quote(word) + `, before = ` + strconv.Quote(version) + `;
			  if (document.readyState !== 'complete') return false;
			  var h1 = document.querySelector('h1');
			  var v = document.documentElement.getAttribute('data-hindsight-page');
			  var cells = window.benchCells;
			  if (!cells || !cells.length || !cells.every(function (c) { return c.isConnected; })) {
			    cells = window.benchCells = Array.prototype.map.call(
			      document.querySelectorAll('a[href*="/' + ` + strconv.Quote(id) + ` + '/"]'), function (a) { return a.parentNode; });
			  }
			  var shown = ` + strconv.FormatBool(pg.name == "metrics page") + ` ? v !== null && v !== before :
			    h1 && h1.textContent.indexOf(word) >= 0 ||
			    cells.some(function (c) { return c.textContent.indexOf(word) >= 0; });
			  return shown && new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(function () { r(true); }); }); });
			})()`
			for {
				// The page navigates while it reloads: an evaluation may
				// fail then, and is tried again.
				shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
				if err == nil && shown {
					break
				}
				if time.Since(t0) > 10*time.Second {
					return nil, fmt.Errorf("%s: the edit did not show in Chromium within 10 s", pg.name)
				}
				time.Sleep(2 * time.Millisecond)
			}
			out[pg.name] = append(out[pg.name], ms(time.Since(t0)))
		}
	}
	return out, nil
}

// searchSettled waits until the open search page has answered its query
// from the search API.
func searchSettled(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () { var s = document.getElementById('search'); return s ? s.dataset.state + ' ' + s.dataset.source : ''; })()`))
		if err == nil && state == "done api" {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("search page: no answer from the search API within 10 s")
}

// quantile is the q-quantile of xs (nearest rank).
func quantile(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// waitFor gets url until it answers 200 with a body that ok accepts (nil:
// any), polling every 5 ms, for at most limit.
func waitFor(url string, limit time.Duration, ok func(string) bool) error {
	deadline := time.Now().Add(limit)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && (ok == nil || ok(string(b))) {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer as expected within %s (last: %s)", url, limit, last)
}
