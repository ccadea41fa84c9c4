// Package markdown owns Hindsight's one goldmark configuration: GitHub-flavoured
// Markdown (tables, strikethrough, task lists, autolinks) with raw HTML dropped
// and dangerous link schemes (javascript:, vbscript:, data:…) emptied, so
// content is always rendered as data, never as code.
package markdown

import (
	"bytes"
	"html/template"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md is built once and shared; goldmark is safe for concurrent use once configured.
var md = goldmark.New(
	// GitHub-flavoured Markdown: extension.GFM, with its autolinks tried
	// only where a link can start (see wordLinkify).
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList),
	goldmark.WithParserOptions(parser.WithAutoHeadingID(),
		parser.WithInlineParsers(util.Prioritized(wordLinkify{extension.NewLinkifyParser()}, 999))),
	// No html.WithUnsafe: raw HTML becomes a comment and unsafe URLs are emptied.
)

// wordLinkify is goldmark's linkify — bare http://, https://, ftp:// and
// www. links become links — that gives up at once on words that are not
// such links. goldmark's own linkify also looks for an e-mail address at
// every word, which made it a third of the cost of parsing an ordinary
// postmortem body. Addresses are linked when written <someone@example.com>.
type wordLinkify struct{ parser.InlineParser }

var linkStarts = [][]byte{[]byte("http:"), []byte("https:"), []byte("ftp:"), []byte("www.")}

// Parse hands the word to goldmark's linkify when it starts like a link.
func (l wordLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 && strings.IndexByte(" *_~(", line[0]) >= 0 {
		line = line[1:] // the trigger: a space or an opening mark before the word
	}
	for _, p := range linkStarts {
		if bytes.HasPrefix(line, p) {
			return l.InlineParser.Parse(parent, block, pc)
		}
	}
	return nil
}

// ReservedIDs are the element ids incident pages use for their own sections.
// Headings in a postmortem's body never take them: a body heading "Actions"
// gets the id "actions-1", so every #fragment link leads to one place.
var ReservedIDs = []string{"main", "facts", "facts-h", "analysis", "analysis-h", "actions", "actions-h",
	"communication", "communication-h", "retrospective", "retrospective-h"}

// Parse parses src into a document tree. The tree refers to src.
func Parse(src []byte) ast.Node {
	ctx := parser.NewContext()
	for _, id := range ReservedIDs {
		ctx.IDs().Put([]byte(id))
	}
	return md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
}

// Render writes the HTML of a tree returned by Parse.
func Render(w io.Writer, src []byte, doc ast.Node) error {
	if b, ok := w.(*bytes.Buffer); ok {
		w = bufWriter{b}
	}
	return md.Renderer().Render(w, src, doc)
}

// RenderString returns the HTML of a tree returned by Parse.
func RenderString(src []byte, doc ast.Node) (string, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := md.Renderer().Render(bufWriter{buf}, src, doc); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// bufWriter lets goldmark's renderer write straight into a bytes.Buffer:
// it wraps any writer that is not a util.BufWriter in a new 4 KB
// bufio.Writer, on every call.
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Buffered() int { return 0 }
func (bufWriter) Flush() error  { return nil }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// HTML renders src to safe HTML.
func HTML(src []byte) template.HTML {
	if h, ok := plain(string(src)); ok {
		return h
	}
	return convert(md, src)
}

// convert renders src with a goldmark configuration.
func convert(m goldmark.Markdown, src []byte) template.HTML {
	if len(src) == 0 {
		return ""
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := m.Convert(src, bufWriter{buf}); err != nil {
		return template.HTML(template.HTMLEscapeString(string(src)))
	}
	return template.HTML(buf.String())
}

// String renders a short Markdown string to safe HTML.
func String(s string) template.HTML {
	if h, ok := plain(s); ok {
		return h
	}
	return convert(md, []byte(s))
}

// plain returns the HTML of s without goldmark when s is a single line of
// prose in which no Markdown can start: no character that begins a block
// at its start, no inline mark, entity, link or line break anywhere. Such
// text is one paragraph, which goldmark writes as <p>, the text with its
// double quotes escaped, and </p>. Root causes and customer summaries are
// nearly always written so, and a build renders thousands of them; this
// takes a fifth of goldmark's time for them (BenchmarkString). FuzzPlain checks
// that both configurations write the same.
func plain(s string) (template.HTML, bool) {
	if s == "" || strings.IndexByte("-+*=#>`~<|[_ 0123456789", s[0]) >= 0 || s[len(s)-1] == ' ' || !utf8.ValidString(s) {
		return "", false
	}
	quotes := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < ' ' || c == 0x7f || strings.IndexByte("\\`*_[]<>&~|", c) >= 0:
			return "", false
		case c == '"':
			quotes++
		case c == ':' || c == '.':
			// http:, https:, ftp: and www. start a link (wordLinkify).
			if c == ':' && (hasSuffixFold(s[:i], "http") || hasSuffixFold(s[:i], "https") || hasSuffixFold(s[:i], "ftp")) ||
				c == '.' && hasSuffixFold(s[:i], "www") {
				return "", false
			}
		}
	}
	var b strings.Builder
	b.Grow(len(s) + len("<p></p>\n") + quotes*len("&quot;"))
	b.WriteString("<p>")
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString("&quot;")
		s = s[i+1:]
	}
	b.WriteString(s)
	b.WriteString("</p>\n")
	return template.HTML(b.String()), true
}

// hasSuffixFold reports whether s ends with the lower-case ASCII suffix, in
// any case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
