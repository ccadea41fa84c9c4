package legacy

import (
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// entry is one line of a timeline before it is placed in time.
type entry struct {
	st     stamp
	timed  bool // starts with a time
	setDay bool // a date alone: the times after it are on that day
	text   string
	line   int
}

// timeline reads the entries of a timeline section (table rows, list items,
// paragraph or code lines that start with a time) and places them in time.
// complete is false when an entry could not be placed: the section then stays
// in the body.
func (in *inferer) timeline(s *section) (events []Event, complete bool) {
	var es []entry
	for _, b := range s.blocks {
		es = in.timelineBlock(es, b, s, 0)
	}
	cur := dayOf(in.res.Date)
	var prev time.Time
	complete, placed := true, false
	for _, e := range es {
		switch {
		case e.setDay:
			if d, ok := e.st.date(cur); ok {
				cur = d
			}
		case e.timed:
			if s.utc && e.st.zone == nil {
				e.st.zone = time.UTC
			}
			d, ok := e.st.date(cur)
			if placed = ok; !ok {
				complete = false
				continue
			}
			t := e.st.at(d, in.loc)
			if !e.st.hasDate && !prev.IsZero() && t.Before(prev.Add(-6*time.Hour)) {
				d = d.next() // the incident went over midnight
				t = e.st.at(d, in.loc)
			}
			cur, prev = d, t
			events = append(events, Event{At: t, Event: e.text, Line: e.line})
		case e.text != "":
			// A line without a time goes with the event before it.
			if !placed || len(events) == 0 {
				complete = false
				continue
			}
			last := &events[len(events)-1]
			last.Event = joinNonEmpty([]string{last.Event, e.text}, "; ")
		}
	}
	out := events[:0]
	for _, e := range events {
		if e.Event != "" {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, complete
	}
	return out, complete
}

func (in *inferer) timelineBlock(es []entry, b ast.Node, s *section, depth int) []entry {
	switch b := b.(type) {
	case *ast.Heading: // "### Day 2 — 3 Nov"
		if st, ok := findDate(plain(b, in.src)); ok {
			es = append(es, entry{st: st, setDay: true})
		}
	case *extast.Table:
		es = in.timelineTable(es, b, s)
	case *ast.List:
		if depth < 4 {
			es = in.timelineList(es, b, s, depth)
		}
	case *ast.Paragraph:
		groups := in.splitLines(b)
		lines := make([]string, len(groups))
		nums := make([]int, len(groups))
		for i, g := range groups {
			lines[i], nums[i] = g.text, g.line
		}
		es = in.timelineLines(es, lines, nums, s)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		segs := b.Lines()
		lines := make([]string, segs.Len())
		nums := make([]int, segs.Len())
		for i := range segs.Len() {
			seg := segs.At(i)
			lines[i], nums[i] = strings.TrimSpace(string(seg.Value(in.src))), in.lineOf(seg.Start)
		}
		es = in.timelineLines(es, lines, nums, s)
	}
	return es
}

// timelineLines reads the lines of a paragraph or a code block. A paragraph
// without any time is a note ("All times are UTC."), not an entry.
func (in *inferer) timelineLines(es []entry, lines []string, nums []int, s *section) []entry {
	var got []entry
	timed := false
	for i, text := range lines {
		if text == "" {
			continue
		}
		if st, rest, ok := parseStamp(text); ok {
			got = append(got, entry{st: st, timed: true, text: eventText(rest), line: nums[i]})
			timed = true
		} else if st, rest, ok := parseDate(text); ok && trivial(rest) {
			got = append(got, entry{st: st, setDay: true, line: nums[i]})
		} else {
			got = append(got, entry{text: text, line: nums[i]})
		}
	}
	if !timed {
		if mentionsUTC(strings.Join(lines, " ")) {
			s.utc = true
		}
		for _, e := range got {
			if e.setDay {
				es = append(es, e)
			}
		}
		return es
	}
	return append(es, got...)
}

// timeHeads are the headers of a table's time column.
var timeHeads = map[string]bool{
	"time": true, "times": true, "when": true, "date": true, "timestamp": true, "date time": true, "datetime": true,
	"at": true, "time utc": true, "heure": true, "horodatage": true, "quand": true, "date et heure": true, "date heure": true,
}

// timelineTable reads rows whose time cell (the first, or the one headed
// "Time") holds a time; the cells after it are the event. A date cell
// followed by a time cell is read as one moment.
func (in *inferer) timelineTable(es []entry, t *extast.Table, s *section) []entry {
	header, rows := tableRows(t)
	if header == nil {
		return es
	}
	heads := in.cells(header)
	col := 0
	for i, h := range heads {
		if timeHeads[normKey(h)] {
			col = i
			break
		}
	}
	if len(heads) > col && mentionsUTC(heads[col]) {
		s.utc = true
	}
	if st, _, ok := parseStamp(firstOr(heads, col)); ok && st.hasTime {
		rows = append([]ast.Node{header}, rows...) // no real header: the first row is an event
	}
	for _, r := range rows {
		cells := in.cells(r)
		line := in.lineOf(r.Pos())
		if len(cells) <= col {
			if text := joinNonEmpty(cells, " — "); text != "" {
				es = append(es, entry{text: text, line: line})
			}
			continue
		}
		st, _, ok := parseStamp(cells[col])
		next := col + 1
		if !ok {
			if ds, rest, okd := parseDate(cells[col]); okd && trivial(rest) {
				if ts, _, okt := parseStamp(firstOr(cells, col+1)); okt && !ts.hasDate {
					ts.hasDate, ts.hasYear, ts.year, ts.month, ts.day = true, ds.hasYear, ds.year, ds.month, ds.day
					st, ok, next = ts, true, col+2
				} else {
					es = append(es, entry{st: ds, setDay: true, line: line})
					if text := joinNonEmpty(cells[col+1:], " — "); text != "" {
						es = append(es, entry{text: text, line: line})
					}
					continue
				}
			}
		}
		if !ok {
			if text := joinNonEmpty(cells, " — "); text != "" {
				es = append(es, entry{text: text, line: line})
			}
			continue
		}
		es = append(es, entry{st: st, timed: true, text: joinNonEmpty(cells[min(next, len(cells)):], " — "), line: line})
	}
	return es
}

func firstOr(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// timelineList reads list items that start with a time ("- 14:02 — alert
// fired", "- **14:02** alert fired"); an item that is a date alone sets the
// day of the items nested under it and after it.
func (in *inferer) timelineList(es []entry, list *ast.List, s *section, depth int) []entry {
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		first := item.FirstChild()
		line := in.lineOf(item.Pos())
		if first == nil {
			continue
		}
		if !isText(first) {
			if text := blockText(item, in.src, 0); text != "" {
				es = append(es, entry{text: text, line: line})
			}
			continue
		}
		text := plain(first, in.src)
		st, rest, ok := parseStamp(text)
		if !ok {
			if ds, r, okd := parseDate(text); okd && trivial(r) {
				es = append(es, entry{st: ds, setDay: true, line: line})
				for c := first.NextSibling(); c != nil; c = c.NextSibling() {
					es = in.timelineBlock(es, c, s, depth+1)
				}
				continue
			}
			if text := blockText(item, in.src, 0); text != "" {
				es = append(es, entry{text: text, line: line})
			}
			continue
		}
		parts := []string{eventText(rest)}
		for c := first.NextSibling(); c != nil; c = c.NextSibling() {
			parts = append(parts, blockText(c, in.src, 0))
		}
		es = append(es, entry{st: st, timed: true, text: joinNonEmpty(parts, "; "), line: line})
	}
	return es
}

// eventText is what follows an entry's time, less separators and the end
// of a range ("14:02–14:10 degraded" → "degraded").
func eventText(rest string) string {
	r := strings.TrimSpace(rest)
	for _, p := range []string{"-", "–", "—", "to ", "à "} {
		if strings.HasPrefix(r, p) {
			if st, r2, ok := parseStamp(strings.TrimSpace(r[len(p):])); ok && !st.hasDate {
				r = r2
			}
			break
		}
	}
	return strings.TrimSpace(strings.TrimLeft(r, " \t:-–—|>→·•,.)]"))
}
