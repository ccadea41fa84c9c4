package meta

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/hindsight-sre/hindsight/generator/synth"
)

// fastCases are front matters that the fast path reads: each must give
// yaml.v3's tree.
var fastCases = []string{
	// Scalars of every type, as yaml.v3 types them.
	"a: 1\nb: -2\nc: +3\nd: 0x1F\ne: 0o17\nf: 017\ng: 08\nh: 1_000\ni: 0b101\nj: 0b-1\nk: 0o+7\nl: -0b-1\nm: 99999999999999999999\nn: 18446744073709551615\n",
	"a: 1.5\nb: .5\nc: 1e3\nd: -1.5e-3\ne: 1.\nf: .inf\ng: -.Inf\nh: .NaN\ni: 1e999\nj: 1_0.5\nk: .e5\nl: 1.2.3\nm: +.5\n",
	"a: true\nb: True\nc: TRUE\nd: false\ne: yes\nf: no\ng: on\nh: off\ni: tRUE\nj: y\n",
	"a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\ng:   # nothing\n",
	"a: 2025-03-14\nb: 2025-03-14T09:12:00+01:00\nc: 2025-03-14t09:12:00Z\nd: 2025-03-14 09:12:00\ne: 2025-03-14 09:12\nf: 2025-3-4\ng: 2025-03-14T09:12:00.123456789Z\nh: 20250-01-01\ni: 2025-13-01\n",
	"a: hello world\nb: it's\nc: http://example.com/a#b\nd: a:b\ne: -x\nf: a # comment\ng: a#b\nh: <<\ni: =\nj: 12:30\nk: 45 minutes\nl: a  b   \nm: x - y\nn: \"\"\n",
	// Quoted scalars.
	`a: "double \"quoted\" \\ \t \n \x41 \u00e9 \U0001F600 \0 \a \b \v \f \r \e \  \N \_ \L \P \'"` + "\n" + `b: 'single ''quoted'' "x" \n'` + "\nc: ''\nd: \"\"\ne: '  spaced  '\nf: \"# not a comment\"   # a comment\ng: 'a: b'\n",
	// Unicode.
	"titre: Panne des tableaux de bord après une mise en production\nrésumé: «\u00a0ok\u00a0» — 日本語 😀\nclé: 'été'\n",
	// Block scalars, with each chomping.
	"a: |\n  line 1\n  line 2\nb: 1\n",
	"a: |-\n  line 1\n  line 2\n\nb: 1\n",
	"a: |+\n  line 1\n  line 2\n\n\nb: 1\n",
	"a: >\n  folded\n  lines\n\n  paragraph\n    more indented\n  back\nb: 1\n",
	"a: >-\n  folded\n  lines\n\n\nb: >+\n  kept\n\n",
	"a: |\n\n  after a blank line\n   \n  # not a comment\n    indented\nb: |  # a comment\n  x\n",
	"a: |\n  no final line break",
	"a: >\n  x\n\n   \n    ",
	"a: |\nb: |+\n\n\nc: >-\n",
	"s:\n- a: |\n    in a sequence\n  b: >\n    folded\n- |\n  item\n- >-\n  item\n",
	"a:\n  b: |\n    deep\n    text\n  c: 1\n",
	// Nesting.
	"a:\n  b:\n    c: 1\n    d: [x, y]\n  e: 2\nf: 3\n",
	"a:\n- x\n- y\nb:\n  - 1\n  -\n  - - p\n    - q\n  - k: v\n    l: w\nc: 1\n",
	"timeline:\n  - at: 2025-03-13T02:00:00+01:00\n    event: \"x\"\n  - at: 2025-03-13T02:41:00+01:00\n    event: y\n",
	"a:\n  -   k: v\n      l: w\n  -\n    m: n\n",
	"a:\n- b:\n  - x\n  c: |\n   text\n- - - deep\n  -\n",
	"a:\n- |\n x\n- >-\n\n  y\n  z\nb: |\n  x\n     \nc: 1\n",
	"  indented: 1\n  root: 2\n",
	// Flow sequences.
	"a: []\nb: [ ]\nc: [a, \"b\", 'c']\nd: [1, true, null, ~, 2025-03-14, -x, a b]\ne: [\"x, y\", 'z]']\nf: [a,b]  # comment\ng: [-]\n",
	// Comments and blank lines everywhere.
	"# head\n\na: 1 # one\n\n# between\nb:\n  # before\n  - x # in\n# at column 0\n  - y\n\n  # after\nc: # value below\n  d: 1\n",
	"a:\n  - x\n  # trailing\n\n",
	// Duplicate keys, which yaml.v3 keeps.
	"a: 1\na: 2\n",
	// Keys.
	"key with spaces: 1\nkey_2-x.y: 2\n2025: year\nnull: n\ntrue: t\nspaced   : 3\n",
	// No final line break, blank lines with spaces, keys at the end.
	"a: 1\n   \nb:",
	// As deep as fromYAML allows.
	nestedMaps(maxDepth - 1),
}

// slowCases are front matters outside the subset: the fast path must leave
// them to yaml.v3.
var slowCases = []string{
	"", "# only a comment\n", "just a scalar\n", "- a\n- b\n",
	"a: &x 1\nb: *x\n", "a: !!str 1\n", "a: {b: 1}\n", "? a\n: 1\n", "'a': 1\n", "\"a\": 1\n",
	"a:\tb\n", "a: 1\r\nb: 2\r\n", "a: 1\n---\nb: 2\n", "%YAML 1.2\n---\na: 1\n",
	"a: multi\n  line\n", "a: \"multi\n  line\"\n", "a: 'multi\n  line'\n", "a: [1,\n  2]\n",
	"a:\n  scalar below\n", "a: |2\n   x\n", "a: \"\\/\"\n", "a: \"\\q\"\n", "a: \"\\ud800\"\n",
	"a: b: c\n", "a: b:\n", "a: - b\n", "a: [[1]]\n", "a: [a: 1]\n", "a: [a, ]\n", "a: [why?]\n",
	"a: 1\n b: 2\n", "a:\n    b: 1\n  c: 2\n", "a: 1\n- b\n", "a: @x\n", "a: `x`\n", "a: %x\n",
	"a: \u2028\n", "a: \x00\n", "a: \xff\n", "\ufeffa: 1\n", "a: 1\n  # deeper comment is fine\nb: [x] y\n",
	"a: <<\n<<: {b: 1}\n", "-a: 1\n", ".a: 1\n", "a:b: 1\n",
	nestedMaps(maxDepth),
}

// nestedMaps returns n mappings nested in one another, the innermost holding a null.
func nestedMaps(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// yamlV3 decodes data as decodeYAML does without the fast path.
func yamlV3(data []byte) (*Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || doc.Kind == 0 {
		return nil, err
	}
	count := 0
	return fromYAML(&doc, 0, &count)
}

// checkFast fails t when the fast path takes data and reads it otherwise
// than yaml.v3, and reports whether it took it.
func checkFast(t *testing.T, data []byte) bool {
	t.Helper()
	got, ok := fastYAML(data)
	if !ok {
		return false
	}
	want, err := yamlV3(data)
	if err != nil {
		t.Fatalf("fast path read YAML that yaml.v3 rejects (%v):\n%q", err, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path and yaml.v3 differ on\n%q\nfast path:\n%s\nyaml.v3:\n%s", data, dumpNode(got), dumpNode(want))
	}
	return true
}

// dumpNode renders a tree with everything that must agree, one node a line.
func dumpNode(n *Node) string {
	var b strings.Builder
	var dump func(n *Node, indent string)
	dump = func(n *Node, indent string) {
		if n == nil {
			b.WriteString(indent + "<nil>\n")
			return
		}
		fmt.Fprintf(&b, "%sline %d kind %d type %q value %q\n", indent, n.Line, n.Kind, n.Type, n.Value)
		for _, it := range n.Items {
			dump(it, indent+"  - ")
		}
		for i, k := range n.Keys {
			fmt.Fprintf(&b, "%s  key %q:\n", indent, k)
			dump(n.Values[i], indent+"    ")
		}
	}
	dump(n, "")
	return b.String()
}

func TestFastYAMLSubset(t *testing.T) {
	for _, s := range fastCases {
		if !checkFast(t, []byte(s)) {
			t.Errorf("fast path left to yaml.v3:\n%q", s)
		}
	}
	for _, s := range slowCases {
		if checkFast(t, []byte(s)) {
			t.Errorf("fast path took, though it is outside the subset:\n%q", s)
		}
	}
}

// TestFastYAMLTakesFrontMatters checks that the fast path reads the front
// matters of the example knowledge base and of generated ones: without
// that it would be no faster.
func TestFastYAMLTakesFrontMatters(t *testing.T) {
	for name, fms := range map[string][][]byte{
		"content": contentFrontMatters(t),
		"synth":   synthFrontMatters(t, 50),
	} {
		if len(fms) == 0 {
			t.Fatalf("no YAML front matter in %s", name)
		}
		for i, fm := range fms {
			if !checkFast(t, fm) {
				t.Errorf("%s: fast path left front matter %d to yaml.v3:\n%s", name, i, fm)
			}
		}
	}
}

// FuzzFastYAML checks that whenever the fast path reads a front matter, it
// reads it as yaml.v3 does.
func FuzzFastYAML(f *testing.F) {
	for _, s := range slices.Concat(fastCases, slowCases) {
		f.Add([]byte(s))
	}
	for _, fm := range contentFrontMatters(f) {
		f.Add(fm)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data)
	})
}

// BenchmarkDecodeYAML compares the fast path with yaml.v3 on generated front
// matters; an op decodes one front matter.
func BenchmarkDecodeYAML(b *testing.B) {
	fms := synthFrontMatters(b, 50)
	size := 0
	for _, fm := range fms {
		size += len(fm)
	}
	for _, bc := range []struct {
		name   string
		decode func([]byte) (*Node, error)
	}{
		{"fast", decodeYAML},
		{"yaml.v3", yamlV3},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size / len(fms)))
			i := 0
			for b.Loop() {
				if _, err := bc.decode(fms[i%len(fms)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// contentFrontMatters returns the YAML front matters of the example
// knowledge base.
func contentFrontMatters(tb testing.TB) [][]byte {
	return frontMatters(tb, filepath.Join("..", "..", "content"))
}

// synthFrontMatters returns the front matters of n generated postmortems.
func synthFrontMatters(tb testing.TB, n int) [][]byte {
	dir := tb.TempDir()
	if err := synth.Generate(dir, synth.Options{Postmortems: n}); err != nil {
		tb.Fatal(err)
	}
	return frontMatters(tb, filepath.Join(dir, "content"))
}

// frontMatters returns the YAML between the --- lines that open the
// Markdown files below dir.
func frontMatters(tb testing.TB, dir string) [][]byte {
	var fms [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".md" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rest, ok := bytes.CutPrefix(src, []byte("---\n"))
		if !ok {
			return nil
		}
		if end := bytes.Index(rest, []byte("\n---\n")); end >= 0 {
			fms = append(fms, rest[:end+1])
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return fms
}
