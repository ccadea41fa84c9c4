package search

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/synth"
)

func bleveTerms(t *testing.T, a analysis.Analyzer, text string) []string {
	t.Helper()
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func fastTerms(a *Analyzer, text string) []string {
	var out []string
	a.Terms(text, func(term string) { out = append(out, term) })
	return out
}

// compareAnalyzers checks that the fast analyzer gives exactly bleve's
// terms for every text of the documents.
func compareAnalyzers(t *testing.T, docs []map[string]any) {
	t.Helper()
	cache := registry.NewCache()
	checked := 0
	for _, lang := range []string{"en", "fr"} {
		slow, err := cache.AnalyzerNamed(analyzers[lang])
		if err != nil {
			t.Fatal(err)
		}
		fast, err := NewAnalyzer(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			for field, v := range d {
				text, ok := v.(string)
				if !ok || field == "id" || field == "severity" || field == "status" || field == "language" || field == "trigger" {
					continue
				}
				want, got := bleveTerms(t, slow, text), fastTerms(fast, text)
				checked += len(want)
				if !slices.Equal(want, got) {
					for i := range min(len(want), len(got)) {
						if want[i] != got[i] {
							t.Errorf("%s %s of %s: term %d is %q, bleve says %q (in %q)", lang, field, d["id"], i, got[i], want[i], snippetAround(text, want[i]))
							break
						}
					}
					if len(want) != len(got) {
						t.Errorf("%s %s of %s: %d terms, bleve gives %d", lang, field, d["id"], len(got), len(want))
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("compared only %d terms", checked)
	}
}

func snippetAround(text, term string) string {
	i := strings.Index(strings.ToLower(text), term)
	if i < 0 {
		return text[:min(60, len(text))]
	}
	return text[max(0, i-30):min(len(text), i+30)]
}

// loadSite loads the knowledge base of a folder holding hindsight.yaml and
// content/.
func loadSite(t *testing.T, dir string) *site.Site {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	s, diags := site.Load(os.DirFS(filepath.Join(dir, "content")), cfg, site.Options{Drafts: true, Now: time.Now()})
	if s == nil {
		t.Fatal(diags)
	}
	return s
}

// documents loads a knowledge base and returns what the index holds of it.
func documents(t *testing.T, dir string) []map[string]any {
	t.Helper()
	s := loadSite(t, dir)
	var docs []map[string]any
	for _, p := range s.Incidents {
		docs = append(docs, Document(p, s.Config.Location))
	}
	return docs
}

// TestAnalyzerMatchesBleve: on the example knowledge base, in English and
// French, the fast analyzer gives bleve's terms.
func TestAnalyzerMatchesBleve(t *testing.T) {
	compareAnalyzers(t, documents(t, filepath.Join("..", "..")))
}

// TestAnalyzerMatchesBleveSynthetic does the same on a sample of the
// benchmark corpus.
func TestAnalyzerMatchesBleveSynthetic(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Generate(dir, synth.Options{Postmortems: 200}); err != nil {
		t.Fatal(err)
	}
	compareAnalyzers(t, documents(t, dir))
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"Hello, world!":                "Hello|world",
		"don't stop":                   "don't|stop",
		"api.nimbus.example timed out": "api.nimbus.example|timed|out",
		"v1.2.3 and 1,234.5 ms":        "v1.2.3|and|1,234.5|ms",
		"e-mail l'équipe":              "e|mail|l'équipe",
		"end.":                         "end",
		"snake_case x":                 "snake_case|x",
		"déjà vu — ça":                 "déjà|vu|ça",
	} {
		var got []string
		Words(in, func(w string) { got = append(got, w) })
		if strings.Join(got, "|") != want {
			t.Errorf("Words(%q) = %q, want %q", in, strings.Join(got, "|"), want)
		}
	}
}

// FuzzWordsAt: WordsAt splits any text as its plain rune-by-rune
// reading, wordsAtOracle, does: the same words at the same offsets.
func FuzzWordsAt(f *testing.F) {
	for _, s := range []string{"Hello, world!", "don't stop", "v1.2.3 and 1,234.5 ms", "snake_case x", "déjà vu — ça", "a'b'c", "1.2.", "x_1_y", "é1", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		type word struct {
			at int
			w  string
		}
		var got, want []word
		WordsAt(s, func(at int, w string) { got = append(got, word{at, w}) })
		wordsAtOracle(s, func(at int, w string) { want = append(want, word{at, w}) })
		if !slices.Equal(got, want) {
			t.Fatalf("WordsAt(%q) = %v, want %v", s, got, want)
		}
	})
}

// wordsAtOracle is WordsAt as it was before its run of ASCII letters was
// read in a loop of its own: one character per turn of the loop.
func wordsAtOracle(text string, fn func(at int, w string)) {
	start := -1
	lastKind := uint8(0) // 1 letter, 2 digit
	for i := 0; i < len(text); {
		r, size, kind := rune(text[i]), 1, uint8(0)
		if r < utf8.RuneSelf {
			kind = asciiKind[r]
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
			switch {
			case unicode.IsLetter(r) || unicode.IsMark(r):
				kind = 1
			case unicode.IsDigit(r):
				kind = 2
			}
		}
		if kind != 0 {
			if start < 0 {
				start = i
			}
			if kind != 3 {
				lastKind = kind
			}
			i += size
			continue
		}
		if start >= 0 && i+size < len(text) {
			join := false
			switch r {
			case '\'', '’', '.', ':', '·':
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				join = lastKind == 1 && unicode.IsLetter(next) || r == '.' && lastKind == 2 && unicode.IsDigit(next)
			case ',', ';':
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				join = lastKind == 2 && unicode.IsDigit(next)
			}
			if join {
				i += size
				continue
			}
		}
		if start >= 0 {
			fn(start, text[start:i])
			start, lastKind = -1, 0
		}
		i += size
	}
	if start >= 0 {
		fn(start, text[start:])
	}
}
