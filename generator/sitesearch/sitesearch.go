// Package sitesearch owns the search index written into the site, for the
// search page that works on any static host and from disk: the postmortems'
// words analysed as bleve analyses them (search.Analyzer), scored with BM25
// and field boosts at build time, and split alphabetically into small shards
// so that a query downloads only the shards of its words. Every file is a
// script that hands its data to the page (JSONP), since pages opened from
// disk cannot fetch files.
//
// The files, under search/ in the site:
//
//	index.js   the manifest: shard boundaries, each document's facets
//	           (severity, year, services), stop words and French articles
//	t/N.js     a shard of terms: for each, its postings (document numbers
//	           and scores) and result cards for its best documents (title,
//	           link, and the passage around the word), and the titles of more
//	d/N.js     the titles of 64 documents by number, for results no shard
//	           carries a card for
//
// The search page (themes/default/static/js/search.js) stems the query as
// this package does, so that "certificates" finds "certificate expired".
package sitesearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/hindsight-sre/hindsight/generator/search"
)

// Doc is one searchable page.
type Doc struct {
	URL      string // from the site root, "incidents/inc-1/"
	Title    string
	Severity string
	Year     int // shown, and a facet; 0 when unknown
	Services []string
	Lang     string  // "en" or "fr"
	Fields   []Field // the text, most telling first
	Excerpt  string  // the passage a card shows for a match in the title
}

// Field is a piece of a document's text and the weight of a match in it.
type Field struct {
	Text  string
	Boost float64
}

// Options tune the index; the zero value is the default.
type Options struct {
	// Synonyms map a word to words meaning the same (search.Synonyms):
	// a query for the word also finds the others, ranked a little lower.
	Synonyms search.Synonyms
	// ShardBytes is the size a term shard is cut at (default 10 KB).
	ShardBytes int
	// Cards is how many result cards with a passage a term carries
	// (default 5: the first page of results).
	Cards int
	// Stop, when closed, makes Build give up soon and return ErrStopped.
	Stop <-chan struct{}
}

// ErrStopped is what Build returns when Options.Stop is closed.
var ErrStopped = errors.New("index building stopped")

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// Stats describe the index written.
type Stats struct {
	Docs, Terms, Shards, Files int
	Bytes                      int64
}

// Version of the index format, written into the manifest; search.js refuses
// another.
const Version = 1

// Tunables.
const (
	chunkDocs   = 64  // documents per d/N.js
	snippetLen  = 160 // characters around a word in a card
	k1, bm25B   = 1.2, 0.75
	denseFactor = 4   // a term in more than n/denseFactor documents is stored as a bitmap
	rareDigits  = 16  // a term with a digit in at most this many documents carries no cards
	coverAll    = 100 // a term in at most this many documents has the titles of all
	coverTop    = 30  // of the others, the titles of this many
)

// alphabet encodes numbers six bits to the character, safe in JSON strings.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

type posting struct {
	doc   int32
	w     float32
	q     uint8 // level(w), once the index's scale is known
	field int16 // the most telling field the term occurs in
	pos   int32 // byte offset of its first occurrence there
}

type term struct {
	name  string
	posts []posting
	syn   []posting // documents found through synonyms
}

// Build returns the index files for docs, keyed by their path under the
// search folder ("index.js", "t/0.js", ...).
func Build(docs []Doc, opts Options) (map[string][]byte, Stats, error) {
	if opts.ShardBytes <= 0 {
		opts.ShardBytes = 10 << 10
	}
	if opts.Cards <= 0 {
		opts.Cards = 5 // the search page shows 5 results at first
	}
	terms, vocab, err := analyse(docs, opts.Stop)
	if err != nil {
		return nil, Stats{}, err
	}
	if err := addSynonyms(terms, opts.Synonyms); err != nil {
		return nil, Stats{}, err
	}
	names := slices.Sorted(maps.Keys(terms))
	if stopped(opts.Stop) {
		return nil, Stats{}, ErrStopped
	}
	files := map[string][]byte{}
	w := &writer{docs: docs, cards: opts.Cards, scale: scaleFor(terms)}
	setLevels(terms, w.scale)

	// Entries on every core, then term shards cut by size in order, then
	// encoded on every core.
	entries := make([]entry, len(names))
	parallel(len(names), func(i int) { entries[i] = w.entry(terms[names[i]]) })
	prefix := urlPrefix(docs)
	var shards []*shard
	cur := &shard{prefix: prefix}
	for i, n := range names {
		e := entries[i]
		size := e.size
		for _, c := range e.cards {
			if _, ok := cur.docs[c.doc]; !ok {
				size += cardDocSize(&docs[c.doc], prefix)
			}
		}
		for _, d := range e.titles {
			if _, ok := cur.docs[d]; !ok {
				size += cardDocSize(&docs[d], prefix)
			}
		}
		// A shard ends at its size, but not between a term and the next one
		// it begins, or one sharing its first four letters, unless it grew
		// twice too big: a word's English and French stems ("expir",
		// "expired") and the words being typed after it stay together.
		if len(cur.terms) > 0 && cur.size+size > opts.ShardBytes &&
			(!related(cur.terms[len(cur.terms)-1], n) || cur.size+size > 2*opts.ShardBytes) {
			shards = append(shards, cur)
			cur = &shard{prefix: prefix}
		}
		cur.add(n, e, docs)
		cur.size += size
	}
	if len(cur.terms) > 0 {
		shards = append(shards, cur)
	}
	if err := addAliases(shards, vocab, terms, entries, names, docs); err != nil {
		return nil, Stats{}, err
	}
	bounds := make([]string, len(shards))
	encoded := make([][]byte, len(shards))
	parallel(len(shards), func(i int) {
		bounds[i] = shards[i].first
		encoded[i] = shards[i].encode(fmt.Sprintf("t/%d.js", i))
	})
	for i, b := range encoded {
		files[fmt.Sprintf("t/%d.js", i)] = b
	}

	// Document chunks.
	for start := 0; start < len(docs); start += chunkDocs {
		end := min(start+chunkDocs, len(docs))
		var cards [][]string
		for i := start; i < end; i++ {
			d := &docs[i]
			cards = append(cards, []string{strings.TrimPrefix(d.URL, prefix), d.Title})
		}
		name := fmt.Sprintf("d/%d.js", start/chunkDocs)
		files[name] = jsonp(name, map[string]any{"start": start, "cards": cards})
	}

	man, err := manifest(docs, bounds)
	if err != nil {
		return nil, Stats{}, err
	}
	man["url"], man["scale"] = prefix, w.scale
	files["index.js"] = jsonp("index.js", man)
	st := Stats{Docs: len(docs), Terms: len(names), Shards: len(bounds), Files: len(files)}
	for _, b := range files {
		st.Bytes += int64(len(b))
	}
	return files, st, nil
}

// addAliases spares the search page a second shard for a word whose
// English and French terms fall in different shards ("données": donné,
// done): the shard of its English term gets the French term's entry, and
// the titles of its cards, or a note that there is none, under "aliases".
func addAliases(shards []*shard, vocab map[string]bool, terms map[string]*term, entries []entry, names []string, docs []Doc) error {
	if len(shards) < 2 {
		return nil
	}
	// Each word's terms in both languages, on every core.
	words := slices.Sorted(maps.Keys(vocab))
	stems := make([][2]string, len(words))
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			en, err := search.NewAnalyzer("en")
			if err == nil {
				var fr *search.Analyzer
				if fr, err = search.NewAnalyzer("fr"); err == nil {
					for i := k; i < len(words); i += workers {
						e, f := en.Word(words[i]), fr.Word(words[i])
						if len(e) == 1 && len(f) == 1 && e[0] != f[0] {
							stems[i] = [2]string{e[0], f[0]}
						}
					}
				}
			}
			errs[k] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	first := make([]string, len(shards))
	for i, sh := range shards {
		first[i] = sh.first
	}
	shardOf := func(t string) int {
		i, found := slices.BinarySearch(first, t)
		if !found {
			i--
		}
		return max(i, 0)
	}
	for _, st := range stems {
		if st[0] == "" {
			continue
		}
		e, f := st[:1], st[1:]
		se, sf := shardOf(e[0]), shardOf(f[0])
		if se == sf {
			continue
		}
		sh := shards[se]
		if _, ok := sh.aliases[f[0]]; ok {
			continue
		}
		if sh.aliases == nil {
			sh.aliases = map[string]any{}
		}
		if _, ok := terms[f[0]]; !ok {
			sh.aliases[f[0]] = 0 // no such term
			continue
		}
		i, _ := slices.BinarySearch(names, f[0])
		alias := entries[i]
		sh.aliases[f[0]] = sh.value(alias)
		for _, c := range alias.cards {
			sh.addDoc(c.doc, docs)
		}
		for _, d := range alias.titles {
			sh.addDoc(d, docs)
		}
	}
	return nil
}

// urlPrefix is the folder every document's URL begins with ("incidents/"),
// which cards leave out.
func urlPrefix(docs []Doc) string {
	if len(docs) == 0 {
		return ""
	}
	p := docs[0].URL
	for i := range docs {
		for !strings.HasPrefix(docs[i].URL, p) {
			p = p[:len(p)-1]
		}
	}
	return p[:strings.LastIndexByte(p, '/')+1]
}

// related reports whether two neighbouring words should share a shard: the
// first begins the second, or they share their first four letters.
func related(a, b string) bool {
	if strings.ContainsAny(a+b, "0123456789") { // numbers, versions, times: no words to type
		return false
	}
	if strings.HasPrefix(b, a) {
		return true
	}
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 4
}

// parallel calls fn(0..n-1) on every core.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n; i += workers {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// analyse scores every term of every document, on every core. Each worker
// numbers the terms it meets and remembers, for each word, its terms'
// numbers, so that a word costs one map lookup; a document's terms are
// scored when it is done, and postings merged by term at the end.
//
// BM25 needs each field's length against the average: byte lengths stand in
// for term counts, which gives the same ratio without a first pass.
func analyse(docs []Doc, stop <-chan struct{}) (map[string]*term, map[string]bool, error) {
	var avg [maxFields]float64
	for i := range docs {
		for f, fld := range docs[i].Fields {
			avg[min(f, maxFields-1)] += float64(len(fld.Text))
		}
	}
	for f := range avg {
		avg[f] = max(avg[f]/float64(max(len(docs), 1)), 1)
	}
	workers := runtime.GOMAXPROCS(0)
	type local struct {
		names []string
		posts [][]posting
		words [2]map[string][]int32
		err   error
	}
	locals := make([]local, workers)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			l := &locals[k]
			ids := map[string]int32{}
			l.words = [2]map[string][]int32{{}, {}} // per language: word → term numbers
			words := l.words
			var ans [2]*search.Analyzer
			for li, lang := range []string{"en", "fr"} {
				if ans[li], l.err = search.NewAnalyzer(lang); l.err != nil {
					return
				}
			}
			// The document being read: its terms, and for each its count
			// per field and its most telling occurrence.
			type occ struct {
				tf    [maxFields]uint16
				field int16
				pos   int32
			}
			var scratch []occ
			var touched []int32
			for i := k; i < len(docs); i += workers {
				if i%256 < workers && stopped(stop) {
					l.err = ErrStopped
					return
				}
				d := &docs[i]
				li := 0
				if d.Lang == "fr" {
					li = 1
				}
				for f, fld := range d.Fields {
					fi := min(f, maxFields-1)
					search.WordsAt(fld.Text, func(at int, word string) {
						tids, ok := words[li][word]
						if !ok {
							for _, t := range ans[li].Word(word) {
								id, ok := ids[t]
								if !ok {
									id = int32(len(l.names))
									ids[t] = id
									l.names = append(l.names, t)
									l.posts = append(l.posts, nil)
									scratch = append(scratch, occ{field: -1})
								}
								tids = append(tids, id)
							}
							words[li][strings.Clone(word)] = tids
						}
						for _, id := range tids {
							o := &scratch[id]
							if o.field < 0 {
								touched = append(touched, id)
								o.field, o.pos = int16(f), int32(at)
							} else if fld.Boost > d.Fields[o.field].Boost {
								o.field, o.pos = int16(f), int32(at)
							}
							if o.tf[fi] < math.MaxUint16 {
								o.tf[fi]++
							}
						}
					})
				}
				// The field part of BM25; idf is applied at the end.
				var norms [maxFields]float64
				for f, fld := range d.Fields {
					norms[min(f, maxFields-1)] = 1 - bm25B + bm25B*float64(len(fld.Text))/avg[min(f, maxFields-1)]
				}
				for _, id := range touched {
					o := &scratch[id]
					var w float64
					for f, n := range o.tf {
						if n == 0 {
							continue
						}
						tf := float64(n)
						w += d.Fields[min(f, len(d.Fields)-1)].Boost * tf * (k1 + 1) / (tf + k1*norms[f])
					}
					l.posts[id] = append(l.posts[id], posting{doc: int32(i), w: float32(w), field: o.field, pos: o.pos})
					*o = occ{field: -1}
				}
				touched = touched[:0]
			}
		})
	}
	wg.Wait()
	n := float64(len(docs))
	terms := map[string]*term{}
	vocab := map[string]bool{}
	for k := range locals {
		l := &locals[k]
		if l.err != nil {
			return nil, nil, l.err
		}
		for _, m := range l.words {
			for w := range m {
				vocab[w] = true
			}
		}
		for id, name := range l.names {
			e := terms[name]
			if e == nil {
				terms[name] = &term{name: name, posts: l.posts[id]}
				continue
			}
			e.posts = merge(e.posts, l.posts[id])
		}
		*l = local{}
	}
	for _, e := range terms {
		df := float64(len(e.posts))
		idf := float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
		for j := range e.posts {
			e.posts[j].w *= idf
		}
	}
	return terms, vocab, nil
}

// merge merges two lists of postings in document order.
func merge(a, b []posting) []posting {
	out := make([]posting, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].doc < b[0].doc {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// maxFields is how many fields a document's text is scored in; fields past
// the last count in it.
const maxFields = 12

// addSynonyms gives each word with synonyms the documents of its synonyms,
// at 0.8 of their score, as bleve's search does.
func addSynonyms(terms map[string]*term, syn search.Synonyms) error {
	if len(syn) == 0 {
		return nil
	}
	var ans []*search.Analyzer
	for _, lang := range []string{"en", "fr"} {
		an, err := search.NewAnalyzer(lang)
		if err != nil {
			return err
		}
		ans = append(ans, an)
	}
	// Each word's documents through its synonyms (merged in document order,
	// the best score of each), on every core; then given to its terms.
	words := slices.Sorted(maps.Keys(syn))
	found := make([][]posting, len(words))
	parallel(len(words), func(i int) {
		if strings.Contains(words[i], " ") {
			return // a query word never holds a space
		}
		var lists [][]posting
		for _, other := range syn[words[i]] {
			if strings.Contains(other, " ") {
				continue
			}
			for _, an := range ans {
				for _, t := range an.Word(other) {
					if e := terms[t]; e != nil {
						lists = append(lists, e.posts)
					}
				}
			}
		}
		found[i] = mergeBest(lists, 0.8)
	})
	for i, word := range words {
		if len(found[i]) == 0 {
			continue
		}
		for _, an := range ans {
			for _, t := range an.Word(word) {
				e := terms[t]
				if e == nil {
					e = &term{name: t}
					terms[t] = e
				}
				if e.syn == nil {
					e.syn = slices.Clone(found[i]) // each its own: levels are set in parallel
				}
			}
		}
	}
	return nil
}

// mergeBest merges lists of postings in document order into one, keeping
// the best score of each document, times f.
func mergeBest(lists [][]posting, f float32) []posting {
	var out []posting
	for _, l := range lists {
		merged := make([]posting, 0, len(out)+len(l))
		i, j := 0, 0
		for i < len(out) || j < len(l) {
			switch {
			case j == len(l) || i < len(out) && out[i].doc < l[j].doc:
				merged = append(merged, out[i])
				i++
			case i == len(out) || l[j].doc < out[i].doc:
				p := l[j]
				p.w *= f
				merged = append(merged, p)
				j++
			default: // the same document
				p := l[j]
				p.w *= f
				if out[i].w > p.w {
					p = out[i]
				}
				merged = append(merged, p)
				i, j = i+1, j+1
			}
		}
		out = merged
	}
	return out
}

// card is a result card a term carries: a document and the passage around
// the term in it.
type card struct {
	doc     int32
	snippet string
}

// entry is a term as written into a shard.
type entry struct {
	df       int
	postings string // encoded, see encodePostings
	syn      string
	cards    []card
	titles   []int32 // documents whose title the shard holds, without a passage
	size     int     // bytes it adds to the shard, its documents' titles aside
}

type writer struct {
	docs  []Doc
	cards int
	scale float64 // of level
}

func (w *writer) entry(t *term) entry {
	e := entry{df: len(t.posts), postings: encodePostings(t.posts, len(w.docs), w.scale)}
	if t.syn != nil {
		e.syn = encodePostings(t.syn, len(w.docs), w.scale)
	}
	// Cards for the best documents, of the term or of its synonyms.
	posts := t.posts
	if len(posts) == 0 {
		posts = t.syn
	}
	if cardsFor(t.name, len(posts)) {
		// A passage for the best, a title for the others: all of them
		// when the word is rare enough, so that the results of a query
		// with it need no other file; the best of them otherwise.
		cover := posts
		switch {
		case dense(len(posts), len(w.docs)): // one score for all: the page ranks them in order
			cover = posts[:min(len(posts), coverTop)]
		case len(posts) > coverAll:
			cover = top(posts, coverTop)
		}
		best := top(cover, w.cards)
		if dense(len(posts), len(w.docs)) {
			best = cover[:min(len(cover), w.cards)]
		}
		for _, p := range best {
			e.cards = append(e.cards, card{p.doc, w.snippet(p)})
		}
		if len(t.posts) > 0 && len(t.syn) > 0 { // the best found through synonyms, too
			cover = append(slices.Clone(cover), top(t.syn, coverTop)...)
		}
		for _, p := range cover {
			if !slices.ContainsFunc(best, func(b posting) bool { return b.doc == p.doc }) &&
				!slices.Contains(e.titles, p.doc) {
				e.titles = append(e.titles, p.doc)
			}
		}
	}
	e.size = len(t.name) + len(e.postings) + len(e.syn) + 16
	for _, c := range e.cards {
		e.size += len(c.snippet) + 12
	}
	return e
}

// top returns the k best postings, best first, as the search page ranks a
// word's documents: by quantised score, then in document order.
func top(posts []posting, k int) []posting {
	better := func(a, b posting) bool {
		qa, qb := a.q, b.q
		return qa > qb || qa == qb && a.doc < b.doc
	}
	best := make([]posting, 0, k+1)
	for _, p := range posts {
		if len(best) == k && !better(p, best[k-1]) {
			continue
		}
		i := len(best)
		for i > 0 && better(p, best[i-1]) {
			i--
		}
		best = slices.Insert(best, i, p)
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}

// cardsFor reports whether a term carries result cards: all do but the
// rare ones with a digit (timestamps, numbers, versions), which are most of
// a knowledge base's distinct terms and seldom searched; their results take
// their cards from the document chunks.
func cardsFor(name string, df int) bool {
	return df > rareDigits || !strings.ContainsAny(name, "0123456789")
}

// snippet is the passage around a term's first occurrence in the most
// telling field holding it; for a match in the title, which the card shows
// anyway, the document's excerpt.
func (w *writer) snippet(p posting) string {
	d := &w.docs[p.doc]
	if int(p.field) >= len(d.Fields) || p.field == 0 {
		return clip(d.Excerpt, snippetLen)
	}
	text := d.Fields[p.field].Text
	at := int(p.pos)
	if at > len(text) {
		at = 0
	}
	start := max(at-snippetLen/3, 0)
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	if start > 0 { // begin at a word
		if sp := strings.IndexByte(text[start:at], ' '); sp >= 0 {
			start += sp + 1
		}
	}
	end := min(start+2*snippetLen, len(text))
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	s := strings.Join(strings.Fields(text[start:end]), " ")
	s = clip(s, snippetLen)
	if start > 0 {
		s = "…" + s
	}
	return s
}

// clip cuts s to about n bytes at a word boundary, marking the cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > n/2 {
		cut = sp
	}
	return s[:cut] + "…"
}

// encodePostings writes postings as text: when the term is in more than a
// quarter of the documents, "*" then a bitmap of six documents to the
// character and one score for all; otherwise, for each document, the gap
// from the previous one (five bits to the character, the sixth bit set on
// all but the last) then its score.
func encodePostings(posts []posting, n int, scale float64) string {
	var b strings.Builder
	if dense(len(posts), n) {
		bits := make([]byte, (n+5)/6)
		var sum float64
		for _, p := range posts {
			bits[p.doc/6] |= 1 << (p.doc % 6)
			sum += float64(p.w)
		}
		b.WriteByte('*')
		b.WriteByte(quantise(float32(sum/float64(len(posts))), scale))
		for _, v := range bits {
			b.WriteByte(alphabet[v])
		}
		return b.String()
	}
	prev := int32(-1)
	for _, p := range posts {
		gap := p.doc - prev
		prev = p.doc
		var groups []byte
		for {
			groups = append(groups, byte(gap&31))
			gap >>= 5
			if gap == 0 {
				break
			}
		}
		for i := len(groups) - 1; i >= 0; i-- {
			v := groups[i]
			if i > 0 {
				v |= 32
			}
			b.WriteByte(alphabet[v])
		}
		b.WriteByte(alphabet[p.q])
	}
	return b.String()
}

// dense reports whether a term in df of n documents has its postings
// stored as a bitmap.
func dense(df, n int) bool { return df > n/denseFactor && df > 64 }

// quantise maps a score to one character of the alphabet: level(w).
func quantise(w float32, scale float64) byte { return alphabet[level(w, scale)] }

// level is a score on 1..63: scale·ln(1+w), the scale making the index's
// best score 63. The search page ranks by it, so cards are chosen by it too.
func level(w float32, scale float64) int {
	q := int(math.Round(scale * math.Log1p(float64(max(w, 0)))))
	return min(max(q, 1), 63)
}

// setLevels gives every posting its level.
func setLevels(terms map[string]*term, scale float64) {
	all := slices.Collect(maps.Values(terms))
	parallel(len(all), func(i int) {
		for _, l := range [][]posting{all[i].posts, all[i].syn} {
			for j := range l {
				l[j].q = uint8(level(l[j].w, scale))
			}
		}
	})
}

// scaleFor is the scale of level for the best score of an index.
func scaleFor(terms map[string]*term) float64 {
	best := float32(1)
	for _, t := range terms {
		for _, p := range t.posts {
			best = max(best, p.w)
		}
	}
	return 63 / math.Log1p(float64(best))
}

// shard gathers terms until it reaches its size.
type shard struct {
	prefix  string // of every document's URL, left out
	aliases map[string]any
	first   string
	terms   []string
	data    map[string][]any
	docs    map[int32][]string
	size    int
}

func (s *shard) add(name string, e entry, docs []Doc) {
	if s.data == nil {
		s.first = name
		s.data = map[string][]any{}
		s.docs = map[int32][]string{}
	}
	s.terms = append(s.terms, name)
	for _, c := range e.cards {
		s.addDoc(c.doc, docs)
	}
	for _, d := range e.titles {
		s.addDoc(d, docs)
	}
	s.data[name] = s.value(e)
}

// value is an entry as the shard file holds it: document frequency,
// postings, cards, and postings through synonyms when there are any.
func (s *shard) value(e entry) []any {
	cards := make([][]any, 0, len(e.cards))
	for _, c := range e.cards {
		cards = append(cards, []any{c.doc, c.snippet})
	}
	v := []any{e.df, e.postings, cards}
	if e.syn != "" {
		v = append(v, e.syn)
	}
	return v
}

func (s *shard) addDoc(n int32, docs []Doc) {
	if _, ok := s.docs[n]; !ok {
		d := &docs[n]
		s.docs[n] = []string{strings.TrimPrefix(d.URL, s.prefix), d.Title}
	}
}

func cardDocSize(d *Doc, prefix string) int { return len(d.URL) - len(prefix) + len(d.Title) + 12 }

func (s *shard) encode(name string) []byte {
	docs := map[string][]string{}
	for k, v := range s.docs {
		docs[fmt.Sprint(k)] = v
	}
	out := map[string]any{"terms": s.data, "docs": docs}
	if len(s.aliases) > 0 {
		out["aliases"] = s.aliases
	}
	return jsonp(name, out)
}

// manifest is index.js: what every query needs before its first shard.
func manifest(docs []Doc, bounds []string) (map[string]any, error) {
	services, sevs, years, langs := map[string]bool{}, map[string]bool{}, map[int]bool{}, map[string]bool{}
	for i := range docs {
		if docs[i].Lang == "fr" {
			langs["fr"] = true
		} else {
			langs["en"] = true
		}
		for _, s := range docs[i].Services {
			services[s] = true
		}
		sevs[docs[i].Severity] = true
		years[docs[i].Year] = true
	}
	svcList := slices.Sorted(maps.Keys(services))
	sevList := slices.Sorted(maps.Keys(sevs))
	yearList := slices.Sorted(maps.Keys(years))
	slices.Reverse(yearList)
	index := func(list []string) map[string]int {
		m := map[string]int{}
		for i, v := range list {
			m[v] = i
		}
		return m
	}
	svcIdx, sevIdx := index(svcList), index(sevList)
	yearIdx := map[int]int{}
	for i, y := range yearList {
		yearIdx[y] = i
	}
	if len(sevList) > 64 || len(yearList) > 64 {
		return nil, fmt.Errorf("search index: more than 64 severities or years")
	}
	width := 1 // characters per service number
	for len(svcList) > 1<<(6*width) {
		width++
	}
	// Each document: severity, year, then its services; "," between documents.
	var facets strings.Builder
	for i := range docs {
		if i > 0 {
			facets.WriteByte(',')
		}
		facets.WriteByte(alphabet[sevIdx[docs[i].Severity]])
		facets.WriteByte(alphabet[yearIdx[docs[i].Year]])
		for _, s := range docs[i].Services {
			v := svcIdx[s]
			for k := width - 1; k >= 0; k-- {
				facets.WriteByte(alphabet[(v>>(6*k))&63])
			}
		}
	}
	yearNames := make([]string, len(yearList))
	for i, y := range yearList {
		if y != 0 {
			yearNames[i] = fmt.Sprint(y)
		}
	}
	stop := map[string][]string{}
	cache := registry.NewCache()
	for _, n := range []struct{ lang, name string }{{"en", en.StopName}, {"fr", fr.StopName}, {"articles", fr.ArticlesName}} {
		m, err := cache.TokenMapNamed(n.name)
		if err != nil {
			return nil, err
		}
		stop[n.lang] = slices.Sorted(maps.Keys(m))
	}
	return map[string]any{
		"version": Version, "docs": len(docs), "chunk": chunkDocs, "shards": bounds,
		"services": svcList, "severities": sevList, "years": yearNames, "width": width,
		"facets": facets.String(), "langs": slices.Sorted(maps.Keys(langs)), "stop": stop["en"], "stop_fr": stop["fr"], "articles": stop["articles"],
	}, nil
}

// jsonp wraps data in a call the search page defines.
func jsonp(name string, data any) []byte {
	var b bytes.Buffer
	b.WriteString("hindsightSearch(")
	enc, _ := json.Marshal(strings.TrimSuffix(name, ".js"))
	b.Write(enc)
	b.WriteByte(',')
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(true) // "</script>" can never appear in the file
	_ = e.Encode(data)
	b.Truncate(b.Len() - 1) // Encode's newline
	b.WriteString(");\n")
	return b.Bytes()
}
