package postmortem

import (
	"fmt"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unique"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/legacy"
	"github.com/hindsight-sre/hindsight/generator/markdown"
	"github.com/hindsight-sre/hindsight/generator/meta"
)

// knownFields are the top-level front-matter fields Hindsight reads.
var knownFields = []string{
	"id", "title", "status", "severity", "services", "tags", "language",
	"started_at", "detected_at", "mitigated_at", "resolved_at", "timeline", "change_induced", "trigger",
	"root_cause", "contributing_factors", "five_whys", "ishikawa",
	"actions", "customer", "retrospective",
}

// inferable are the fields package legacy can read from the body. When the
// front matter sets them all, there is nothing to infer.
var inferable = []string{"title", "severity", "services", "tags", "status", "started_at", "detected_at",
	"mitigated_at", "resolved_at", "timeline", "root_cause", "contributing_factors", "five_whys", "actions"}

// Reader reads postmortem files with one site's settings.
type Reader struct {
	Config *config.Config
}

// file is the state of reading one file.
type file struct {
	path  string
	loc   *time.Location
	diags *diag.List
	lines map[string]int // field → line it was written on

	severityFromText bool // the severity was read from the body, not the front matter
}

func (f *file) errorf(line int, format string, args ...any) {
	f.diags.Errorf(f.path, line, format, args...)
}

// Read reads one postmortem from src. path is the file's path as the user
// should see it in messages; its base name gives the default id and title.
// Problems are added to diags; Read returns nil when the file cannot be read
// at all.
func (r *Reader) Read(filePath string, src []byte, diags *diag.List) *Postmortem {
	cfg := r.Config
	f := &file{path: filePath, loc: cfg.Location, diags: diags, lines: map[string]int{}}
	defer func() {
		if p := recover(); p != nil { // a bug of ours must not hide the file that triggered it
			diags.Errorf(filePath, 0, "internal error while reading this file (please report it): %v", p)
		}
	}()
	doc, err := meta.Parse(src)
	if err != nil {
		se := err.(*meta.SyntaxError)
		f.errorf(se.Line, "%s", se.Msg)
		return nil
	}
	p := &Postmortem{Path: filePath, Inferred: doc.Meta == nil, Lines: f.lines}
	errsBefore := diags.Errors()
	if doc.Meta != nil {
		f.decode(p, r.fields(doc.Meta), cfg)
	}

	body := markdown.Parse(doc.Body)
	base := path.Base(filePath)
	want := func(field string) bool { _, set := f.lines[field]; return !set }
	if slices.ContainsFunc(inferable, want) {
		inf := legacy.Infer(body, doc.Body, base, cfg.Location, want)
		f.merge(p, inf, doc.BodyLine-1)
	}
	html, err := markdown.RenderString(doc.Body, body)
	if err != nil {
		f.errorf(doc.BodyLine, "cannot render the Markdown body: %v", err)
	}
	p.Body = safeHTML(html)

	r.defaults(p, base)
	// Services, tags, severities, triggers and owners are a few names
	// shared by thousands of postmortems: one copy of each keeps memory
	// down, and the maps that group and count the site by them (pages,
	// metrics) find every name in the cache, not in 10,000 files' memory.
	for _, names := range [][]string{p.Services, p.Tags} {
		for i, n := range names {
			names[i] = unique.Make(n).Value()
		}
	}
	p.Severity, p.Trigger = unique.Make(p.Severity).Value(), unique.Make(p.Trigger).Value()
	for i := range p.Actions {
		p.Actions[i].Owner = unique.Make(p.Actions[i].Owner).Value()
	}
	if diags.Errors() == errsBefore {
		f.validate(p, cfg)
	}
	return p
}

// fields maps the front matter's keys onto Hindsight's field names, applying
// aliases; a field written under its own name wins over an alias.
func (r *Reader) fields(m *meta.Node) map[string]*meta.Node {
	out := make(map[string]*meta.Node, len(m.Keys))
	for i, k := range m.Keys {
		if slices.Contains(knownFields, k) {
			out[k] = m.Values[i]
		}
	}
	for i, k := range m.Keys {
		target, ok := r.Config.Aliases[k]
		if !ok || !slices.Contains(knownFields, target) {
			continue
		}
		if _, set := out[target]; !set {
			out[target] = m.Values[i]
		}
	}
	return out
}

func (f *file) decode(p *Postmortem, fields map[string]*meta.Node, cfg *config.Config) {
	for name, n := range fields {
		if n.Kind == meta.Null {
			continue // an empty field is as good as absent
		}
		f.lines[name] = n.Line
		switch name {
		case "id":
			p.ID = f.str(name, n)
		case "title":
			p.Title = f.str(name, n)
		case "status":
			p.Status = strings.ToLower(f.str(name, n))
		case "severity":
			p.Severity = f.str(name, n)
		case "services":
			p.Services = f.list(name, n)
		case "tags":
			p.Tags = f.list(name, n)
		case "language":
			p.Language = strings.ToLower(f.str(name, n))
		case "started_at":
			p.StartedAt = f.time(name, n, false)
		case "detected_at":
			p.DetectedAt = f.time(name, n, false)
		case "mitigated_at":
			p.MitigatedAt = f.time(name, n, false)
		case "resolved_at":
			p.ResolvedAt = f.time(name, n, false)
		case "timeline":
			p.Timeline = f.timeline(n)
		case "change_induced":
			p.ChangeInduced = f.boolean(name, n)
		case "trigger":
			p.Trigger = f.str(name, n)
		case "root_cause":
			p.RootCause = f.str(name, n)
		case "contributing_factors":
			p.ContributingFactors = f.list(name, n)
		case "five_whys":
			p.FiveWhys = f.list(name, n)
		case "ishikawa":
			p.Ishikawa = f.ishikawa(n)
		case "actions":
			p.Actions = f.actions(n)
		case "customer":
			p.Customer = f.customer(n)
		case "retrospective":
			p.Retrospective = f.retrospective(n)
		}
	}
}

// str reads a scalar as text.
func (f *file) str(name string, n *meta.Node) string {
	if n == nil || n.Kind == meta.Null {
		return ""
	}
	if n.Kind != meta.Scalar {
		f.errorf(n.Line, "%s must be a string, not %s", name, n.Describe())
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// list reads a list of scalars; a single scalar is a list of one.
func (f *file) list(name string, n *meta.Node) []string {
	switch n.Kind {
	case meta.Null:
		return nil
	case meta.Scalar:
		if s := strings.TrimSpace(n.Value); s != "" {
			return []string{s}
		}
		return nil
	case meta.Map:
		f.errorf(n.Line, "%s must be a list of strings, not a map", name)
		return nil
	}
	out := make([]string, 0, len(n.Items))
	for i, it := range n.Items {
		if it.Kind != meta.Scalar {
			f.errorf(it.Line, "%s[%d] must be a string, not %s", name, i, it.Describe())
			continue
		}
		if s := strings.TrimSpace(it.Value); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (f *file) boolean(name string, n *meta.Node) bool {
	if n.Kind == meta.Scalar {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off":
			return false
		}
	}
	f.errorf(n.Line, "%s must be true or false, not %s", name, quoteNode(n))
	return false
}

func (f *file) time(name string, n *meta.Node, dateOK bool) time.Time {
	if n.Kind != meta.Scalar {
		f.errorf(n.Line, "%s must be a time like 2025-03-14T09:12:00Z or \"2025-03-14 09:12\", not %s", name, n.Describe())
		return time.Time{}
	}
	t, err := ParseTime(n.Value, f.loc, dateOK)
	if err != nil {
		f.errorf(n.Line, "%s: %v", name, err)
	}
	return t
}

func quoteNode(n *meta.Node) string {
	if n.Kind == meta.Scalar {
		return strconv.Quote(n.Value)
	}
	return n.Describe()
}

var (
	timeLayouts  = []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04Z07:00", "2006-01-02T15:04Z07:00"}
	localLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}
	dateLayout = "2006-01-02"
)

// ParseTime reads an RFC 3339 time, or a "2006-01-02 15:04" local time in
// loc; with dateOK, a bare date "2006-01-02" (midnight in loc) too.
func ParseTime(s string, loc *time.Location, dateOK bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) == len(dateLayout) {
		goto date // too short for the other layouts, whose errors would be garbage
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
date:
	if t, err := time.ParseInLocation(dateLayout, s, loc); err == nil {
		if dateOK {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%q needs a time of day: write \"%s 09:00\" or RFC 3339", s, s)
	}
	if dateOK {
		return time.Time{}, fmt.Errorf("cannot read %q as a date; write 2025-03-14 (or a time like \"2025-03-14 09:12\")", s)
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time; write RFC 3339 (2025-03-14T09:12:00+01:00) or \"2025-03-14 09:12\"", s)
}

func (f *file) timeline(n *meta.Node) []Event {
	if n.Kind != meta.List {
		f.errorf(n.Line, "timeline must be a list of {at, event}, not %s", n.Describe())
		return nil
	}
	var out []Event
	for i, it := range n.Items {
		if it.Kind != meta.Map {
			f.errorf(it.Line, "timeline[%d] must be a map with at and event, not %s", i, it.Describe())
			continue
		}
		at, ev := it.Get("at"), it.Get("event")
		if at == nil || ev == nil {
			f.errorf(it.Line, "timeline[%d] needs both at (a time) and event (what happened)", i)
			continue
		}
		e := Event{At: f.time(fmt.Sprintf("timeline[%d].at", i), at, false), Event: f.str(fmt.Sprintf("timeline[%d].event", i), ev)}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b Event) int { return a.At.Compare(b.At) })
	return out
}

func (f *file) ishikawa(n *meta.Node) []Category {
	if n.Kind != meta.Map {
		f.errorf(n.Line, "ishikawa must be a map of category to list of causes, not %s", n.Describe())
		return nil
	}
	var out []Category
	for i, k := range n.Keys {
		causes := f.list("ishikawa."+k, n.Values[i])
		if len(causes) > 0 {
			out = append(out, Category{Name: strings.ToLower(strings.TrimSpace(k)), Causes: causes})
		}
	}
	// The usual categories first in their usual order, then others as written.
	slices.SortStableFunc(out, func(a, b Category) int { return catRank(a.Name) - catRank(b.Name) })
	return out
}

func catRank(name string) int {
	if i := slices.Index(IshikawaCategories, name); i >= 0 {
		return i
	}
	return len(IshikawaCategories)
}

func (f *file) actions(n *meta.Node) []Action {
	if n.Kind != meta.List {
		f.errorf(n.Line, "actions must be a list of {title, type, owner, due, status, link}, not %s", n.Describe())
		return nil
	}
	var out []Action
	for i, it := range n.Items {
		prefix := "actions[" + strconv.Itoa(i) + "]."
		if it.Kind == meta.Scalar { // a bare string is a title
			out = append(out, Action{Title: it.Value, Status: "open", Line: it.Line})
			continue
		}
		if it.Kind != meta.Map {
			f.errorf(it.Line, "actions[%d] must be a map with title, type, owner, due, status and link, not %s", i, it.Describe())
			continue
		}
		a := Action{Status: "open", Line: it.Line}
		for j, k := range it.Keys {
			v := it.Values[j]
			if v.Kind == meta.Null {
				continue
			}
			switch k {
			case "title":
				a.Title = f.str(prefix+k, v)
			case "type":
				a.Type = intern(ActionTypes, strings.ToLower(f.str(prefix+k, v)))
				if !slices.Contains(ActionTypes, a.Type) {
					f.errorf(v.Line, "%s%s %q is not an action type; use one of %s", prefix, k, a.Type, strings.Join(ActionTypes, ", "))
				}
			case "owner":
				a.Owner = f.str(prefix+k, v)
			case "due":
				a.Due = f.time(prefix+k, v, true)
			case "status":
				a.Status = intern(ActionStatuses, strings.ToLower(f.str(prefix+k, v)))
				if !slices.Contains(ActionStatuses, a.Status) {
					f.errorf(v.Line, "%s%s %q is not an action status; use one of %s", prefix, k, a.Status, strings.Join(ActionStatuses, ", "))
				}
			case "link":
				a.Link = f.str(prefix+k, v)
				if a.Link != "" && !SafeURL(a.Link) {
					f.errorf(v.Line, "%s%s %q must be an http(s) or mailto URL, or a relative link", prefix, k, a.Link)
				}
			}
		}
		if a.Title == "" {
			f.errorf(it.Line, "actions[%d] needs a title", i)
		}
		out = append(out, a)
	}
	return out
}

// eachField calls fn for each non-empty field of a map node, or reports a
// node that is not a map, saying what the map holds.
func (f *file) eachField(name, holds string, n *meta.Node, fn func(key string, v *meta.Node)) {
	if n.Kind != meta.Map {
		f.errorf(n.Line, "%s must be a map with %s, not %s", name, holds, n.Describe())
		return
	}
	for i, k := range n.Keys {
		if v := n.Values[i]; v.Kind != meta.Null {
			fn(k, v)
		}
	}
}

func (f *file) customer(n *meta.Node) Customer {
	var c Customer
	f.eachField("customer", "publish, title, summary and impact", n, func(k string, v *meta.Node) {
		f.lines["customer."+k] = v.Line
		switch k {
		case "publish":
			c.Publish = f.boolean("customer.publish", v)
		case "title":
			c.Title = f.str("customer.title", v)
		case "summary":
			c.Summary = f.str("customer.summary", v)
		case "impact":
			c.Impact = f.str("customer.impact", v)
		}
	})
	return c
}

func (f *file) retrospective(n *meta.Node) Retrospective {
	var r Retrospective
	f.eachField("retrospective", "date, facilitator and participants", n, func(k string, v *meta.Node) {
		switch k {
		case "date":
			r.Date = f.time("retrospective.date", v, true)
			f.lines["retrospective.date"] = v.Line
		case "facilitator":
			r.Facilitator = f.str("retrospective.facilitator", v)
		case "participants":
			r.Participants = f.list("retrospective.participants", v)
		}
	})
	return r
}

// merge fills what the front matter left empty with what the body says.
// off turns body lines into file lines.
func (f *file) merge(p *Postmortem, inf legacy.Result, off int) {
	if p.Title == "" && inf.Title != "" {
		p.Title = inf.Title
		f.lines["title"] = inf.TitleLine + off
	}
	if p.Severity == "" && inf.Severity != "" {
		p.Severity = inf.Severity
		f.lines["severity"] = inf.SeverityLine + off
		f.severityFromText = true
	}
	if p.Services == nil {
		p.Services = inf.Services
	}
	if p.Tags == nil {
		p.Tags = inf.Tags
	}
	if p.Status == "" && inf.Status != "" {
		p.Status = inf.Status
	}
	if p.StartedAt.IsZero() {
		p.StartedAt = inf.StartedAt
	}
	if p.DetectedAt.IsZero() {
		p.DetectedAt = inf.DetectedAt
	}
	if p.MitigatedAt.IsZero() {
		p.MitigatedAt = inf.MitigatedAt
	}
	if p.ResolvedAt.IsZero() {
		p.ResolvedAt = inf.ResolvedAt
	}
	p.StatedDetect, p.StatedMitigate, p.StatedResolve = inf.TimeToDetect, inf.TimeToMitigate, inf.TimeToResolve
	if p.Timeline == nil {
		for _, e := range inf.Timeline {
			p.Timeline = append(p.Timeline, Event{At: e.At, Event: e.Event})
		}
	}
	if p.RootCause == "" {
		p.RootCause = inf.RootCause
	}
	if p.ContributingFactors == nil {
		p.ContributingFactors = inf.ContributingFactors
	}
	if p.FiveWhys == nil {
		p.FiveWhys = inf.FiveWhys
	}
	if p.Actions == nil {
		for _, a := range inf.Actions {
			status := a.Status
			if status == "" {
				status = "open"
			}
			p.Actions = append(p.Actions, Action{Title: a.Title, Type: intern(ActionTypes, a.Type), Owner: a.Owner, Due: a.Due,
				Status: intern(ActionStatuses, status), Line: a.Line + off})
		}
	}
}

// defaults fills identity fields nothing else set.
func (r *Reader) defaults(p *Postmortem, base string) {
	name := strings.TrimSuffix(base, path.Ext(base))
	if p.ID == "" {
		p.ID = Slug(name)
	}
	if p.Title == "" {
		p.Title = name
	}
	if p.Status == "" {
		p.Status = StatusPublished
	}
	if p.Language == "" {
		p.Language = r.Config.Language
	}
}

// safeHTML marks goldmark's output, which drops raw HTML and empties dangerous
// URLs, as safe for templates.
func safeHTML(s string) template.HTML { return template.HTML(s) }

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// validate checks what can be checked within one file.
func (f *file) validate(p *Postmortem, cfg *config.Config) {
	line := func(field string) int {
		if l, ok := f.lines[field]; ok {
			return l
		}
		return 1
	}
	if !idPattern.MatchString(p.ID) || strings.Contains(p.ID, "..") || len(p.ID) > 200 {
		if _, set := f.lines["id"]; set {
			f.errorf(line("id"), "id %q may contain only letters, digits, '-', '_' and '.' (and no \"..\"); it names the page /incidents/<id>/", p.ID)
		} else {
			f.errorf(1, "cannot make an id from the file name; set id: in the front matter (letters, digits, '-', '_', '.')")
		}
	}
	if !slices.Contains(Statuses, p.Status) {
		f.errorf(line("status"), "status %q is not valid; use draft, review or published", p.Status)
	}
	if p.Severity != "" {
		if s, ok := normaliseSeverity(p.Severity, cfg.Severities); ok {
			p.Severity = s
		} else if f.severityFromText {
			// Text written before Hindsight may use another scale ("P1"):
			// the file must still build, so say so and leave it unrated.
			f.diags.Warnf(f.path, line("severity"), "severity %q in the text is not on the scale %s; the incident is shown unrated (add severity: to front matter, or set severities: in %s)", p.Severity, strings.Join(cfg.Severities, ", "), configName(cfg))
			p.Severity = ""
		} else {
			f.errorf(line("severity"), "severity %q is not on the scale %s (set severities: in %s to change it)", p.Severity, strings.Join(cfg.Severities, ", "), configName(cfg))
		}
	}
	if p.Language != "en" && p.Language != "fr" {
		f.errorf(line("language"), "language %q is not supported; use en or fr", p.Language)
	}
	type point struct {
		name string
		t    time.Time
	}
	order := []point{{"started_at", p.StartedAt}, {"detected_at", p.DetectedAt}, {"mitigated_at", p.MitigatedAt}, {"resolved_at", p.ResolvedAt}}
	for i := 1; i < len(order); i++ {
		later := order[i]
		if later.t.IsZero() {
			continue
		}
		for _, earlier := range []point{order[0], order[i-1]} {
			if earlier.t.IsZero() || earlier.name == later.name || earlier.name == "detected_at" && later.name == "mitigated_at" {
				continue // detection may follow mitigation (an incident found after it healed)
			}
			if later.t.Before(earlier.t) {
				f.errorf(line(later.name), "%s (%s) is before %s (%s); fix one of them", later.name,
					later.t.Format(time.RFC3339), earlier.name, earlier.t.Format(time.RFC3339))
				break
			}
		}
	}
	if p.Status == StatusPublished {
		if strings.TrimSpace(p.RootCause) == "" {
			f.diags.Warnf(f.path, line("status"), "published postmortem has no root_cause; add the main cause found in the analysis")
		}
		if p.ResolvedAt.IsZero() && p.StatedResolve == 0 {
			f.diags.Warnf(f.path, line("status"), "published postmortem has no resolved_at; add when the incident was closed")
		}
	}
	for _, a := range p.Actions {
		if a.Owner == "" {
			f.diags.Warnf(f.path, max(a.Line, 1), "action %q has no owner; every action needs someone to carry it out", a.Title)
		}
	}
}

func configName(cfg *config.Config) string {
	if cfg.Path != "" {
		return cfg.Path
	}
	return "hindsight.yaml"
}

func normaliseSeverity(s string, scale []string) (string, bool) {
	u := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	for _, v := range scale {
		if strings.EqualFold(strings.ReplaceAll(v, " ", ""), u) {
			return v, true
		}
	}
	return s, false
}

// SafeURL reports whether a link may be rendered as a link: http, https,
// mailto, or relative (no scheme).
func SafeURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return !strings.HasPrefix(strings.TrimSpace(s), "//") || u.Host != ""
	}
	return false
}

// intern returns the string of known equal to s, or s: the thousands of
// actions then share a few strings, and comparing a status with one of
// them compares pointers, not bytes spread over every file read.
func intern(known []string, s string) string {
	if i := slices.Index(known, s); i >= 0 {
		return known[i]
	}
	return s
}
