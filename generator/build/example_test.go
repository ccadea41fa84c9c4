package build

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// This file checks facts a reader of the example knowledge base sees,
// against what the tests read from the postmortem files on their own.

// source is a postmortem as the tests read it, independently of the
// generator: front matter decoded with plain YAML, TOML and JSON decoders,
// and the few "Key: value" lines of a file without front matter.
type source struct {
	file     string // path under content/, slash-separated
	legacy   bool   // no front matter
	title    string // legacy files: the H1
	status   string
	severity string
	language string
	services []string
	date     time.Time // what the incident is filed under
	resolved bool
	actions  []sourceAction
}

type sourceAction struct {
	title, status string
	due           time.Time
}

// readSources reads every postmortem of the example content.
func readSources(t *testing.T) []source {
	t.Helper()
	opts := exampleOptions(t, "")
	cfg := opts.Config
	var out []source
	err := filepath.WalkDir(exampleContent, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exampleContent, p)
		s := source{file: filepath.ToSlash(rel), status: "published", language: cfg.Language}
		m := frontMatter(t, s.file, data)
		if m == nil {
			readLegacy(&s, data, cfg.Location)
			out = append(out, s)
			return nil
		}
		for alias, field := range cfg.Aliases {
			if _, set := m[field]; !set && m[alias] != nil {
				m[field] = m[alias]
			}
		}
		if v, ok := m["status"].(string); ok {
			s.status = strings.ToLower(v)
		}
		if v, ok := m["severity"].(string); ok {
			s.severity = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
		}
		if v, ok := m["language"].(string); ok {
			s.language = v
		}
		for _, v := range list(m["services"]) {
			s.services = append(s.services, v.(string))
		}
		for _, f := range []string{"started_at", "detected_at", "mitigated_at", "resolved_at"} {
			if tm, ok := parseTime(m[f], cfg.Location); ok && s.date.IsZero() {
				s.date = tm
			}
		}
		_, s.resolved = parseTime(m["resolved_at"], cfg.Location)
		if s.date.IsZero() {
			for _, e := range list(m["timeline"]) {
				if tm, ok := parseTime(e.(map[string]any)["at"], cfg.Location); ok && (s.date.IsZero() || tm.Before(s.date)) {
					s.date = tm
				}
			}
		}
		for _, a := range list(m["actions"]) {
			am := a.(map[string]any)
			sa := sourceAction{status: "open"}
			sa.title, _ = am["title"].(string)
			if st, ok := am["status"].(string); ok {
				sa.status = st
			}
			sa.due, _ = parseTime(am["due"], cfg.Location)
			s.actions = append(s.actions, sa)
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 28 {
		t.Fatalf("read %d postmortems in %s, want 28", len(out), exampleContent)
	}
	return out
}

// frontMatter decodes a file's front matter into plain maps, lists and
// strings (TOML times stay times); nil when the file has none.
func frontMatter(t *testing.T, name string, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("---\n")):
		front, _, _ := bytes.Cut(data[4:], []byte("\n---\n"))
		var n yaml.Node
		if err = yaml.Unmarshal(front, &n); err == nil {
			m = plainYAML(&n).(map[string]any)
		}
	case bytes.HasPrefix(data, []byte("+++\n")):
		front, _, _ := bytes.Cut(data[4:], []byte("\n+++\n"))
		err = toml.Unmarshal(front, &m)
	case bytes.HasPrefix(data, []byte("{")):
		err = json.NewDecoder(bytes.NewReader(data)).Decode(&m)
	default:
		return nil
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// plainYAML turns a YAML tree into maps, lists and strings, leaving every
// scalar as written (YAML would read 2026-04-30 as midnight UTC).
func plainYAML(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return plainYAML(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = plainYAML(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, plainYAML(c))
		}
		return l
	case yaml.AliasNode:
		return plainYAML(n.Alias)
	}
	if n.Tag == "!!null" {
		return nil
	}
	return n.Value
}

// list returns v as a list ([]any, []map[string]any from TOML tables, or
// a single value).
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out
	}
	return []any{v}
}

// parseTime reads a time as a site author writes it; times without a zone
// are in loc.
func parseTime(v any, loc *time.Location) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		if strings.HasSuffix(v.Location().String(), "-local") { // TOML local date or date-time
			return time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, loc), true
		}
		return v, true
	case string:
		if tm, err := time.Parse(time.RFC3339, v); err == nil {
			return tm, true
		}
		for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
			if tm, err := time.ParseInLocation(layout, v, loc); err == nil {
				return tm, true
			}
		}
	}
	return time.Time{}, false
}

// readLegacy reads the H1 and the Date, Severity and Services lines of a
// postmortem without front matter.
func readLegacy(s *source, data []byte, loc *time.Location) {
	s.legacy = true
	s.resolved = true
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		key, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch {
		case strings.HasPrefix(line, "# ") && s.title == "":
			s.title = strings.TrimPrefix(line, "# ")
		case key == "Date":
			s.date, _ = parseTime(value, loc)
		case key == "Severity":
			s.severity = value
		case key == "Services":
			for _, sv := range strings.Split(value, ",") {
				s.services = append(s.services, strings.TrimSpace(sv))
			}
		}
	}
}

// builtSite is the built example as the tests see it.
type builtSite struct {
	files   map[string][]byte
	pageOf  map[string]string // source file under content/ → its incident page
	sources []source
}

var sourceLine = regexp.MustCompile(`<p class="source">[^<]*<code>([^<]*)</code>`)

func loadExample(t *testing.T) *builtSite {
	t.Helper()
	out, _ := exampleOutput(t)
	s := &builtSite{files: readTree(t, out), pageOf: map[string]string{}, sources: readSources(t)}
	prefix := filepath.ToSlash(filepath.Clean(exampleContent)) + "/"
	for name, b := range s.files {
		if m := sourceLine.FindSubmatch(b); m != nil && strings.HasPrefix(name, "incidents/") {
			s.pageOf[strings.TrimPrefix(html.UnescapeString(string(m[1])), prefix)] = name
		}
	}
	for _, src := range s.sources {
		if s.pageOf[src.file] == "" {
			t.Fatalf("%s has no incident page", src.file)
		}
	}
	return s
}

func (s *builtSite) page(t *testing.T, src source) string {
	t.Helper()
	return string(s.files[s.pageOf[src.file]])
}

var (
	totalCount = regexp.MustCompile(`<li class="count-total"><strong>(\d+)</strong>`)
	sevCount   = regexp.MustCompile(`<span class="sev sev-[a-z0-9]+">([^<]+)</span></a> <strong>(\d+)</strong>`)
)

// TestExampleHomeCounts: the home page counts the incidents of the last 90
// days by severity.
func TestExampleHomeCounts(t *testing.T) {
	s := loadExample(t)
	now := exampleOptions(t, "").Now
	from := now.AddDate(0, 0, -90)
	want := map[string]int{"SEV1": 0, "SEV2": 0, "SEV3": 0, "SEV4": 0}
	total := 0
	for _, src := range s.sources {
		if !src.date.Before(from) && !src.date.After(now) {
			want[src.severity]++
			total++
		}
	}
	if total == 0 {
		t.Fatal("no incident in the last 90 days: the test proves nothing")
	}
	home := string(s.files["index.html"])
	m := totalCount.FindStringSubmatch(home)
	if m == nil || m[1] != strconv.Itoa(total) {
		t.Errorf("home page total %v, want %d", m, total)
	}
	got := map[string]int{}
	for _, m := range sevCount.FindAllStringSubmatch(home, -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	if !maps.Equal(got, want) {
		t.Errorf("home page counts %v, want %v", got, want)
	}
}

var (
	scriptTag  = regexp.MustCompile(`(?i)<script[^>]*>`)
	jsURL      = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"?\s*javascript:`)
	eventAttrs = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
)

// TestExampleRawHTMLInert: the raw HTML in a postmortem's Markdown comes
// out as inert text, and the only script of the whole site is the theme's.
func TestExampleRawHTMLInert(t *testing.T) {
	s := loadExample(t)
	page := s.files[s.pageOf["2026/2026-04-29-public-api-pagination-duplicates.md"]]
	for _, bad := range []string{"<script>alert", "onerror=", `href="javascript:`} {
		if bytes.Contains(bytes.ToLower(page), []byte(strings.ToLower(bad))) {
			t.Errorf("the pagination postmortem page contains %q", bad)
		}
	}
	if !bytes.Contains(page, []byte("Security test note")) {
		t.Error("the security test section is missing: is this still the right file?")
	}
	for name, b := range s.files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, tag := range scriptTag.FindAll(b, -1) {
			filter := regexp.MustCompile(`^<script src="(\.\./)*js/filter\.js">$`).Match(tag)
			search := string(tag) == `<script src="../js/search.js">` && strings.HasSuffix(name, "search/index.html")
			if !filter && !search {
				t.Errorf("%s: unexpected %s", name, tag)
			}
		}
		if m := jsURL.Find(b); m != nil {
			t.Errorf("%s: javascript: URL %s", name, m)
		}
		if m := eventAttrs.Find(b); m != nil {
			t.Errorf("%s: event handler attribute in %s", name, m)
		}
	}
}

var tag = regexp.MustCompile(`<[^>]*>`)

// rows splits an HTML page into its table rows.
func rows(page string) []string {
	return strings.Split(page, "<tr")[1:]
}

// text is the text of some HTML.
func text(h string) string {
	return html.UnescapeString(tag.ReplaceAllString(h, ""))
}

// TestExampleOverdueActions: open actions past due are marked overdue on
// their incident page, others are not, and the home page lists overdue
// actions first.
func TestExampleOverdueActions(t *testing.T) {
	s := loadExample(t)
	now := exampleOptions(t, "").Now
	overdue := 0
	for _, src := range s.sources {
		page := s.page(t, src)
		for _, a := range src.actions {
			want := a.status == "open" && !a.due.IsZero() && a.due.Before(now)
			if want {
				overdue++
			}
			found := false
			title := strings.ReplaceAll(a.title, "`", "") // titles are Markdown
			for _, r := range rows(page) {
				if !strings.Contains(text("<tr"+r), title) {
					continue
				}
				found = true
				if got := strings.Contains(r, "overdue"); got != want {
					t.Errorf("%s: action %q (%s, due %s): overdue %v, want %v", src.file, a.title, a.status, a.due.Format(time.DateOnly), got, want)
				}
			}
			if !found {
				t.Errorf("%s: action %q not found on its page", src.file, a.title)
			}
		}
	}
	if overdue == 0 {
		t.Error("no overdue action in the example: the test proves nothing")
	}
	home := string(s.files["index.html"])
	_, actions, _ := strings.Cut(home, `id="open-actions"`)
	seenOnTime := false
	for _, r := range rows(actions)[1:] { // after the header row
		isOverdue := strings.HasPrefix(r, ` class="overdue"`)
		if isOverdue && seenOnTime {
			t.Errorf("home page: overdue action after one that is not:%s", r)
		}
		seenOnTime = seenOnTime || !isOverdue
	}
}

var articleLang = regexp.MustCompile(`<article class="incident" lang="([^"]*)">`)

// TestExampleLanguage: each incident page declares the language its
// postmortem is written in.
func TestExampleLanguage(t *testing.T) {
	s := loadExample(t)
	fr := 0
	for _, src := range s.sources {
		m := articleLang.FindStringSubmatch(s.page(t, src))
		if m == nil || m[1] != src.language {
			t.Errorf("%s: article lang %v, want %q", src.file, m, src.language)
		}
		if src.language == "fr" {
			fr++
		}
	}
	if fr == 0 {
		t.Error("no French postmortem with front matter in the example")
	}
}

var (
	h1        = regexp.MustCompile(`<h1>([^<]*)</h1>`)
	timeline  = regexp.MustCompile(`(?s)<ol class="timeline">(.*?)</ol>`)
	badgeLine = regexp.MustCompile(`<p class="badges">(.*)</p>`)
)

// TestExampleLegacy: every postmortem written without front matter becomes
// a page titled by its H1, with a timeline.
func TestExampleLegacy(t *testing.T) {
	s := loadExample(t)
	n := 0
	for _, src := range s.sources {
		if !src.legacy {
			continue
		}
		n++
		page := s.page(t, src)
		if m := h1.FindStringSubmatch(page); m == nil || html.UnescapeString(m[1]) != src.title {
			t.Errorf("%s: h1 %v, want %q", src.file, m, src.title)
		}
		tl := timeline.FindStringSubmatch(page)
		if tl == nil || strings.Count(tl[1], "<li>") < 3 {
			t.Errorf("%s: no timeline of at least 3 events on its page", src.file)
		}
	}
	if n != 4 {
		t.Errorf("found %d postmortems without front matter, want 4", n)
	}
}

// TestExampleStatus: drafts and postmortems under review say so, and
// incidents without a resolution time show "Ongoing".
func TestExampleStatus(t *testing.T) {
	s := loadExample(t)
	drafts, ongoing := 0, 0
	for _, src := range s.sources {
		m := badgeLine.FindStringSubmatch(s.page(t, src))
		if m == nil {
			t.Errorf("%s: no badges", src.file)
			continue
		}
		badges := m[1]
		if src.status != "published" {
			drafts++
		}
		if got := strings.Contains(badges, `class="status status-`+src.status+`"`); got != (src.status != "published") {
			t.Errorf("%s (%s): status badge %v in %q", src.file, src.status, got, badges)
		}
		if !src.resolved {
			ongoing++
		}
		if got := strings.Contains(badges, `<span class="ongoing">Ongoing</span>`); got != !src.resolved {
			t.Errorf("%s: Ongoing %v, want %v", src.file, got, !src.resolved)
		}
	}
	if drafts == 0 || ongoing == 0 {
		t.Errorf("%d drafts and %d ongoing incidents in the example: the test proves nothing", drafts, ongoing)
	}
}

var rowLink = regexp.MustCompile(`<td><a href="([^"]+)">`)

// listed returns the incident pages a list page links from its rows, in
// order.
func (s *builtSite) listed(t *testing.T, name string) []string {
	t.Helper()
	b, ok := s.files[name]
	if !ok {
		t.Errorf("%s does not exist", name)
		return nil
	}
	_, table, _ := strings.Cut(string(b), `<table class="incidents">`)
	var out []string
	for _, m := range rowLink.FindAllStringSubmatch(table, -1) {
		if p := path.Join(path.Dir(name), html.UnescapeString(m[1])); strings.HasPrefix(p, "incidents/") {
			out = append(out, p)
		}
	}
	return out
}

// TestExampleFilterLists: the pre-rendered lists by service, severity, year
// and status exist and list exactly the right incidents, newest first.
func TestExampleFilterLists(t *testing.T) {
	s := loadExample(t)
	loc := exampleOptions(t, "").Config.Location
	want := map[string][]source{}
	for _, src := range s.sources {
		for _, sv := range src.services {
			want["incidents/by/service/"+sv+"/index.html"] = append(want["incidents/by/service/"+sv+"/index.html"], src)
		}
		want["incidents/by/severity/"+strings.ToLower(src.severity)+"/index.html"] = append(want["incidents/by/severity/"+strings.ToLower(src.severity)+"/index.html"], src)
		y := strconv.Itoa(src.date.In(loc).Year())
		want["incidents/by/year/"+y+"/index.html"] = append(want["incidents/by/year/"+y+"/index.html"], src)
		want["incidents/by/status/"+src.status+"/index.html"] = append(want["incidents/by/status/"+src.status+"/index.html"], src)
	}
	for _, must := range []string{"incidents/by/service/public-api/index.html", "incidents/by/severity/sev1/index.html",
		"incidents/by/year/2025/index.html", "incidents/by/status/draft/index.html"} {
		if len(want[must]) == 0 {
			t.Errorf("the example has no incident for %s", must)
		}
	}
	for name, srcs := range want {
		got := s.listed(t, name)
		var pages []string
		for _, src := range srcs {
			pages = append(pages, s.pageOf[src.file])
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(pages))) {
			t.Errorf("%s lists\n%v\nwant\n%v", name, got, pages)
			continue
		}
		byPage := map[string]source{}
		for _, src := range srcs {
			byPage[s.pageOf[src.file]] = src
		}
		for i := 1; i < len(got); i++ {
			if byPage[got[i]].date.After(byPage[got[i-1]].date) {
				t.Errorf("%s: %s is listed after the older %s", name, got[i], got[i-1])
			}
		}
	}
}

// TestExampleServiceNeighbours: each incident page links to the previous
// and next incident of each of its services.
func TestExampleServiceNeighbours(t *testing.T) {
	s := loadExample(t)
	bySvc := map[string][]source{}
	for _, src := range s.sources {
		for _, sv := range src.services {
			bySvc[sv] = append(bySvc[sv], src)
		}
	}
	links := 0
	for sv, srcs := range bySvc {
		slices.SortStableFunc(srcs, func(a, b source) int { return b.date.Compare(a.date) })
		nav := regexp.MustCompile(`(?s)<p><a href="\.\./\.\./services/` + regexp.QuoteMeta(sv) + `/index\.html">[^<]*</a>:(.*?)</p>`)
		for i, src := range srcs {
			m := nav.FindStringSubmatch(s.page(t, src))
			if m == nil {
				t.Errorf("%s: no %s navigation", src.file, sv)
				continue
			}
			check := func(rel string, other *source) {
				re := regexp.MustCompile(`rel="` + rel + `" href="\.\./\.\./([^"]+)"`)
				l := re.FindStringSubmatch(m[1])
				switch {
				case other == nil && l != nil:
					t.Errorf("%s: %s %s link to %s, want none", src.file, sv, rel, l[1])
				case other != nil && (l == nil || l[1] != s.pageOf[other.file]):
					t.Errorf("%s: %s %s link %v, want %s", src.file, sv, rel, l, s.pageOf[other.file])
				case other != nil:
					links++
				}
			}
			var older, newer *source
			if i+1 < len(srcs) {
				older = &srcs[i+1]
			}
			if i > 0 {
				newer = &srcs[i-1]
			}
			check("prev", older)
			check("next", newer)
		}
	}
	if links == 0 {
		t.Error("no previous/next link checked")
	}
}

// TestExampleFeedAndSitemap: the feed carries the published postmortems
// only; the sitemap lists every incident page; 404.html exists.
func TestExampleFeedAndSitemap(t *testing.T) {
	s := loadExample(t)
	base := exampleOptions(t, "").Config.BaseURL
	url := func(page string) string { return base + strings.TrimSuffix(page, "index.html") }

	var feed struct {
		Entries []struct {
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(s.files["feed.xml"], &feed); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, e := range feed.Entries {
		got = append(got, e.Link.Href)
	}
	for _, src := range s.sources {
		if src.status == "published" {
			want = append(want, url(s.pageOf[src.file]))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("feed.xml entries:\n%v\nwant the published postmortems:\n%v", got, want)
	}

	var sitemap struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(s.files["sitemap.xml"], &sitemap); err != nil {
		t.Fatal(err)
	}
	locs := map[string]bool{}
	for _, u := range sitemap.URLs {
		locs[u.Loc] = true
	}
	for _, src := range s.sources {
		if !locs[url(s.pageOf[src.file])] {
			t.Errorf("sitemap.xml does not list %s (%s)", url(s.pageOf[src.file]), src.file)
		}
	}

	if !bytes.Contains(s.files["404.html"], []byte("<h1>")) {
		t.Error("404.html is missing or has no heading")
	}
}
