package htmldiff

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// splice applies patches to old as byte replacements: the new page again,
// when Diff is right.
func splice(old []byte, patches []Patch) []byte {
	var out []byte
	p := 0
	for _, pt := range patches {
		out = append(out, old[p:pt.Old[0]]...)
		out = append(out, pt.HTML...)
		p = pt.Old[1]
	}
	return append(out, old[p:]...)
}

const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Incidents · Acme</title>
<link rel="stylesheet" href="css/hindsight.css">
</head>
<body>
<header class="site-header"><a class="brand" href="index.html">Acme</a></header>
<main>
<h1>Incidents</h1>
<!-- a comment <b>with</b> markup -->
<div class="list"><div class="chunk">
<table class="incidents">
<thead><tr><th scope="col">Date</th><th scope="col">Incident</th></tr></thead>
<tbody>
<tr data-id="a"><td>2026-01-02</td><td><a href="incidents/a/">DNS outage &amp; retries</a></td></tr>
<tr data-id="b"><td>2026-01-01</td><td><a href="incidents/b/">Certificate expired</a></td></tr>
</tbody>
</table>
</div></div>
<pre>
line one</pre>
<figure><svg viewBox="0 0 10 10"><title>chart</title><rect width="3" height="4"/><text x="1">4</text></svg></figure>
<p>Unclosed paragraph
<ul><li>one<li>two</ul>
</main>
<script src="js/filter.js"></script>
</body>
</html>
`

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		want           []string // tag and path of each patch; nil: none
		reload         bool
	}{
		{name: "same", from: "x", to: "x"},
		{name: "a title in a row", from: "Certificate expired", to: "Certificate renewed", want: []string{"a [1 1 1 0 0 1 1 1 0]"}},
		{name: "two rows", from: `DNS outage`, to: `DNS failure`, want: []string{"a [1 1 1 0 0 1 0 1 0]"}},
		{name: "an attribute", from: `data-id="b"`, to: `data-id="c"`, want: []string{"tr [1 1 1 0 0 1 1]"}},
		{name: "a row added", from: "<tbody>\n", to: "<tbody>\n<tr><td>new</td><td></td></tr>\n", want: []string{"tbody [1 1 1 0 0 1]"}},
		{name: "the title", from: "<title>Incidents", to: "<title>All incidents", want: []string{"title [0 1]"}},
		{name: "inside an SVG", from: `<text x="1">4</text>`, to: `<text x="1">5</text>`, want: []string{"svg [1 1 3 0]"}},
		{name: "a pre", from: "line one", to: "line two", want: []string{"pre [1 1 2]"}},
		{name: "text in body", from: "</header>\n<main>", to: "</header>\nhello<main>", reload: true},
		{name: "a script", from: "js/filter.js", to: "js/other.js", reload: true},
		{name: "the body", from: "<body>", to: `<body class="x">`, reload: true},
		{name: "an element renamed", from: "<h1>Incidents</h1>", to: "<h2>Incidents</h2>", want: []string{"main [1 1]"}},
		{name: "an unclosed div", from: "<h1>Incidents</h1>", to: "<div><h1>Incidents</h1>", reload: true},
		{name: "a row outside a section", from: "<tbody>\n", to: "<tr><td>x</td></tr><tbody>\n", reload: true},
		{name: "a self-closed div", from: "<h1>Incidents</h1>", to: "<div/><h1>Incidents</h1>", reload: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(page, tc.from) {
				t.Fatalf("the page has no %q", tc.from)
			}
			old, new := []byte(page), []byte(strings.Replace(page, tc.from, tc.to, 1))
			patches, ok := Diff(old, new)
			if ok == tc.reload {
				t.Fatalf("ok = %v, want %v (patches %v)", ok, !tc.reload, patches)
			}
			if !ok {
				return
			}
			var got []string
			for _, p := range patches {
				got = append(got, fmt.Sprintf("%s %v", p.Tag, p.At))
				if !bytes.HasPrefix(old[p.Old[0]:], []byte("<"+p.Tag)) || !strings.HasPrefix(p.HTML, "<") {
					t.Errorf("patch %s %v replaces %q with %q", p.Tag, p.At, old[p.Old[0]:p.Old[1]], p.HTML)
				}
			}
			if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("patches %v, want %v", got, tc.want)
			}
			if s := splice(old, patches); !bytes.Equal(s, new) {
				t.Errorf("the patches do not give the new page:\n%s", s)
			}
			if s, err := Apply(old, patches); err != nil || !bytes.Equal(s, new) {
				t.Errorf("Apply: %v", err)
			}
		})
	}
}

// TestManyChanges: a list whose rows all change is replaced whole.
func TestManyChanges(t *testing.T) {
	var a, b strings.Builder
	for _, w := range []*strings.Builder{&a, &b} {
		w.WriteString("<html><head></head><body><ol>")
	}
	for i := range 40 {
		fmt.Fprintf(&a, "<li>%d</li>", i)
		fmt.Fprintf(&b, "<li>%d</li>", i+1)
	}
	for _, w := range []*strings.Builder{&a, &b} {
		w.WriteString("</ol></body></html>")
	}
	patches, ok := Diff([]byte(a.String()), []byte(b.String()))
	if !ok || len(patches) != 1 || patches[0].Tag != "ol" {
		t.Fatalf("got %d patches (ok %v), want the list replaced whole", len(patches), ok)
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ html, text string }{
		{`<p>a &amp; b&nbsp;c</p>`, "a & b\u00a0c"},
		{`<p>a<!-- x --> <b>b</b>&lt;</p>`, "a b<"},
		{"<pre>\nx\n</pre>", "x\n"},
		{"<pre><b>x</b>\ny</pre>", "x\ny"},
		{"<textarea>\n&amp;</textarea>", "&"},
		{"<div><script>if (a < b && c) {}</script><style>a>b{}</style></div>", "if (a < b && c) {}a>b{}"},
		{"<p>café 🙂</p>", "café 🙂"},
		{`<div title="a > b">x</div>`, "x"},
	} {
		tr, ok := parse([]byte(tc.html))
		if !ok {
			t.Errorf("%q: not read", tc.html)
			continue
		}
		if got := tr.text([]byte(tc.html), 0); got != tc.text {
			t.Errorf("%q: text %q, want %q", tc.html, got, tc.text)
		}
	}
	// FNV-1a over UTF-16 code units, as the live script computes it.
	for s, want := range map[string]uint32{"a": 0xe40c292c, "a🙂": 0xda8e6413} {
		if got := TextHash(s); got != want {
			t.Errorf("TextHash(%q) = %#x, want %#x", s, got, want)
		}
	}
}

func FuzzDiff(f *testing.F) {
	f.Add([]byte(page), []byte(strings.Replace(page, "Certificate expired", "Certificate renewed", 1)))
	f.Add([]byte(page), []byte(strings.Replace(page, "<tbody>\n", "<tbody><tr><td>x</td></tr>", 1)))
	f.Add([]byte("<html><body><p>a<p>b</body></html>"), []byte("<html><body><p>a<p>c</body></html>"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		checkHandOff(t, old, new, commonPrefix(old, new))
		patches, ok := Diff(old, new)
		if !ok {
			return
		}
		if s := splice(old, patches); !bytes.Equal(s, new) {
			t.Fatalf("the patches do not give the new page:\nold %q\nnew %q\ngot %q", old, new, s)
		}
		if s, err := Apply(old, patches); err != nil || !bytes.Equal(s, new) {
			t.Fatalf("Apply: %v\nold %q\nnew %q\ngot %q", err, old, new, s)
		}
		for i, p := range patches {
			if i > 0 && p.Old[0] < patches[i-1].Old[1] {
				t.Fatalf("patches overlap: %v", patches)
			}
			if tags[p.Tag].kind&frame != 0 {
				t.Fatalf("a patch replaces <%s>", p.Tag)
			}
		}
	})
}

// checkHandOff checks that the new page, read on from the state the old
// page's reading hands on after shared bytes, reads as it does alone.
func checkHandOff(t *testing.T, old, new []byte, shared int) {
	t.Helper()
	from := make(chan *state, 1)
	parseHanding(old, shared, from)
	st := <-from
	if st == nil {
		return // no state to hand on: Diff reads the new page alone
	}
	if st.i > shared {
		t.Fatalf("the state handed on has read %d bytes, more than the %d shared", st.i, shared)
	}
	got, gok := st.run(new)
	want, wok := parse(new)
	if gok != wok || gok && (!slices.Equal(got.nodes, want.nodes) || !slices.Equal(got.roots, want.roots)) {
		t.Fatalf("after %d shared bytes, the new page read on from the old one's state differs from the new page read alone (ok %v, %v)\nold %q\nnew %q",
			shared, gok, wok, old, new)
	}
}

// TestHandOff: for every count of shared bytes, at whatever the old page
// holds there (inside a tag, a comment, an SVG, a list of optional end
// tags), the new page read on from the old one's state is the new page.
func TestHandOff(t *testing.T) {
	for _, edit := range [][2]string{
		{"Certificate expired", "Certificate renewed"},
		{"<tbody>\n", "<tbody><tr><td>x</td></tr>"},
		{"<li>two</ul>", "<li>two<li>three</ul>"},
		{"<tr data-id=\"b\"><td>2026-01-01</td><td><a href=\"incidents/b/\">Certificate expired</a></td></tr>\n", ""}, // the last row goes
		{"<tr data-id=\"b\">", "<tr data-id=\"c\">"},
		{`<text x="1">4</text>`, `<text x="1">5</text>`},
		{"</body>", "<p>late</p></body>"},
		{"<!-- a comment", "<!-- the comment"},
	} {
		old := []byte(page)
		new := []byte(strings.Replace(page, edit[0], edit[1], 1))
		for shared := range commonPrefix(old, new) + 1 {
			checkHandOff(t, old, new, shared)
		}
	}
	// A < that begins no tag is read by what follows it, which the two
	// pages may not share.
	for _, pair := range [][2]string{{"<p>1 <0</p>", "<p>1 <A0</p>"}, {"<p>1 <", "<p>1 <a>"}, {"<p><!x</p>", "<p><!-- x --></p>"}} {
		old, new := []byte(pair[0]), []byte(pair[1])
		for shared := range commonPrefix(old, new) + 1 {
			checkHandOff(t, old, new, shared)
		}
	}
	// A page longer than the window in which states are noted.
	old, new := largeList()
	p := commonPrefix(old, new)
	for _, shared := range []int{0, 1, handWindow - 1, handWindow, p / 2, p - 1, p} {
		checkHandOff(t, old, new, shared)
	}
}

// largeList is a page like the incidents index of 10,000 postmortems (a
// few megabytes), and the same with one title changed.
func largeList() (old, new []byte) {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><title>Incidents</title></head><body><main><div class=\"list\">")
	for c := range 50 {
		b.WriteString("<div class=\"chunk\"><table class=\"incidents\"><tbody>\n")
		for r := range 200 {
			fmt.Fprintf(&b, "<tr data-service=\"api\" data-severity=\"SEV2\"><td><time datetime=\"2025-01-01\">2025-01-01</time></td><td><a href=\"incidents/i-%d-%d/index.html\">Incident %d of run %d, a title of some length</a></td><td><span class=\"sev sev-sev2\">SEV2</span></td><td><a href=\"services/api/index.html\">api</a></td><td>2 h 05 min</td><td><span class=\"status\">Published</span></td></tr>\n", c, r, r, c)
		}
		b.WriteString("</tbody></table></div>")
	}
	b.WriteString("</div></main></body></html>")
	s := b.String()
	return []byte(s), []byte(strings.Replace(s, "Incident 7 of run 31,", "Incident 7 of run 31 (edited),", 1))
}

// BenchmarkDiffLargeList compares the two versions of largeList, as serve
// does for an open incidents index after an edit.
func BenchmarkDiffLargeList(b *testing.B) {
	old, new := largeList()
	b.SetBytes(int64(len(old) + len(new)))
	for b.Loop() {
		if p, ok := Diff(old, new); !ok || len(p) != 1 {
			b.Fatal(len(p), ok)
		}
	}
}
