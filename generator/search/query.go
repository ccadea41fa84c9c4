package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// MaxQueryLength is the longest query accepted, in characters.
const MaxQueryLength = 500

// QueryError is a query that cannot be run, with what to do about it.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

// Fields lists every field a query may name.
func Fields() []string {
	var out []string
	for _, f := range TextFields {
		out = append(out, f.Name)
	}
	out = append(out, KeywordFields...)
	return append(out, YearField, DateField)
}

func textField(name string) (TextField, bool) {
	for _, f := range TextFields {
		if f.Name == name {
			return f, true
		}
	}
	return TextField{}, false
}

// Parse turns a query in bleve's query-string syntax into the query run
// against the index: a word without a field is looked for in every text
// field with the field's boost, in both languages, with its synonyms, and
// with one typo allowed in words of five letters or more; a text field
// named in the query is looked for in both languages; keyword values are
// normalised as they are indexed.
//
// known reports whether a word is in the index; words that are not get
// the typo tolerance. It may be nil (no typo tolerance).
func Parse(q string, syn Synonyms, known func(word string) bool) (query.Query, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, &QueryError{"the query is empty; type words to look for, like: dns timeout"}
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryLength {
		return nil, &QueryError{fmt.Sprintf("the query is %d characters long; the limit is %d: keep the words that matter", n, MaxQueryLength)}
	}
	if strings.Count(q, `"`)%2 == 1 {
		return nil, &QueryError{`the query has an unbalanced quote ("): close the phrase or remove the quote`}
	}
	parsed, err := query.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil, &QueryError{fmt.Sprintf("cannot understand the query %q: %v; see `hindsight search --help` for the syntax", q, err)}
	}
	return (&rewriter{syn, known}).rewrite(parsed)
}

type rewriter struct {
	syn   Synonyms
	known func(string) bool
}

func (rw *rewriter) rewrite(q query.Query) (query.Query, error) {
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, part := range []*query.Query{&q.Must, &q.Should, &q.MustNot, &q.Filter} {
			if *part == nil {
				continue
			}
			r, err := rw.rewrite(*part)
			if err != nil {
				return nil, err
			}
			*part = r
		}
		return q, nil
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			r, err := rw.rewrite(c)
			if err != nil {
				return nil, err
			}
			q.Conjuncts[i] = r
		}
		return q, nil
	case *query.DisjunctionQuery:
		for i, c := range q.Disjuncts {
			r, err := rw.rewrite(c)
			if err != nil {
				return nil, err
			}
			q.Disjuncts[i] = r
		}
		return q, nil
	case *query.MatchQuery:
		return rw.leaf(q.FieldVal, q.Match, false)
	case *query.MatchPhraseQuery:
		return rw.leaf(q.FieldVal, q.MatchPhrase, true)
	case *query.WildcardQuery:
		return pattern(q.FieldVal, strings.ToLower(q.Wildcard), func(f string, w string) query.Query {
			n := query.NewWildcardQuery(w)
			n.SetField(f)
			return n
		})
	case *query.RegexpQuery:
		return pattern(q.FieldVal, q.Regexp, func(f string, r string) query.Query {
			n := query.NewRegexpQuery(r)
			n.SetField(f)
			return n
		})
	case *query.NumericRangeQuery:
		if q.FieldVal != YearField {
			return nil, fieldError(q.FieldVal, "a number range (>, <) works on year only")
		}
		return q, nil
	case *query.DateRangeQuery:
		if q.FieldVal != DateField {
			return nil, fieldError(q.FieldVal, `a date range works on date only, like date:>"2025-01-01"`)
		}
		return q, nil
	}
	return q, nil
}

func fieldError(f, why string) error {
	if !slices.Contains(Fields(), f) {
		return &QueryError{fmt.Sprintf("unknown field %q; the fields are %s", f, strings.Join(Fields(), ", "))}
	}
	return &QueryError{fmt.Sprintf("field %q: %s", f, why)}
}

// leaf rewrites a word (or a phrase) searched in field ("" for every text
// field).
func (rw *rewriter) leaf(field, text string, phrase bool) (query.Query, error) {
	switch {
	case field == "":
		var parts []query.Query
		variants := append([]string{text}, rw.syn.Of(text)...)
		fuzzy := !phrase && rw.known != nil && utf8.RuneCountInString(text) >= 5 && !rw.known(text)
		for k, v := range variants {
			isPhrase := phrase || strings.Contains(v, " ")
			fields := wordFields
			if k > 0 { // synonyms are looked for in the whole text only: fewer lookups
				fields = wordFields[:1]
			}
			for _, f := range fields {
				boost := f.Boost
				if k > 0 {
					boost *= 0.8 // a synonym counts a little less than the word typed
				}
				parts = append(parts, textQueries(f.Name, v, isPhrase, boost, fuzzy && k == 0 && f.Name == AllField)...)
			}
		}
		return query.NewDisjunctionQuery(parts), nil
	case field == YearField:
		var y float64
		if _, err := fmt.Sscanf(text, "%g", &y); err != nil {
			return nil, &QueryError{fmt.Sprintf("year:%s: a year is a number, like year:2025", text)}
		}
		yes := true
		n := query.NewNumericRangeInclusiveQuery(&y, &y, &yes, &yes)
		n.SetField(YearField)
		return n, nil
	case slices.Contains(KeywordFields, field):
		v := strings.TrimSpace(text)
		switch field {
		case "severity":
			v = strings.ToUpper(v)
		case "status", "action_types", "trigger", "language":
			v = strings.ToLower(v)
		}
		t := query.NewTermQuery(v)
		t.SetField(field)
		return t, nil
	}
	f, ok := textField(field)
	if !ok {
		return nil, fieldError(field, "")
	}
	return query.NewDisjunctionQuery(textQueries(f.Name, text, phrase, 1, false)), nil
}

// textQueries looks for text in a text field in both languages.
func textQueries(field, text string, phrase bool, boost float64, fuzzy bool) []query.Query {
	var out []query.Query
	for _, lang := range []string{"en", "fr"} {
		name := field
		if lang == "fr" {
			name += frSuffix
		}
		if phrase {
			p := query.NewMatchPhraseQuery(text)
			p.SetField(name)
			p.Analyzer = analyzers[lang]
			p.SetBoost(boost)
			out = append(out, p)
			continue
		}
		m := query.NewMatchQuery(text)
		m.SetField(name)
		m.Analyzer = analyzers[lang]
		m.SetBoost(boost)
		out = append(out, m)
		if fuzzy {
			f := query.NewMatchQuery(text)
			f.SetField(name)
			f.Analyzer = analyzers[lang]
			f.SetFuzziness(1)
			f.SetPrefix(1)
			f.SetBoost(boost * 0.3) // a typo ranks below an exact word
			out = append(out, f)
		}
	}
	return out
}

// pattern rewrites a wildcard or regular expression: in the named field,
// or in every text field when none is named.
func pattern(field, p string, make func(field, p string) query.Query) (query.Query, error) {
	var fields []string
	switch {
	case field == "":
		fields = []string{AllField}
	case slices.Contains(KeywordFields, field):
		return make(field, p), nil
	default:
		if _, ok := textField(field); !ok {
			return nil, fieldError(field, "")
		}
		fields = []string{field}
	}
	var parts []query.Query
	for _, f := range fields {
		parts = append(parts, make(f, p), make(f+frSuffix, p))
	}
	return query.NewDisjunctionQuery(parts), nil
}
