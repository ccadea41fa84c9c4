package build

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/generator/config"
)

// leakConfig has a private service and a renamed one whose internal name
// and catalog entries are markers too.
const leakConfig = `title: Internal knowledge base
base_url: https://kb.example.com/
customer:
  title: Example status
  base_url: https://status.example.com/
services:
  api:
    title: Public API
    description: LEAKdescription runs on LEAKhost
    team: LEAKteam
  leakrenamedsvc:
    public_name: Reporting
  leakprivatesvc:
    title: LEAKprivatetitle
    public: false
`

// leakPostmortem fills every internal field with a marker containing
// LEAK and the customer block with markers containing PUBLIC, which must
// show. n makes every marker unique to its file.
func leakPostmortem(n, status string, publish bool) string {
	return fmt.Sprintf(`---
title: LEAKtitle%[1]s
status: %[2]s
severity: SEV2
services: [api, leakrenamedsvc, leakprivatesvc]
tags: [leaktag%[1]s]
started_at: 2026-02-10T10:00:00Z
detected_at: 2026-02-10T10:05:00Z
mitigated_at: 2026-02-10T10:30:00Z
resolved_at: 2026-02-10T11:00:00Z
change_induced: true
trigger: LEAKtrigger%[1]s
timeline:
  - at: 2026-02-10T10:00:00Z
    event: LEAKtimeline%[1]s
root_cause: LEAKrootcause%[1]s
contributing_factors: [LEAKfactor%[1]s]
five_whys: [LEAKwhy%[1]s]
ishikawa:
  tools: [LEAKishikawa%[1]s]
  leakcategory%[1]s: [LEAKcustomcause%[1]s]
actions:
  - title: LEAKaction%[1]s
    type: fix
    owner: LEAKowner%[1]s
    due: 2026-03-01
    status: open
    link: https://tracker.example.com/LEAKlink%[1]s
customer:
  publish: %[3]v
  title: PUBLICtitle%[1]s
  summary: PUBLICsummary%[1]s
  impact: PUBLICimpact%[1]s
retrospective:
  date: 2026-02-11
  facilitator: LEAKfacilitator%[1]s
  participants: [LEAKparticipant%[1]s]
lessons_learned: LEAKunknownfield%[1]s
---
## Summary

LEAKbody%[1]s

## Root cause

LEAKbodysection%[1]s
`, n, status, publish)
}

// leakOptions builds the leak corpus: published communications, an
// unapproved one, drafts with and without approval, one under review, and
// a plain-Markdown postmortem with no front matter at all.
func leakOptions(t *testing.T) Options {
	t.Helper()
	opts := smallOptions(t, map[string]string{
		"published1.md": leakPostmortem("1", "published", true),
		"published2.md": leakPostmortem("2", "published", true),
		"unapproved.md": strings.ReplaceAll(leakPostmortem("3", "published", false), "PUBLIC", "LEAKunapproved"),
		"draft.md":      strings.ReplaceAll(leakPostmortem("4", "draft", true), "PUBLIC", "LEAKdraft"),
		"review.md":     strings.ReplaceAll(leakPostmortem("5", "review", true), "PUBLIC", "LEAKreview"),
		"legacy.md":     "# LEAKlegacytitle\n\n## Summary\n\nLEAKlegacybody\n\n## Root cause\n\nLEAKlegacycause\n",
	})
	cfg, err := config.Parse("hindsight.yaml", []byte(leakConfig))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dir = opts.Config.Dir
	opts.Config = cfg
	return opts
}

// TestCustomerSiteLeaksNothing builds a corpus in which every internal
// field, the body, drafts and unapproved communications carry markers, and
// asserts that no file of the customer site — HTML, XML, JSON, SVG or any
// other — contains one, while the approved text is there.
func TestCustomerSiteLeaksNothing(t *testing.T) {
	opts := leakOptions(t)
	mustBuild(t, opts)
	files := readTree(t, opts.OutDir)
	markers := regexp.MustCompile(`(?i)leak[a-z]*[0-9]?`)
	customerFiles := 0
	all := ""
	for name, b := range files {
		if !strings.HasPrefix(name, "customer/") {
			continue
		}
		customerFiles++
		all += string(b)
		for _, m := range markers.FindAll(b, -1) {
			t.Errorf("%s contains the internal marker %q", name, m)
		}
		for _, internal := range []string{"Internal knowledge base", "kb.example.com"} {
			if strings.Contains(string(b), internal) {
				t.Errorf("%s contains %q", name, internal)
			}
		}
	}
	if customerFiles < 10 {
		t.Fatalf("only %d files under customer/", customerFiles)
	}
	// The approved text is all there, so the test is not passing on an
	// empty site.
	for _, want := range []string{"PUBLICtitle1", "PUBLICsummary1", "PUBLICimpact1", "PUBLICtitle2", "Reporting", "Public API", "Partial outage"} {
		if !strings.Contains(all, want) {
			t.Errorf("the customer site lacks %q", want)
		}
	}
	// The customer site's search index is among the files checked, and
	// holds the approved words (analysed, in lower case).
	index := ""
	for name, b := range files {
		if strings.HasPrefix(name, "customer/search/t/") {
			index += string(b)
		}
	}
	if !strings.Contains(index, `"publicsummary1"`) {
		t.Error("the customer search index lacks the approved summary's words")
	}
	// The internal site does have the markers: they were read.
	if !strings.Contains(string(files["incidents/published1/index.html"]), "LEAKrootcause1") {
		t.Error("the internal page lacks its root cause: is the corpus read?")
	}
}

// TestInjectionInert puts script tags, event handlers, javascript: links
// and HTML in titles, front-matter strings and the body, and checks that
// both sites render them as text.
// evil is markup a postmortem's author might paste, on purpose or not.
const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>`

// injectionSource is a postmortem with evil in every field and links with
// javascript: and data: targets in its Markdown.
func injectionSource() string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // a YAML-safe quoted string
	return fmt.Sprintf(`---
title: %[1]s
status: published
severity: SEV1
services: [%[1]s, api]
tags: [%[1]s]
started_at: 2026-02-10T10:00:00Z
resolved_at: 2026-02-10T11:00:00Z
trigger: %[1]s
timeline:
  - at: 2026-02-10T10:00:00Z
    event: %[1]s
root_cause: %[2]s
contributing_factors: [%[1]s]
five_whys: [%[1]s]
ishikawa:
  %[1]s: [%[1]s]
actions:
  - title: %[1]s
    type: fix
    owner: %[1]s
    link: "https://tracker.example.com/1"
    status: open
customer:
  publish: true
  title: %[1]s
  summary: %[2]s
  impact: %[3]s
retrospective:
  facilitator: %[1]s
  participants: [%[1]s]
---
%[4]s
`, q(evil), q(evil+` [click](javascript:alert(5)) [x](JaVaScRiPt:alert(6)) <a href="javascript:alert(7)">a</a>`),
		q(`![p](javascript:alert(8)) <iframe src="https://evil.example/"></iframe> [data](data:text/html,<script>alert(9)</script>)`),
		evil+"\n\n[click](javascript:alert(10))\n\n<div onclick=\"alert(11)\">raw</div>\n")
}

func TestInjectionInert(t *testing.T) {
	src := injectionSource()
	opts := smallOptions(t, map[string]string{"evil.md": src, "good.md": goodPostmortem})
	mustBuild(t, opts)
	files := readTree(t, opts.OutDir)
	ownScript := regexp.MustCompile(`^<script src="(\.\./)*js/filter\.js">$`)
	searchScript := regexp.MustCompile(`^<script src="\.\./js/search\.js">$`)
	tags := regexp.MustCompile(`(?i)<(iframe|svg onload|img src=x)`)
	checked := 0
	for name, b := range files {
		switch {
		case strings.HasSuffix(name, ".html"), strings.HasSuffix(name, ".xml"), strings.HasSuffix(name, ".svg"):
		default:
			continue
		}
		checked++
		for _, tag := range scriptTag.FindAll(b, -1) {
			// The theme's own scripts only: the list filter on internal
			// pages, the search on the search pages.
			own := ownScript.Match(tag) && !strings.HasPrefix(name, "customer/") ||
				searchScript.Match(tag) && strings.HasSuffix(name, "search/index.html")
			if !own {
				t.Errorf("%s: %s", name, tag)
			}
		}
		for _, bad := range liveMarkup(string(b)) {
			t.Errorf("%s: %s", name, bad)
		}
		if m := tags.Find(b); m != nil {
			t.Errorf("%s: live %s", name, m)
		}
	}
	// The feeds and sitemaps stay well-formed XML.
	for _, name := range []string{"feed.xml", "customer/feed.xml", "sitemap.xml", "customer/sitemap.xml"} {
		var v any
		if err := xml.Unmarshal(files[name], &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The JSON API parses and holds the text, as text.
	var api struct {
		Incidents []struct {
			Title       string
			SummaryHTML string `json:"summary_html"`
			ImpactHTML  string `json:"impact_html"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(files["customer/api/incidents.json"], &api); err != nil {
		t.Fatal(err)
	}
	if len(api.Incidents) != 1 || api.Incidents[0].Title != evil {
		t.Fatalf("incidents.json: %+v", api.Incidents)
	}
	for _, h := range []string{api.Incidents[0].SummaryHTML, api.Incidents[0].ImpactHTML} {
		for _, bad := range liveMarkup(h) {
			t.Errorf("incidents.json: %s in %q", bad, h)
		}
		if m := tags.FindString(h); m != "" || strings.Contains(h, "<script") {
			t.Errorf("incidents.json: live markup in %q", h)
		}
	}
	page := string(files["customer/incidents/evil/index.html"])
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the customer page does not show the title as text")
	}
	if checked < 20 {
		t.Errorf("checked only %d files", checked)
	}
}

// TestCustomerPaths: ids that would write outside the output folder are
// refused for published communications too, nothing is written, and
// service names with path characters stay inside customer/services/.
func TestCustomerPaths(t *testing.T) {
	for _, id := range []string{"../../x", "../customer-escape", "/abs", "a\x00b", `..\\win`} {
		t.Run(id, func(t *testing.T) {
			opts := smallOptions(t, map[string]string{
				"good.md": goodPostmortem,
				"evil.md": "---\nid: " + strings.ReplaceAll(fmt.Sprintf("%q", id), `\x00`, `\0`) +
					"\ntitle: Evil\nseverity: SEV2\nstarted_at: 2026-01-01 10:00\nresolved_at: 2026-01-01 11:00\nroot_cause: x\ncustomer: {publish: true, summary: s}\n---\n",
			})
			res, err := Build(opts)
			if err == nil {
				t.Fatalf("id %q accepted", id)
			}
			if want := filepath.ToSlash(opts.ContentDir) + "/evil.md:2: "; !strings.Contains(diagText(res.Diagnostics), want) {
				t.Errorf("diagnostics do not name %q:\n%s", want, diagText(res.Diagnostics))
			}
			assertNoLeftovers(t, filepath.Dir(opts.OutDir), "content")
		})
	}

	opts := smallOptions(t, map[string]string{
		"a.md": "---\ntitle: A\nseverity: SEV2\nservices: [\"../../etc\", \"/abs/x\", \"..\"]\nstarted_at: 2026-01-01 10:00\nresolved_at: 2026-01-01 11:00\nroot_cause: x\ncustomer: {publish: true, summary: s}\n---\n",
	})
	mustBuild(t, opts)
	for name := range readTree(t, opts.OutDir) {
		if strings.Contains(name, "..") {
			t.Errorf("wrote %q", name)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(opts.OutDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "content" && e.Name() != "public" {
			t.Errorf("wrote %q beside the output", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(opts.OutDir, "customer", "services", "etc", "index.html")); err != nil {
		t.Errorf("the service ../../etc should be customer/services/etc/: %v", err)
	}
}

// startTag matches an HTML or XML start tag with its attributes, quoted or
// not, so that text inside attribute values is not taken for markup.
var (
	startTag = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>'"]+))?)*)\s*/?>`)
	attr     = regexp.MustCompile(`\s+([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>'"]+))?`)
)

// liveMarkup lists the event-handler attributes and javascript:, vbscript:
// or data: URLs of the tags of an HTML, SVG or XML document.
func liveMarkup(doc string) []string {
	var out []string
	for _, m := range startTag.FindAllStringSubmatch(doc, -1) {
		for _, a := range attr.FindAllStringSubmatch(m[2], -1) {
			name := strings.ToLower(a[1])
			val := strings.ToLower(strings.TrimSpace(strings.Trim(a[2], `"'`)))
			if strings.HasPrefix(name, "on") {
				out = append(out, "event handler "+a[0]+" in <"+m[1]+">")
			}
			if (name == "href" || name == "src" || name == "action" || name == "xlink:href") &&
				(strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "vbscript:") || strings.HasPrefix(val, "data:")) {
				out = append(out, "live URL "+a[0]+" in <"+m[1]+">")
			}
		}
	}
	return out
}

// TestLiveMarkup checks the checker of TestInjectionInert: it finds live
// attributes, and not escaped text inside attribute values.
func TestLiveMarkup(t *testing.T) {
	for doc, want := range map[string]int{
		`<img src=x onerror=alert(1)>`:                               1,
		`<a href="javascript:alert(1)">x</a>`:                        1,
		`<a class='x' HREF = ' JavaScript:x'>`:                       1,
		`<svg><a xlink:href="data:text/html,x"></svg>`:               1,
		`<body onload="x()">`:                                        1,
		`<tr data-s="&lt;img src=x onerror=alert(2)&gt;">`:           0,
		`<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=x</p>`:     0,
		`<a href="https://example.com/?q=javascript:">ok</a>`:        0,
		`<category term="&lt;svg onload=alert(3)&gt;"/>`:             0,
		`<link rel="alternate" title="a &#34;&gt;&lt;svg onload=x">`: 0,
	} {
		if got := liveMarkup(doc); len(got) != want {
			t.Errorf("%s: %q, want %d findings", doc, got, want)
		}
	}
}
