package build

import (
	"encoding/xml"
	"html"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// linkAttr finds the href and src attributes the theme writes (always
// double-quoted by html/template).
var linkAttr = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)

// links returns the unescaped href and src values of an HTML page.
func links(page []byte) []string {
	var out []string
	for _, m := range linkAttr.FindAllSubmatch(page, -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	return out
}

// external reports whether a link leaves the site or stays on the page.
func external(link string) bool {
	l := strings.ToLower(link)
	for _, p := range []string{"http:", "https:", "mailto:", "#"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// target resolves a link found on page (a slash-separated output path) to
// the output file it points to, "" when it leaves the output folder.
func target(t *testing.T, page, link string) string {
	t.Helper()
	link, _, _ = strings.Cut(link, "#")
	link, _, _ = strings.Cut(link, "?")
	p, err := url.PathUnescape(link)
	if err != nil {
		t.Errorf("%s: link %q does not unescape: %v", page, link, err)
		return ""
	}
	if p == "" {
		return page // a link to the page itself
	}
	joined := path.Join(path.Dir(page), p)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return ""
	}
	if strings.HasSuffix(p, "/") {
		joined += "/index.html"
	}
	return joined
}

var idAttr = regexp.MustCompile(`\sid="([^"]*)"`)

// ids returns how many times each id is used on an HTML page.
func ids(page []byte) map[string]int {
	n := map[string]int{}
	for _, m := range idAttr.FindAllSubmatch(page, -1) {
		n[html.UnescapeString(string(m[1]))]++
	}
	return n
}

// checkLinks asserts that every relative link of every page of the output
// folder out names a file that exists, so the site works opened from disk
// and served under any sub-path; that links to #fragments of the same page
// find their target; that no page but the 404 pages uses root-absolute
// links; and that no page of the customer site links out of it. It returns
// how many links it followed.
func checkLinks(t *testing.T, out string) int {
	t.Helper()
	files := readTree(t, out)
	followed := 0
	for name, b := range files {
		if !strings.HasSuffix(name, ".html") || name == "404.html" || name == "customer/404.html" {
			continue
		}
		isCustomer := strings.HasPrefix(name, "customer/")
		pageIDs := ids(b)
		for _, l := range links(b) {
			if frag, ok := strings.CutPrefix(l, "#"); ok && frag != "" {
				if pageIDs[frag] == 0 {
					t.Errorf("%s: link %q: no element has that id", name, l)
				}
				followed++
				continue
			}
			if external(l) {
				continue
			}
			if strings.HasPrefix(l, "/") {
				t.Errorf("%s: link %q is root-absolute: it breaks from disk and under a sub-path", name, l)
				continue
			}
			if u, err := url.Parse(l); err != nil || u.Scheme != "" {
				t.Errorf("%s: link %q is not a plain relative link", name, l)
				continue
			}
			tgt := target(t, name, l)
			if tgt == "" {
				t.Errorf("%s: link %q leads out of the site", name, l)
				continue
			}
			if _, ok := files[tgt]; !ok {
				t.Errorf("%s: link %q: %s does not exist", name, l, tgt)
			}
			if isCustomer && !strings.HasPrefix(tgt, "customer/") {
				t.Errorf("%s: link %q leaves the customer site for %s", name, l, tgt)
			}
			followed++
		}
	}
	return followed
}

// TestLinksResolve builds the example knowledge base and follows every link.
func TestLinksResolve(t *testing.T) {
	out, _ := exampleOutput(t)
	if n := checkLinks(t, out); n < 1000 {
		t.Errorf("followed only %d links; is the link pattern still right?", n)
	}
}

// TestLinksResolveSmallSite follows the links of a site that has neither
// every severity nor every status: the filter links of the home page and
// of the incident lists must not lead to pages that were not written.
func TestLinksResolveSmallSite(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem})
	mustBuild(t, opts)
	checkLinks(t, opts.OutDir)
}

// TestUniqueIDs: no id is used twice on a page, so every #fragment link
// leads to one place. The example's pages are checked, and a postmortem
// whose body has headings named like the page's own sections.
func TestUniqueIDs(t *testing.T) {
	out, _ := exampleOutput(t)
	checkUniqueIDs(t, out)

	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem + "\n## Actions\n\nNone yet.\n\n## Facts\n\nSee above.\n"})
	mustBuild(t, opts)
	b, err := os.ReadFile(filepath.Join(opts.OutDir, "incidents", "good", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `id="actions-1"`) {
		t.Errorf("a body heading \"## Actions\" should get the id actions-1, next to the page's own #actions")
	}
	checkUniqueIDs(t, opts.OutDir)
}

func checkUniqueIDs(t *testing.T, out string) {
	t.Helper()
	for name, b := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for id, n := range ids(b) {
			if n > 1 {
				t.Errorf("%s: id %q is used %d times", name, id, n)
			}
		}
	}
}

// TestBaseURLSubPath builds the example for https://example.com/kb/: the
// feed and sitemap give absolute URLs under it, and 404.html, which a
// server shows at any depth, links to /kb/….
func TestBaseURLSubPath(t *testing.T) {
	const base = "https://example.com/kb/"
	out := filepath.Join(t.TempDir(), "public")
	opts := exampleOptions(t, out)
	opts.Config.BaseURL = base
	mustBuild(t, opts)
	files := readTree(t, out)

	var sitemap struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(files["sitemap.xml"], &sitemap); err != nil {
		t.Fatal(err)
	}
	if len(sitemap.URLs) < 28 {
		t.Errorf("sitemap.xml has %d URLs", len(sitemap.URLs))
	}
	for _, u := range sitemap.URLs {
		if !strings.HasPrefix(u.Loc, base) {
			t.Errorf("sitemap.xml: %q is not under %s", u.Loc, base)
		}
	}

	var feed struct {
		ID    string `xml:"id"`
		Links []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			ID   string `xml:"id"`
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(files["feed.xml"], &feed); err != nil {
		t.Fatal(err)
	}
	urls := []string{feed.ID}
	for _, l := range feed.Links {
		urls = append(urls, l.Href)
	}
	for _, e := range feed.Entries {
		urls = append(urls, e.ID, e.Link.Href)
	}
	if len(feed.Entries) == 0 {
		t.Error("feed.xml has no entries")
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, base) {
			t.Errorf("feed.xml: %q is not under %s", u, base)
		}
	}

	page := files["404.html"]
	n := 0
	for _, l := range links(page) {
		if strings.HasPrefix(l, "#") {
			continue
		}
		n++
		if !strings.HasPrefix(l, "/kb/") {
			t.Errorf("404.html: link %q does not start with /kb/", l)
			continue
		}
		// Served from https://example.com/kb/, /kb/x is the output's x.
		tgt := target(t, "", strings.TrimPrefix(l, "/kb/"))
		if _, ok := files[tgt]; !ok {
			t.Errorf("404.html: link %q: %s does not exist", l, tgt)
		}
	}
	if n < 5 {
		t.Errorf("404.html has only %d links", n)
	}

	// The other pages do not depend on the base URL at all, but for the
	// badge addresses of the customer service pages, which are absolute.
	plain, _ := exampleOutput(t)
	for name, b := range readTree(t, plain) {
		if !strings.HasSuffix(name, ".html") || name == "404.html" || name == "customer/404.html" {
			continue
		}
		got := strings.ReplaceAll(string(files[name]), base+"customer/", "BASE/")
		want := strings.ReplaceAll(string(b), "https://postmortems.nimbus.example/customer/", "BASE/")
		if got != want {
			t.Errorf("%s changes with base_url", name)
		}
	}
}

// TestNotFoundPageAtRoot checks that the 404 page of the example, whose
// base_url is the root of a host, links to files that exist.
func TestNotFoundPageAtRoot(t *testing.T) {
	out, _ := exampleOutput(t)
	b, err := os.ReadFile(filepath.Join(out, "404.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links(b) {
		if strings.HasPrefix(l, "#") {
			continue
		}
		if !strings.HasPrefix(l, "/") {
			t.Errorf("404.html: link %q is relative; the page is served at any depth", l)
			continue
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(target(t, "", l[1:])))); err != nil {
			t.Errorf("404.html: link %q: %v", l, err)
		}
	}
}
