package meta

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The same front matter in every format. Nested map keys are in alphabetical
// order because TOML tables do not keep the order they were written in.
const (
	yamlDoc = `---
title: Checkout outage
severity: SEV2
services:
  - billing
  - public-api
change_induced: true
minutes: 42
ratio: 0.5
actions:
  - owner: alice
    title: Recycle pool connections
  - owner: bob
    title: Alert on stale connections
---
# Body

Text.
`
	tomlDoc = `+++
title = "Checkout outage"
severity = "SEV2"
services = [
  "billing",
  "public-api",
]
change_induced = true
minutes = 42
ratio = 0.5

[[actions]]
owner = "alice"
title = "Recycle pool connections"

[[actions]]
owner = "bob"
title = "Alert on stale connections"
+++
# Body

Text.
`
	jsonObject = `{
  "title": "Checkout outage",
  "severity": "SEV2",
  "services": [
    "billing",
    "public-api"
  ],
  "change_induced": true,
  "minutes": 42,
  "ratio": 0.5,
  "actions": [
    {"owner": "alice", "title": "Recycle pool connections"},
    {"owner": "bob", "title": "Alert on stale connections"}
  ]
}
`
	jsonDoc     = jsonObject + "\n# Body\n\nText.\n"
	jsonSemiDoc = ";;;\n" + jsonObject + ";;;\n# Body\n\nText.\n"
)

// shape renders a tree without its lines, to compare trees read from
// different formats.
func shape(n *Node) string {
	if n == nil {
		return "<nil>"
	}
	var b strings.Builder
	switch n.Kind {
	case Null:
		b.WriteString("null")
	case Scalar:
		fmt.Fprintf(&b, "%s(%s)", n.Type, n.Value)
	case List:
		b.WriteString("[")
		for i, it := range n.Items {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(shape(it))
		}
		b.WriteString("]")
	case Map:
		b.WriteString("{")
		for i, k := range n.Keys {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "%s:%s", k, shape(n.Values[i]))
		}
		b.WriteString("}")
	}
	return b.String()
}

func mustParse(t *testing.T, src string) Document {
	t.Helper()
	doc, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

// lineOf returns the line of the node at a path of keys and list indexes.
func lineOf(t *testing.T, n *Node, path ...any) int {
	t.Helper()
	for _, p := range path {
		switch p := p.(type) {
		case string:
			n = n.Get(p)
		case int:
			if n == nil || p >= len(n.Items) {
				n = nil
			} else {
				n = n.Items[p]
			}
		}
		if n == nil {
			t.Fatalf("no node at %v", path)
		}
	}
	return n.Line
}

func TestParseFormatsGiveTheSameTree(t *testing.T) {
	want := "{title:string(Checkout outage) severity:string(SEV2) services:[string(billing) string(public-api)] " +
		"change_induced:bool(true) minutes:int(42) ratio:float(0.5) " +
		"actions:[{owner:string(alice) title:string(Recycle pool connections)} {owner:string(bob) title:string(Alert on stale connections)}]}"
	for _, tc := range []struct{ name, src, format string }{
		{"yaml", yamlDoc, "yaml"},
		{"toml", tomlDoc, "toml"},
		{"json", jsonDoc, "json"},
		{"json;;;", jsonSemiDoc, "json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustParse(t, tc.src)
			if doc.Format != tc.format {
				t.Errorf("Format = %q, want %q", doc.Format, tc.format)
			}
			if got := shape(doc.Meta); got != want {
				t.Errorf("tree:\n got %s\nwant %s", got, want)
			}
			if string(doc.Body) != "# Body\n\nText.\n" {
				t.Errorf("Body = %q", doc.Body)
			}
		})
	}
}

func TestParseLinesAreLinesOfTheFile(t *testing.T) {
	type at struct {
		path []any
		line int
	}
	for _, tc := range []struct {
		name     string
		src      string
		lines    []at
		bodyLine int
	}{
		{"yaml", yamlDoc, []at{
			{[]any{"title"}, 2}, {[]any{"severity"}, 3}, {[]any{"services"}, 5},
			{[]any{"services", 0}, 5}, {[]any{"services", 1}, 6}, {[]any{"change_induced"}, 7},
			{[]any{"actions", 0}, 11}, {[]any{"actions", 0, "title"}, 12},
			{[]any{"actions", 1}, 13}, {[]any{"actions", 1, "owner"}, 13}, {[]any{"actions", 1, "title"}, 14},
		}, 16},
		{"toml", tomlDoc, []at{
			{[]any{"title"}, 2}, {[]any{"severity"}, 3}, {[]any{"services"}, 4},
			{[]any{"change_induced"}, 8}, {[]any{"ratio"}, 10},
			{[]any{"actions", 0}, 12}, {[]any{"actions", 0, "owner"}, 13},
			{[]any{"actions", 1}, 16}, {[]any{"actions", 1, "title"}, 18},
		}, 20},
		{"json", jsonDoc, []at{
			{nil, 1}, {[]any{"title"}, 2}, {[]any{"severity"}, 3}, {[]any{"services"}, 4},
			{[]any{"services", 0}, 5}, {[]any{"services", 1}, 6}, {[]any{"change_induced"}, 8},
			{[]any{"actions", 0}, 12}, {[]any{"actions", 1, "title"}, 13},
		}, 17},
		{"json;;;", jsonSemiDoc, []at{
			{[]any{"title"}, 3}, {[]any{"services", 1}, 7}, {[]any{"actions", 1, "owner"}, 14},
		}, 18},
	} {
		for _, blank := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/%d blank lines first", tc.name, blank), func(t *testing.T) {
				doc := mustParse(t, strings.Repeat("\n", blank)+tc.src)
				for _, a := range tc.lines {
					if got := lineOf(t, doc.Meta, a.path...); got != a.line+blank {
						t.Errorf("line of %v = %d, want %d", a.path, got, a.line+blank)
					}
				}
				if doc.BodyLine != tc.bodyLine+blank {
					t.Errorf("BodyLine = %d, want %d", doc.BodyLine, tc.bodyLine+blank)
				}
			})
		}
	}
}

func TestParseByteOrderMark(t *testing.T) {
	for _, src := range []string{yamlDoc, tomlDoc, jsonDoc, jsonSemiDoc} {
		plain := mustParse(t, src)
		bom := mustParse(t, "\uFEFF"+src)
		if shape(bom.Meta) != shape(plain.Meta) || bom.Format != plain.Format {
			t.Errorf("with a BOM: %s %s, want %s %s", bom.Format, shape(bom.Meta), plain.Format, shape(plain.Meta))
		}
		if bom.BodyLine != plain.BodyLine || lineOf(t, bom.Meta, "title") != lineOf(t, plain.Meta, "title") {
			t.Errorf("a BOM moved the lines: body %d title %d, want %d %d", bom.BodyLine,
				lineOf(t, bom.Meta, "title"), plain.BodyLine, lineOf(t, plain.Meta, "title"))
		}
		if string(bom.Body) != string(plain.Body) {
			t.Errorf("Body with a BOM = %q", bom.Body)
		}
	}
}

func TestParseTOMLTimes(t *testing.T) {
	doc := mustParse(t, `+++
started_at = 2025-03-14T09:12:00+01:00
detected_at = 2025-03-14T09:20:00
due = 2025-04-01
at = 09:12:00
+++
`)
	for key, want := range map[string]string{
		"started_at":  "time(2025-03-14T09:12:00+01:00)",
		"detected_at": "time(2025-03-14T09:20:00)", // no offset: read later in the site's zone
		"due":         "time(2025-04-01)",
		"at":          "string(09:12:00)",
	} {
		if got := shape(doc.Meta.Get(key)); got != want {
			t.Errorf("%s = %s, want %s", key, got, want)
		}
	}
}

func TestParseWithoutFrontMatter(t *testing.T) {
	for _, src := range []string{
		"# Checkout outage\n\nDate: 2024-11-02\n",
		"",
		"\n\nSome text\n---\n",
		"{\n\"a\": 1\n", // a brace that never closes is body text
	} {
		doc := mustParse(t, src)
		if doc.Meta != nil || doc.Format != "" {
			t.Errorf("%q: Meta = %s, Format %q; want none", src, shape(doc.Meta), doc.Format)
		}
		if string(doc.Body) != src || doc.BodyLine != 1 {
			t.Errorf("%q: Body = %q on line %d, want the whole file on line 1", src, doc.Body, doc.BodyLine)
		}
	}
}

func TestParseEmptyFrontMatter(t *testing.T) {
	doc := mustParse(t, "---\n---\nbody\n")
	if doc.Meta == nil || doc.Meta.Kind != Map || len(doc.Meta.Keys) != 0 {
		t.Errorf("Meta = %s, want an empty map", shape(doc.Meta))
	}
	if doc.BodyLine != 3 || string(doc.Body) != "body\n" {
		t.Errorf("Body = %q on line %d", doc.Body, doc.BodyLine)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"yaml bad indent", "---\ntitle: x\nservices:\n  - billing\n bad: 1\n---\n", 5, "invalid YAML front matter"},
		{"yaml bad indent after blank lines", "\n\n---\n\ntitle: x\nservices:\n  - billing\n bad: 1\n---\n", 8, "did not find expected key"},
		{"yaml bad indent in a nested map", "---\ntitle: x\ncustomer:\n  title: a\n  summary: b\n  - c\n---\n", 6, "did not find expected key"},
		{"yaml mapping in a scalar", "---\ntitle: x\nseverity: SEV2\n  owner: bob\n---\n", 4, "mapping values are not allowed"},
		{"yaml unterminated quote", "---\ntitle: x\nroot_cause: \"a pool\n---\n", 3, "invalid YAML front matter"},
		{"yaml tab", "---\ntitle: x\nservices:\n\t- a\n---\n", 4, "invalid YAML front matter"},
		{"toml", "\n+++\ntitle = \"x\"\nseverity = \n+++\n", 4, "invalid TOML front matter"},
		{"toml duplicate key", "+++\ntitle = \"x\"\ntitle = \"y\"\n+++\n", 3, "invalid TOML front matter"},
		{"json brace", "{\n  \"title\": \"x\",\n  \"severity\": SEV2\n}\n\nbody", 3, "invalid JSON front matter"},
		{"json ;;;", "\n;;;\n{\n  \"title\": \"x\",\n  \"services\": [\"a\" \"b\"]\n}\n;;;\n", 5, "invalid JSON front matter"},
		{"json trailing data", ";;;\n{\"title\": \"x\"}\n{}\n;;;\n", 3, "after the closing brace"},
		{"unclosed ---", "\n\n---\ntitle: x\n\n# Body\n", 3, `never closed; end it with a line holding only "---"`},
		{"unclosed +++", "+++\ntitle = \"x\"\n", 1, `opened with "+++" is never closed`},
		{"unclosed ;;;", "\n;;;\n{}\n", 2, `opened with ";;;" is never closed`},
		{"yaml list", "---\n- a\n- b\n---\n", 2, "front matter must be a map of fields, not a list"},
		{"yaml string", "---\njust text\n---\n", 2, "must be a map of fields, not a string"},
		{"json list", ";;;\n[1, 2]\n;;;\n", 2, "must be a map of fields, not a list"},
		{"yaml merge key", "---\nbase: &b {a: 1}\n<<: *b\n---\n", 3, "merge keys"},
		{"yaml complex key", "---\ntitle: x\n? [a]\n: 1\n---\n", 3, "a field name must be plain text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.src))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("err = %q, want line %d: …%s…", err, tc.line, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("line %d: ", tc.line)) {
				t.Errorf("Error() = %q, want it to start with the line", err)
			}
		})
	}
}

func TestParseRefusesAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [%s*%s]\n", name, name, strings.Repeat("*"+prev+", ", 8), prev)
		prev = name
	}
	b.WriteString("---\n")
	start := time.Now()
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Fatalf("err = %v, want too many values", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the alias bomb took %v", d)
	}
}

func TestParseRefusesDeepNesting(t *testing.T) {
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	for _, src := range []string{
		"---\nx: " + deep + "\n---\n",
		"---\nx: &x [*x]\n---\n", // an alias inside itself
		"+++\nx = " + deep + "\n+++\n",
		";;;\n{\"x\": " + deep + "}\n;;;\n",
		"{\n\"x\": " + deep + "\n}\n",
	} {
		_, err := Parse([]byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, "nested too deeply") || se.Line != 2 {
			t.Errorf("%.20q…: err = %v, want line 2: …nested too deeply", src, err)
		}
	}
	// Nesting within the limit is fine.
	ok := strings.Repeat("[", 10) + strings.Repeat("]", 10)
	mustParse(t, "---\nx: "+ok+"\n---\n")
}

func TestNodeGetAndDescribe(t *testing.T) {
	doc := mustParse(t, "---\ns: a\nb: true\nn: 1\nf: 1.5\nt: 2025-03-14T09:12:00Z\nl: []\nm: {}\nz:\n---\n")
	for key, want := range map[string]string{
		"s": "a string", "b": "a boolean", "n": "a number", "f": "a number", "t": "a time",
		"l": "a list", "m": "a map", "z": "empty",
	} {
		if got := doc.Meta.Get(key).Describe(); got != want {
			t.Errorf("Describe(%s) = %q, want %q", key, got, want)
		}
	}
	if doc.Meta.Get("missing") != nil || doc.Meta.Get("s").Get("x") != nil || (*Node)(nil).Get("x") != nil {
		t.Error("Get of a missing key or on a non-map should be nil")
	}
}

func TestParseTOMLLinesAfterMultiLineStrings(t *testing.T) {
	doc := mustParse(t, `+++
title = "x"
root_cause = """
The pool, see [1].

[1]: https://example.com/runbook
status = "not a key"
[[actions]]
"""
status = "draft"
customer.publish = true
'quoted key' = 1

[[actions]]
title = "a"
+++
`)
	for key, want := range map[string]int{"root_cause": 3, "status": 10, "customer": 11, "quoted key": 12} {
		if got := lineOf(t, doc.Meta, key); got != want {
			t.Errorf("line of %s = %d, want %d", key, got, want)
		}
	}
	if n := len(doc.Meta.Get("actions").Items); n != 1 || lineOf(t, doc.Meta, "actions", 0) != 14 {
		t.Errorf("actions: %d items, first on line %d; want 1 on line 14", n, lineOf(t, doc.Meta, "actions", 0))
	}
	if got := doc.Meta.Get("status").Value; got != "draft" {
		t.Errorf("status = %q", got)
	}
}

func TestParseWindowsLineEndings(t *testing.T) {
	for _, src := range []string{yamlDoc, tomlDoc, jsonDoc, jsonSemiDoc} {
		plain := mustParse(t, src)
		crlf := mustParse(t, strings.ReplaceAll(src, "\n", "\r\n"))
		if shape(crlf.Meta) != shape(plain.Meta) || crlf.BodyLine != plain.BodyLine ||
			lineOf(t, crlf.Meta, "actions", 1) != lineOf(t, plain.Meta, "actions", 1) {
			t.Errorf("%s with CRLF: %s, body on line %d; want %s, line %d", plain.Format, shape(crlf.Meta), crlf.BodyLine, shape(plain.Meta), plain.BodyLine)
		}
	}
}

func TestParseTOMLLinesInTables(t *testing.T) {
	doc := mustParse(t, `+++
title = "x"
services = [
  ["nested", "array"],
]
severity = "SEV2"

[customer]
title = "Payments failed"
  publish = true # indented

[retrospective]
date = 2025-03-17
[retrospective.extra]
note = "x"

[[actions]] # first
title = "a"

type = "fix"
[[actions]]
owner = "bob"
+++
`)
	for _, a := range []struct {
		path []any
		line int
	}{
		{[]any{"services"}, 3}, {[]any{"severity"}, 6},
		{[]any{"customer"}, 8}, {[]any{"customer", "title"}, 9}, {[]any{"customer", "publish"}, 10},
		{[]any{"retrospective", "date"}, 13}, {[]any{"retrospective", "extra"}, 12},
		{[]any{"actions", 0}, 17}, {[]any{"actions", 0, "title"}, 18}, {[]any{"actions", 0, "type"}, 20},
		{[]any{"actions", 1}, 21}, {[]any{"actions", 1, "owner"}, 22},
	} {
		if got := lineOf(t, doc.Meta, a.path...); got != a.line {
			t.Errorf("line of %v = %d, want %d", a.path, got, a.line)
		}
	}
}
