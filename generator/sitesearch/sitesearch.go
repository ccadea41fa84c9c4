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
	"hash/maphash"
	"maps"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
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
	posts []posting // a slice of the array of all postings, in document order, scored (idf included)
	syn   []posting // documents found through synonyms
	idf   float32
	maxw  float32 // the best score of posts without idf
	n     int     // while analysing: documents holding it
	end   int     // while analysing: where its postings end in the array of all
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
	terms, vocab, sc, err := analyse(docs, opts.Stop)
	if err != nil {
		return nil, Stats{}, err
	}
	w := &writer{docs: docs, cards: opts.Cards, scale: sc.scale, levels: sc.levels}
	list := sortTerms(terms)
	list, err = addSynonyms(list, opts.Synonyms)
	if err != nil {
		return nil, Stats{}, err
	}
	if stopped(opts.Stop) {
		return nil, Stats{}, ErrStopped
	}
	names := list.names
	files := map[string][]byte{}

	// Entries on every core, then term shards cut by size in order, then
	// encoded on every core.
	entries := make([]entry, len(names))
	parallel(opts.Stop, len(names), func(i int) { entries[i] = w.entry(list.terms[i]) })
	if stopped(opts.Stop) {
		return nil, Stats{}, ErrStopped
	}
	prefix := urlPrefix(docs)
	var shards []*shard
	// seen[d] is the number of the last shard to show document d: the
	// shards are cut in order, so it answers "does the current one?"
	// without a set per shard.
	seen := make([]int32, len(docs))
	cur := &shard{prefix: prefix, num: 1}
	for i, n := range names {
		e := &entries[i]
		size := e.size
		for _, c := range e.cards {
			if seen[c.doc] != cur.num {
				size += cardDocSize(&docs[c.doc], prefix)
			}
		}
		for _, d := range e.titles {
			if seen[d] != cur.num {
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
			cur = &shard{prefix: prefix, num: cur.num + 1}
		}
		cur.add(i, names, entries, seen)
		cur.size += size
	}
	if len(cur.terms) > 0 {
		shards = append(shards, cur)
	}
	if err := addAliases(shards, vocab, entries, names, docs); err != nil {
		return nil, Stats{}, err
	}
	if stopped(opts.Stop) {
		return nil, Stats{}, ErrStopped
	}
	bounds := make([]string, len(shards))
	encoded := make([][]byte, len(shards))
	parallel(opts.Stop, len(shards), func(i int) {
		bounds[i] = shards[i].first
		encoded[i] = shards[i].encode(fmt.Sprintf("t/%d.js", i), docs)
	})
	if stopped(opts.Stop) {
		return nil, Stats{}, ErrStopped
	}
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

// termList is the terms sorted by name: names[i] is terms[i].name, kept
// apart for the binary searches and the merge.
type termList struct {
	names []string
	terms []*term
}

// find returns the term named name, or nil.
func (l termList) find(name string) *term {
	if i, ok := slices.BinarySearch(l.names, name); ok {
		return l.terms[i]
	}
	return nil
}

// sortTerms sorts terms by name on two cores: two halves sorted at once,
// then merged.
func sortTerms(terms []*term) termList {
	type named struct {
		name string
		t    *term
	}
	all := make([]named, len(terms))
	for i, t := range terms {
		all[i] = named{t.name, t}
	}
	byName := func(a, b named) int { return strings.Compare(a.name, b.name) }
	half := len(all) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(all[:half], byName) })
	slices.SortFunc(all[half:], byName)
	wg.Wait()
	l := termList{names: make([]string, 0, len(all)), terms: make([]*term, 0, len(all))}
	a, b := all[:half], all[half:]
	for len(a) > 0 || len(b) > 0 {
		var next named
		if len(b) == 0 || len(a) > 0 && a[0].name <= b[0].name {
			next, a = a[0], a[1:]
		} else {
			next, b = b[0], b[1:]
		}
		l.names = append(l.names, next.name)
		l.terms = append(l.terms, next.t)
	}
	return l
}

// addAliases spares the search page a second shard for a word whose
// English and French terms fall in different shards ("données": donné,
// done): the shard of its English term gets the French term's entry, and
// the titles of its cards, or a note that there is none, under "aliases".
func addAliases(shards []*shard, vocab []vocabulary, entries []entry, names []string, docs []Doc) error {
	if len(shards) < 2 {
		return nil
	}
	// Each word's terms in both languages, on every core: a word is in
	// one or more of the vocabularies, and handled in the first; its terms
	// in that vocabulary's language are known.
	workers := runtime.GOMAXPROCS(0)
	found := make([][][2]string, workers)
	errs := make([]error, workers)
	seed := maphash.MakeSeed() // one for all: it shares the words out
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			var ans [2]*search.Analyzer
			for li, lang := range []string{"en", "fr"} {
				if ans[li], errs[k] = search.NewAnalyzer(lang); errs[k] != nil {
					return
				}
			}
			for vi, v := range vocab {
				v.words.all(func(w string, tv int32) {
					if allDigits(w) || maphash.String(seed, w)%uint64(workers) != uint64(k) {
						return
					}
					for _, earlier := range vocab[:vi] {
						if _, ok := earlier.words.get(w); ok {
							return
						}
					}
					var both [2][]string
					for _, id := range v.words.terms(tv) {
						both[v.lang] = append(both[v.lang], v.names[id])
					}
					both[1-v.lang] = ans[1-v.lang].Analyse(w)
					if e, f := both[0], both[1]; len(e) == 1 && len(f) == 1 && e[0] != f[0] {
						found[k] = append(found[k], [2]string{e[0], f[0]})
					}
				})
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// In an order of their own: the aliases do not depend on it.
	stems := slices.Concat(found...)
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
		i, ok := slices.BinarySearch(names, f[0])
		if !ok {
			sh.aliases[f[0]] = 0 // no such term
			continue
		}
		alias := entries[i]
		sh.aliases[f[0]] = sh.value(alias)
		for _, c := range alias.cards {
			sh.addLater(c.doc)
		}
		for _, d := range alias.titles {
			sh.addLater(d)
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
	if hasDigit(a) || hasDigit(b) { // numbers, versions, times: no words to type
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

// parallel calls fn(0..n-1) on every core, or some of them when stop is
// closed meanwhile: the caller then gives up (a build under serve stops
// for the next edit, which needs the cores).
func parallel(stop <-chan struct{}, n int, fn func(i int)) {
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for i := k; i < n; i += workers {
				if (i/workers)%64 == 0 && stopped(stop) {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// vocabulary is the words one worker of analyse met in documents of one
// language, each with its terms' numbers in names.
type vocabulary struct {
	lang  int // 0 English, 1 French
	words *wordTerms
	names []string
}

// wordTerms maps words to their terms' numbers, compactly, for it is
// looked up for each of millions of words: most words have one term,
// whose number is the value; -1 is none; -2-i is multi[i]. Its table is
// open addressing, with the words kept one after the other rather than
// each in its own string: on 10,000 postmortems the analysis took about
// 50 ms less than with a map of strings.
type wordTerms struct {
	slots []wordSlot // a power of two, at most half full
	used  int
	words []byte // every word, one after the other
	multi [][]int32
}

type wordSlot struct {
	hash      uint32
	off, size uint32 // the word in words; size 0: the slot is free
	val       int32
}

func newWordTerms() *wordTerms { return &wordTerms{slots: make([]wordSlot, 1<<14)} }

// hashWord is FNV-1a.
func hashWord(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return h
}

// get returns the value of word, if it has one.
func (w *wordTerms) get(word string) (int32, bool) {
	h := hashWord(word)
	mask := uint32(len(w.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &w.slots[i]
		if s.size == 0 {
			return 0, false
		}
		if s.hash == h && int(s.size) == len(word) && string(w.words[s.off:s.off+s.size]) == word {
			return s.val, true
		}
	}
}

// all calls fn with each word and its value.
func (w *wordTerms) all(fn func(word string, v int32)) {
	for _, s := range w.slots {
		if s.size > 0 {
			fn(string(w.words[s.off:s.off+s.size]), s.val)
		}
	}
}

func (w *wordTerms) add(word string, tids []int32) int32 {
	v := int32(-1)
	switch len(tids) {
	case 0:
	case 1:
		v = tids[0]
	default:
		v = int32(-2 - len(w.multi))
		w.multi = append(w.multi, tids)
	}
	if len(word) == 0 || len(w.words)+len(word) > math.MaxUint32 {
		return v // not kept: looked up again next time
	}
	if 2*(w.used+1) > len(w.slots) {
		old := w.slots
		w.slots = make([]wordSlot, 2*len(old))
		for _, s := range old {
			if s.size > 0 {
				w.place(s)
			}
		}
	}
	w.place(wordSlot{hash: hashWord(word), off: uint32(len(w.words)), size: uint32(len(word)), val: v})
	w.words = append(w.words, word...)
	w.used++
	return v
}

func (w *wordTerms) place(s wordSlot) {
	mask := uint32(len(w.slots) - 1)
	i := s.hash & mask
	for w.slots[i].size != 0 {
		i = (i + 1) & mask
	}
	w.slots[i] = s
}

// terms returns the terms' numbers of the value v.
func (w *wordTerms) terms(v int32) []int32 {
	switch {
	case v >= 0:
		return []int32{v}
	case v == -1:
		return nil
	}
	return w.multi[-v-2]
}

// analyse scores every term of every document, on every core. Each worker
// takes a run of documents holding its share of the text, numbers the terms
// it meets and remembers, for each word, its terms' numbers, so that a word
// costs one table lookup; a document's terms are scored when it is done,
// into the worker's log. Then the workers' terms are merged by name and
// each worker copies its log into one array of all postings, with the idf
// applied and the level set: each term's postings are a slice of it, the
// workers' runs one after the other, in document order. Nothing grows a
// term's postings by copying them.
//
// BM25 needs each field's length against the average: byte lengths stand in
// for term counts, which gives the same ratio without a first pass.
func analyse(docs []Doc, stop <-chan struct{}) (terms []*term, vocab []vocabulary, sc scale, err error) {
	var avg [maxFields]float64
	ends := make([]int, len(docs)) // the text up to each document's end
	text := 0
	for i := range docs {
		for f, fld := range docs[i].Fields {
			avg[min(f, maxFields-1)] += float64(len(fld.Text))
			text += len(fld.Text)
		}
		ends[i] = text
	}
	for f := range avg {
		avg[f] = max(avg[f]/float64(max(len(docs), 1)), 1)
	}
	workers := runtime.GOMAXPROCS(0)
	// Each worker takes a run of documents holding its share of the text.
	runs := make([]int, workers+1)
	for k := 1; k < workers; k++ {
		runs[k], _ = slices.BinarySearch(ends, k*text/workers)
	}
	runs[workers] = len(docs)
	// A worker's terms, by number: each term's counts in the document
	// being read, its best score and how many documents hold it, together,
	// so that a word touches one place in memory rather than several
	// arrays. Its postings go to the worker's log, in document order.
	type acc struct {
		tf    [maxFields]uint16 // in the document being read, per field
		field int16             // its most telling field there; -1: not in it
		pos   int32             // byte offset of its first occurrence there
		maxw  float32           // its best score
		n     int32             // its postings in the log
	}
	type local struct {
		names []string
		terms []acc
		words [2]*wordTerms // per language
		log   postingLog
		err   error
	}
	locals := make([]local, workers)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			l := &locals[k]
			ids := map[string]int32{}
			l.words = [2]*wordTerms{newWordTerms(), newWordTerms()}
			words := l.words
			var ans [2]*search.Analyzer
			for li, lang := range []string{"en", "fr"} {
				if ans[li], l.err = search.NewAnalyzer(lang); l.err != nil {
					return
				}
			}
			var touched []int32 // the terms of the document being read
			lo, hi := runs[k], runs[k+1]
			for i := lo; i < hi; i++ {
				if (i-lo)%256 == 0 && stopped(stop) {
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
					count := func(id int32, at int) {
						o := &l.terms[id]
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
					search.WordsAt(fld.Text, func(at int, word string) {
						wt := words[li]
						v, ok := wt.get(word)
						if !ok {
							var tids []int32
							var ts []string
							if allDigits(word) { // a number is its own term
								ts = []string{strings.Clone(word)}
							} else {
								ts = ans[li].Analyse(word)
							}
							for _, t := range ts {
								id, ok := ids[t]
								if !ok {
									id = int32(len(l.names))
									ids[t] = id
									l.names = append(l.names, t)
									l.terms = append(l.terms, acc{field: -1})
								}
								tids = append(tids, id)
							}
							v = wt.add(word, tids)
						}
						switch {
						case v >= 0:
							count(v, at)
						case v < -1:
							for _, id := range wt.multi[-v-2] {
								count(id, at)
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
					o := &l.terms[id]
					var w float64
					for f, n := range o.tf {
						if n == 0 {
							continue
						}
						tf := float64(n)
						w += d.Fields[min(f, len(d.Fields)-1)].Boost * tf * (k1 + 1) / (tf + k1*norms[f])
					}
					l.log.add(id, posting{doc: int32(i), w: float32(w), field: o.field, pos: o.pos})
					o.maxw = max(o.maxw, float32(w))
					o.n++
					o.tf, o.field = [maxFields]uint16{}, -1
				}
				touched = touched[:0]
			}
		})
	}
	wg.Wait()
	n := float64(len(docs))
	for k := range locals {
		l := &locals[k]
		if l.err != nil {
			return nil, nil, sc, l.err
		}
		for li, m := range l.words {
			vocab = append(vocab, vocabulary{lang: li, words: m, names: l.names})
		}
	}
	// The terms, on every core: each takes those of one share of the
	// hashes, noting where each worker's terms are.
	parts := make([]map[string]*term, workers)
	where := make([][]*term, workers) // where[k][id]: worker k's term id
	for k := range locals {
		where[k] = make([]*term, len(locals[k].names))
	}
	bests := make([]float32, workers)
	seed := maphash.MakeSeed()
	parallel(nil, workers, func(p int) {
		m := make(map[string]*term, len(locals[0].names)/workers+len(locals[0].names)/4)
		for k := range locals {
			l := &locals[k]
			for id, name := range l.names {
				if maphash.String(seed, name)%uint64(workers) != uint64(p) {
					continue
				}
				a := &l.terms[id]
				e := m[name]
				if e == nil {
					e = &term{name: name}
					m[name] = e
				}
				where[k][id] = e
				e.n += int(a.n)
				e.maxw = max(e.maxw, a.maxw)
			}
		}
		// The best score, without going through the postings: a
		// product grows with its factors, rounded or not.
		best := float32(1)
		for _, e := range m {
			df := float64(e.n)
			e.idf = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
			best = max(best, e.maxw*e.idf)
		}
		parts[p], bests[p] = m, best
	})
	// The scores are final before the synonyms borrow them.
	sc.scale = 63 / math.Log1p(float64(slices.Max(bests)))
	sc.levels = newThresholds(sc.scale)
	// All postings in one array: each term's, the workers' runs one after
	// the other, so in document order. Each worker writes its log into its
	// places in it, with the term's idf applied, on every core.
	total, count := 0, 0
	for _, m := range parts {
		for _, e := range m {
			e.end = total
			total += e.n
		}
		count += len(m)
	}
	all := make([]posting, total)
	// at[k][id]: where worker k's next posting of its term id goes, and
	// the term's idf.
	type dest struct {
		at  int
		idf float32
	}
	at := make([][]dest, workers)
	for k := range locals {
		at[k] = make([]dest, len(where[k]))
		for id, e := range where[k] {
			at[k][id] = dest{e.end, e.idf}
			e.end += int(locals[k].terms[id].n)
		}
	}
	parallel(nil, workers, func(k int) {
		at := at[k]
		locals[k].log.each(func(id int32, p posting) {
			d := &at[id]
			p.w *= d.idf
			p.q = sc.levels.level(p.w)
			all[d.at] = p
			d.at++
		})
	})
	locals = nil
	terms = make([]*term, 0, count)
	for _, m := range parts {
		for _, e := range m {
			e.posts = all[e.end-e.n : e.end : e.end]
			terms = append(terms, e)
		}
	}
	return terms, vocab, sc, nil
}

// postingLog is a worker's postings in the order it scored them, each with
// its term's number: in chunks, so that it grows without copying.
type postingLog struct {
	chunks [][]logEntry
}

type logEntry struct {
	id int32
	p  posting
}

const logChunk = 1 << 14

func (l *postingLog) add(id int32, p posting) {
	n := len(l.chunks)
	if n == 0 || len(l.chunks[n-1]) == logChunk {
		l.chunks = append(l.chunks, make([]logEntry, 0, logChunk))
		n++
	}
	l.chunks[n-1] = append(l.chunks[n-1], logEntry{id, p})
}

// each calls fn with each posting, in the order they were added.
func (l *postingLog) each(fn func(id int32, p posting)) {
	for _, c := range l.chunks {
		for _, e := range c {
			fn(e.id, e.p)
		}
	}
}

// maxFields is how many fields a document's text is scored in; fields past
// the last count in it.
const maxFields = 12

// addSynonyms gives each word with synonyms the documents of its synonyms,
// at 0.8 of their score, as bleve's search does.
func addSynonyms(list termList, syn search.Synonyms) (termList, error) {
	if len(syn) == 0 {
		return list, nil
	}
	var ans []*search.Analyzer
	for _, lang := range []string{"en", "fr"} {
		an, err := search.NewAnalyzer(lang)
		if err != nil {
			return list, err
		}
		ans = append(ans, an)
	}
	// Each word's documents through its synonyms (merged in document order,
	// the best score of each), on every core; then given to its terms.
	words := slices.Sorted(maps.Keys(syn))
	found := make([][]posting, len(words))
	parallel(nil, len(words), func(i int) {
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
					if e := list.find(t); e != nil {
						lists = append(lists, e.posts)
					}
				}
			}
		}
		found[i] = mergeBest(lists, 0.8)
	})
	// Words with no documents of their own become terms, too.
	added := map[string]*term{}
	for i, word := range words {
		if len(found[i]) == 0 {
			continue
		}
		for _, an := range ans {
			for _, t := range an.Word(word) {
				e := list.find(t)
				if e == nil {
					if e = added[t]; e == nil {
						e = &term{name: t}
						added[t] = e
					}
				}
				if e.syn == nil {
					e.syn = slices.Clone(found[i]) // each its own: levels are set in parallel
				}
			}
		}
	}
	if len(added) == 0 {
		return list, nil
	}
	more := sortTerms(slices.Collect(maps.Values(added)))
	out := termList{names: make([]string, 0, len(list.names)+len(more.names)), terms: make([]*term, 0, len(list.names)+len(more.names))}
	for len(list.names) > 0 || len(more.names) > 0 {
		from := &list
		if len(list.names) == 0 || len(more.names) > 0 && more.names[0] < list.names[0] {
			from = &more
		}
		out.names, out.terms = append(out.names, from.names[0]), append(out.terms, from.terms[0])
		from.names, from.terms = from.names[1:], from.terms[1:]
	}
	return out, nil
}

// mergeBest merges lists of postings in document order into one, keeping
// the best score of each document, times f.
func mergeBest(lists [][]posting, f float32) []posting {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]posting, 0, n)
	next := make([]int, len(lists)) // each list's next posting
	for {
		// The least document any list has next; then, of the lists having
		// it, the best score, the later list's when equal.
		doc, any := int32(0), false
		for k, l := range lists {
			if i := next[k]; i < len(l) && (!any || l[i].doc < doc) {
				doc, any = l[i].doc, true
			}
		}
		if !any {
			return out
		}
		var best posting
		first := true
		for k, l := range lists {
			if i := next[k]; i < len(l) && l[i].doc == doc {
				p := l[i]
				p.w *= f
				if first || !(best.w > p.w) {
					best, first = p, false
				}
				next[k]++
			}
		}
		out = append(out, best)
	}
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
	docs   []Doc
	cards  int
	scale  float64 // of level
	levels *thresholds
}

func (w *writer) entry(t *term) entry {
	setLevels(t.syn, w.levels)
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
	return df > rareDigits || !hasDigit(name)
}

// hasDigit reports whether s holds an ASCII digit (strings.ContainsAny,
// without building a set for each of a hundred thousand terms).
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// allDigits reports whether s is ASCII digits only: a number, which both
// languages' analyzers leave as it is (TestNumbersHaveNoAlias).
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
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
	s := clip(text[start:end], snippetLen)
	if start > 0 {
		s = "…" + s
	}
	return s
}

// clip cuts s to about n bytes at a word boundary, marking the cut.
func clip(s string, n int) string {
	s = search.Squash(s)
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
	b.Grow(2*len(posts) + len(posts)/4) // most gaps take one character, some two
	prev := int32(-1)
	for _, p := range posts {
		gap := uint32(p.doc - prev)
		prev = p.doc
		for i := (bits.Len32(gap) + 4) / 5; i > 1; i-- {
			b.WriteByte(alphabet[32|gap>>(5*(i-1))&31])
		}
		b.WriteByte(alphabet[gap&31])
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
func setLevels(l []posting, th *thresholds) {
	for j := range l {
		l[j].q = th.level(l[j].w)
	}
}

// scale is how the index's scores become levels: see level.
type scale struct {
	scale  float64
	levels *thresholds
}

// thresholds turn scores into levels exactly as level does, for each of
// millions of postings, in a table lookup and a comparison or two rather
// than a logarithm.
type thresholds struct {
	// least[q] is, for each level q above 1, the least score that has it,
	// found with level itself, so the two agree exactly (level does not
	// decrease as the score grows).
	least [64]float32
	// from[b] is the level of the least non-negative score whose bits
	// begin with b: a score's level is it or a little above.
	from [1 << 15]uint8
}

func newThresholds(scale float64) *thresholds {
	th := &thresholds{}
	for q := 2; q <= 63; q++ {
		// The least non-negative float32 (ordered as its bits) of level q.
		lo, hi := uint32(0), math.Float32bits(math.MaxFloat32)
		if level(math.Float32frombits(hi), scale) < q {
			th.least[q] = float32(math.Inf(1))
			continue
		}
		for lo < hi {
			mid := lo + (hi-lo)/2
			if level(math.Float32frombits(mid), scale) >= q {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		th.least[q] = math.Float32frombits(lo)
	}
	for b := range th.from {
		th.from[b] = th.search(math.Float32frombits(uint32(b) << 16))
	}
	return th
}

// level is the level of the score w.
func (th *thresholds) level(w float32) uint8 {
	bits := math.Float32bits(w)
	if bits>>31 != 0 || w != w { // negative, or NaN
		return 1
	}
	q := th.from[bits>>16]
	for q < 63 && w >= th.least[q+1] {
		q++
	}
	return q
}

// search is level by a binary search of the thresholds.
func (th *thresholds) search(w float32) uint8 {
	lo, hi := 1, 63 // the level is the last q whose threshold w reaches
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if w >= th.least[mid] {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return uint8(lo)
}

// shard gathers terms until it reaches its size.
type shard struct {
	prefix  string // of every document's URL, left out
	aliases map[string]any
	first   string
	terms   []string
	entries []entry // of terms
	docs    []int32 // the documents its cards and titles show, each once
	num     int32   // its number from 1, as Build's seen knows it
	later   map[int32]bool
	size    int
}

// add appends the term names[i], of entries[i], and the documents it shows;
// seen is Build's. A shard's terms and entries are runs of names and
// entries, not copies.
func (s *shard) add(i int, names []string, entries []entry, seen []int32) {
	if len(s.terms) == 0 {
		s.first = names[i]
		s.terms, s.entries = names[i:i], entries[i:i]
	}
	s.terms, s.entries = s.terms[:len(s.terms)+1], s.entries[:len(s.entries)+1]
	e := &entries[i]
	for _, c := range e.cards {
		s.addDoc(c.doc, seen)
	}
	for _, d := range e.titles {
		s.addDoc(d, seen)
	}
}

func (s *shard) addDoc(n int32, seen []int32) {
	if seen[n] != s.num {
		seen[n] = s.num
		s.docs = append(s.docs, n)
	}
}

// addLater adds a document once every shard is cut, when seen no longer
// knows which documents this one shows.
func (s *shard) addLater(n int32) {
	if s.later == nil {
		s.later = make(map[int32]bool, len(s.docs))
		for _, d := range s.docs {
			s.later[d] = true
		}
	}
	if !s.later[n] {
		s.later[n] = true
		s.docs = append(s.docs, n)
	}
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

func cardDocSize(d *Doc, prefix string) int { return len(d.URL) - len(prefix) + len(d.Title) + 12 }

func (s *shard) encode(name string, docs []Doc) []byte {
	// Written by hand rather than by encoding/json, which took a tenth of
	// the index's time on reflection over these maps; the keys are sorted
	// as encoding/json sorts them, and TestShardJSON checks the two agree.
	b := make([]byte, 0, s.size+s.size/4+256)
	b = append(b, "hindsightSearch("...)
	b = appendJSONString(b, strings.TrimSuffix(name, ".js"))
	b = append(b, ',', '{')
	if len(s.aliases) > 0 {
		b = append(b, `"aliases":`...)
		enc, _ := json.Marshal(s.aliases)
		b = append(b, enc...)
		b = append(b, ',')
	}
	b = append(b, `"docs":{`...)
	keys := make([]string, len(s.docs))
	for i, n := range s.docs {
		keys[i] = strconv.Itoa(int(n))
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		n, _ := strconv.Atoi(k)
		d := &docs[n]
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":[`...)
		b = appendJSONString(b, strings.TrimPrefix(d.URL, s.prefix))
		b = append(b, ',')
		b = appendJSONString(b, d.Title)
		b = append(b, ']')
	}
	b = append(b, `},"terms":{`...)
	for i, t := range s.terms { // sorted
		if i > 0 {
			b = append(b, ',')
		}
		e := s.entries[i]
		b = appendJSONString(b, t)
		b = append(b, ':', '[')
		b = strconv.AppendInt(b, int64(e.df), 10)
		b = append(b, ',')
		b = append(append(append(b, '"'), e.postings...), '"') // the alphabet's characters need no escape
		b = append(b, ',', '[')
		for j, c := range e.cards {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(c.doc), 10)
			b = append(b, ',')
			b = appendJSONString(b, c.snippet)
			b = append(b, ']')
		}
		b = append(b, ']')
		if e.syn != "" {
			b = append(b, ',')
			b = append(append(append(b, '"'), e.syn...), '"')
		}
		b = append(b, ']')
	}
	return append(b, "}});\n"...)
}

// jsonPlain are the ASCII characters appendJSONString copies as they are.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it for HTML: "</script>" can never appear in the file.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
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
