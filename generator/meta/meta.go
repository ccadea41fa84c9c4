// Package meta owns reading a postmortem file's front matter: it splits YAML
// (---), TOML (+++) or JSON ({ } or ;;;) front matter from the Markdown body
// as github.com/adrg/frontmatter does (with the library itself for a bare
// JSON object, and with split, checked against it, for delimited front
// matter) and decodes it into a tree of Nodes that remember the line each
// value was written on, so later checks can point at it.
package meta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/adrg/frontmatter"
)

// Kind is the shape of a Node.
type Kind int

// The kinds of Node.
const (
	Null Kind = iota
	Scalar
	List
	Map
)

// Scalar types, as the front-matter language typed them.
const (
	TypeString = "string"
	TypeBool   = "bool"
	TypeInt    = "int"
	TypeFloat  = "float"
	TypeTime   = "time"
)

// Node is one value of the front matter.
type Node struct {
	Kind   Kind
	Type   string  // for scalars: one of the Type constants
	Value  string  // for scalars: the text of the value
	Items  []*Node // for lists
	Keys   []string
	Values []*Node // for maps, in the order written
	Line   int     // line in the whole file, 1-based
}

// Get returns the value of key in a map node, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i, k := range n.Keys {
		if k == key {
			return n.Values[i]
		}
	}
	return nil
}

// Describe names the node's shape for error messages ("a list", "a string").
func (n *Node) Describe() string {
	switch n.Kind {
	case Null:
		return "empty"
	case List:
		return "a list"
	case Map:
		return "a map"
	}
	switch n.Type {
	case TypeBool:
		return "a boolean"
	case TypeInt, TypeFloat:
		return "a number"
	case TypeTime:
		return "a time"
	}
	return "a string"
}

// Document is a file split into front matter and body.
type Document struct {
	Format   string // "yaml", "toml", "json", or "" when the file has no front matter
	Meta     *Node  // the front matter, a map; nil when there is none
	Body     []byte
	BodyLine int // line of the file on which Body starts
}

// SyntaxError is front matter that cannot be read.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxNodes bounds how many values one front matter may expand to, so YAML
// aliases cannot blow a small file up into an enormous tree.
const maxNodes = 100000

// maxDepth bounds nesting.
const maxDepth = 64

type decoder struct {
	format string
	node   *Node
}

// Parse splits src into front matter and body and decodes the front matter.
// Lines in the returned nodes and in a *SyntaxError are lines of src.
func Parse(src []byte) (Document, error) { return parse(src, false) }

// parse is Parse; library makes it split every file with
// github.com/adrg/frontmatter, as the tests do to compare split with it.
func parse(src []byte, library bool) (Document, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	open, openLine := opening(src)
	off := openLine // data starts on the line after the delimiter…
	if open == "{" {
		off = openLine - 1 // …except for a bare JSON object, whose brace is data
	}
	var d decoder
	var body []byte
	var err error
	if format, end, ok := delimited(open); ok && !library {
		body, err = d.split(src, format, end)
	} else {
		formats := []*frontmatter.Format{
			frontmatter.NewFormat("---", "---", d.capture("yaml")),
			frontmatter.NewFormat("---yaml", "---", d.capture("yaml")),
			frontmatter.NewFormat("+++", "+++", d.capture("toml")),
			frontmatter.NewFormat("---toml", "---", d.capture("toml")),
			frontmatter.NewFormat(";;;", ";;;", d.capture("json")),
			frontmatter.NewFormat("---json", "---", d.capture("json")),
			{Start: "{", End: "}", Unmarshal: d.capture("json"), UnmarshalDelims: true, RequiresNewLine: true},
		}
		body, err = frontmatter.Parse(bytes.NewReader(src), nil, formats...)
	}
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.Line += off
			return Document{}, se
		}
		return Document{}, &SyntaxError{Line: openLine, Msg: err.Error()}
	}
	if d.format == "" {
		if open != "" && open != "{" {
			return Document{}, &SyntaxError{Line: openLine, Msg: fmt.Sprintf("front matter opened with %q is never closed; end it with a line holding only %q", open, closing(open))}
		}
		return Document{Body: src, BodyLine: 1}, nil
	}
	shift(d.node, off)
	doc := Document{Format: d.format, Meta: d.node, Body: body}
	doc.BodyLine = 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n"))
	return doc, nil
}

// delimited returns the format and closing line of front matter opened by
// a delimiter line (all but the bare JSON object).
func delimited(open string) (format, end string, ok bool) {
	switch open {
	case "---", "---yaml":
		return "yaml", "---", true
	case "+++":
		return "toml", "+++", true
	case "---toml":
		return "toml", "---", true
	case ";;;":
		return "json", ";;;", true
	case "---json":
		return "json", "---", true
	}
	return "", "", false
}

// split does what frontmatter.Parse does with the delimited formats, on
// src itself rather than on a copy read line by line through a buffer,
// which made the library take as long as decoding the front matter: the
// front matter runs from the line after the first non-blank line (the
// opening delimiter, found by opening) to the first line that is end once
// trimmed of spaces, and the body is what follows that line. Without such
// a line there is no front matter and the body is the whole of src.
// FuzzSplit checks that the two agree.
func (d *decoder) split(src []byte, format, end string) ([]byte, error) {
	i := 0
	for { // past blank lines and the opening delimiter
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			return src, nil
		}
		line := bytes.TrimSpace(src[i : i+nl])
		i += nl + 1
		if len(line) > 0 {
			break
		}
	}
	start := i
	for i < len(src) {
		next := len(src)
		if nl := bytes.IndexByte(src[i:], '\n'); nl >= 0 {
			next = i + nl + 1
		}
		if string(bytes.TrimSpace(src[i:next])) == end {
			if err := d.capture(format)(src[start:i], nil); err != nil {
				return nil, err
			}
			return src[next:], nil
		}
		i = next
	}
	return src, nil
}

// capture returns an unmarshal function that decodes the raw front matter
// into a Node tree with lines relative to the front matter.
func (d *decoder) capture(format string) frontmatter.UnmarshalFunc {
	return func(data []byte, _ any) error {
		d.format = format
		var err error
		switch format {
		case "yaml":
			d.node, err = decodeYAML(data)
		case "toml":
			d.node, err = decodeTOML(data)
		default:
			d.node, err = decodeJSON(data)
		}
		if err != nil {
			return err
		}
		if d.node == nil || d.node.Kind == Null {
			d.node = &Node{Kind: Map, Line: 1}
		}
		if d.node.Kind != Map {
			return &SyntaxError{Line: d.node.Line, Msg: fmt.Sprintf("front matter must be a map of fields, not %s", d.node.Describe())}
		}
		return nil
	}
}

// opening reports the first non-blank line when it is a front-matter delimiter.
func opening(src []byte) (string, int) {
	line := 0
	for len(src) > 0 {
		line++
		var l []byte
		l, src, _ = bytes.Cut(src, []byte("\n"))
		s := strings.TrimSpace(string(l))
		if s == "" {
			continue
		}
		switch s {
		case "---", "---yaml", "+++", "---toml", ";;;", "---json", "{":
			return s, line
		}
		return "", 0
	}
	return "", 0
}

func closing(open string) string {
	switch open {
	case "+++", ";;;":
		return open
	}
	return "---"
}

// shift adds off to the line of every node, turning lines relative to the
// front matter into lines of the file.
func shift(n *Node, off int) {
	if n == nil {
		return
	}
	n.Line += off
	for _, it := range n.Items {
		shift(it, off)
	}
	for _, v := range n.Values {
		shift(v, off)
	}
}

// jsonLine converts a byte offset of data into a 1-based line.
func jsonLine(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func decodeJSON(data []byte) (*Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	count := 0
	var value func(depth int) (*Node, error)
	value = func(depth int) (*Node, error) {
		if depth > maxDepth {
			return nil, &SyntaxError{Line: jsonLine(data, dec.InputOffset()), Msg: "front matter is nested too deeply"}
		}
		if count++; count > maxNodes {
			return nil, &SyntaxError{Line: 1, Msg: "front matter has too many values"}
		}
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(data, dec, err)
		}
		// The token starts after any white space following off.
		start := off
		for start < int64(len(data)) && strings.ContainsRune(" \t\r\n,:", rune(data[start])) {
			start++
		}
		n := &Node{Line: jsonLine(data, start)}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n.Kind = Map
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return nil, jsonErr(data, dec, err)
					}
					key, _ := kt.(string)
					v, err := value(depth + 1)
					if err != nil {
						return nil, err
					}
					n.Keys = append(n.Keys, key)
					n.Values = append(n.Values, v)
				}
			case '[':
				n.Kind = List
				for dec.More() {
					v, err := value(depth + 1)
					if err != nil {
						return nil, err
					}
					n.Items = append(n.Items, v)
				}
			}
			if _, err := dec.Token(); err != nil { // closing delimiter
				return nil, jsonErr(data, dec, err)
			}
		case nil:
			n.Kind = Null
		case bool:
			n.Kind, n.Type, n.Value = Scalar, TypeBool, fmt.Sprint(t)
		case json.Number:
			n.Kind, n.Type, n.Value = Scalar, TypeFloat, t.String()
			if _, err := t.Int64(); err == nil {
				n.Type = TypeInt
			}
		case string:
			n.Kind, n.Type, n.Value = Scalar, TypeString, t
		}
		return n, nil
	}
	n, err := value(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, &SyntaxError{Line: jsonLine(data, dec.InputOffset()), Msg: "invalid JSON front matter: unexpected data after the closing brace"}
	}
	return n, nil
}

func jsonErr(data []byte, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	off := dec.InputOffset()
	if errors.As(err, &se) {
		off = se.Offset
	}
	msg := err.Error()
	if strings.Contains(msg, "EOF") {
		msg = "unexpected end of JSON"
	}
	return &SyntaxError{Line: jsonLine(data, off), Msg: "invalid JSON front matter: " + msg}
}
