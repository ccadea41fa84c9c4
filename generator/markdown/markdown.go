// Package markdown owns Hindsight's one goldmark configuration: GitHub-flavoured
// Markdown (tables, strikethrough, task lists, autolinks) with raw HTML dropped
// and dangerous link schemes (javascript:, vbscript:, data:…) emptied, so
// content is always rendered as data, never as code.
package markdown

import (
	"bytes"
	"html/template"
	"io"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// md is built once and shared; goldmark is safe for concurrent use once configured.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	// No html.WithUnsafe: raw HTML becomes a comment and unsafe URLs are emptied.
)

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
	return md.Renderer().Render(w, src, doc)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// HTML renders src to safe HTML.
func HTML(src []byte) template.HTML {
	if len(src) == 0 {
		return ""
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := md.Convert(src, buf); err != nil {
		return template.HTML(template.HTMLEscapeString(string(src)))
	}
	return template.HTML(buf.String())
}

// String renders a short Markdown string to safe HTML.
func String(s string) template.HTML { return HTML([]byte(s)) }
