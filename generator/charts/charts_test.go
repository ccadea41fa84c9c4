package charts

import (
	"flag"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var nan = math.NaN()

// monthly is incidents per month stacked by severity.
func monthly() BarChart {
	return BarChart{Stacked: true, Chart: Chart{
		ID: "incidents-monthly", Title: "Incidents per month", XLabel: "Month", YLabel: "Incidents",
		Categories: []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"},
		Series: []Series{
			{Name: "sev1", Class: "sev-sev1", Values: []float64{1, 0, 0, 2, 0, 1}},
			{Name: "sev2", Class: "sev-sev2", Values: []float64{0, 2, 1, 1, 0, 3}},
			{Name: "sev3", Class: "sev-sev3", Values: []float64{2, 1, 0, 0, 1, 3}},
		},
	}}
}

// mttr is MTTR median and p90 per month, with a month without data.
func mttr() LineChart {
	return LineChart{Chart{
		ID: "mttr-monthly", Title: "Time to resolve per month", XLabel: "Month", YLabel: "Time to resolve (minutes)",
		Unit: "minutes", Decimals: 1,
		Categories: []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"},
		Series: []Series{
			{Name: "median", Class: "mttr-median", Values: []float64{42, 35.5, nan, 80, 61, 30}},
			{Name: "p90", Class: "mttr-p90", Values: []float64{95, 70, nan, 180, 122.25, 64}},
		},
	}}
}

func empty() LineChart {
	return LineChart{Chart{
		ID: "burn-api", Title: "Error budget burn: api", XLabel: "Day", YLabel: "Budget consumed (minutes)",
		Categories: []string{"2025-06-01", "2025-06-02"},
		Series:     []Series{{Name: "api", Values: []float64{nan, nan}}},
	}}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  template.HTML
	}{
		{"stacked-bar.html", Bar(monthly()) + Table(monthly().Chart, true)},
		{"line-gap.html", Line(mttr()) + Table(mttr().Chart, false)},
		{"empty.html", Line(empty()) + Table(empty().Chart, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, []byte(tc.got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(tc.got) != string(want) {
				t.Errorf("%s differs from the golden file (go test -update, then review it):\n%s", tc.name, tc.got)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	if Bar(monthly()) != Bar(monthly()) || Line(mttr()) != Line(mttr()) {
		t.Error("the same chart gave different output")
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi  float64
		integer bool
		want    []float64
	}{
		{0, 7, true, []float64{0, 2, 4, 6, 8}},
		{0, 10, true, []float64{0, 2, 4, 6, 8, 10}},
		{0, 3, true, []float64{0, 1, 2, 3}},
		{0, 1, true, []float64{0, 1}},
		{0, 0, true, []float64{0, 1}},
		{0, 0, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 0.37, false, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		{0, 180, false, []float64{0, 50, 100, 150, 200}},
		{0, 1234, false, []float64{0, 500, 1000, 1500}},
		{0, 43.2, false, []float64{0, 10, 20, 30, 40, 50}},
		{-12, 30, false, []float64{-20, -10, 0, 10, 20, 30}},
	} {
		got := ticks(tc.lo, tc.hi, wantTicks, tc.integer)
		// compare to a tolerance: 0.1+0.2 is not 0.3
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = math.Abs(got[i]-tc.want[i]) < 1e-9
		}
		if !ok {
			t.Errorf("ticks(%v, %v, integer %v) = %v, want %v", tc.lo, tc.hi, tc.integer, got, tc.want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	for raw, want := range map[float64]float64{
		1: 1, 1.2: 2, 2: 2, 3: 5, 5: 5, 6: 10, 0.07: 0.1, 0.03: 0.05, 140: 200, 2500: 5000,
	} {
		if got := niceStep(raw); math.Abs(got-want) > 1e-12 {
			t.Errorf("niceStep(%v) = %v, want %v", raw, got, want)
		}
	}
}

func TestEscaping(t *testing.T) {
	c := monthly()
	c.Title = `Incidents & "outages"`
	c.XLabel = "<b>Month</b>"
	c.Series[0].Name = "<script>alert(1)</script>"
	c.Series[0].Class = `x" onload="alert(1)`
	c.Categories[0] = "<img src=x>"
	out := string(Bar(c) + Table(c.Chart, true))
	for _, bad := range []string{"<script>", "<b>", "<img", `" onload="`, `& "`} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q unescaped", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Incidents &amp; &#34;outages&#34;", "&lt;img src=x&gt;"} {
		if !strings.Contains(out, good) {
			t.Errorf("output lacks %q", good)
		}
	}
}

// TestAccessible checks that every chart has a title, a description, both
// named by aria-labelledby, labels on both axes, and no colour of its own.
func TestAccessible(t *testing.T) {
	grouped := monthly()
	grouped.Stacked = false
	single := monthly()
	single.Series = single.Series[:1]
	long := mttr()
	long.Categories = nil
	for d := 1; d <= 90; d++ {
		long.Categories = append(long.Categories, "day "+strings.Repeat("x", d%7))
	}
	long.Series = []Series{{Name: "consumed", Values: make([]float64, 90)}}
	for name, svg := range map[string]template.HTML{
		"stacked": Bar(monthly()), "grouped": Bar(grouped), "single": Bar(single),
		"line": Line(mttr()), "long": Line(long),
	} {
		s := string(svg)
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`<svg [^>]*role="img" aria-labelledby="([-\w]+)-title ([-\w]+)-desc"`),
			regexp.MustCompile(`<svg [^>]*viewBox="0 0 \d+ \d+"`),
			regexp.MustCompile(`<title id="[-\w]+-title">[^<]+</title>`),
			regexp.MustCompile(`<desc id="[-\w]+-desc">[^<]+\.</desc>`),
			regexp.MustCompile(`<text class="axis-label x-label"[^>]*>[^<]+</text>`),
			regexp.MustCompile(`<text class="axis-label y-label"[^>]*>[^<]+</text>`),
		} {
			if !want.MatchString(s) {
				t.Errorf("%s: no match for %s", name, want)
			}
		}
		for _, m := range regexp.MustCompile(`(fill|stroke)="([^"]*)"`).FindAllStringSubmatch(s, -1) {
			if m[2] != "currentColor" && m[2] != "none" {
				t.Errorf("%s: hard-coded colour %s", name, m[0])
			}
		}
		if strings.Contains(s, "style=") || strings.Contains(s, "font-family") || strings.Contains(s, "width=\"640\"") {
			t.Errorf("%s: inline style, font or fixed size", name)
		}
	}
}

func TestDescription(t *testing.T) {
	for _, tc := range []struct {
		c       Chart
		stacked bool
		want    string
	}{
		{monthly().Chart, true, "Incidents per month from 2025-01 to 2025-06, stacked by sev1, sev2, sev3; most in 2025-06 (7)."},
		{mttr().Chart, false, "Time to resolve per month from 2025-01 to 2025-06; median highest in 2025-04 (80.0 minutes), p90 highest in 2025-04 (180.0 minutes)."},
		{Chart{Title: "Incidents by service", Categories: []string{"api"}, Series: []Series{{Name: "incidents", Values: []float64{3}}}},
			false, "Incidents by service for api; highest in api (3)."},
		{Chart{Title: "Given", Desc: "As written.", Categories: []string{"a"}}, false, "As written."},
	} {
		if got := tc.c.description(tc.stacked); got != tc.want {
			t.Errorf("description:\n got %q\nwant %q", got, tc.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	for name, c := range map[string]Chart{
		"no categories": {ID: "a", Title: "A", Series: []Series{{Name: "s", Values: []float64{1}}}},
		"no series":     {ID: "b", Title: "B", Categories: []string{"x"}},
		"all NaN":       empty().Chart,
		"short values":  {ID: "c", Title: "C", Categories: []string{"x"}, Series: []Series{{Name: "s"}}},
	} {
		for kind, out := range map[string]template.HTML{"bar": Bar(BarChart{Chart: c}), "line": Line(LineChart{c})} {
			if !strings.Contains(string(out), "<p>No data.</p>") || strings.Contains(string(out), "<svg") {
				t.Errorf("%s %s: not a no-data figure:\n%s", name, kind, out)
			}
		}
		if got := Table(c, false); got != "" {
			t.Errorf("%s: table %q, want none", name, got)
		}
	}
}

func TestLineGap(t *testing.T) {
	s := string(Line(mttr()))
	// each line is two pieces, around the month without data
	paths := regexp.MustCompile(`<path [^>]* d="([^"]*)"`).FindAllStringSubmatch(s, -1)
	if len(paths) != 2 {
		t.Fatalf("%d paths, want 2", len(paths))
	}
	for _, p := range paths {
		if moves := strings.Count(p[1], "M"); moves != 2 {
			t.Errorf("path %q has %d pieces, want 2", p[1], moves)
		}
	}
	if n := strings.Count(s, "<circle"); n != 10 {
		t.Errorf("%d points, want 10", n)
	}
	table := string(Table(mttr().Chart, false))
	if !slices.Contains(strings.Split(table, "\n"), `<tr><th scope="row">2025-03</th><td>no data</td><td>no data</td></tr>`) {
		t.Errorf("no-data row missing:\n%s", table)
	}
}

func TestMarkers(t *testing.T) {
	c := LineChart{Chart{ID: "burn", Title: "Burn", XLabel: "Day", YLabel: "Minutes", Categories: make([]string, 90),
		Series: []Series{{Name: "api", Values: make([]float64, 90)}}}}
	for i := range c.Categories {
		c.Categories[i] = "d"
	}
	c.Series[0].Values[9], c.Series[0].Values[11] = nan, nan // 10 alone between gaps
	if n := strings.Count(string(Line(c)), "<circle"); n != 1 {
		t.Errorf("%d markers on 90 days, want 1 (the point alone)", n)
	}
}
