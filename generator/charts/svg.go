package charts

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Geometry, in SVG user units (px at the natural size).
const (
	width     = 640   // of the viewBox; the height follows the labels
	plotH     = 200   // height of the plot area
	fontSize  = 12    // of every text
	charW     = 7.0   // estimated width of a character at fontSize
	lineH     = 16    // height of a line of text
	maxLabel  = 20    // category labels longer than this are cut, with "…"
	wantTicks = 5     // about how many y ticks
	sin45     = 0.708 // of rotated x labels
)

// drawing is the inside of a chart's svg and the height of its viewBox.
type drawing struct {
	body   string
	height int
}

// layout places a chart: the plot area, the y scale, how x labels are drawn.
type layout struct {
	c                        Chart
	left, top, right, bottom float64 // of the plot area
	height                   int
	ticks                    []float64
	tickDecimals             int
	slot                     float64 // width of a category
	rotate                   bool    // x labels at 45°
	every                    int     // label every Nth category
	legend                   []mark  // legend entries; none for a single series
}

// mark is the place of series i's legend entry: its swatch at x, its text after.
type mark struct {
	i    int
	x, y float64
}

// layout places c with y running over [lo, hi] at least.
func (c Chart) layout(lo, hi float64) *layout {
	l := &layout{c: c, every: 1}
	l.ticks = ticks(lo, hi, wantTicks, c.Decimals <= 0)
	l.tickDecimals = decimals(l.ticks[1] - l.ticks[0])
	tickLen := 0
	for _, t := range l.ticks {
		tickLen = max(tickLen, len(l.tick(t)))
	}
	l.left = math.Round(lineH + 12 + charW*float64(tickLen))
	l.right = width - 16

	rows := 0
	if len(c.Series) > 1 {
		x := l.left
		for i, s := range c.Series {
			w := 22 + charW*float64(utf8.RuneCountInString(s.Name)) + 16
			if x > l.left && x+w > l.right {
				x, rows = l.left, rows+1
			}
			l.legend = append(l.legend, mark{i: i, x: x, y: float64(12 + lineH*rows)})
			x += w
		}
		rows++
	}
	l.top = float64(12 + lineH*rows + 8)
	l.bottom = l.top + plotH

	n := len(c.Categories)
	l.slot = (l.right - l.left) / float64(n)
	labelW := 0
	for _, cat := range c.Categories {
		labelW = max(labelW, utf8.RuneCountInString(cut(cat)))
	}
	w := charW * float64(labelW)
	below := float64(lineH + 4)
	if w+8 > l.slot {
		l.rotate = true
		l.every = int(math.Ceil(1.25 * lineH / l.slot))
		below = 8 + w*sin45 + 8
	}
	l.height = int(math.Ceil(l.bottom + below + lineH + 8))
	return l
}

// y is the position of value v.
func (l *layout) y(v float64) float64 {
	lo, hi := l.ticks[0], l.ticks[len(l.ticks)-1]
	return l.bottom - (v-lo)/(hi-lo)*(l.bottom-l.top)
}

// x is the centre of category i.
func (l *layout) x(i int) float64 { return l.left + l.slot*(float64(i)+0.5) }

func (l *layout) tick(v float64) string {
	if v == 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', l.tickDecimals, 64)
}

// frame draws the grid, the axes, their ticks and labels, and the legend;
// swatch draws the legend's mark of series i at (x, y).
func (l *layout) frame(b *strings.Builder, swatch func(b *strings.Builder, i int, x, y float64)) {
	c := l.c
	b.WriteString(`<g class="grid" stroke="currentColor" stroke-opacity="0.15">` + "\n")
	for _, t := range l.ticks {
		fmt.Fprintf(b, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n", f(l.left), f(l.y(t)), f(l.right), f(l.y(t)))
	}
	b.WriteString("</g>\n")
	base := l.y(math.Max(l.ticks[0], 0))
	fmt.Fprintf(b, "<g class=\"axis\" stroke=\"currentColor\">\n<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n</g>\n",
		f(l.left), f(base), f(l.right), f(base), f(l.left), f(l.top), f(l.left), f(l.bottom))

	fmt.Fprintf(b, "<g class=\"labels\" fill=\"currentColor\" font-size=\"%d\">\n", fontSize)
	for _, t := range l.ticks {
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>\n", f(l.left-6), f(l.y(t)+4), l.tick(t))
	}
	for i, cat := range c.Categories {
		if i%l.every != 0 {
			continue
		}
		if l.rotate {
			fmt.Fprintf(b, "<text transform=\"translate(%s,%s) rotate(-45)\" text-anchor=\"end\">%s</text>\n", f(l.x(i)+4), f(l.bottom+12), esc(cut(cat)))
		} else {
			fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>\n", f(l.x(i)), f(l.bottom+lineH), esc(cat))
		}
	}
	fmt.Fprintf(b, "<text class=\"axis-label x-label\" x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		f((l.left+l.right)/2), l.height-8, esc(c.XLabel))
	fmt.Fprintf(b, "<text class=\"axis-label y-label\" transform=\"translate(%d,%s) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
		lineH-2, f((l.top+l.bottom)/2), esc(c.YLabel))
	for _, m := range l.legend {
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\">%s</text>\n", f(m.x+22), f(m.y+10), esc(c.Series[m.i].Name))
	}
	b.WriteString("</g>\n")
	if len(l.legend) > 0 {
		b.WriteString("<g class=\"legend\">\n")
		for _, m := range l.legend {
			swatch(b, m.i, m.x, m.y+6)
		}
		b.WriteString("</g>\n")
	}
}

// class is the class attribute of series i.
func (c Chart) class(i int) string {
	s := fmt.Sprintf("series series-%d", i+1)
	if c.Series[i].Class != "" {
		s += " " + c.Series[i].Class
	}
	return esc(s)
}

// point is the tooltip of series i at category j.
func (c Chart) point(i, j int, v float64) string {
	return esc(fmt.Sprintf("%s, %s: %s", c.Categories[j], c.Series[i].Name, c.amount(v)))
}

func (c BarChart) drawBars() drawing {
	lo, hi := 0.0, 0.0
	for j := range c.Categories {
		if c.Stacked {
			hi = math.Max(hi, c.sum(j))
			continue
		}
		for _, s := range c.Series {
			if v := value(s, j); !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	l := c.layout(lo, hi)
	var b strings.Builder
	l.frame(&b, func(b *strings.Builder, i int, x, y float64) {
		fmt.Fprintf(b, "<rect class=\"%s\" fill=\"currentColor\"%s x=\"%s\" y=\"%s\" width=\"14\" height=\"10\"/>\n", c.class(i), opacity(i), f(x), f(y-5))
	})
	n := float64(len(c.Series))
	barW := l.slot * 0.8 / n
	if c.Stacked {
		barW = l.slot * 0.6
	}
	stack := make([]float64, len(c.Categories))
	for i, s := range c.Series {
		fmt.Fprintf(&b, "<g class=\"%s\" fill=\"currentColor\"%s>\n", c.class(i), opacity(i))
		for j := range c.Categories {
			v := value(s, j)
			if math.IsNaN(v) || v == 0 {
				continue
			}
			x := l.x(j) - barW*n/2 + barW*float64(i)
			from, to := 0.0, v
			if c.Stacked {
				x = l.x(j) - barW/2
				from, to = stack[j], stack[j]+v
				stack[j] = to
			}
			y0, y1 := l.y(from), l.y(to)
			fmt.Fprintf(&b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"><title>%s</title></rect>\n",
				f(x), f(math.Min(y0, y1)), f(barW), f(math.Abs(y0-y1)), c.point(i, j, v))
		}
		b.WriteString("</g>\n")
	}
	return drawing{body: b.String(), height: l.height}
}

// opacities tell bars of series apart when the theme does not colour them;
// the theme sets fill-opacity: 1 on the classes it colours.
var opacities = []string{"", "0.6", "0.35", "0.8", "0.5", "0.2"}

func opacity(i int) string {
	if o := opacities[i%len(opacities)]; o != "" {
		return fmt.Sprintf(" fill-opacity=\"%s\"", o)
	}
	return ""
}

// dashes are the stroke-dasharray of the lines after the first.
var dashes = []string{"6 3", "2 3", "8 3 2 3"}

func dash(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf(" stroke-dasharray=\"%s\"", dashes[(i-1)%len(dashes)])
}

func (c LineChart) drawLines() drawing {
	lo, hi := 0.0, 0.0
	for _, s := range c.Series {
		for j := range c.Categories {
			if v := value(s, j); !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	l := c.layout(lo, hi)
	var b strings.Builder
	l.frame(&b, func(b *strings.Builder, i int, x, y float64) {
		fmt.Fprintf(b, "<line class=\"%s\" stroke=\"currentColor\" stroke-width=\"2\"%s x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
			c.class(i), dash(i), f(x), f(y), f(x+16), f(y))
	})
	for i, s := range c.Series {
		fmt.Fprintf(&b, "<g class=\"%s\">\n", c.class(i))
		var d strings.Builder
		pen := false // whether the previous category had a value
		for j := range c.Categories {
			v := value(s, j)
			if math.IsNaN(v) {
				pen = false
				continue
			}
			op := "L"
			if !pen {
				op = "M"
			}
			if d.Len() > 0 {
				d.WriteByte(' ')
			}
			fmt.Fprintf(&d, "%s%s %s", op, f(l.x(j)), f(l.y(v)))
			pen = true
		}
		fmt.Fprintf(&b, "<path fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"%s d=\"%s\"/>\n", dash(i), d.String())
		for j := range c.Categories {
			// a marker on every point when there is room, else on points alone between gaps
			alone := math.IsNaN(value(s, j-1)) && math.IsNaN(value(s, j+1))
			if v := value(s, j); !math.IsNaN(v) && (l.slot >= 8 || alone) {
				fmt.Fprintf(&b, "<circle fill=\"currentColor\" cx=\"%s\" cy=\"%s\" r=\"2.5\"><title>%s</title></circle>\n",
					f(l.x(j)), f(l.y(v)), c.point(i, j, v))
			}
		}
		b.WriteString("</g>\n")
	}
	return drawing{body: b.String(), height: l.height}
}

// ticks are "nice" values (multiples of 1, 2 or 5 × 10ⁿ) covering [lo, hi]
// in about n steps, the first at or below lo and the last at or above hi. With
// integer, the step is at least 1. An empty range is widened to one step.
func ticks(lo, hi float64, n int, integer bool) []float64 {
	if hi <= lo {
		hi = lo + 1
		if lo == 0 && !integer {
			hi = 1
		}
	}
	step := niceStep((hi - lo) / float64(n))
	if integer && step < 1 {
		step = 1
	}
	first, last := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	out := make([]float64, 0, int(last-first)+1)
	for k := first; k <= last; k++ {
		out = append(out, k*step)
	}
	return out
}

// niceStep is the smallest of 1, 2, 5 × 10ⁿ that is at least raw.
func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// decimals is how many digits after the point show multiples of step.
func decimals(step float64) int {
	return max(0, int(-math.Floor(math.Log10(step)+1e-9)))
}

// f formats a coordinate.
func f(v float64) string {
	if math.Abs(v) < 0.05 {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// cut shortens a category label to maxLabel characters.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	return string([]rune(s)[:maxLabel-1]) + "…"
}
