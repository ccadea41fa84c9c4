package markdown

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// public is the stricter configuration for text published to customers:
// raw HTML is shown as text, and only http, https and mailto links are
// links. Images become links to the image, so a customer page never loads
// anything from elsewhere.
var public = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(wordLinkify{extension.NewLinkifyParser()}, 999))),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(publicRenderer{}, 100))),
)

// Public renders customer-facing Markdown to HTML: raw HTML escaped, links
// other than http, https and mailto rendered as their text.
func Public(s string) template.HTML {
	if h, ok := plain(s); ok {
		return h
	}
	return convert(public, []byte(s))
}

// PublicURL reports whether a link may appear on the customer site: an
// absolute http, https or mailto URL.
func PublicURL(u string) bool {
	u = strings.ToLower(strings.TrimSpace(u))
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(u, p) && len(u) > len(p) {
			return true
		}
	}
	return false
}

// publicRenderer replaces goldmark's rendering of links, images and raw
// HTML in the public configuration.
type publicRenderer struct{}

func (publicRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		return publicLink(w, n.(*ast.Link).Destination, entering), nil
	})
	reg.Register(ast.KindImage, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		return publicLink(w, n.(*ast.Image).Destination, entering), nil
	})
	reg.Register(ast.KindAutoLink, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		l := n.(*ast.AutoLink)
		u := l.URL(src)
		if l.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(u), []byte("mailto:")) {
			u = append([]byte("mailto:"), u...)
		}
		publicLink(w, u, true)
		_, _ = w.Write(util.EscapeHTML(l.Label(src)))
		publicLink(w, u, false)
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := range segs.Len() {
				seg := segs.At(i)
				_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		b := n.(*ast.HTMLBlock)
		if entering {
			_, _ = w.WriteString("<p>")
			for i := range b.Lines().Len() {
				line := b.Lines().At(i)
				_, _ = w.Write(util.EscapeHTML(line.Value(src)))
			}
		} else {
			if b.HasClosure() {
				_, _ = w.Write(util.EscapeHTML(b.ClosureLine.Value(src)))
			}
			_, _ = w.WriteString("</p>\n")
		}
		return ast.WalkContinue, nil
	})
}

// publicLink opens or closes a link to dest when dest is allowed; otherwise
// it writes nothing and the link's text stands alone.
func publicLink(w util.BufWriter, dest []byte, entering bool) ast.WalkStatus {
	if !PublicURL(string(dest)) {
		return ast.WalkContinue
	}
	if entering {
		_, _ = w.WriteString(`<a href="`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape(dest, true)))
		_, _ = w.WriteString(`" rel="nofollow noopener noreferrer">`)
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue
}
