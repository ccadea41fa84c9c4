// Package blameless owns the check that keeps postmortems blameless: it warns
// when the analysis (root cause, contributing factors, whys, Ishikawa causes)
// uses blame language — "human error", "should have", "careless", "faute
// de"… — or names a person of the retrospective, since a postmortem looks
// for causes in systems and processes, not culprits.
package blameless

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// DefaultPhrases are the blame phrases checked by default, by language.
var DefaultPhrases = map[string][]string{
	"en": {"human error", "operator error", "should have", "should not have", "shouldn't have", "careless", "carelessness",
		"negligence", "negligent", "his fault", "her fault", "their fault", "fault of", "to blame", "blamed", "incompetent",
		"incompetence", "lazy", "sloppy", "stupid", "failed to follow", "did not follow", "didn't follow", "forgot to"},
	"fr": {"erreur humaine", "faute de", "par sa faute", "c'est la faute", "aurait dû", "auraient dû", "aurait pu éviter",
		"négligence", "négligent", "négligente", "inattention", "incompétent", "incompétence", "manque de rigueur", "a oublié de"},
}

// Checker finds blame language in postmortems.
type Checker struct {
	// byFirst maps the first word of each phrase to the phrases, as words,
	// so a text is read once whatever the number of phrases.
	byFirst map[string][]phrase
}

type phrase struct {
	text  string   // normalised (see norm); for a name, as written
	words []string // its words
	exact string   // when set, the one word must be written exactly so (a capitalised name)
}

// New returns a checker of the default phrases plus extra ones, by
// language ("en", "fr"). Every phrase is looked for in every postmortem:
// English phrases turn up in French postmortems too.
func New(extra map[string][]string) *Checker {
	c := &Checker{byFirst: map[string][]phrase{}}
	seen := map[string]bool{}
	for _, lang := range []string{"en", "fr"} {
		for _, p := range append(slices.Clone(DefaultPhrases[lang]), extra[lang]...) {
			p = norm(p)
			words := splitWords(p)
			if len(words) == 0 || seen[p] {
				continue
			}
			seen[p] = true
			c.byFirst[words[0]] = append(c.byFirst[words[0]], phrase{text: p, words: words})
		}
	}
	return c
}

// splitWords splits normalised text into words: runs of letters, digits
// and apostrophes.
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) && r != '\'' && r != '’' })
}

// nextWord returns the bounds of the first word of s at or after i, or
// start == len(s) when there is none.
func nextWord(s string, i int) (start, end int) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, without decoding
			if asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	start = i
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] && c != '\'' {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) && r != '’' {
			break
		}
		i += n
	}
	return start, i
}

// asciiWord is isWordRune for ASCII.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

// sameWord compares a word of the text with a normalised word: in any
// case, with either apostrophe.
func sameWord(w, norm string) bool {
	for _, r := range w {
		if norm == "" {
			return false
		}
		n, size := utf8.DecodeRuneInString(norm)
		norm = norm[size:]
		if r == '’' {
			r = '\''
		}
		if r != n && unicode.ToLower(r) != n {
			return false
		}
	}
	return norm == ""
}

// find calls fn with each phrase of the checker that occurs in text, once.
func (c *Checker) find(text string, fn func(p string)) {
	scan(text, []map[string][]phrase{c.byFirst}, func(_ int, p string) { fn(p) })
}

// scan calls fn with each phrase of each table (phrases by their first
// word) that occurs in text, once per table, with the table's index. It
// reads the text once, word by word, and looks only at the phrases that
// start with the word, without copying the text.
func scan(text string, tables []map[string][]phrase, fn func(table int, p string)) {
	var key []byte
	found := make([][]string, len(tables))
	for i := 0; i < len(text); {
		start, end := nextWord(text, i)
		if start == end {
			break
		}
		i = end
		w := text[start:end]
		var k string // the key, unless it is in key
		lower := ascii(w)
		if lower {
			key = key[:0]
			for j := 0; j < len(w); j++ {
				b := w[j]
				if b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				key = append(key, b)
			}
		} else {
			k = norm(w)
		}
		for t, byFirst := range tables {
			var cands []phrase
			if lower {
				cands = byFirst[string(key)]
			} else {
				cands = byFirst[k]
			}
		phrases:
			for _, ph := range cands {
				if slices.Contains(found[t], ph.text) || ph.exact != "" && w != ph.exact {
					continue
				}
				at := end
				for _, want := range ph.words[1:] {
					s, e := nextWord(text, at)
					if s == e || strings.TrimSpace(text[at:s]) != "" || !sameWord(text[s:e], want) {
						continue phrases
					}
					at = e
				}
				found[t] = append(found[t], ph.text)
				fn(t, ph.text)
			}
		}
	}
}

// norm lower-cases text, writes every apostrophe as ' and every run of
// space as one space, so phrases are found with plain string search.
func norm(s string) string {
	if ascii(s) { // the common case, without a rune loop
		return strings.Join(strings.Fields(strings.ToLower(s)), " ")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '’':
			r = '\''
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// field is one analysis field's text with the key of its line.
type field struct{ key, name, text string }

// Check warns, at the field's line, about blame phrases and people's names
// in p's analysis.
func (c *Checker) Check(p *postmortem.Postmortem, diags *diag.List) {
	var causes []string
	for _, cat := range p.Ishikawa {
		causes = append(causes, cat.Causes...)
	}
	fields := []field{
		{"root_cause", "root_cause", p.RootCause},
		{"contributing_factors", "contributing_factors", strings.Join(p.ContributingFactors, "\n")},
		{"five_whys", "five_whys", strings.Join(p.FiveWhys, "\n")},
		{"ishikawa", "ishikawa", strings.Join(causes, "\n")},
	}
	names := people(append(slices.Clone(p.Retrospective.Participants), p.Retrospective.Facilitator))
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		var found []string
		scan(f.text, []map[string][]phrase{c.byFirst, names}, func(table int, ph string) {
			if table == 1 {
				found = append(found, ph)
				return
			}
			diags.Warnf(p.Path, p.Line(f.key), "%s uses blame language, %q: a blameless postmortem describes what the system and the process allowed, not who failed",
				f.name, ph)
		})
		for _, name := range found {
			// A part of a full name that is there too is not said again.
			if slices.ContainsFunc(found, func(full string) bool { return full != name && slices.Contains(strings.Fields(full), name) }) {
				continue
			}
			diags.Warnf(p.Path, p.Line(f.key), "%s names %q, who took part in the retrospective: describe roles and systems (\"the on-call engineer\"), not people", f.name, name)
		}
	}
}

// people indexes the names of the retrospective's people for scan: each
// full name in any case, and each part of three letters or more written
// with its capital, as a whole word.
func people(names []string) map[string][]phrase {
	m := map[string][]phrase{}
	for _, person := range names {
		person = strings.TrimSpace(person)
		words := splitWords(norm(person))
		if len(words) == 0 {
			continue
		}
		m[words[0]] = append(m[words[0]], phrase{person, words, ""})
		if len(words) == 1 {
			continue
		}
		for _, part := range strings.Fields(person) {
			r, _ := utf8.DecodeRuneInString(part)
			if utf8.RuneCountInString(part) >= 3 && unicode.IsUpper(r) {
				key := norm(part)
				m[key] = append(m[key], phrase{part, []string{key}, part})
			}
		}
	}
	return m
}
