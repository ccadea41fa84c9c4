package sitesearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hindsight-sre/hindsight/generator/search"
)

// decode reads a shard or manifest file back, as the search page does.
func decode(t *testing.T, b []byte) (string, map[string]any) {
	t.Helper()
	s := string(b)
	if !strings.HasPrefix(s, "hindsightSearch(") || !strings.HasSuffix(s, ");\n") {
		t.Fatalf("not a JSONP file: %.60s", s)
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "hindsightSearch("), ");\n")
	comma := strings.IndexByte(s, ',')
	var name string
	var data map[string]any
	if err := json.Unmarshal([]byte(s[:comma]), &name); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(s[comma+1:]), &data); err != nil {
		t.Fatal(err)
	}
	return name, data
}

// decodePostings is search.js's postings().
func decodePostings(s string, n int) map[int]int {
	val := func(c byte) int { return strings.IndexByte(alphabet, c) }
	out := map[int]int{}
	if s[0] == '*' {
		q := val(s[1])
		for i := 2; i < len(s); i++ {
			for b := range 6 {
				if d := (i-2)*6 + b; val(s[i])&(1<<b) != 0 && d < n {
					out[d] = q
				}
			}
		}
		return out
	}
	d := -1
	for i := 0; i < len(s); {
		gap := 0
		for {
			x := val(s[i])
			i++
			gap = gap*32 + x&31
			if x&32 == 0 {
				break
			}
		}
		d += gap
		out[d] = val(s[i])
		i++
	}
	return out
}

func testDocs(n int) []Doc {
	var docs []Doc
	for i := range n {
		body := "routine maintenance window"
		if i%5 == 0 { // in fewer than a quarter of the documents: scored one by one
			body = "the certificate expired on the load balancer"
		}
		if i == 7 {
			body = "certificate certificate certificate expired twice, certificates everywhere"
		}
		docs = append(docs, Doc{URL: fmt.Sprintf("incidents/inc-%d/", i), Title: fmt.Sprintf("Incident %d", i),
			Severity: "SEV2", Year: 2025, Services: []string{"api"}, Lang: "en",
			Fields: []Field{{Text: fmt.Sprintf("Incident %d", i), Boost: 4}, {Text: body, Boost: 1}}, Excerpt: body})
	}
	return docs
}

// TestIndexRoundTrip builds an index and reads it as the page does: every
// document with the word is in its postings, the best first among its
// cards, their titles in the shard, and nothing else.
func TestIndexRoundTrip(t *testing.T) {
	docs := testDocs(300)
	files, st, err := Build(docs, Options{ShardBytes: 2 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if st.Shards < 2 || st.Docs != 300 || st.Files != len(files) {
		t.Fatalf("stats %+v for %d files", st, len(files))
	}
	_, man := decode(t, files["index.js"])
	if man["url"] != "incidents/" || man["docs"].(float64) != 300 {
		t.Errorf("manifest: url %v, docs %v", man["url"], man["docs"])
	}
	var bounds []string
	for _, b := range man["shards"].([]any) {
		bounds = append(bounds, b.(string))
	}
	shardOf := func(term string) int {
		i := 0
		for i+1 < len(bounds) && bounds[i+1] <= term {
			i++
		}
		return i
	}
	_, sh := decode(t, files[fmt.Sprintf("t/%d.js", shardOf("certif"))])
	e, ok := sh["terms"].(map[string]any)["certif"].([]any)
	if !ok {
		t.Fatalf("no certif in its shard: %v", sh["terms"])
	}
	posts := decodePostings(e[1].(string), 300)
	if len(posts) != 61 || int(e[0].(float64)) != 61 {
		t.Fatalf("certif: df %v, %d postings, want 61", e[0], len(posts))
	}
	for d := range posts {
		if d%5 != 0 && d != 7 {
			t.Errorf("document %d has no certificate", d)
		}
	}
	cards := e[2].([]any)
	if len(cards) != 5 {
		t.Fatalf("%d cards, want 5", len(cards))
	}
	first := cards[0].([]any)
	if first[0].(float64) != 7 || !strings.Contains(first[1].(string), "certificate certificate") {
		t.Errorf("the best card is %v, want document 7 and its passage", first)
	}
	for _, c := range cards {
		d := fmt.Sprint(c.([]any)[0])
		if title := sh["docs"].(map[string]any)[d]; title == nil || title.([]any)[0] != "inc-"+d+"/" {
			t.Errorf("card %s has no title in the shard: %v", d, title)
		}
	}
	if q := posts[7]; q <= posts[0] {
		t.Errorf("document 7 scores %d, not above document 0's %d", q, posts[0])
	}

	// Chunks: titles by number.
	_, ch := decode(t, files["d/1.js"])
	if ch["start"].(float64) != 64 || len(ch["cards"].([]any)) != 64 {
		t.Errorf("d/1.js: start %v, %d cards", ch["start"], len(ch["cards"].([]any)))
	}
}

// TestDenseTerms: a term in more than a quarter of the documents is a
// bitmap with one score, and its cards follow document order, as the page
// ranks it.
func TestDenseTerms(t *testing.T) {
	files, _, err := Build(testDocs(300), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if !strings.HasPrefix(name, "t/") {
			continue
		}
		_, sh := decode(t, b)
		e, ok := sh["terms"].(map[string]any)["routin"].([]any)
		if !ok {
			continue
		}
		if !strings.HasPrefix(e[1].(string), "*") {
			t.Fatalf("routin is in most documents but not a bitmap: %.20s", e[1])
		}
		if got := len(decodePostings(e[1].(string), 300)); got != 239 {
			t.Errorf("the bitmap holds %d documents, want 239", got)
		}
		if c := e[2].([]any); c[0].([]any)[0].(float64) != 1 || c[1].([]any)[0].(float64) != 2 {
			t.Errorf("cards of a bitmap term out of document order: %v", c)
		}
		return
	}
	t.Fatal("no shard holds routin")
}

func TestLevel(t *testing.T) {
	for _, w := range []float32{0, 0.5, 3, 40, 1e6} {
		q := level(w, 63/math.Log1p(40))
		if q < 1 || q > 63 {
			t.Errorf("level(%v) = %d", w, q)
		}
	}
	if level(40, 63/math.Log1p(40)) != 63 || level(20, 63/math.Log1p(40)) >= 63 {
		t.Error("the best score should be the only one at 63")
	}
}

func TestRelatedAndPrefix(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{{"expir", "expired", true}, {"certif", "certificat", true}, {"dn", "dns", true}, {"latenc", "latency", true},
		{"disk", "dist", false}, {"2024", "20240", false}, {"abc", "abd", false}} {
		if got := related(c.a, c.b); got != c.want {
			t.Errorf("related(%q, %q) = %v", c.a, c.b, got)
		}
	}
	if p := urlPrefix([]Doc{{URL: "incidents/a/"}, {URL: "incidents/abc/"}}); p != "incidents/" {
		t.Errorf("urlPrefix = %q", p)
	}
}

func TestMergeBest(t *testing.T) {
	a := []posting{{doc: 1, w: 10}, {doc: 4, w: 1}}
	b := []posting{{doc: 1, w: 20}, {doc: 2, w: 5}, {doc: 9, w: 1}}
	got := mergeBest([][]posting{a, b}, 0.5)
	want := []posting{{doc: 1, w: 10}, {doc: 2, w: 2.5}, {doc: 4, w: 0.5}, {doc: 9, w: 0.5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("mergeBest = %v, want %v", got, want)
	}
	if a[0].w != 10 || b[0].w != 20 {
		t.Error("mergeBest changed its input")
	}
}

// TestStop checks that a build told to stop gives up with ErrStopped.
func TestStop(t *testing.T) {
	stop := make(chan struct{})
	close(stop)
	if _, _, err := Build(testDocs(300), Options{Stop: stop}); err != ErrStopped {
		t.Fatalf("Build after stop: %v, want ErrStopped", err)
	}
}

// TestParallelStops: parallel calls nothing once stop is closed, and
// little more than the calls under way when it closes meanwhile.
func TestParallelStops(t *testing.T) {
	stop := make(chan struct{})
	close(stop)
	var calls atomic.Int64
	parallel(stop, 10000, func(int) { calls.Add(1) })
	if n := calls.Load(); n != 0 {
		t.Errorf("%d calls after stop", n)
	}
	stop = make(chan struct{})
	var once sync.Once
	calls.Store(0)
	parallel(stop, 100000, func(int) {
		if calls.Add(1) == 100 {
			once.Do(func() { close(stop) })
		}
	})
	if n, most := calls.Load(), int64(100+64*runtime.GOMAXPROCS(0)); n > most {
		t.Errorf("%d calls, want at most %d once stopped at the 100th", n, most)
	}
	calls.Store(0)
	parallel(nil, 1000, func(int) { calls.Add(1) })
	if n := calls.Load(); n != 1000 {
		t.Errorf("%d calls without stop, want 1000", n)
	}
}

// TestShardJSON: a shard written by hand reads back as encoding/json would
// have written it, with awkward text, and never holds "<" or a raw line
// separator (the file is a script).
func TestShardJSON(t *testing.T) {
	awkward := []string{`quote " and \ backslash`, "</script><b>&amp;", "tab\tnew\nline\rcr\x01\x1f", "sep\u2028par\u2029",
		"bad \xff utf-8", "café 🙂", ""}
	// Twelve documents, so that "10" sorts before "2" as JSON object keys do.
	docs := make([]Doc, 12)
	for i := range docs {
		s := awkward[i%len(awkward)]
		docs[i] = Doc{URL: "incidents/" + s + "/", Title: s}
	}
	sh := &shard{prefix: "incidents/", num: 1}
	seen := make([]int32, len(docs))
	names, entries := make([]string, len(awkward)), make([]entry, len(awkward))
	for i, s := range awkward {
		names[i] = fmt.Sprintf("term%d%s", i, s)
		// Postings are in the alphabet, which needs no escape; the rest is
		// any text.
		entries[i] = entry{df: i + 1, postings: "AB" + alphabet[i:i+3], cards: []card{{int32(i), "snippet " + s}}, titles: []int32{int32((i + 1) % len(docs))}}
		if i%2 == 0 {
			entries[i].syn = "-_" + alphabet[60-i:]
		}
		sh.add(i, names, entries, seen)
	}
	sh.addLater(11)
	sh.addLater(3) // already shown
	sh.addLater(10)
	sh.aliases = map[string]any{"donné": 0}
	got := sh.encode("t/7.js", docs)
	if bytes.ContainsAny(got, "<\u2028\u2029") {
		t.Errorf("the shard holds < or a raw line separator: %s", got)
	}
	body, ok := bytes.CutPrefix(got, []byte(`hindsightSearch("t/7",`))
	body, ok2 := bytes.CutSuffix(body, []byte(");\n"))
	if !ok || !ok2 {
		t.Fatalf("not a JSONP script: %s", got)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	want := map[string]any{"aliases": sh.aliases}
	wdocs := map[string]any{}
	for _, n := range sh.docs {
		wdocs[fmt.Sprint(n)] = []string{strings.TrimPrefix(docs[n].URL, "incidents/"), docs[n].Title}
	}
	if len(wdocs) != 10 || len(sh.docs) != 10 {
		t.Errorf("the shard shows %d documents (%d distinct), want 10: %v", len(sh.docs), len(wdocs), sh.docs)
	}
	terms := map[string]any{}
	for i, name := range sh.terms {
		terms[name] = sh.value(sh.entries[i])
	}
	want["docs"], want["terms"] = wdocs, terms
	wb, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var w any
	json.Unmarshal(wb, &w)
	if !reflect.DeepEqual(v, w) {
		t.Errorf("the shard reads back as\n%v\nwant\n%v", v, w)
	}
}

// TestThresholds: the level found through the thresholds is level's, at
// and around every threshold and over a sweep of scores.
func TestThresholds(t *testing.T) {
	for _, scale := range []float64{63 / math.Log1p(1), 63 / math.Log1p(7.3), 63 / math.Log1p(250)} {
		th := newThresholds(scale)
		check := func(w float32) {
			if got, want := th.level(w), uint8(level(w, scale)); got != want {
				t.Fatalf("scale %g, score %g: level %d, want %d", scale, w, got, want)
			}
		}
		for q := 2; q <= 63; q++ {
			x := th.least[q]
			check(x)
			check(math.Nextafter32(x, 0))
			check(math.Nextafter32(x, math.MaxFloat32))
		}
		for w := float32(-1); w < 300; w += 0.0137 {
			check(w)
		}
		for _, w := range []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(-1)), math.MaxFloat32, math.SmallestNonzeroFloat32} {
			check(w)
		}
		r := rand.New(rand.NewPCG(1, 2))
		for range 200000 {
			check(math.Float32frombits(r.Uint32()))
		}
	}
}

// TestWordTerms: the table finds every word it was given, with its terms,
// across growth, and lists each once.
func TestWordTerms(t *testing.T) {
	w := newWordTerms()
	want := map[string][]int32{}
	for i := range 100_000 {
		word := fmt.Sprintf("w%dx", i*7919)
		var tids []int32
		switch i % 3 {
		case 1:
			tids = []int32{int32(i)}
		case 2:
			tids = []int32{int32(i), int32(i + 1)}
		}
		if _, ok := w.get(word); ok {
			t.Fatalf("%q found before it was added", word)
		}
		w.add(word, tids)
		want[word] = tids
	}
	seen := 0
	w.all(func(word string, v int32) {
		seen++
		if got := w.terms(v); !slices.Equal(got, want[word]) {
			t.Fatalf("%q: terms %v, want %v", word, got, want[word])
		}
	})
	for word, tids := range want {
		v, ok := w.get(word)
		if !ok || !slices.Equal(w.terms(v), tids) {
			t.Fatalf("%q: %v %v, want %v", word, ok, w.terms(v), tids)
		}
	}
	if seen != len(want) {
		t.Errorf("all listed %d words, want %d", seen, len(want))
	}
	if _, ok := w.get("absent"); ok {
		t.Error("a word never added is found")
	}
}

// TestMergeBestRandom: the merge keeps each document once, in order, with
// its best score times f, the later list's posting when two are equal.
func TestMergeBestRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		lists := make([][]posting, r.IntN(6))
		for k := range lists {
			doc := int32(-1)
			for range r.IntN(20) {
				doc += 1 + r.Int32N(4)
				lists[k] = append(lists[k], posting{doc: doc, w: float32(r.IntN(4)), pos: int32(k)})
			}
		}
		best := map[int32]posting{}
		for _, l := range lists {
			for _, p := range l {
				p.w *= 0.8
				if b, ok := best[p.doc]; !ok || !(b.w > p.w) {
					best[p.doc] = p
				}
			}
		}
		var want []posting
		for _, d := range slices.Sorted(maps.Keys(best)) {
			want = append(want, best[d])
		}
		if got := mergeBest(lists, 0.8); !slices.Equal(got, want) {
			t.Fatalf("round %d: %v\ngot  %v\nwant %v", round, lists, got, want)
		}
	}
}

// TestNumbersHaveNoAlias: a number is its own term in English and in
// French, which analyse counts on to skip the analyzers for numbers and
// addAliases to skip them.
func TestNumbersHaveNoAlias(t *testing.T) {
	var ans [2]*search.Analyzer
	for i, lang := range []string{"en", "fr"} {
		var err error
		if ans[i], err = search.NewAnalyzer(lang); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	numbers := []string{"0", "00", "1", "11", "111", "1111", "11111", "111111", "2024", "0123456789", "99999999999999999999"}
	for range 5000 {
		numbers = append(numbers, strconv.FormatUint(r.Uint64()>>r.IntN(64), 10))
	}
	for _, n := range numbers {
		if !allDigits(n) {
			t.Fatalf("allDigits(%q) = false", n)
		}
		for i, an := range ans {
			if got := an.Analyse(n); len(got) != 1 || got[0] != n {
				t.Errorf("analyzer %d: %q gives %q", i, n, got)
			}
		}
	}
	for _, s := range []string{"", "v2", "2s", "1.5", "١٢٣"} {
		if allDigits(s) {
			t.Errorf("allDigits(%q) = true", s)
		}
	}
}

// FuzzJSONString: appendJSONString writes a JSON string that reads back
// as encoding/json's does, with nothing an HTML script element or a
// JavaScript string would take for its end.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "</script>&", "tab\tnl\n\x01", "sep\u2028\u2029", "bad \xff", "café 🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		if bytes.ContainsAny(got, "<>&\u2028\u2029") {
			t.Fatalf("%q: raw %s", s, got)
		}
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q: %s: %v", s, got, err)
		}
		std, _ := json.Marshal(s)
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		if back != want {
			t.Fatalf("%q reads back as %q, want %q", s, back, want)
		}
	})
}
