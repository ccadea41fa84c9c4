package legacy

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// source returns the Markdown source of a section's blocks, from the line of
// the first to the line of the block after the last, less trailing
// thematic breaks, trimmed.
func (in *inferer) source(s *section) string {
	blocks := s.blocks
	for len(blocks) > 0 {
		if _, ok := blocks[len(blocks)-1].(*ast.ThematicBreak); !ok {
			break
		}
		blocks = blocks[:len(blocks)-1]
	}
	if len(blocks) == 0 {
		return ""
	}
	start, end := blocks[0].Pos(), len(in.src)
	switch {
	case len(blocks) < len(s.blocks):
		end = s.blocks[len(blocks)].Pos()
	case s.next != nil:
		end = s.next.Pos()
	}
	if start < 0 || end < start || end > len(in.src) {
		// Positions unknown: fall back on the text.
		var parts []string
		for _, b := range blocks {
			if t := blockText(b, in.src, 0); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "\n\n")
	}
	if end < len(in.src) {
		end = in.lineStart(end)
	}
	return strings.TrimSpace(string(in.src[in.lineStart(start):end]))
}

// items returns a section's list items, or its paragraphs when it has no
// list, or its table rows, as plain text.
func (in *inferer) items(s *section) []string {
	hasList := false
	for _, b := range s.blocks {
		if _, ok := b.(*ast.List); ok {
			hasList = true
		}
	}
	var out []string
	add := func(t string) {
		if t != "" {
			out = append(out, t)
		}
	}
	for _, b := range s.blocks {
		switch b := b.(type) {
		case *ast.List:
			for item := b.FirstChild(); item != nil; item = item.NextSibling() {
				add(blockText(item, in.src, 0))
			}
		case *ast.Paragraph:
			if !hasList {
				add(plain(b, in.src))
			}
		case *extast.Table:
			_, rows := tableRows(b)
			for _, r := range rows {
				cells := in.cells(r)
				if len(cells) > 1 && strings.Trim(cells[0], "0123456789.#) ") == "" {
					cells = cells[1:] // a number column
				}
				add(joinNonEmpty(cells, " — "))
			}
		}
	}
	return out
}
