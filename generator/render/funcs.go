package render

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/markdown"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// formats are the formatting functions of the layouts for one site's
// translations, time zone and day: funcs gives them to the templates, and
// the compiled incident page (compiled.go) calls them directly.
type formats struct {
	t   func(key string) string
	loc *time.Location
	now time.Time
}

// newFormats returns the formats of a translation table, zone and day.
func newFormats(tr map[string]string, loc *time.Location, now time.Time) formats {
	return formats{t: func(key string) string {
		if s, ok := tr[key]; ok {
			return s
		}
		return key
	}, loc: loc, now: now}
}

// datetime formats a time in the site's time zone: 2025-03-14 09:12 CET.
func (f formats) datetime(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(f.loc).Format("2006-01-02 15:04 MST")
}

// when formats a time, or only its day when it is midnight (a
// retrospective written as a date).
func (f formats) when(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	l := tm.In(f.loc)
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return l.Format("2006-01-02")
	}
	return l.Format("2006-01-02 15:04 MST")
}

// timetag writes a <time> element: machine-readable datetime attribute,
// human text in the site's zone.
func (f formats) timetag(tm time.Time) template.HTML {
	if tm.IsZero() {
		return ""
	}
	return template.HTML(`<time datetime="` + tm.Format(time.RFC3339) + `">` + tm.In(f.loc).Format("2006-01-02 15:04 MST") + `</time>`)
}

// date formats the day: 2025-03-14.
func (f formats) date(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(f.loc).Format("2006-01-02")
}

// duration formats a duration: 45 min, 2 h 05 min, 3 d 4 h.
func (f formats) duration(d time.Duration) string { return formatDuration(d, f.t) }

// since is the offset of tm from start: +12 min.
func (f formats) since(start, tm time.Time) string {
	if start.IsZero() || tm.IsZero() {
		return ""
	}
	d := tm.Sub(start)
	if d < 0 {
		return "−" + formatDuration(-d, f.t)
	}
	return "+" + formatDuration(d, f.t)
}

// iso formats a machine-readable time for <time datetime>.
func iso(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.Format(time.RFC3339)
}

// safeURL returns the link when it is http(s), mailto or relative, else "".
func safeURL(s string) template.URL {
	if s != "" && postmortem.SafeURL(s) { // most actions have no link
		return template.URL(s)
	}
	return ""
}

// funcs are the template functions every layout can use. They are documented
// in docs/theming.md.
func funcs(tr map[string]string, loc *time.Location, now time.Time) template.FuncMap {
	f := newFormats(tr, loc, now)
	t := f.t
	return template.FuncMap{
		// T translates a UI string key.
		"T":        t,
		"datetime": f.datetime,
		"when":     f.when,
		// timetag: one call instead of iso + datetime, on pages that
		// show many times.
		"timetag":  f.timetag,
		"date":     f.date,
		"iso":      iso,
		"duration": f.duration,
		"since":    f.since,
		// inline escapes short text and turns `code` spans into <code>.
		"inline": inline,
		// markdown renders Markdown text safely.
		"markdown": markdown.String,
		// customerMarkdown renders customer text as the customer site does:
		// raw HTML shown as text, only http, https and mailto links.
		"customerMarkdown": markdown.Public,
		// overdue reports whether an open action is past due.
		"overdue": func(a postmortem.Action) bool { return a.Overdue(now) },
		"safeURL": safeURL,
		// lower lower-cases a string (for CSS classes).
		"lower": strings.ToLower,
		// fishbone draws an Ishikawa diagram as inline SVG.
		"fishbone": func(p *postmortem.Postmortem) template.HTML { return fishbone(p.Ishikawa, p.Title, p.ID, t) },
		// add adds integers.
		"add": func(a, b int) int { return a + b },
		// join joins strings.
		"join": strings.Join,
		// minutes formats a figure in minutes as a duration, "–" without data.
		"minutes": func(m *float64) string {
			if m == nil {
				return "–"
			}
			return formatDuration(time.Duration(*m*float64(time.Minute)), t)
		},
		// ratio formats a fraction as a percentage with one decimal, "–"
		// without data.
		"ratio": func(f *float64) string {
			if f == nil {
				return "–"
			}
			return strconv.FormatFloat(100**f, 'f', 1, 64) + " %"
		},
		// ptr takes the address of a number, for minutes and ratio.
		"ptr": func(f float64) *float64 { return &f },
		// availability formats a fraction as a percentage with three decimals.
		"availability": func(f float64) string { return strconv.FormatFloat(100*f, 'f', 3, 64) + " %" },
		// percent formats a share: 42 %.
		"percent": func(part, whole int) string {
			if whole == 0 {
				return "–"
			}
			return fmt.Sprintf("%d %%", (part*100+whole/2)/whole)
		},
	}
}

// formatDuration writes a duration the way incident reports do, to the
// minute: "45 min", "2 h 05 min", "3 d 4 h".
func formatDuration(d time.Duration, t func(string) string) string {
	if d <= 0 {
		if d == 0 {
			return "0 " + t("unit_min")
		}
		return ""
	}
	mins := int((d + 30*time.Second) / time.Minute)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d %s", int(d/time.Second), t("unit_s"))
	case mins < 60:
		return fmt.Sprintf("%d %s", mins, t("unit_min"))
	case mins < 48*60:
		return fmt.Sprintf("%d %s %02d %s", mins/60, t("unit_h"), mins%60, t("unit_min"))
	}
	hours := (mins + 30) / 60
	return fmt.Sprintf("%d %s %d %s", hours/24, t("unit_d"), hours%24, t("unit_h"))
}

// inline renders a short text field: HTML-escaped, with `backticks` as code
// spans, the one piece of Markdown that short fields (timeline events, whys,
// factors) commonly carry. It is much cheaper than a Markdown pass.
func inline(s string) template.HTML {
	esc := template.HTMLEscapeString(s)
	if strings.Count(esc, "`") < 2 {
		return template.HTML(esc)
	}
	var b strings.Builder
	open := false
	for {
		i := strings.IndexByte(esc, '`')
		if i < 0 || (!open && !strings.Contains(esc[i+1:], "`")) {
			b.WriteString(esc)
			break
		}
		b.WriteString(esc[:i])
		if open {
			b.WriteString("</code>")
		} else {
			b.WriteString("<code>")
		}
		open = !open
		esc = esc[i+1:]
	}
	return template.HTML(b.String())
}
