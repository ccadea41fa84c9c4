// Package search owns full-text search of the knowledge base with bleve: the
// index mapping (each text field analysed in the postmortem's language,
// keyword fields for facets, dates), the incremental on-disk index kept in a
// cache folder beside the content, and queries in bleve's query-string syntax
// rewritten so that a word is looked for in every text field, in English and
// French, with the SRE synonyms an engineer types during an incident.
package search

import (
	"html"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// TextField is a field of free text, searched by words.
type TextField struct {
	Name  string  // as written in queries: root_cause:dns
	Boost float64 // weight of a match in it
}

// TextFields are the text fields, most telling first: a match in the title
// or the root cause ranks above one in the body.
var TextFields = []TextField{
	{"title", 4}, {"root_cause", 3}, {"summary", 2}, {"factors", 1.5}, {"whys", 1.5},
	{"ishikawa", 1.2}, {"trigger_text", 1.2}, {"actions", 1}, {"timeline", 1}, {"body", 0.7},
}

// AllField holds all the text of a postmortem (in its language): a word
// typed without a field is looked for there, and in the title and root
// cause again to rank those matches higher, which takes far fewer lookups
// than one per field.
const AllField = "all"

// wordFields are where a word without a field is looked for, with boosts.
var wordFields = []TextField{{AllField, 1}, {"title", 3}, {"root_cause", 2}}

// KeywordFields are matched exactly, for filters and facets.
var KeywordFields = []string{"id", "services", "severity", "status", "tags", "action_types", "trigger", "language"}

// Other fields: year (a number) and date (a date).
const (
	YearField = "year"
	DateField = "date"
)

// frSuffix marks the French twin of a text field: a French postmortem's
// title is indexed as title_fr with the French analyzer, so that each
// language gets its own stemming, and queries look in both.
const frSuffix = "_fr"

// Languages of the analyzers, by postmortem language.
var analyzers = map[string]string{"en": en.AnalyzerName, "fr": fr.AnalyzerName}

// Mapping is the index mapping: explicit fields only, BM25 scoring.
func Mapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = en.AnalyzerName
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range TextFields {
		for _, lang := range []string{"en", "fr"} {
			fm := bleve.NewTextFieldMapping()
			fm.Analyzer = analyzers[lang]
			fm.Store = true
			fm.IncludeTermVectors = true // for highlighting
			fm.IncludeInAll = false
			name := f.Name
			if lang == "fr" {
				name += frSuffix
			}
			doc.AddFieldMappingsAt(name, fm)
		}
	}
	for _, lang := range []string{"en", "fr"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzers[lang]
		fm.IncludeInAll = false
		fm.IncludeTermVectors = true // term positions, for phrases
		name := AllField
		if lang == "fr" {
			name += frSuffix
		}
		doc.AddFieldMappingsAt(name, fm)
	}
	for _, name := range KeywordFields {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = name == "id" || name == "services" || name == "severity" || name == "status"
		fm.IncludeInAll = false
		doc.AddFieldMappingsAt(name, fm)
	}
	year := bleve.NewNumericFieldMapping()
	year.IncludeInAll = false
	doc.AddFieldMappingsAt(YearField, year)
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(DateField, date)
	m.DefaultMapping = doc
	return m
}

// Text is rendered HTML as plain text: tags become spaces, entities are
// decoded, and runs of white space become one space. It is a loop over the
// bytes, copying runs of text whole, rather than a regular expression,
// being called on every postmortem of every build for the search index.
func Text(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	space := false
	run := -1 // where the text being copied begins
	flush := func(i int) {
		if run >= 0 {
			b.WriteString(h[run:i])
			run = -1
		}
	}
	for i := 0; i < len(h); {
		if run >= 0 { // inside a run of text: to the next byte that may end it
			for i < len(h) {
				if !textStop[h[i]] {
					i++
				} else if h[i] == ' ' && i+1 < len(h) && !textStop[h[i+1]] {
					i += 2 // one space between words stays in the run
				} else {
					break
				}
			}
			if i == len(h) {
				break
			}
		}
		c := h[i]
		switch c {
		case '<':
			if end := strings.IndexByte(h[i:], '>'); end >= 0 {
				flush(i)
				i += end + 1
				space = true
				continue
			}
		case ' ', '\n', '\t', '\r', '\f', '\v':
			flush(i)
			space = true
			i++
			continue
		}
		size := 1
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(h[i:])
			if unicode.IsSpace(r) {
				flush(i)
				space = true
				i += size
				continue
			}
		}
		if run < 0 {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			run = i
		}
		i += size
	}
	flush(len(h))
	s := b.String()
	if strings.IndexByte(s, '&') >= 0 { // entities may decode to spaces
		s = Squash(html.UnescapeString(s))
	}
	return s
}

// textStop are the bytes that may end a run of text in Text: a tag, white
// space, or the first byte of a character that may be white space.
var textStop = func() (t [256]bool) {
	for _, c := range "< \n\t\r\f\v" {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// Squash is s with each run of white space made one space, and none at
// either end: strings.Fields joined by spaces, without the slice.
func Squash(s string) string {
	if squashed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
		} else {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(s[i : i+size]) // as it is, valid or not
		}
		i += size
	}
	return b.String()
}

// squashed reports whether Squash would return s as it is: s is ASCII,
// with no white space but single spaces between other characters.
func squashed(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			return false
		}
	}
	return true
}

// FieldTexts returns a postmortem's text, one string per field of
// TextFields, in that order; "" where it has none.
func FieldTexts(p *postmortem.Postmortem) []string {
	var causes, actions, events []string
	for _, c := range p.Ishikawa {
		causes = append(causes, c.Causes...)
	}
	for _, a := range p.Actions {
		actions = append(actions, a.Title)
	}
	for _, e := range p.Timeline {
		events = append(events, e.Event)
	}
	// The order of TextFields.
	out := []string{
		p.Title,
		p.RootCause,
		p.Customer.Title + "\n" + p.Customer.Summary + "\n" + p.Customer.Impact,
		strings.Join(p.ContributingFactors, "\n"),
		strings.Join(p.FiveWhys, "\n"),
		strings.Join(causes, "\n"),
		p.Trigger,
		strings.Join(actions, "\n"),
		strings.Join(events, "\n"),
		Text(string(p.Body)),
	}
	for i := range out {
		out[i] = strings.TrimSpace(out[i])
	}
	return out
}

// Document is what the index holds of a postmortem, keyed by field name.
func Document(p *postmortem.Postmortem, loc *time.Location) map[string]any {
	lang := p.Language
	if lang != "fr" {
		lang = "en"
	}
	d := map[string]any{"id": p.ID, "services": p.Services, "severity": p.Severity, "status": p.Status,
		"tags": p.Tags, "language": lang}
	var all []string
	for i, s := range FieldTexts(p) {
		if s == "" {
			continue
		}
		all = append(all, s)
		field := TextFields[i].Name
		if lang == "fr" {
			field += frSuffix
		}
		d[field] = s
	}
	if lang == "fr" {
		d[AllField+frSuffix] = strings.Join(all, "\n")
	} else {
		d[AllField] = strings.Join(all, "\n")
	}
	var types []string
	for _, a := range p.Actions {
		if a.Type != "" {
			types = append(types, a.Type)
		}
	}
	if len(types) > 0 {
		d["action_types"] = types
	}
	if p.Trigger != "" {
		d["trigger"] = strings.ToLower(strings.TrimSpace(p.Trigger))
	}
	if t := p.Date(); !t.IsZero() {
		d[DateField] = t
		d[YearField] = float64(t.In(loc).Year())
	}
	return d
}
