package render

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// fishbone draws an Ishikawa (cause and effect) diagram as inline SVG: the
// effect at the head, one bone per category, alternating above and below the
// spine, causes along each bone. Colours come from currentColor and CSS
// variables so it reads in dark mode and print. All text is escaped.
func fishbone(cats []postmortem.Category, effect, id string, t func(string) string) template.HTML {
	if len(cats) == 0 {
		return ""
	}
	const (
		width    = 960
		spineX0  = 20
		headX    = 790
		rowH     = 22
		maxChars = 34
	)
	perSide := (len(cats) + 1) / 2
	most := 1
	for _, c := range cats {
		most = max(most, len(c.Causes))
	}
	boneH := most*rowH + 40
	height := 2*boneH + 40
	mid := height / 2
	seg := float64(headX-spineX0) / float64(perSide)

	var b strings.Builder
	title := t("ishikawa_title")
	id = esc(id)
	fmt.Fprintf(&b, `<svg class="fishbone" viewBox="0 0 %d %d" role="img" aria-labelledby="fb-title-%s fb-desc-%s" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="fb-title-%s">%s</title><desc id="fb-desc-%s">%s</desc>`, id, esc(title), id, esc(describe(cats)))
	fmt.Fprintf(&b, `<line class="spine" x1="%d" y1="%d" x2="%d" y2="%d"/>`, spineX0, mid, headX, mid)
	fmt.Fprintf(&b, `<rect class="head" x="%d" y="%d" width="%d" height="60" rx="6"/>`, headX, mid-30, width-headX-4)
	writeWrapped(&b, effect, headX+8, mid-8, 20, 2)
	for i, c := range cats {
		side := -1 // above
		if i%2 == 1 {
			side = 1
		}
		j := i / 2
		xEnd := float64(spineX0) + seg*float64(j+1) - 8
		xStart := xEnd - float64(boneH-10)*0.45
		yStart := float64(mid + side*(boneH-10))
		fmt.Fprintf(&b, `<g class="bone"><line x1="%.0f" y1="%.0f" x2="%.0f" y2="%d"/>`, xStart, yStart, xEnd, mid)
		labelY := yStart - 6
		if side > 0 {
			labelY = yStart + 16
		}
		fmt.Fprintf(&b, `<text class="category" x="%.0f" y="%.0f" text-anchor="middle">%s</text>`, xStart, labelY, esc(categoryLabel(c.Name, t)))
		for k, cause := range c.Causes {
			// Causes sit along the bone, from the outer end towards the spine.
			frac := (float64(k) + 1) / float64(len(c.Causes)+1)
			y := yStart + (float64(mid)-yStart)*frac
			x := xStart + (xEnd-xStart)*frac
			short := cause
			if utf8.RuneCountInString(short) > maxChars {
				r := []rune(short)
				short = string(r[:maxChars-1]) + "…"
			}
			fmt.Fprintf(&b, `<line class="twig" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, x-24, y, x, y)
			fmt.Fprintf(&b, `<text class="cause" x="%.0f" y="%.0f" text-anchor="end"><title>%s</title>%s</text>`, x-28, y+4, esc(cause), esc(short))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func esc(s string) string { return html.EscapeString(s) }

func categoryLabel(name string, t func(string) string) string {
	if l := t("ishikawa_" + name); l != "ishikawa_"+name {
		return l
	}
	return name
}

// describe is the diagram's text alternative.
func describe(cats []postmortem.Category) string {
	parts := make([]string, len(cats))
	for i, c := range cats {
		parts[i] = c.Name + ": " + strings.Join(c.Causes, "; ")
	}
	return strings.Join(parts, ". ")
}

// writeWrapped writes up to lines lines of text of about width characters.
func writeWrapped(b *strings.Builder, s string, x, y, width, lines int) {
	words := strings.Fields(s)
	var cur []string
	n := 0
	flush := func(last bool) {
		line := strings.Join(cur, " ")
		if last && len(words) > 0 {
			line += "…"
		}
		fmt.Fprintf(b, `<text class="effect" x="%d" y="%d">%s</text>`, x, y+n*16, esc(line))
		n++
		cur = nil
	}
	for len(words) > 0 && n < lines {
		w := words[0]
		if len(cur) > 0 && utf8.RuneCountInString(strings.Join(append(cur, w), " ")) > width {
			if n == lines-1 {
				flush(true)
				return
			}
			flush(false)
			continue
		}
		cur = append(cur, w)
		words = words[1:]
	}
	if len(cur) > 0 {
		flush(false)
	}
}
