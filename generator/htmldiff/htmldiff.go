// Package htmldiff owns finding what changed between two versions of a page
// the site generator wrote: the fewest whole elements of the old page to
// replace with their new versions so that it becomes the new page. `hindsight
// serve` sends these replacements to an open page instead of making it
// reload, so that an edit shows at once even on a list of thousands of
// incidents, which a browser takes seconds to load.
//
// It reads HTML as the site's templates write it (html/template output:
// every element closed, attributes quoted), not every page a browser
// accepts. Where a page leaves its reading (an unclosed element other than
// those HTML lets end by themselves, a table row outside a table section,
// markup after </html>), or where a change touches <html>, <head>, <body>
// or a script, Diff says the page must be reloaded instead. Each
// replacement also carries the name and a hash of the text of the element it
// replaces, so that a page whose elements are not where the old page had
// them (a script moved them) is reloaded rather than patched wrongly.
package htmldiff

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"math"
	"strings"
	"sync"
	"unicode/utf16"
)

// Patch replaces one element of the old page.
type Patch struct {
	// At is the element's place: indexes in the element children of
	// <html>, then of that child, and so on (the DOM's .children).
	At []int `json:"at"`
	// Tag is the element's name in the old page, lower case.
	Tag string `json:"tag"`
	// Text is TextHash of the old element's text content, as the DOM's
	// textContent gives it.
	Text uint32 `json:"text"`
	// HTML is the new element, start tag to end tag.
	HTML string `json:"html"`

	// Old and New are the element's byte ranges in the two pages.
	Old, New [2]int `json:"-"`
}

// maxPatches is how many elements of one parent are replaced one by one;
// beyond, the parent is replaced whole.
const maxPatches = 16

// Diff returns the patches that turn the page old into new, in page
// order, and ok; nil and ok when the pages are the same. When the pages
// cannot be patched (see the package comment), ok is false.
func Diff(old, new []byte) (patches []Patch, ok bool) {
	if bytes.Equal(old, new) {
		return nil, true
	}
	if len(old) > math.MaxInt32 || len(new) > math.MaxInt32 {
		return nil, false
	}
	// On two cores: a list page of a large knowledge base weighs megabytes.
	// The bytes the two pages begin with are read once: the old page's
	// reading hands its state at their end to the new page's, which goes
	// on from there (an edit to one row of the incidents index leaves, on
	// average, half the page to read a second time).
	var (
		nt  *tree
		ok2 bool
		wg  sync.WaitGroup
	)
	from := make(chan *state, 1)
	wg.Go(func() {
		if st := <-from; st != nil {
			nt, ok2 = st.run(new)
		} else {
			nt, ok2 = parse(new)
		}
	})
	ot, ok1 := parseHanding(old, commonPrefix(old, new), from)
	wg.Wait()
	defer ot.release()
	defer nt.release()
	if !ok1 || !ok2 || len(ot.roots) != 1 || len(nt.roots) != 1 {
		return nil, false
	}
	// Around <html>: the doctype, and text a browser moves into it.
	or, nr := &ot.nodes[ot.roots[0]], &nt.nodes[nt.roots[0]]
	if !bytes.Equal(old[:or.start], new[:nr.start]) || !bytes.Equal(old[or.end:], new[nr.end:]) {
		return nil, false
	}
	d := &differ{old: old, new: new, ot: ot, nt: nt}
	if !d.walk(ot.roots[0], nt.roots[0], nil) {
		return nil, false
	}
	return d.patches, true
}

type differ struct {
	old, new []byte
	ot, nt   *tree
	patches  []Patch
}

// walk compares the old element o with the new element n, at path, and
// adds the patches that turn one into the other.
func (d *differ) walk(o, n int32, path []int) bool {
	on, nn := &d.ot.nodes[o], &d.nt.nodes[n]
	if bytes.Equal(d.old[on.start:on.end], d.new[nn.start:nn.end]) {
		return true
	}
	if on.tag == nn.tag && !on.leaf && d.sameShell(on, nn) {
		type pair struct {
			i    int
			o, n int32
		}
		var differ []pair
		for i, oc, nc := 0, on.first, nn.first; oc >= 0; i, oc, nc = i+1, d.ot.nodes[oc].next, d.nt.nodes[nc].next {
			o, n := &d.ot.nodes[oc], &d.nt.nodes[nc]
			if !bytes.Equal(d.old[o.start:o.end], d.new[n.start:n.end]) {
				differ = append(differ, pair{i, oc, nc})
			}
		}
		if len(differ) <= maxPatches || on.kind&frame != 0 {
			for _, c := range differ {
				if !d.walk(c.o, c.n, append(path[:len(path):len(path)], c.i)) {
					return false
				}
			}
			return true
		}
	}
	// This element is replaced whole.
	// A page that changes its frame is reloaded.
	if (on.kind|nn.kind)&frame != 0 || on.tag != nn.tag ||
		bytes.Contains(d.old[on.start:on.end], []byte("<script")) || bytes.Contains(d.new[nn.start:nn.end], []byte("<script")) {
		return false
	}
	d.patches = append(d.patches, Patch{
		At: path, Tag: on.tag, Text: TextHash(d.ot.text(d.old, o)), HTML: string(d.new[nn.start:nn.end]),
		Old: [2]int{int(on.start), int(on.end)}, New: [2]int{int(nn.start), int(nn.end)},
	})
	return true
}

// sameShell reports whether two elements with as many children are the
// same but for their children: same start tag, same text between the
// children, same children's names.
func (d *differ) sameShell(on, nn *node) bool {
	if on.count != nn.count {
		return false
	}
	op, np := on.start, nn.start
	for oi, ni := on.first, nn.first; oi >= 0; oi, ni = d.ot.nodes[oi].next, d.nt.nodes[ni].next {
		oc, nc := &d.ot.nodes[oi], &d.nt.nodes[ni]
		if oc.tag != nc.tag || !bytes.Equal(d.old[op:oc.start], d.new[np:nc.start]) {
			return false
		}
		op, np = oc.end, nc.end
	}
	return bytes.Equal(d.old[op:on.end], d.new[np:nn.end])
}

// Apply applies patches to the page old as the live script does in the
// browser: it finds each element by its path, checks its name and the hash
// of its text, and replaces it. It fails where the script would reload.
func Apply(old []byte, patches []Patch) ([]byte, error) {
	if len(patches) == 0 {
		return old, nil // as the page is
	}
	t, ok := parse(old)
	if !ok || len(t.roots) != 1 {
		return nil, errors.New("the page cannot be read")
	}
	defer t.release()
	var out []byte
	at := 0
	for _, p := range patches {
		id := t.roots[0]
		for _, i := range p.At {
			c := t.nodes[id].first
			for ; i > 0 && c >= 0; i-- {
				c = t.nodes[c].next
			}
			if c < 0 {
				return nil, fmt.Errorf("no element at %v", p.At)
			}
			id = c
		}
		n := &t.nodes[id]
		if n.tag != p.Tag || TextHash(t.text(old, id)) != p.Text {
			return nil, fmt.Errorf("the element at %v is not the <%s> the patch replaces", p.At, p.Tag)
		}
		if int(n.start) < at {
			return nil, fmt.Errorf("patches out of order at %v", p.At)
		}
		out = append(append(out, old[at:n.start]...), p.HTML...)
		at = int(n.end)
	}
	return append(out, old[at:]...), nil
}

// TextHash is the 32-bit FNV-1a hash of s's UTF-16 code units, which is
// what the live script computes of an element's textContent.
func TextHash(s string) uint32 {
	h := uint32(2166136261)
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			h = (h ^ uint32(r1)) * 16777619
			h = (h ^ uint32(r2)) * 16777619
			continue
		}
		h = (h ^ uint32(r)) * 16777619
	}
	return h
}

// node is an element of a page.
type node struct {
	tag        string
	kind       kind
	start, end int32 // from its start tag's < to the end of its end tag
	open       int32 // where its content begins (the end of its start tag)
	close      int32 // where its content ends (its end tag, or end when it has none)
	// first and last are its first and last element children, next its
	// next sibling, -1 when there is none; count is its children.
	first, last, next, count int32
	// leaf elements are replaced whole, never patched inside: SVG and
	// MathML (whose children a patch in HTML could not parse as such),
	// and elements whose content is text (script, style, textarea, title).
	leaf bool
	// raw elements' content is text, kept as it is (script, style) or
	// with character references decoded (textarea, title).
	raw bool
}

type tree struct {
	nodes []node
	roots []int32
}

// pool keeps the nodes of large pages from one Diff to the next: a page of
// megabytes has hundreds of thousands.
var pool sync.Pool

func (t *tree) release() {
	if t != nil && cap(t.nodes) > 1024 {
		pool.Put(&t.nodes)
	}
}

// kind is what HTML says of an element, as far as this package reads it.
type kind uint16

const (
	void        kind = 1 << iota // no content, no end tag
	optionalEnd                  // may end without an end tag, when its parent does
	closesP                      // its start tag ends an open <p>
	rawText                      // its content is text, up to its end tag
	inSection                    // must sit in a tbody, thead or tfoot (tr)
	inRow                        // must sit in a tr (td, th)
	section                      // tbody, thead, tfoot
	foreignRoot                  // svg, math
	frame                        // html, head, body: never replaced
)

// tags are the elements the package knows something of, and the usual
// ones, interned: a page has many thousands of tags.
var tags = func() map[string]tagInfo {
	m := map[string]tagInfo{}
	for k, names := range map[kind]string{
		void:        "area base br col embed hr img input link meta param source track wbr",
		optionalEnd: "html head body p li dt dd option optgroup tr td th tbody thead tfoot colgroup rt rp",
		closesP: "address article aside blockquote details dialog div dl fieldset figcaption figure footer form " +
			"h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li dd dt",
		rawText:     "script style textarea title noscript",
		frame:       "html head body",
		inSection:   "tr",
		inRow:       "td th",
		section:     "tbody thead tfoot",
		foreignRoot: "svg math",
		0: "a abbr b button code em g i label line output path polyline rect select small span strong summary " +
			"text time circle caption",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = tagInfo{n, m[n].kind | k}
		}
	}
	return m
}()

type tagInfo struct {
	name string
	kind kind
}

// quickTags is tags as a small open-addressing table: looking a name up
// there takes a fraction of a map lookup.
var quickTags = func() (t [512]tagInfo) {
	for name, info := range tags {
		h := quick([]byte(name))
		for t[h].name != "" {
			h = (h + 1) % len(t)
		}
		t[h] = info
	}
	return t
}()

func quick(name []byte) int {
	return (len(name)*97 + int(name[0])*31 + int(name[len(name)-1])) % 512
}

// parse reads the elements of a page; ok is false where the page leaves
// what the package reads.
func parse(b []byte) (*tree, bool) {
	return newState(b).run(b)
}

// state is parse's: the elements read so far, those still open, and
// where the reading is.
type state struct {
	t       *tree
	stack   []int32 // the open elements, outermost first
	foreign int     // depth inside svg or math
	i       int     // every byte before i is read
	watched
}

func newState(b []byte) *state {
	st := &state{t: &tree{}}
	if n := bytes.Count(b, []byte("<")); n > 1024 {
		if p, ok := pool.Get().(*[]node); ok && cap(*p) >= n {
			st.t.nodes = (*p)[:0]
		} else {
			st.t.nodes = make([]node, 0, n+n/8)
		}
	}
	return st
}

// handWindow is how far before the end of the bytes two pages share
// parseHanding starts to note its state, one tag after another.
const handWindow = 16 << 10

// parseHanding is parse, which also hands to another reading, on to, its
// state once it has read the first shared bytes of b (or less; nil when no
// state it noted will do): that reading can go on with a page that begins
// with the same bytes.
func parseHanding(b []byte, shared int, to chan<- *state) (*tree, bool) {
	st := newState(b)
	st.shared, st.noteFrom, st.to = shared, max(shared-handWindow, 0), to
	t, ok := st.run(b)
	if st.to != nil { // the page ended, or could not be read, first
		st.handOff()
	}
	return t, ok
}

// A state being watched (parseHanding) notes itself at each tag from
// noteFrom on while every byte it was decided by is shared, and hands the
// last note on once i passes the shared bytes.
type watched struct {
	shared, noteFrom int // the bytes b shares with the other page; where noting begins
	to               chan<- *state
	note             *note
}

// note is a state as it was, small enough to take at every tag: the
// elements open then, and of each its children so far.
type note struct {
	i, nodes, roots, foreign int
	stack                    []int32
	shells                   [][3]int32 // first, last and count of each open element
}

func (st *state) take() {
	n := st.note
	if n == nil {
		n = &note{}
		st.note = n
	}
	n.i, n.nodes, n.roots, n.foreign = st.i, len(st.t.nodes), len(st.t.roots), st.foreign
	n.stack = append(n.stack[:0], st.stack...)
	n.shells = n.shells[:0]
	for _, id := range st.stack {
		nd := &st.t.nodes[id]
		n.shells = append(n.shells, [3]int32{nd.first, nd.last, nd.count})
	}
}

// handOff sends the state of the last note on, as its own copy: the
// elements closed by then are as they will stay, and the open ones are
// put back as they were.
func (st *state) handOff() {
	to, n := st.to, st.note
	st.to = nil
	if n == nil {
		to <- nil
		return
	}
	c := &state{t: &tree{}, foreign: n.foreign, i: n.i}
	if p, ok := pool.Get().(*[]node); ok && cap(*p) >= cap(st.t.nodes) {
		c.t.nodes = (*p)[:n.nodes]
	} else {
		c.t.nodes = make([]node, n.nodes, max(cap(st.t.nodes), n.nodes))
	}
	copy(c.t.nodes, st.t.nodes[:n.nodes])
	c.t.roots = append([]int32(nil), st.t.roots[:n.roots]...)
	c.stack = append([]int32(nil), n.stack...)
	for k, id := range n.stack {
		nd := &c.t.nodes[id]
		nd.first, nd.last, nd.count = n.shells[k][0], n.shells[k][1], n.shells[k][2]
		if nd.last >= 0 {
			c.t.nodes[nd.last].next = -1
		}
	}
	to <- c
}

// run reads b from st.i on; b begins with the bytes st has read. The
// state is kept in locals while it reads, and put back in st where a note
// or the hand-off needs it.
func (st *state) run(b []byte) (*tree, bool) {
	t, stack, foreign, i := st.t, st.stack, st.foreign, st.i
	top := func() *node { return &t.nodes[stack[len(stack)-1]] }
	pop := func(close, end int) {
		n := top()
		n.close, n.end = int32(close), int32(end)
		stack = stack[:len(stack)-1]
		if (n.tag == "svg" || n.tag == "math") && foreign > 0 {
			foreign--
		}
	}
	// peeked is where the bytes a < that begins no tag was told by end:
	// a state depends on them too, though they are read again as text.
	peeked := 0
	for i < len(b) {
		if st.to != nil && i >= st.noteFrom {
			st.stack, st.foreign, st.i = stack, foreign, i
			if i > st.shared {
				st.handOff()
			} else if peeked <= st.shared {
				st.take()
			}
		}
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil, false
			}
			i += 4 + end + 3
		case len(rest) > 1 && (rest[1] == '!' || rest[1] == '?'): // doctype
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return nil, false
			}
			i += end + 1
		case len(rest) > 2 && rest[1] == '/' && isLetter(rest[2]):
			name, _, _ := tagName(rest[2:])
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return nil, false
			}
			// Close up to the element of this name, through elements
			// that may end by themselves.
			j := len(stack) - 1
			for j >= 0 && t.nodes[stack[j]].tag != name {
				if t.nodes[stack[j]].kind&optionalEnd == 0 {
					return nil, false
				}
				j--
			}
			if j < 0 {
				return nil, false
			}
			for len(stack)-1 > j {
				pop(i, i)
			}
			pop(i, i+end+1)
			i += end + 1
		case len(rest) > 1 && isLetter(rest[1]):
			name, k, n := tagName(rest[1:])
			end, selfClosing, ok := startTagEnd(rest, 1+n)
			if !ok {
				return nil, false
			}
			if foreign == 0 {
				if k&closesP != 0 && len(stack) > 0 && top().tag == "p" {
					pop(i, i)
				}
				if k&inSection != 0 && (len(stack) == 0 || top().kind&section == 0) ||
					k&inRow != 0 && (len(stack) == 0 || top().tag != "tr") {
					return nil, false
				}
				if selfClosing && k&(void|foreignRoot) == 0 {
					return nil, false // <div/> opens a div in HTML
				}
			}
			id := int32(len(t.nodes))
			nd := node{tag: name, kind: k, start: int32(i), open: int32(i + end), close: int32(i + end), end: int32(i + end), leaf: foreign > 0, first: -1, last: -1, next: -1}
			if len(stack) == 0 {
				t.roots = append(t.roots, id)
			} else {
				p := top()
				if p.last >= 0 {
					t.nodes[p.last].next = id
				} else {
					p.first = id
				}
				p.last = id
				p.count++
			}
			i += end
			switch {
			case foreign == 0 && k&void != 0, selfClosing:
				t.nodes = append(t.nodes, nd)
				continue
			case foreign == 0 && k&rawText != 0:
				closing := endTag(b[i:], name)
				if closing < 0 {
					return nil, false
				}
				gt := bytes.IndexByte(b[i+closing:], '>')
				if gt < 0 {
					return nil, false
				}
				nd.leaf, nd.raw, nd.close, nd.end = true, true, int32(i+closing), int32(i+closing+gt+1)
				t.nodes = append(t.nodes, nd)
				i = int(nd.end)
				continue
			case k&foreignRoot != 0:
				nd.leaf = true
				foreign++
			}
			t.nodes = append(t.nodes, nd)
			stack = append(stack, id)
		default:
			peeked = i + 3
			i++ // a < that begins no tag is text
		}
	}
	// Elements left open at the end: only those that may be.
	for len(stack) > 0 {
		if top().kind&optionalEnd == 0 {
			return nil, false
		}
		pop(len(b), len(b))
	}
	st.stack, st.foreign, st.i = stack, foreign, i
	return t, true
}

// commonPrefix is how many bytes a and b begin with alike.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+64 <= n && bytes.Equal(a[i:i+64], b[i:i+64]); i += 64 {
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// endTag returns where the end tag of a raw-text element named name begins
// in b, its content on, or -1.
func endTag(b []byte, name string) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("</"))
		if j < 0 {
			return -1
		}
		i += j
		if rest := b[i+2:]; len(rest) > len(name) && bytes.EqualFold(rest[:len(name)], []byte(name)) {
			if c := rest[len(name)]; c == '>' || c == ' ' || c == '/' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				return i
			}
		}
		i += 2
	}
}

// text returns the text content of element id as the DOM has it.
func (t *tree) text(b []byte, id int32) string {
	var out []byte
	var walk func(id int32)
	walk = func(id int32) {
		n := &t.nodes[id]
		if n.raw {
			if n.tag == "script" || n.tag == "style" || n.tag == "noscript" {
				out = append(out, b[n.open:n.close]...)
			} else {
				out = append(out, decodeText(b[n.open:n.close], n.tag == "textarea", false)...)
			}
			return
		}
		p := n.open
		pre := n.tag == "pre" || n.tag == "listing"
		for c := n.first; c >= 0; c = t.nodes[c].next {
			out = append(out, decodeText(b[p:t.nodes[c].start], pre && p == n.open, true)...)
			walk(c)
			p = t.nodes[c].end
		}
		out = append(out, decodeText(b[p:n.close], pre && p == n.open, true)...)
	}
	walk(id)
	return string(out)
}

// decodeText is a run of text as the DOM keeps it: comments dropped,
// character references decoded, and, after <pre>, a first newline dropped.
func decodeText(seg []byte, dropNewline, comments bool) []byte {
	var out []byte
	for comments && len(seg) > 0 {
		c := bytes.Index(seg, []byte("<!--"))
		if c < 0 {
			c = len(seg)
		}
		out = append(out, seg[:c]...)
		seg = seg[c:]
		if len(seg) > 0 {
			e := bytes.Index(seg, []byte("-->"))
			if e < 0 {
				break
			}
			seg = seg[e+3:]
		}
	}
	if !comments {
		out = seg
	}
	if dropNewline && len(out) > 0 && out[0] == '\n' {
		out = out[1:]
	}
	if bytes.IndexByte(out, '&') >= 0 {
		return []byte(html.UnescapeString(string(out)))
	}
	return out
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// tagName reads a tag name, lower case, its kind and its length.
func tagName(b []byte) (string, kind, int) {
	n := 0
	for n < len(b) && b[n] != '>' && b[n] != '/' && b[n] != ' ' && b[n] != '\t' && b[n] != '\n' && b[n] != '\r' && b[n] != '\f' {
		n++
	}
	if n > 0 {
		for h := quick(b[:n]); ; h = (h + 1) % len(quickTags) {
			t := &quickTags[h]
			if t.name == "" {
				break
			}
			if t.name == string(b[:n]) {
				return t.name, t.kind, n
			}
		}
	}
	name := string(bytes.ToLower(b[:n]))
	return name, tags[name].kind, n
}

// startTagEnd returns the length of the start tag at the beginning of b,
// whose name ends at i, and whether it ends with "/>".
func startTagEnd(b []byte, i int) (end int, selfClosing, ok bool) {
	for i < len(b) {
		switch c := b[i]; c {
		case '>':
			return i + 1, i > 0 && b[i-1] == '/', true
		case '"', '\'':
			q := bytes.IndexByte(b[i+1:], c)
			if q < 0 {
				return 0, false, false
			}
			i += q + 2
		default:
			i++
		}
	}
	return 0, false, false
}
