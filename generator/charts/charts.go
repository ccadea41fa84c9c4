// Package charts draws Hindsight's charts as inline SVG at build time: no
// script, readable in dark mode and print, each with a title, labelled axes,
// an accessible description and its numbers as an HTML table.
//
// Bar draws vertical bars over categories, stacked or grouped (incidents per
// month by severity, incidents by service, actions by type and status); Line
// draws lines over categories (MTTR median and p90 per month, error budget
// burn per day); Table writes the same numbers as an HTML table, to show
// beside the chart.
//
// A chart is a <figure> with the title as its <figcaption> and an
// <svg role="img"> whose <title> is the
// chart's title and whose <desc> is a one-sentence summary of its data,
// both named by aria-labelledby. The SVG has a viewBox and no width, so it
// scales to its container. It has no hard-coded colour: text, axes and
// series are drawn in currentColor, and each series element carries the
// classes "series", "series-N" (N from 1) and the series' Class, so the theme
// colours a series by setting `color` on its class:
//
//	.chart .sev-sev1 { color: #c62828 }
//
// So that series stay apart in black and white or without a theme, bars
// after the first have a lower fill-opacity (a theme that colours them sets
// fill-opacity: 1) and lines after the first are dashed. Grid lines are
// currentColor at a low opacity; a line has a marker on each point when
// there is room, and always on a point alone between gaps. The SVG names no font:
// its text inherits the page's. Element ids start with the chart's ID, which
// the caller keeps unique in the page.
//
// A value that is NaN has no data: a gap in a line, no bar, "no data" in the
// table. A chart without categories, series or any value is a short figure
// saying "No data." instead of an empty plot. Output is deterministic: the
// same chart gives the same bytes.
//
// Why not github.com/go-analyze/charts (the maintained successor of
// go-chart): its charts write colours from their theme as inline
// style="fill:rgba(…)" (CSS classes exist only at its low-level drawing
// layer), it writes the <svg> start tag itself with no way to add role,
// aria-labelledby, <title> or <desc>, and it lays text out by measuring a
// TrueType font compiled into the binary (adding freetype and x/image to the
// build). Dark mode, print and accessibility would all need post-processing
// of its output; the two chart kinds Hindsight needs fit in a few hundred
// lines with none of that.
package charts

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values, one per category. Class is a CSS class
// (such as "sev-sev1") by which the theme colours it. NaN is no data.
type Series struct {
	Name   string
	Class  string
	Values []float64
}

// Chart is what both kinds of chart share: the data and its labels.
type Chart struct {
	ID         string   // unique in the page; the figure's id and the prefix of the ids inside
	Title      string   // "Incidents per month"
	XLabel     string   // "Month"
	YLabel     string   // with the unit: "Incidents", "Time to resolve (minutes)"
	Unit       string   // after values in the description, as in "42 minutes"; "" for none
	Decimals   int      // digits after the point of the values in the description and table
	Categories []string // the x axis, in order
	Series     []Series
	Desc       string // the description; "" computes one from the data
}

// BarChart is a bar chart. Stacked bars pile the series of a category on one
// bar; otherwise they stand side by side.
type BarChart struct {
	Chart
	Stacked bool
}

// LineChart is a line chart: one line per series.
type LineChart struct {
	Chart
}

// Bar draws c as a figure.
func Bar(c BarChart) template.HTML {
	if c.empty() {
		return c.noData()
	}
	return c.figure(c.drawBars(), c.description(c.Stacked))
}

// Line draws c as a figure.
func Line(c LineChart) template.HTML {
	if c.empty() {
		return c.noData()
	}
	return c.figure(c.drawLines(), c.description(false))
}

// Table writes c's numbers as a table: its caption is the title, a row per
// category, a column per series, and a total column when there are several
// series and stack is true. It is empty when the chart has no data.
func Table(c Chart, stack bool) template.HTML {
	if c.empty() {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<table class="chart-data" id="%s-data">`+"\n", esc(c.ID))
	fmt.Fprintf(&b, "<caption>%s</caption>\n<thead><tr><th scope=\"col\">%s</th>", esc(c.Title), esc(c.XLabel))
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, esc(s.Name))
	}
	total := stack && len(c.Series) > 1
	if total {
		b.WriteString(`<th scope="col">Total</th>`)
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, cat := range c.Categories {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th>`, esc(cat))
		for _, s := range c.Series {
			fmt.Fprintf(&b, "<td>%s</td>", c.cell(value(s, i)))
		}
		if total {
			fmt.Fprintf(&b, "<td>%s</td>", c.cell(c.sum(i)))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return template.HTML(b.String())
}

// empty reports whether c has nothing to draw.
func (c Chart) empty() bool {
	if len(c.Categories) == 0 {
		return true
	}
	for _, s := range c.Series {
		for i := range c.Categories {
			if !math.IsNaN(value(s, i)) {
				return false
			}
		}
	}
	return true
}

func (c Chart) noData() template.HTML {
	return template.HTML(fmt.Sprintf("<figure class=\"chart chart-empty\" id=\"%s\">\n<figcaption>%s</figcaption>\n<p>No data.</p>\n</figure>\n",
		esc(c.ID), esc(c.Title)))
}

// figure wraps the drawing in a figure and an svg with its title and desc.
func (c Chart) figure(d drawing, desc string) template.HTML {
	id := esc(c.ID)
	var b strings.Builder
	fmt.Fprintf(&b, "<figure class=\"chart\" id=\"%s\">\n<figcaption>%s</figcaption>\n", id, esc(c.Title))
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" class=\"chart-svg\">\n",
		width, d.height, id, id)
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", id, esc(c.Title), id, esc(desc))
	b.WriteString(d.body)
	b.WriteString("</svg>\n</figure>\n")
	return template.HTML(b.String())
}

// description is c.Desc, or a sentence saying what the chart shows and
// where its highest values are.
func (c Chart) description(stacked bool) string {
	if c.Desc != "" {
		return c.Desc
	}
	var b strings.Builder
	b.WriteString(c.Title)
	if n := len(c.Categories); n > 1 {
		fmt.Fprintf(&b, " from %s to %s", c.Categories[0], c.Categories[n-1])
	} else {
		fmt.Fprintf(&b, " for %s", c.Categories[0])
	}
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
	}
	switch {
	case stacked && len(c.Series) > 1:
		fmt.Fprintf(&b, ", stacked by %s", strings.Join(names, ", "))
		at, v := c.highest(c.sum)
		fmt.Fprintf(&b, "; most in %s (%s)", c.Categories[at], c.amount(v))
	case len(c.Series) == 1:
		at, v := c.highest(func(i int) float64 { return value(c.Series[0], i) })
		fmt.Fprintf(&b, "; highest in %s (%s)", c.Categories[at], c.amount(v))
	default:
		var parts []string
		for _, s := range c.Series {
			at, v := c.highest(func(i int) float64 { return value(s, i) })
			if at < 0 {
				parts = append(parts, s.Name+" no data")
				continue
			}
			parts = append(parts, fmt.Sprintf("%s highest in %s (%s)", s.Name, c.Categories[at], c.amount(v)))
		}
		b.WriteString("; " + strings.Join(parts, ", "))
	}
	b.WriteString(".")
	return b.String()
}

// highest is the first category with the highest f, or -1 when f is NaN everywhere.
func (c Chart) highest(f func(int) float64) (int, float64) {
	at, best := -1, math.NaN()
	for i := range c.Categories {
		if v := f(i); !math.IsNaN(v) && (at < 0 || v > best) {
			at, best = i, v
		}
	}
	return at, best
}

// sum is the total of category i over the series, NaN when none has data.
func (c Chart) sum(i int) float64 {
	total := math.NaN()
	for _, s := range c.Series {
		if v := value(s, i); !math.IsNaN(v) {
			if math.IsNaN(total) {
				total = 0
			}
			total += v
		}
	}
	return total
}

func (c Chart) number(v float64) string {
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', max(c.Decimals, 0), 64)
}

// amount is v with its unit.
func (c Chart) amount(v float64) string {
	if c.Unit == "" {
		return c.number(v)
	}
	return c.number(v) + " " + c.Unit
}

func (c Chart) cell(v float64) string {
	if math.IsNaN(v) {
		return "no data"
	}
	return c.number(v)
}

// value is s's value in category i; NaN when there is none (or i is out of range).
func value(s Series, i int) float64 {
	if i < 0 || i >= len(s.Values) || math.IsInf(s.Values[i], 0) {
		return math.NaN()
	}
	return s.Values[i]
}

// esc escapes text for HTML and SVG alike.
func esc(s string) string { return html.EscapeString(s) }
