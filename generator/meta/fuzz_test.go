package meta

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that it fails only with a
// *SyntaxError, and that every line it reports is a line of the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		yamlDoc, tomlDoc, jsonDoc, jsonSemiDoc, "\n\n" + yamlDoc, "\uFEFF" + tomlDoc,
		"", "---", "---\n---", "+++\n+++\n", ";;;\n;;;\n", "{\n}\n", "{\n\"a\": {\n}\n}\n\nbody",
		"---yaml\na: 1\n---\n", "---toml\na = 1\n---\n", "---json\n{\"a\": 1}\n---\n",
		"---\na: &a [*a]\n---\n", "---\na: [\n---\n", "---\n- a\n---\n", "---\n<<: {a: 1}\n---\n",
		"+++\n[[a]]\nb = 1\n[[a]]\n[a.c]\n+++\n", "+++\na = 1979-05-27T07:32:00\nb = 07:32:00\n+++\n",
		";;;\n{\"a\": [1, 2.5, null, true, \"x\"]}\n;;;\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Count(src, []byte("\n")) + 1
		doc, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %T %v, want a *SyntaxError", err, err)
			}
			if se.Line < 1 || se.Line > lines {
				t.Fatalf("error on line %d of a %d-line input: %v", se.Line, lines, err)
			}
			return
		}
		if doc.BodyLine < 1 || doc.BodyLine > lines {
			t.Fatalf("BodyLine %d of a %d-line input", doc.BodyLine, lines)
		}
		if doc.Meta == nil {
			if doc.Format != "" || !bytes.Equal(doc.Body, bytes.TrimPrefix(src, []byte("\uFEFF"))) {
				t.Fatalf("without front matter: Format %q, Body %q", doc.Format, doc.Body)
			}
			return
		}
		if doc.Meta.Kind != Map {
			t.Fatalf("front matter of kind %d, want a map", doc.Meta.Kind)
		}
		var walk func(n *Node)
		walk = func(n *Node) {
			if n == nil {
				t.Fatal("nil node in the tree")
			}
			if n.Line < 1 || n.Line > lines {
				t.Fatalf("node %q on line %d of a %d-line input", n.Value, n.Line, lines)
			}
			if len(n.Keys) != len(n.Values) {
				t.Fatalf("map with %d keys and %d values", len(n.Keys), len(n.Values))
			}
			for _, it := range n.Items {
				walk(it)
			}
			for _, v := range n.Values {
				walk(v)
			}
		}
		walk(doc.Meta)
	})
}

// FuzzSplit checks that Parse's own splitting of delimited front matter
// gives what github.com/adrg/frontmatter gives: the same document, or the
// same error.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		yamlDoc, tomlDoc, jsonDoc, jsonSemiDoc, "\n \n" + yamlDoc, "\uFEFF" + tomlDoc, "",
		"---", "---\n", "---\n---", "---\n--- \n", " ---\r\na: 1\r\n ---\r\nbody", "---\na: 1\n", "---\na: 1\n----\n---",
		"+++\n+++\n", ";;;\n;;;\n", "---yaml\na: 1\n---\n", "---toml\na = 1\n---\n", "---json\n{\"a\": 1}\n---\n",
		"---\na: [\n---\n", "---\n- a\n---\n", "---\na: 1\n\u0085---\u00a0\nbody\n---\n", "\t\n---\nx: y\n---\n\n# T\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, gerr := parse(src, false)
		want, werr := parse(src, true)
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Fatalf("error %v, frontmatter's %v", gerr, werr)
		}
		if !bytes.Equal(got.Body, want.Body) {
			t.Fatalf("body %q, frontmatter's %q", got.Body, want.Body)
		}
		got.Body, want.Body = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("document %+v, frontmatter's %+v", got, want)
		}
	})
}
