package htmldiff

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// TestBrowserAgrees builds the example knowledge base and, for every
// element of each kind of page, compares what this package reads (its
// place among its parent's element children, its name, the hash of its
// text) with what Chromium built from the same page: a patch finds its
// element in the browser only if the two agree.
func TestBrowserAgrees(t *testing.T) {
	ctx := browser.New(t)
	cfg, err := config.Load(filepath.Join("..", "..", "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(build.Options{ContentDir: filepath.Join("..", "..", "content"), OutDir: out, Config: cfg, Drafts: true,
		Now: time.Date(2026, 11, 24, 0, 0, 0, 0, cfg.Location)}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	const walk = `(function () {
	  function hash(s) {
	    var h = 0x811c9dc5;
	    for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
	    return h >>> 0;
	  }
	  var out = [];
	  (function visit(el, path) {
	    var frame = el.localName === 'html' || el.localName === 'head' || el.localName === 'body';
	    out.push(path.join('.') + ' ' + el.localName.toLowerCase() + ' ' + (frame ? '' : hash(el.textContent)));
	    for (var i = 0; i < el.children.length; i++) visit(el.children[i], path.concat(i));
	  })(document.documentElement, []);
	  return JSON.stringify(out);
	})()`
	pages, err := filepath.Glob(filepath.Join(out, "incidents", "*", "index.html"))
	if err != nil || len(pages) < 20 {
		t.Fatalf("%d incident pages (%v)", len(pages), err)
	}
	for i, p := range pages {
		pages[i], _ = filepath.Rel(out, p)
	}
	pages = append(pages, "index.html", "incidents/index.html", "services/tag-collector/index.html", "metrics/index.html",
		"actions/index.html", "retrospectives/index.html", "tags/tls/index.html", "search/index.html",
		"customer/index.html", "customer/incidents/inc-2025-001/index.html")
	for _, page := range pages {
		page = filepath.ToSlash(page)
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		tr, ok := parse(b)
		if !ok || len(tr.roots) != 1 {
			t.Errorf("%s: not read", page)
			continue
		}
		var want []string
		var visit func(id int32, path []string)
		visit = func(id int32, path []string) {
			// Patches never replace <html>, <head> or <body>, whose text
			// the browser changes (the spaces around <head>).
			n := &tr.nodes[id]
			h := ""
			if n.kind&frame == 0 {
				h = fmt.Sprint(TextHash(tr.text(b, id)))
			}
			want = append(want, fmt.Sprintf("%s %s %s", strings.Join(path, "."), strings.ToLower(n.tag), h))
			i := 0
			for c := tr.nodes[id].first; c >= 0; c = tr.nodes[c].next {
				visit(c, append(path[:len(path):len(path)], fmt.Sprint(i)))
				i++
			}
		}
		visit(tr.roots[0], nil)
		// The page as the browser shows it, its scripts run: what a
		// patch meets.
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+page)); err != nil {
			t.Fatal(err)
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](walk))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s: the browser has %d elements, this package %d", page, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("%s: element %d: the browser has %q, this package %q", page, i, got[i], want[i])
				break
			}
		}
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
