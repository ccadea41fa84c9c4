package legacy

import (
	"bytes"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// appendInlines appends the plain text of n's inline children to b: emphasis
// markers, link destinations and raw HTML dropped; a line break becomes '\n'.
func appendInlines(b []byte, n ast.Node, src []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b = appendInline(b, c, src)
	}
	return b
}

func appendInline(b []byte, n ast.Node, src []byte) []byte {
	switch n := n.(type) {
	case *ast.Text:
		b = append(b, n.Segment.Value(src)...)
		if n.SoftLineBreak() || n.HardLineBreak() {
			b = append(b, '\n')
		}
	case *ast.String:
		b = append(b, n.Value...)
	case *ast.AutoLink:
		b = append(b, n.Label(src)...)
	case *ast.RawHTML, *extast.TaskCheckBox:
	default:
		b = appendInlines(b, n, src)
	}
	return b
}

// clean turns extracted inline text into one plain line: escapes and entities
// resolved, white space collapsed.
func clean(b []byte) string {
	if bytes.IndexByte(b, '\\') >= 0 {
		b = util.UnescapePunctuations(b)
	}
	if bytes.IndexByte(b, '&') >= 0 {
		b = util.ResolveEntityNames(util.ResolveNumericReferences(b))
	}
	// Collapse white space in place.
	out := b[:0]
	space := false
	for _, c := range b {
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			space = len(out) > 0
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, c)
	}
	return string(out)
}

// plain returns the plain text of the inline content of n (a paragraph, a text
// block, a heading or a table cell).
func plain(n ast.Node, src []byte) string {
	return clean(appendInlines(nil, n, src))
}

// blockText returns the plain text of a block and, for containers (list
// items, block quotes), of the blocks inside it joined with "; ".
func blockText(n ast.Node, src []byte, depth int) string {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return plain(n, src)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return clean(n.Lines().Value(src))
	}
	if depth > 8 {
		return ""
	}
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t := blockText(c, src, depth+1); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}

// lineGroup is one source line of a paragraph: the top-level inline nodes
// that make it up and their plain text.
type lineGroup struct {
	nodes []ast.Node
	text  string
	line  int
}

// splitLines cuts a paragraph or text block into its lines. A line break
// inside emphasis does not cut (the nodes could not be removed apart).
func (in *inferer) splitLines(block ast.Node) []lineGroup {
	var (
		groups []lineGroup
		cur    lineGroup
		buf    []byte
	)
	flush := func() {
		if len(cur.nodes) > 0 {
			cur.text = clean(buf)
			groups = append(groups, cur)
		}
		cur, buf = lineGroup{}, buf[:0]
	}
	for c := block.FirstChild(); c != nil; c = c.NextSibling() {
		if len(cur.nodes) == 0 {
			cur.line = in.lineOf(c.Pos())
			if cur.line == 0 {
				cur.line = in.lineOf(block.Pos()) + len(groups)
			}
		}
		cur.nodes = append(cur.nodes, c)
		if t, ok := c.(*ast.Text); ok && (t.SoftLineBreak() || t.HardLineBreak()) {
			buf = append(buf, t.Segment.Value(in.src)...)
			flush()
			continue
		}
		buf = appendInline(buf, c, in.src)
	}
	flush()
	return groups
}

// lineOf returns the 1-based line of byte offset pos in src, or 0 when pos is
// unknown.
func (in *inferer) lineOf(pos int) int {
	if pos < 0 || pos > len(in.src) {
		return 0
	}
	if in.newlines == nil {
		in.newlines = make([]int, 0, 64)
		for i, c := range in.src {
			if c == '\n' {
				in.newlines = append(in.newlines, i)
			}
		}
	}
	return sort.SearchInts(in.newlines, pos) + 1
}

// lineStart returns the offset of the start of the line holding pos.
func (in *inferer) lineStart(pos int) int {
	pos = min(max(pos, 0), len(in.src))
	return bytes.LastIndexByte(in.src[:pos], '\n') + 1
}

// fold maps a lower-case letter to the plain letter used for matching:
// French accents dropped, typographic apostrophes plain.
func fold(r rune) rune {
	switch r {
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'à', 'â', 'ä':
		return 'a'
	case 'î', 'ï':
		return 'i'
	case 'ô', 'ö':
		return 'o'
	case 'ù', 'û', 'ü':
		return 'u'
	case 'ç':
		return 'c'
	}
	return r
}

// normKey normalizes a heading or label for lookup: lower case, accents
// folded, parenthesized parts dropped, anything but letters and digits turned
// into single spaces ("3. Root Cause:" → "3 root cause").
func normKey(s string) string {
	b := make([]byte, 0, len(s))
	depth, space := 0, false
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case r == ')' || r == ']':
			depth = max(depth-1, 0)
		case depth > 0:
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z':
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, byte(unicode.ToLower(r)))
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			if r == 'œ' || r == 'Œ' {
				b = append(b, 'o', 'e')
				continue
			}
			b = utf8.AppendRune(b, fold(unicode.ToLower(r)))
		default:
			space = true
		}
	}
	return string(b)
}

// hasColon reports whether any source line of block has a ':', the cheap
// test that keeps prose out of label parsing.
func hasColon(block ast.Node, src []byte) bool {
	lines := block.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		if bytes.IndexByte(seg.Value(src), ':') >= 0 {
			return true
		}
	}
	return false
}
