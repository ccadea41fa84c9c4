package render

import (
	"html"
	"html/template"
	"strconv"
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
	return template.HTML(appendFishbone(make([]byte, 0, 2048), cats, effect, id, t))
}

// appendFishbone appends the diagram fishbone draws to b (the compiled
// incident page writes it straight into the page).
func appendFishbone(b []byte, cats []postmortem.Category, effect, id string, t func(string) string) []byte {
	if len(cats) == 0 {
		return b
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

	// Written with appends rather than fmt: a large build draws ten
	// thousand of these, and formatting took a tenth of an incident page.
	title := t("ishikawa_title")
	b = append(b, `<svg class="fishbone" viewBox="0 0 `...)
	b = strconv.AppendInt(b, width, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(height), 10)
	b = append(b, `" role="img" aria-labelledby="fb-title-`...)
	b = appendEsc(b, id)
	b = append(b, ` fb-desc-`...)
	b = appendEsc(b, id)
	b = append(b, `" xmlns="http://www.w3.org/2000/svg"><title id="fb-title-`...)
	b = appendEsc(b, id)
	b = append(b, `">`...)
	b = appendEsc(b, title)
	b = append(b, `</title><desc id="fb-desc-`...)
	b = appendEsc(b, id)
	b = append(b, `">`...)
	// The text alternative: "category: cause; cause. category: …".
	for i, c := range cats {
		if i > 0 {
			b = append(b, ". "...)
		}
		b = appendEsc(b, c.Name)
		b = append(b, ": "...)
		for k, cause := range c.Causes {
			if k > 0 {
				b = append(b, "; "...)
			}
			b = appendEsc(b, cause)
		}
	}
	b = append(b, `</desc>`...)
	b = appendXY(b, `<line class="spine" x1="`, spineX0, `" y1="`, float64(mid))
	b = appendXY(b, `" x2="`, headX, `" y2="`, float64(mid))
	b = append(b, `"/>`...)
	b = appendXY(b, `<rect class="head" x="`, headX, `" y="`, float64(mid-30))
	b = appendXY(b, `" width="`, width-headX-4, `" height="`, 60)
	b = append(b, `" rx="6"/>`...)
	b = appendWrapped(b, effect, headX+8, mid-8, 20, 2)
	for i, c := range cats {
		side := -1 // above
		if i%2 == 1 {
			side = 1
		}
		j := i / 2
		xEnd := float64(spineX0) + seg*float64(j+1) - 8
		xStart := xEnd - float64(boneH-10)*0.45
		yStart := float64(mid + side*(boneH-10))
		b = appendXY(b, `<g class="bone"><line x1="`, xStart, `" y1="`, yStart)
		b = appendXY(b, `" x2="`, xEnd, `" y2="`, float64(mid))
		b = append(b, `"/>`...)
		labelY := yStart - 6
		if side > 0 {
			labelY = yStart + 16
		}
		b = appendXY(b, `<text class="category" x="`, xStart, `" y="`, labelY)
		b = append(b, `" text-anchor="middle">`...)
		b = appendEsc(b, categoryLabel(c.Name, t))
		b = append(b, `</text>`...)
		for k, cause := range c.Causes {
			// Causes sit along the bone, from the outer end towards the spine.
			frac := (float64(k) + 1) / float64(len(c.Causes)+1)
			y := yStart + (float64(mid)-yStart)*frac
			x := xStart + (xEnd-xStart)*frac
			short, more := cause, ""
			if utf8.RuneCountInString(short) > maxChars {
				short, more = firstRunes(short, maxChars-1), "…"
			}
			b = appendXY(b, `<line class="twig" x1="`, x-24, `" y1="`, y)
			b = appendXY(b, `" x2="`, x, `" y2="`, y)
			b = appendXY(b, `"/><text class="cause" x="`, x-28, `" y="`, y+4)
			b = append(b, `" text-anchor="end"><title>`...)
			b = appendEsc(b, cause)
			b = append(b, `</title>`...)
			b = appendEsc(b, short)
			b = append(b, more...)
			b = append(b, `</text>`...)
		}
		b = append(b, `</g>`...)
	}
	return append(b, `</svg>`...)
}

// firstRunes returns the first n runes of s, as a conversion to []rune
// and back writes them (an invalid byte becomes U+FFFD).
func firstRunes(s string, n int) string {
	if !utf8.ValidString(s) {
		return string([]rune(s)[:n])
	}
	i := 0
	for ; n > 0; n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// appendXY appends before, x, between and y, the numbers rounded to a
// whole as %.0f rounds them.
func appendXY(b []byte, before string, x float64, between string, y float64) []byte {
	b = append(b, before...)
	b = strconv.AppendFloat(b, x, 'f', 0, 64)
	b = append(b, between...)
	return strconv.AppendFloat(b, y, 'f', 0, 64)
}

func esc(s string) string { return html.EscapeString(s) }

// appendEsc appends s escaped as html.EscapeString escapes it.
func appendEsc(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, `<>&'"`)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		switch s[i] {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		default:
			b = append(b, "&#34;"...)
		}
		s = s[i+1:]
	}
}

func categoryLabel(name string, t func(string) string) string {
	if l := t("ishikawa_" + name); l != "ishikawa_"+name {
		return l
	}
	return name
}

// appendWrapped appends up to lines lines of text of about width characters.
func appendWrapped(b []byte, s string, x, y, width, lines int) []byte {
	words := strings.Fields(s)
	var cur []string
	n := 0
	flush := func(last bool) {
		line := strings.Join(cur, " ")
		if last && len(words) > 0 {
			line += "…"
		}
		b = appendXY(b, `<text class="effect" x="`, float64(x), `" y="`, float64(y+n*16))
		b = append(b, `">`...)
		b = appendEsc(b, line)
		b = append(b, `</text>`...)
		n++
		cur = nil
	}
	for len(words) > 0 && n < lines {
		w := words[0]
		if len(cur) > 0 && utf8.RuneCountInString(strings.Join(append(cur, w), " ")) > width {
			if n == lines-1 {
				flush(true)
				return b
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
	return b
}
