// Package blameless owns the check that keeps postmortems blameless: it warns
// when the analysis (root cause, contributing factors, whys, Ishikawa causes)
// uses blame language — "human error", "should have", "careless", "faute
// de"… — or names a person of the retrospective, since a postmortem looks
// for causes in systems and processes, not culprits.
package blameless

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

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
	phrases map[string][]*regexp.Regexp // by language
	texts   map[string][]string
}

// New returns a checker of the default phrases plus extra ones, by
// language ("en", "fr").
func New(extra map[string][]string) *Checker {
	c := &Checker{phrases: map[string][]*regexp.Regexp{}, texts: map[string][]string{}}
	for _, lang := range []string{"en", "fr"} {
		for _, p := range append(slices.Clone(DefaultPhrases[lang]), extra[lang]...) {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			c.phrases[lang] = append(c.phrases[lang], phrase(p))
			c.texts[lang] = append(c.texts[lang], p)
		}
	}
	return c
}

// phrase matches p as whole words, in any case, with any space between
// its words and either apostrophe.
func phrase(p string) *regexp.Regexp {
	var parts []string
	for _, w := range strings.Fields(p) {
		q := regexp.QuoteMeta(w)
		q = strings.NewReplacer("'", "['’]", "’", "['’]").Replace(q)
		parts = append(parts, q)
	}
	return regexp.MustCompile(`(?i)(?:^|[^\pL\pN])(` + strings.Join(parts, `\s+`) + `)(?:$|[^\pL\pN])`)
}

// field is one analysis field's text with the key of its line.
type field struct{ key, name, text string }

// Check warns, at the field's line, about blame phrases and people's names
// in p's analysis.
func (c *Checker) Check(p *postmortem.Postmortem, diags *diag.List) {
	lang := p.Language
	if lang != "fr" {
		lang = "en"
	}
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
	people := append(slices.Clone(p.Retrospective.Participants), p.Retrospective.Facilitator)
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		// Phrases of both languages: English phrases turn up in French
		// postmortems too.
		for _, l := range []string{lang, other(lang)} {
			for i, re := range c.phrases[l] {
				if m := re.FindStringSubmatch(f.text); m != nil {
					diags.Warnf(p.Path, p.Line(f.key), "%s says %q: blame language (%q); a blameless postmortem describes what the system and the process allowed, not who failed",
						f.name, m[1], c.texts[l][i])
				}
			}
		}
		for _, person := range people {
			if name := nameIn(f.text, person); name != "" {
				diags.Warnf(p.Path, p.Line(f.key), "%s names %q, who took part in the retrospective: describe roles and systems (\"the on-call engineer\"), not people", f.name, name)
			}
		}
	}
}

func other(lang string) string {
	if lang == "fr" {
		return "en"
	}
	return "fr"
}

// nameIn finds a person in text: the full name in any case, or one of its
// parts of three letters or more written with its capital as a whole word.
func nameIn(text, person string) string {
	person = strings.TrimSpace(person)
	if person == "" {
		return ""
	}
	if strings.Contains(strings.ToLower(text), strings.ToLower(person)) {
		return person
	}
	for _, part := range strings.Fields(person) {
		r := []rune(part)
		if len(r) < 3 || !unicode.IsUpper(r[0]) {
			continue
		}
		if regexp.MustCompile(`(?:^|[^\pL\pN])` + regexp.QuoteMeta(part) + `(?:$|[^\pL\pN])`).MatchString(text) {
			return part
		}
	}
	return ""
}
