package search

import (
	"errors"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
)

func TestQueryErrors(t *testing.T) {
	for q, want := range map[string]string{
		`"unbalanced quote`:        "unbalanced quote",
		`colour:red`:               `unknown field "colour"`,
		`root_causes:dns`:          `unknown field "root_causes"; the fields are title, root_cause`,
		strings.Repeat("x", 10000): "the query is 10000 characters long; the limit is 500",
		"   ":                      "the query is empty",
		`severity:>2`:              "a number range (>, <) works on year only",
		`year:soon`:                "a year is a number",
		`title:>"2025-01-01"`:      "a date range works on date only",
		`+`:                        "cannot understand the query",
		`services:/[/`:             "", // a bad regular expression is bleve's to report at search time
	} {
		_, err := Parse(q, nil, nil)
		if want == "" {
			continue
		}
		var qe *QueryError
		if err == nil || !errors.As(err, &qe) || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.40q) = %v, want an error containing %q", q, err, want)
		}
	}
	for _, q := range []string{"dns", `"connection pool"`, "cert*", "root_cause:dns", "services:payments", "severity:sev1",
		"-status:draft", "year:2025", "year:>=2024", `date:>"2025-06-01"`, "+dns +timeout", "tags:dns", `/dn.*/`, "body:cert*"} {
		if _, err := Parse(q, nil, nil); err != nil {
			t.Errorf("Parse(%q): %v", q, err)
		}
	}
}

const pmA = `---
id: a
title: Certificate expired on the edge
severity: SEV1
services: [edge]
started_at: 2026-01-01T10:00:00Z
root_cause: The TLS certificate was not renewed.
---
Body text.
`

const pmB = `---
id: b
title: Queue backlog in billing
severity: SEV3
services: [billing]
started_at: 2026-02-01T10:00:00Z
root_cause: A slow consumer.
---
`

func write(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ids(t *testing.T, ix *Index, q string) string {
	t.Helper()
	res, err := ix.Search(q, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return strings.Join(out, ",")
}

// TestIncremental: only what changed is reindexed; removed files leave the
// index; an id change replaces the old document; a config change rebuilds.
func TestIncremental(t *testing.T) {
	content, cache := t.TempDir(), t.TempDir()
	write(t, content, "a.md", pmA)
	write(t, content, "b.md", pmB)
	cfg := config.Default()
	open := func() (*Index, Update) {
		t.Helper()
		ix, up, err := Open(cache, content, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return ix, up
	}
	ix, up := open()
	if !up.Rebuilt || up.Indexed != 2 {
		t.Errorf("first run: %+v", up)
	}
	if got := ids(t, ix, "certificate"); got != "a" {
		t.Errorf("certificate: %q", got)
	}
	ix.Close()

	ix, up = open()
	if up.Rebuilt || up.Indexed != 0 || up.Unchanged != 2 {
		t.Errorf("unchanged run: %+v", up)
	}
	ix.Close()

	// Touching a file without changing it reads it, but does not reindex it.
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(content, "b.md"), later, later)
	ix, up = open()
	if up.Indexed != 0 || up.Unchanged != 2 {
		t.Errorf("touched: %+v", up)
	}
	ix.Close()

	// Edit b, remove a, add c with a's words.
	write(t, content, "b.md", strings.Replace(pmB, "A slow consumer.", "A slow consumer and an expired certificate.", 1))
	os.Remove(filepath.Join(content, "a.md"))
	write(t, content, "c.md", strings.Replace(pmA, "id: a", "id: c", 1))
	ix, up = open()
	if up.Indexed != 2 || up.Removed != 1 || up.Unchanged != 0 {
		t.Errorf("edited: %+v", up)
	}
	if got := ids(t, ix, "certificate"); got != "c,b" {
		t.Errorf("after the edit, certificate: %q", got)
	}
	ix.Close()

	// A new id for the same file replaces the old document.
	write(t, content, "c.md", strings.Replace(pmA, "id: a", "id: d", 1))
	ix, _ = open()
	if got := ids(t, ix, "edge"); got != "d" {
		t.Errorf("after an id change, edge: %q", got)
	}
	ix.Close()

	// A broken file is reported and dropped from the index.
	write(t, content, "c.md", "---\ntitle: [unclosed\n---\n")
	ix, up = open()
	if len(up.Problems) != 1 || !strings.Contains(up.Problems[0].String(), "c.md: warning: not indexed") {
		t.Errorf("broken file: %v", up.Problems)
	}
	if got := ids(t, ix, "edge"); got != "" {
		t.Errorf("the broken file is still found: %q", got)
	}
	ix.Close()

	// Another time zone changes how files are read: everything is redone.
	cfg.Timezone, cfg.Location = "Europe/Paris", time.UTC
	ix, up = open()
	if !up.Rebuilt || up.Indexed != 1 {
		t.Errorf("config change: %+v", up)
	}
	ix.Close()
}

func TestResultFields(t *testing.T) {
	content := t.TempDir()
	write(t, content, "a.md", pmA)
	ix, _, err := Open(t.TempDir(), content, config.Default(), NewSynonyms(DefaultSynonyms))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search("renewed", 5, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %+v", res.Hits)
	}
	h := res.Hits[0]
	if h.ID != "a" || h.Title != "Certificate expired on the edge" || h.Severity != "SEV1" || strings.Join(h.Services, ",") != "edge" ||
		!h.Date.Equal(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)) || h.Field != "root_cause" || !strings.Contains(h.Snippet, "not <mark>renewed</mark>") {
		t.Errorf("hit %+v", h)
	}
	if f := res.Facets["severity"]; len(f) != 1 || f[0] != (Facet{"SEV1", 1}) {
		t.Errorf("facets %+v", res.Facets)
	}
}

func TestSynonyms(t *testing.T) {
	s := NewSynonyms([][]string{{"quota", "Limit", "rate limit", "throttling"}, {"oom", "out of memory"}})
	if got := strings.Join(s.Of("LIMIT"), ","); got != "quota,throttling" {
		t.Errorf("limit: %q (rate limit is found by limit already)", got)
	}
	if got := strings.Join(s.Of("oom"), ","); got != "out of memory" {
		t.Errorf("oom: %q", got)
	}
	if got := strings.Join(s.Of("out of memory"), ","); got != "oom" {
		t.Errorf("out of memory: %q", got)
	}
}

// TestText compares Text with the plain definition it replaces: tags as
// spaces, entities decoded, white space collapsed.
// textOracle is what Text must give: tags replaced by spaces, entities
// decoded, white space squashed.
func textOracle(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagsRE.ReplaceAllString(h, " "))), " ")
}

var tagsRE = regexp.MustCompile(`<[^>]*>`)

// FuzzText: Text is textOracle on any input.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "a b", "<p>one two</p> three", "a  b", "a <b>c</b>", "x\u00a0y", "&amp; b", "a b<", "tail "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if got, want := Text(h), textOracle(h); got != want {
			t.Errorf("Text(%q) = %q, want %q", h, got, want)
		}
	})
}

func TestText(t *testing.T) {
	for _, h := range []string{
		"", "plain", "<p>one</p><p>two</p>", "a<br>b", "  lead and trail  ", "x < y and y > z",
		"unclosed <tag", "&lt;script&gt; &amp; &nbsp;nbsp&#160;", "café\u00a0au\u2003lait", "<a href=\"x\">link</a>\n\n<ul><li>i</li></ul>",
		"a\tb\r\nc\fd\ve", "<>", "<<>>", "é<p>è", "bad \xff\xfe bytes<p>x", "<p>runs of text</p>  <p>  and more</p>",
		"&quot;quoted&quot;\u2028sep", "tail<", "one two three", "a b  c", "a <i>b</i> c", "a é b", "a \u00a0b", "end ",
	} {
		if got, want := Text(h), textOracle(h); got != want {
			t.Errorf("Text(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestSquash(t *testing.T) {
	for _, s := range []string{"", "  a  b\t\nc ", "x\u00a0y\u2003z", "bad \xff\xfe bytes  here", "naïve  café", "\u2028",
		"plain words", " a", "a ", "a  b", "x\vy", "x\fy", "\x1c\x1f", " ", "a b\rc"} {
		if got, want := Squash(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("Squash(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzSquash: Squash is strings.Fields joined by spaces, on any input,
// whether its shortcut for text already squashed answers or not.
func FuzzSquash(f *testing.F) {
	for _, s := range []string{"", "a b", " a", "a  b\t", "naïve café", "x\u00a0y", "\xff "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Squash(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("Squash(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestRefreshNamed refreshes an open index with the files a watcher names:
// those are reindexed or dropped, the others are not looked at, and a
// refresh without names finds what the named one was not told.
func TestRefreshNamed(t *testing.T) {
	content, cache := t.TempDir(), t.TempDir()
	write(t, content, "a.md", pmA)
	write(t, content, "b.md", pmB)
	ix, _, err := Open(cache, content, config.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	write(t, content, "b.md", strings.Replace(pmB, "A slow consumer.", "A slow consumer and an expired certificate.", 1))
	os.Remove(filepath.Join(content, "a.md"))
	write(t, content, "c.md", strings.Replace(pmA, "id: a", "id: c", 1))
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(content, "b.md"), later, later)

	up, err := ix.Refresh([]string{"a.md", "c.md", "notes.txt"}) // not b.md
	if err != nil {
		t.Fatal(err)
	}
	if up.Indexed != 1 || up.Removed != 1 {
		t.Errorf("named refresh: %+v", up)
	}
	if got := ids(t, ix, "certificate"); got != "c" {
		t.Errorf("after the named refresh, certificate: %q (b was not named)", got)
	}
	if _, err := ix.Refresh(nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, "certificate"); got != "c,b" {
		t.Errorf("after a full refresh, certificate: %q", got)
	}
}
