package blameless

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/site"
)

func check(t *testing.T, src string, extra map[string][]string) string {
	t.Helper()
	s, diags := site.Load(fstest.MapFS{"x.md": {Data: []byte(src)}}, config.Default(), site.Options{Drafts: true, Now: time.Now()})
	if s == nil {
		t.Fatal(diags)
	}
	var got diag.List
	New(extra).Check(s.ByID["x"], &got)
	var b strings.Builder
	for _, d := range got {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

func TestBlameLanguage(t *testing.T) {
	got := check(t, `---
title: X
severity: SEV2
root_cause: Human error — Bob Martin should have checked the config.
contributing_factors:
  - The operator was careless.
  - The runbook was outdated.
five_whys:
  - Why? Because nobody reviewed the change.
ishikawa:
  people: [A sloppy handover]
  process: [No review]
retrospective:
  facilitator: Alice Durand
  participants: [Bob Martin, Chen Li]
---
`, nil)
	for _, want := range []string{
		`x.md:4: warning: root_cause uses blame language, "human error"`,
		`x.md:4: warning: root_cause uses blame language, "should have"`,
		`x.md:4: warning: root_cause names "Bob Martin", who took part in the retrospective`,
		`x.md:6: warning: contributing_factors uses blame language, "careless"`,
		`x.md:11: warning: ishikawa uses blame language, "sloppy"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "five_whys") || strings.Contains(got, "Chen") || strings.Count(got, "\n") != 5 {
		t.Errorf("unexpected warnings:\n%s", got)
	}
}

func TestBlameFrenchAndExtra(t *testing.T) {
	got := check(t, `---
title: X
severity: SEV2
language: fr
root_cause: "C'est la faute de l’équipe : elle aurait dû voir l'alerte. Martin était d'astreinte."
five_whys: ["Pourquoi ? Par manque de rigueur."]
retrospective:
  participants: [Paul Martin]
---
`, map[string][]string{"fr": {"manque de rigueur"}})
	for _, want := range []string{`language, "faute de"`, `language, "aurait dû"`, `language, "c'est la faute"`, `names "Martin"`, `five_whys uses blame language, "manque de rigueur"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// Words that merely contain a phrase, or a name in lower case, are fine.
	if got := check(t, "---\ntitle: X\nseverity: SEV2\nroot_cause: The carelessly named martin-proxy had a fault of its own.\nretrospective: {participants: [Ann Martin]}\n---\n", nil); got != "x.md:4: warning: root_cause uses blame language, \"fault of\": a blameless postmortem describes what the system and the process allowed, not who failed\n" {
		t.Errorf("got:\n%s", got)
	}
}

// FuzzScan: any text and names are scanned without a panic, and a phrase
// written in the text is found.
func FuzzScan(f *testing.F) {
	f.Add("Human error: Bob should have checked.", "Bob Martin")
	f.Add("c’est la faute d’Émilie", "Émilie Durand")
	f.Add("\xff\xfe'’ ''", "'")
	c := New(nil)
	f.Fuzz(func(t *testing.T, text, person string) {
		names := people([]string{person, "Alice Durand"})
		var got [2][]string
		scan(text, []map[string][]phrase{c.byFirst, names}, func(table int, p string) { got[table] = append(got[table], p) })
		for i, m := range []map[string][]phrase{c.byFirst, names} {
			var want []string
			scanEach(text, m, func(p string) { want = append(want, p) })
			if !slices.Equal(got[i], want) {
				t.Fatalf("%q, %q: found %q, word by word %q", text, person, got[i], want)
			}
		}
		var again []string
		c.find(text+" human error", func(p string) { again = append(again, p) })
		if !slices.Contains(again, "human error") {
			t.Fatalf("%q: human error not found after the text (found %q)", text, again)
		}
	})
}

// scanEach is scan for one table as it was first written, decoding each
// rune, kept to check scan against.
func scanEach(text string, byFirst map[string][]phrase, fn func(p string)) {
	word := func(s string, i int) (start, end int) {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				break
			}
			i += n
		}
		start = i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) && r != '\'' && r != '’' {
				break
			}
			i += n
		}
		return start, i
	}
	var found []string
	for i := 0; i < len(text); {
		start, end := word(text, i)
		if start == end {
			break
		}
		i = end
		w := text[start:end]
	phrases:
		for _, ph := range byFirst[norm(w)] {
			if slices.Contains(found, ph.text) || ph.exact != "" && w != ph.exact {
				continue
			}
			at := end
			for _, want := range ph.words[1:] {
				s, e := word(text, at)
				if s == e || strings.TrimSpace(text[at:s]) != "" || !sameWord(text[s:e], want) {
					continue phrases
				}
				at = e
			}
			found = append(found, ph.text)
			fn(ph.text)
		}
	}
}
