// Package legacy infers postmortem fields from plain Markdown written without
// Hindsight's front matter: title, dates, severity, services, timeline,
// durations, root cause, contributing factors, five whys and action items,
// recognized by heading in English and French.
//
// Teams already have postmortems as plain Markdown; they build into proper
// pages without a change to the files. Infer reads the parsed document:
//
//   - The first "# H1" is the title.
//   - Labelled lines, in paragraphs, list items, block quotes or tables of
//     labels ("Date: 2024-11-02", "**Severity:** SEV2", "Services: billing,
//     public-api", "Tags: dns, tls", "Status: draft", "Started: 14:02",
//     "Resolved: 2024-11-02 16:10 UTC", "Time to detection: 5 minutes",
//     "Durée : 2 heures"). The label is matched without case, accents or a
//     parenthesized part ("Time to detect (TTD)"); English and French labels
//     and their usual synonyms are known. Times and durations are read inside
//     the sections below too.
//   - Sections, by heading at level 1 (other than the title) to 4, matched
//     without case, numbering, emoji or trailing punctuation ("3. Root
//     Cause:"): Timeline / Chronologie, Root cause / What went wrong / Cause
//     racine, Contributing factors / Facteurs contributifs, Five whys /
//     5 pourquoi, Action items / Follow-ups / Actions correctives, and
//     Stats / Metrics / Chiffres, whose lines are read as labelled lines. A
//     section runs to the next heading of the same or a higher level, or to
//     the next recognized heading. "What went wrong" under "Lessons learned"
//     is not a root cause.
//   - Timeline entries are table rows whose time cell (the first, or the one
//     headed "Time") holds a time, and list items, paragraph lines or code
//     lines that start with one: "14:02", "14h02", "2:02 PM", "14:02 UTC",
//     "2024-11-02 14:02", "2024-11-02T14:02:00Z", "Nov 2, 14:02". A line
//     without a time belongs to the entry before it; a date alone (in a
//     sub-heading, a list item) sets the day of the entries after it.
//   - Action items are list items and table rows; "[x]", "✅", "(done)" and
//     a "Done" sub-heading mark them done; "(owner: alice)", "— @alice",
//     "[alice]", "(due 2024-12-01)" and nested "Owner:"/"Due:" items, or
//     Owner/Due/Status columns, give their details.
//
// What Infer used for a field that the front matter leaves empty is removed
// from the document, so that the page does not show it twice: the title
// heading, a recognized section (heading and content), a labelled line (a
// list item, a table row, a line of a paragraph, or the whole block once all
// its lines are used) and a heading left with nothing under it. A line is
// used only when its whole value was understood ("Severity: SEV2 (upgraded
// from SEV3)" stays), a section only when it gave something (a timeline only
// when every entry could be placed). Everything else, Summary, Impact,
// Lessons learned, stays as written.
package legacy

import (
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// Event is one timeline entry found in the text.
type Event struct {
	At    time.Time
	Event string
	Line  int
}

// Action is one action item found in the text.
type Action struct {
	Title, Owner, Status, Type string // Status "open", "done" or "wontfix"; Type "" unless the verb makes it obvious
	Due                        time.Time
	Line                       int
}

// Result is what Infer found; zero values mean "not found". Lines are 1-based
// lines of src.
type Result struct {
	Title     string
	TitleLine int
	// Date is the day of the incident: from a "Date:" line, else a YYYY-MM-DD
	// in the file name; midnight in loc.
	Date         time.Time
	Severity     string // as written, upper-cased: "SEV2", "SEV 2", "P1"
	SeverityLine int
	Services     []string
	Tags         []string
	Status       string // from a "Status:" line: "draft", "review" or "published"

	StartedAt, DetectedAt, MitigatedAt, ResolvedAt time.Time
	// Durations as stated in the text ("Time to detect: 5 minutes").
	TimeToDetect, TimeToMitigate, TimeToResolve time.Duration

	Timeline            []Event
	RootCause           string // Markdown source of the root-cause section, trimmed
	ContributingFactors []string
	FiveWhys            []string
	Actions             []Action
}

// Infer reads a parsed Markdown document (from markdown.Parse(src)). fileName
// is the base name of the file ("2024-11-02 Checkout outage.md"). Times
// written without a zone are in loc (UTC if nil). want reports whether the
// front matter leaves a field empty ("title", "severity", "services", "tags",
// "status", "started_at", "detected_at", "mitigated_at", "resolved_at",
// "timeline", "root_cause", "contributing_factors", "five_whys", "actions");
// nil wants every field. Infer fills Result regardless, but removes from doc
// the nodes it used for a wanted field. A "Date:" line goes with started_at,
// stated durations with the time they lead to.
func Infer(doc ast.Node, src []byte, fileName string, loc *time.Location, want func(field string) bool) Result {
	if loc == nil {
		loc = time.UTC
	}
	if want == nil {
		want = func(string) bool { return true }
	}
	in := &inferer{src: src, loc: loc, want: want}
	if doc != nil {
		in.scan(doc)
	}
	in.resolve(fileName)
	in.prune()
	return in.res
}

// section is a recognized heading and the blocks under it.
type section struct {
	heading *ast.Heading
	blocks  []ast.Node
	next    ast.Node // the block after the section; nil at the end
	utc     bool     // times are in UTC ("Timeline (UTC)", "All times UTC")
}

// unit is one line of a container: a paragraph line, a list item, a table row
// or column. nodes are removed when the unit is used and the container stays.
type unit struct {
	nodes []ast.Node
	used  bool
}

// container is a block read line by line.
type container struct {
	node  ast.Node
	units []*unit
}

// labelLine is a "Label: value" line.
type labelLine struct {
	label
	value string
	line  int
	unit  *unit
}

type inferer struct {
	src      []byte
	loc      *time.Location
	want     func(string) bool
	newlines []int
	res      Result

	blocks     []ast.Node // the document's top-level blocks, as parsed
	title      *ast.Heading
	sections   [kinds]*section // the first section of each kind
	containers []*container
	labels     []labelLine
}

// scan walks the top-level blocks: the title, the sections, and labelled
// lines outside them.
func (in *inferer) scan(doc ast.Node) {
	var blocks []ast.Node
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		blocks = append(blocks, c)
	}
	in.blocks = blocks
	kinds := in.headingKinds(blocks)
	for i := 0; i < len(blocks); {
		h, ok := blocks[i].(*ast.Heading)
		k := kinds[i]
		if !ok || k == kNone || k == kLessons {
			in.scanLabels(blocks[i])
			i++
			continue
		}
		j := i + 1
		for ; j < len(blocks); j++ {
			if h2, ok := blocks[j].(*ast.Heading); ok && (h2.Level <= h.Level || endsSection(kinds[j])) {
				break
			}
		}
		s := &section{heading: h, blocks: blocks[i+1 : j], utc: mentionsUTC(plain(h, in.src))}
		if j < len(blocks) {
			s.next = blocks[j]
		}
		switch {
		case k == kStats:
			for _, b := range s.blocks {
				in.scanLabels(b)
			}
			i = j
			continue
		case in.sections[k] == nil:
			in.sections[k] = s
		}
		// Durations and moments may be written anywhere ("Total duration: 2h"
		// under the timeline); such a line goes or stays with its section.
		n := len(in.labels)
		for _, b := range s.blocks {
			in.labelsOf(b)
		}
		kept := in.labels[:n]
		for _, l := range in.labels[n:] {
			if l.field >= fStart {
				kept = append(kept, l)
			}
		}
		in.labels = kept
		i = j
	}
}

// headingKinds returns what each top-level heading announces and finds the
// title. "What went wrong" under "Lessons learned" is left unrecognized.
func (in *inferer) headingKinds(blocks []ast.Node) []kind {
	kinds := make([]kind, len(blocks))
	var parents [7]kind
	for i, b := range blocks {
		h, ok := b.(*ast.Heading)
		if !ok {
			continue
		}
		level := min(max(h.Level, 1), 6)
		k := kNone
		switch t := plain(h, in.src); {
		case level == 1 && in.title == nil && t != "":
			in.title = h
			in.res.Title, in.res.TitleLine = t, in.lineOf(h.Pos())
		case level <= 4:
			k = headingKind(t)
		}
		if k == kWeakRootCause {
			for _, p := range parents[1:level] {
				if p == kLessons {
					k = kNone
				}
			}
		}
		kinds[i] = k
		parents[level] = k
		for l := level + 1; l < len(parents); l++ {
			parents[l] = kNone
		}
	}
	return kinds
}

// endsSection reports whether a heading of kind k ends the section above it
// whatever its level.
func endsSection(k kind) bool { return k != kNone && k != kLessons }

// mentionsUTC reports whether a heading or a note says times are in UTC.
func mentionsUTC(s string) bool {
	for w := range strings.FieldsFuncSeq(strings.ToLower(s), func(r rune) bool {
		return !('a' <= r && r <= 'z')
	}) {
		if w == "utc" || w == "gmt" {
			return true
		}
	}
	return false
}

// scanLabels collects the labelled lines of a paragraph, a list or a table,
// to be removed once used.
func (in *inferer) scanLabels(b ast.Node) {
	if c := in.labelsOf(b); c != nil {
		in.containers = append(in.containers, c)
	}
}

// labelsOf collects the labelled lines of a paragraph, a list or a table and
// returns the block as a container of lines, or nil if it has none.
func (in *inferer) labelsOf(b ast.Node) *container {
	switch b := b.(type) {
	case *ast.Paragraph:
		return in.paragraphLabels(b)
	case *ast.List:
		return in.listLabels(b)
	case *extast.Table:
		return in.tableLabels(b)
	case *ast.Blockquote:
		// "> **Date:** 2024-11-02": the quote goes once all its lines are used.
		if first := b.FirstChild(); first != nil && first.NextSibling() == nil {
			if c := in.labelsOf(first); c != nil {
				c.node = b
				return c
			}
		}
	}
	return nil
}

func (in *inferer) paragraphLabels(p *ast.Paragraph) *container {
	if !hasColon(p, in.src) {
		return nil
	}
	c := &container{node: p}
	found := false
	for _, g := range in.splitLines(p) {
		u := &unit{nodes: g.nodes}
		c.units = append(c.units, u)
		if l, v, ok := cutLabel(g.text); ok {
			in.labels = append(in.labels, labelLine{l, v, g.line, u})
			found = true
		}
	}
	if !found {
		return nil
	}
	return c
}

func (in *inferer) listLabels(list *ast.List) *container {
	c := &container{node: list}
	found := false
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		u := &unit{nodes: []ast.Node{item}}
		c.units = append(c.units, u)
		first := item.FirstChild()
		if first == nil || first.NextSibling() != nil || !isText(first) || !hasColon(first, in.src) {
			continue
		}
		if l, v, ok := cutLabel(plain(first, in.src)); ok {
			in.labels = append(in.labels, labelLine{l, v, in.lineOf(item.Pos()), u})
			found = true
		}
	}
	if !found {
		return nil
	}
	return c
}

// tableLabels reads a table of labels: a label and its value on each row
// (under a header such as "| Metric | Value |"), or a header of labels over
// a single row of values.
func (in *inferer) tableLabels(t *extast.Table) *container {
	header, rows := tableRows(t)
	if header == nil {
		return nil
	}
	heads := in.cells(header)
	if len(rows) == 1 && len(heads) >= 2 {
		vals := in.cells(rows[0])
		c := &container{node: t}
		var found []labelLine
		for i, h := range heads {
			l, ok := labels[normKey(h)]
			if !ok {
				found = nil
				break
			}
			u := &unit{}
			c.units = append(c.units, u)
			v := ""
			if i < len(vals) {
				v = vals[i]
			}
			found = append(found, labelLine{l, v, in.lineOf(rows[0].Pos()), u})
		}
		if found != nil {
			in.labels = append(in.labels, found...)
			return c
		}
	}
	c := &container{node: t}
	found := false
	for i, r := range append([]ast.Node{header}, rows...) {
		cells := in.cells(r)
		if len(cells) < 2 {
			if i > 0 {
				c.units = append(c.units, &unit{nodes: []ast.Node{r}})
			}
			continue
		}
		l, ok := labels[normKey(cells[0])]
		if !ok {
			if i > 0 {
				c.units = append(c.units, &unit{nodes: []ast.Node{r}})
			}
			continue
		}
		u := &unit{}
		if i > 0 {
			u.nodes = []ast.Node{r}
		}
		c.units = append(c.units, u)
		in.labels = append(in.labels, labelLine{l, joinNonEmpty(cells[1:], " — "), in.lineOf(r.Pos()), u})
		found = true
	}
	if !found {
		return nil
	}
	return c
}

// tableRows returns a table's header and body rows.
func tableRows(t *extast.Table) (header ast.Node, rows []ast.Node) {
	for c := t.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.(type) {
		case *extast.TableHeader:
			header = c
		case *extast.TableRow:
			rows = append(rows, c)
		}
	}
	return header, rows
}

// cells returns the plain text of a table row's cells.
func (in *inferer) cells(row ast.Node) []string {
	var out []string
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, plain(c, in.src))
	}
	return out
}

// joinNonEmpty joins the parts that say something: empty cells and
// placeholders ("—", "n/a") are left out.
func joinNonEmpty(parts []string, sep string) string {
	var out []string
	for _, p := range parts {
		switch strings.ToLower(p) {
		case "", "-", "–", "—", "n/a":
		default:
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func isText(n ast.Node) bool {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return true
	}
	return false
}

// use marks a labelled line used when the front matter leaves field empty.
func (in *inferer) use(l *labelLine, field string) {
	if l != nil && in.want(field) {
		l.unit.used = true
	}
}

// resolve turns what scan collected into fields, in dependency order: the
// day, the timeline, the moments, then the analysis.
func (in *inferer) resolve(fileName string) {
	var dateLine *labelLine
	for i := range in.labels {
		l := &in.labels[i]
		if l.field != fDate {
			continue
		}
		st, rest, ok := parseDate(l.value)
		if !ok || !st.hasYear {
			continue
		}
		in.res.Date = time.Date(st.year, st.month, st.day, 0, 0, 0, 0, in.loc)
		if trivial(rest) {
			dateLine = l
		}
		break
	}
	if in.res.Date.IsZero() {
		if m := fileDate.FindStringSubmatchIndex(fileName); m != nil {
			var st stamp
			if st.readDate(fileName, m, 0) {
				in.res.Date = time.Date(st.year, st.month, st.day, 0, 0, 0, 0, in.loc)
			}
		}
	}

	timelineDone := false
	if s := in.sections[kTimeline]; s != nil {
		in.res.Timeline, timelineDone = in.timeline(s)
	}
	in.describe()
	in.moments()
	if dateLine != nil && !in.res.StartedAt.IsZero() {
		in.use(dateLine, "started_at")
	}

	if s := in.sections[kRootCause]; s != nil {
		in.res.RootCause = in.source(s)
	} else if s := in.sections[kWeakRootCause]; s != nil {
		in.sections[kRootCause], in.sections[kWeakRootCause] = s, nil
		in.res.RootCause = in.source(s)
	}
	if s := in.sections[kContributing]; s != nil {
		in.res.ContributingFactors = in.items(s)
	}
	if s := in.sections[kFiveWhys]; s != nil {
		in.res.FiveWhys = in.items(s)
	}
	if s := in.sections[kActions]; s != nil {
		in.res.Actions = in.actions(s)
	}

	if in.title != nil && in.want("title") {
		remove(in.title)
	}
	in.drop(kTimeline, "timeline", len(in.res.Timeline) > 0 && timelineDone)
	in.drop(kRootCause, "root_cause", in.res.RootCause != "")
	in.drop(kContributing, "contributing_factors", len(in.res.ContributingFactors) > 0)
	in.drop(kFiveWhys, "five_whys", len(in.res.FiveWhys) > 0)
	in.drop(kActions, "actions", len(in.res.Actions) > 0)
}

// describe reads the descriptive labelled lines: title (when there is no H1),
// severity, services, tags, status. The first readable line of each wins.
func (in *inferer) describe() {
	for i := range in.labels {
		l := &in.labels[i]
		switch l.field {
		case fTitle:
			if in.res.Title == "" && l.value != "" {
				in.res.Title, in.res.TitleLine = l.value, l.line
				in.use(l, "title")
			}
		case fSeverity:
			if in.res.Severity != "" {
				continue
			}
			if sev, rest := cutSeverity(l.value); sev != "" {
				in.res.Severity, in.res.SeverityLine = sev, l.line
				if trivial(rest) {
					in.use(l, "severity")
				}
			}
		case fServices:
			if in.res.Services == nil {
				if in.res.Services = splitList(l.value); in.res.Services != nil {
					in.use(l, "services")
				}
			}
		case fTags:
			if in.res.Tags == nil {
				if in.res.Tags = splitList(l.value); in.res.Tags != nil {
					in.use(l, "tags")
				}
			}
		case fStatus:
			if s, ok := statuses[normKey(l.value)]; ok && in.res.Status == "" {
				in.res.Status = s
				in.use(l, "status")
			}
		}
	}
}

// moment is what the text says of one of the four moments.
type moment struct {
	at       time.Time
	dated    bool // written with its date: never moved to the next day
	atLine   *labelLine
	stated   time.Duration
	statLine *labelLine
}

var momentFields = [4]string{"started_at", "detected_at", "mitigated_at", "resolved_at"}

// moments sets StartedAt … ResolvedAt and the stated durations.
func (in *inferer) moments() {
	base := dayOf(in.res.Date)
	if !base.known() && len(in.res.Timeline) > 0 {
		base = dayOf(in.res.Timeline[0].At)
	}
	var ms [4]moment
	for i := range in.labels {
		l := &in.labels[i]
		if l.field < fStart || l.field > fResolve {
			continue
		}
		m := &ms[l.field-fStart]
		if l.times {
			if st, rest, ok := parseStamp(l.value); ok {
				if d, ok := st.date(base); ok && m.at.IsZero() {
					m.at, m.dated = st.at(d, in.loc), st.hasDate
					if trivial(rest) {
						m.atLine = l
					}
				}
				continue
			}
		}
		if l.durations && m.stated == 0 {
			if d, rest, ok := parseDuration(l.value, !l.times); ok {
				m.stated = d
				if trivial(rest) {
					m.statLine = l
				}
			}
		}
	}

	start := ms[0].at
	if start.IsZero() && len(in.res.Timeline) > 0 {
		start = in.res.Timeline[0].At
	} else if !start.IsZero() {
		in.use(ms[0].atLine, momentFields[0])
	}
	in.res.StartedAt = start
	var at [4]time.Time
	for i := 1; i < 4; i++ {
		m := &ms[i]
		t := m.at
		if !t.IsZero() && !start.IsZero() && t.Before(start) && !m.dated {
			if next := t.AddDate(0, 0, 1); next.Sub(start) < 24*time.Hour {
				t = next // "Resolved: 01:10" after a start at 23:40
			}
		}
		if !t.IsZero() && !start.IsZero() && t.Before(start) {
			t = time.Time{}
		}
		if !t.IsZero() {
			in.use(m.atLine, momentFields[i])
		} else if !start.IsZero() && m.stated > 0 {
			t = start.Add(m.stated)
		}
		if t.IsZero() && i == 3 && len(in.res.Timeline) > 0 {
			if last := in.res.Timeline[len(in.res.Timeline)-1]; mentionsResolution(last.Event) && !last.At.Before(start) {
				t = last.At
			}
		}
		at[i] = t
		in.use(m.statLine, momentFields[i])
	}
	in.res.DetectedAt, in.res.MitigatedAt, in.res.ResolvedAt = at[1], at[2], at[3]
	in.res.TimeToDetect, in.res.TimeToMitigate, in.res.TimeToResolve = ms[1].stated, ms[2].stated, ms[3].stated
}

// resolutionWords say an incident is over.
var resolutionWords = []string{"resolved", "recovered", "restored", "closed", "all clear", "all-clear", "résolu", "rétabli", "resolu", "retabli"}

// mentionsResolution reports whether an event says the incident is over.
func mentionsResolution(event string) bool {
	s := strings.ToLower(event)
	for _, w := range resolutionWords {
		for i := 0; ; {
			j := strings.Index(s[i:], w)
			if j < 0 {
				break
			}
			j += i
			if j == 0 || !isLetterByte(s[j-1]) {
				return true
			}
			i = j + len(w)
		}
	}
	return false
}

func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || c >= 0x80 }

// drop removes the section of kind k when field is wanted and the section
// gave it.
func (in *inferer) drop(k kind, field string, gave bool) {
	s := in.sections[k]
	if s == nil || !gave || !in.want(field) {
		return
	}
	remove(s.heading)
	for _, b := range s.blocks {
		remove(b)
	}
}

// prune removes the used lines, their blocks once all lines are used, and
// headings left with nothing under them.
func (in *inferer) prune() {
	for _, c := range in.containers {
		all, any := true, false
		for _, u := range c.units {
			all = all && u.used
			any = any || u.used
		}
		switch {
		case all && any:
			remove(c.node)
		case any:
			for _, u := range c.units {
				if !u.used || len(u.nodes) == 0 {
					continue
				}
				parent := u.nodes[0].Parent()
				for _, n := range u.nodes {
					remove(n)
				}
				// A line break before the removed lines would now end the paragraph.
				if p, ok := parent.(*ast.Paragraph); ok {
					if t, ok := p.LastChild().(*ast.Text); ok {
						t.SetHardLineBreak(false)
						t.SetSoftLineBreak(false)
					}
				}
			}
		}
	}
	// A heading whose whole section went ("## Analysis" over a root cause
	// and five whys, "## Details" over metadata) goes too.
	// Backwards, so that sub-sections go before the sections around them.
	for i := len(in.blocks) - 1; i >= 0; i-- {
		h, ok := in.blocks[i].(*ast.Heading)
		if !ok || h == in.title || h.Parent() == nil {
			continue
		}
		j := i + 1
		for ; j < len(in.blocks); j++ {
			if h2, ok := in.blocks[j].(*ast.Heading); ok && h2.Level <= h.Level {
				break
			}
		}
		if j > i+1 && allRemoved(in.blocks[i+1:j]) {
			remove(h)
		}
	}
}

func allRemoved(blocks []ast.Node) bool {
	for _, b := range blocks {
		if b.Parent() != nil {
			return false
		}
	}
	return true
}

// remove takes n out of its parent.
func remove(n ast.Node) {
	if n == nil {
		return
	}
	if p := n.Parent(); p != nil {
		p.RemoveChild(p, n)
	}
}
