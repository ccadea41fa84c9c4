package sitesearch

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-sre/hindsight/generator/search"
	"github.com/hindsight-sre/hindsight/generator/synth"
	"github.com/hindsight-sre/hindsight/internal/browser"
)

// texts returns the example knowledge base, a small synthetic one and words
// chosen for the stemmers' corners, as raw text.
func texts(t *testing.T) []string {
	var out []string
	read := func(root string) {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
				return err
			}
			b, err := os.ReadFile(p)
			out = append(out, string(b))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read("../../content")
	dir := t.TempDir()
	if err := synth.Generate(dir, synth.Options{Postmortems: 150}); err != nil {
		t.Fatal(err)
	}
	read(dir)
	out = append(out, `certificates certificate expired expiring expiration hopping hoped controlling generalization
		agreed feed sized conditional rational valency digitizer conformabli radicalli differentli vileli analogousli
		vietnamization predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti
		sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival allowance inference
		airliner gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou
		communism activate angulariti homologous effective bowdlerize probate rate cease controll roll sky skies
		try tried flies dying lying tying news innings outing canning inning conned o'clock don't api.example.com
		1,234.5 v3.18.3 10:38.327Z the team's l'incident d'authentification qu'il jusqu'à aujourd'hui
		défaillances défaillance certificats certificat expiré expirée expirés serveurs serveur disques réseaux
		bateaux chevaux travaux généraux normaux nouveaux gâteaux établissement finissant rapidement activement
		vérificatrice vérificateur éducatrice éducateur conservatrice ambassadrice amateur acteur dixième chanteuse
		chanteur heureuse première active folle molle personnelle professionnel poète électrique délicatesse
		jardinage normalisation actualisation organisateur information définition ça où être créée créées
		allée appelle grossesse ÉTAT Éléphant naïve cœur œuvre façade ZÜRICH Straße 東京 مرحبا ११२`)
	return out
}

// TestAnalysersMatchBleve checks, in Chromium, that the search page splits
// and stems words exactly as the build (and bleve) does, for every word of
// the example knowledge base, of a synthetic one and of a list of corners.
func TestAnalysersMatchBleve(t *testing.T) {
	ctx := browser.New(t)
	dir := t.TempDir()
	js, err := os.ReadFile("../../themes/default/static/js/search.js")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "search.js"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	page := `<!DOCTYPE html><meta charset="utf-8"><script src="search.js"></script>`
	if err := os.WriteFile(filepath.Join(dir, "t.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	man, err := manifest(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(dir, "t.html"))); err != nil {
		t.Fatal(err)
	}
	lists, _ := json.Marshal(man)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any]("hindsightAnalyse.setLists("+string(lists)+")")); err != nil {
		t.Fatal(err)
	}

	en, _ := search.NewAnalyzer("en")
	fr, _ := search.NewAnalyzer("fr")
	seen := map[string]bool{}
	var words []string
	var goSplit [][]string
	all := texts(t)
	for _, text := range all {
		var ws []string
		search.Words(text, func(w string) {
			ws = append(ws, w)
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		})
		goSplit = append(goSplit, ws)
	}
	if len(words) < 3000 {
		t.Fatalf("only %d distinct words to compare", len(words))
	}

	// Splitting.
	in, _ := json.Marshal(all)
	jsSplit, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`(function(texts){return texts.map(function(t){var o=[];hindsightAnalyse.words(t,function(w){o.push(w)});return o})})(`+string(in)+`)`))
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if strings.Join(goSplit[i], "\x00") != strings.Join(jsSplit[i], "\x00") {
			for k := range min(len(goSplit[i]), len(jsSplit[i])) {
				if goSplit[i][k] != jsSplit[i][k] {
					t.Errorf("text %d, word %d: Go splits %q, the page %q", i, k, goSplit[i][k], jsSplit[i][k])
					break
				}
			}
			if len(goSplit[i]) != len(jsSplit[i]) {
				t.Errorf("text %d: Go splits %d words, the page %d", i, len(goSplit[i]), len(jsSplit[i]))
			}
		}
	}

	// Stemming, in both languages.
	in, _ = json.Marshal(words)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(`+`(function(ws){return ws.map(function(w){return [hindsightAnalyse.analyse(w,"en"),hindsightAnalyse.analyse(w,"fr")]})})(`+string(in)+`))`))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2][]string
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("%v: %.300s", err, raw)
	}
	bad := 0
	for i, w := range words {
		for li, an := range []*search.Analyzer{en, fr} {
			want := strings.Join(an.Word(w), " ")
			if g := strings.Join(got[i][li], " "); g != want && bad < 25 {
				bad++
				t.Errorf("%q in %s: bleve %q, the page %q", w, []string{"en", "fr"}[li], want, g)
			}
		}
	}
	t.Logf("%d words compared in both languages, %d texts split", len(words), len(all))
}
