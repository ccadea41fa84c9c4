// Package customer owns what customers may see. It projects the knowledge
// base onto a separate model that holds only customer-approved text — the
// customer block of published postmortems whose communication is approved,
// public service names, the severity as customers name it, and times — so
// the customer site's layouts cannot reach root causes, people or drafts:
// those are not in the model. It also computes public uptime, sorts
// communications by state for the internal site, and checks customer text
// for things that look internal.
package customer

import (
	"cmp"
	"html"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/markdown"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Site is the customer site's whole content.
type Site struct {
	Title     string
	BaseURL   string // absolute or root-relative, ending in "/"
	Language  string
	Now       time.Time   // the build's "today": uptime windows end here
	Levels    []string    // the customer severity labels, most severe first
	Incidents []*Incident // newest first
	Services  []*Service  // public services, by public name
}

// Incident is one published communication.
type Incident struct {
	ID      string
	Title   string        // customer.title, or the severity and services
	Summary template.HTML // customer.summary, rendered with markdown.Public
	Impact  template.HTML // customer.impact, likewise
	// SummaryText and ImpactText are Summary and Impact as plain text, for
	// the JSON API: what a reader sees, with no markup and no link targets.
	SummaryText, ImpactText string
	Severity                string // the customer label ("Major outage"); "" when unrated
	Level                   int    // 1 for the most severe label, 0 when unrated (for styles)
	Services                []*Service
	Start                   time.Time // impact start; zero when unknown
	End                     time.Time // impact end; zero while ongoing

	weight float64 // share of the time counted as downtime
}

// Ongoing reports whether the incident has not ended.
func (i *Incident) Ongoing() bool { return i.End.IsZero() }

// Duration is the time from start to end; 0 while ongoing or unknown.
func (i *Incident) Duration() time.Duration {
	if i.Start.IsZero() || i.End.IsZero() {
		return 0
	}
	return i.End.Sub(i.Start)
}

// Service is a public service and its published incidents.
type Service struct {
	Name      string      // the public name
	Slug      string      // its path segment under services/
	Incidents []*Incident // newest first
	Uptime    []Uptime    // last 30 and 90 days
}

// Uptime is a service's availability over the days before Now.
type Uptime struct {
	Days     int
	Downtime time.Duration // weighted, overlapping incidents counted once
	Share    float64       // 1 − downtime / window
}

// Current lists the service's ongoing incidents, most severe first.
func (s *Service) Current() []*Incident {
	var out []*Incident
	for _, i := range s.Incidents {
		if i.Ongoing() {
			out = append(out, i)
		}
	}
	slices.SortStableFunc(out, func(a, b *Incident) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// rank orders incidents by severity, unrated last.
func rank(i *Incident) int {
	if i.Level == 0 {
		return 1 << 30
	}
	return i.Level
}

// UptimeDays are the windows of Service.Uptime.
var UptimeDays = []int{30, 90}

// Published reports whether a postmortem is on the customer site: the
// postmortem is published and its communication approved.
func Published(p *postmortem.Postmortem) bool {
	return p.Status == postmortem.StatusPublished && p.Customer.Publish
}

// New projects the knowledge base onto the customer site. weights say how
// much of each severity's duration counts as downtime (metrics.Weights).
func New(s *site.Site, weights metrics.Weights) *Site {
	cfg := s.Config
	cs := &Site{Title: cfg.CustomerTitle(), BaseURL: cfg.CustomerBaseURL(), Language: cfg.Language, Now: s.Now}
	for _, sev := range cfg.Severities {
		cs.Levels = append(cs.Levels, label(cfg, sev))
	}
	services := map[string]*Service{} // by internal name
	service := func(name string) *Service {
		if sv, ok := services[name]; ok {
			return sv
		}
		var sv *Service
		pub := name
		if c, ok := cfg.Service(name); ok {
			pub = c.CustomerName()
			if !c.Public {
				services[name] = nil
				return nil
			}
		}
		// Two internal services may share a public name: they are one
		// service to customers.
		for _, other := range services {
			if other != nil && other.Name == pub {
				sv = other
			}
		}
		if sv == nil {
			sv = &Service{Name: pub}
			cs.Services = append(cs.Services, sv)
		}
		services[name] = sv
		return sv
	}
	for _, p := range s.Incidents { // newest first
		if !Published(p) {
			continue
		}
		start, end := metrics.Span(p)
		inc := &Incident{
			ID: p.ID, Start: start, End: end,
			Summary: markdown.Public(p.Customer.Summary), Impact: markdown.Public(p.Customer.Impact),
			Severity: label(cfg, p.Severity), weight: weights[p.Severity],
		}
		if i := slices.Index(cfg.Severities, p.Severity); i >= 0 {
			inc.Level = i + 1
		}
		for _, name := range p.Services {
			if sv := service(name); sv != nil && !slices.Contains(inc.Services, sv) {
				inc.Services = append(inc.Services, sv)
				sv.Incidents = append(sv.Incidents, inc)
			}
		}
		inc.SummaryText, inc.ImpactText = plain(inc.Summary), plain(inc.Impact)
		inc.Title = strings.TrimSpace(p.Customer.Title)
		if inc.Title == "" {
			inc.Title = defaultTitle(inc)
		}
		cs.Incidents = append(cs.Incidents, inc)
	}
	// Catalog services that are public are listed even without incidents:
	// customers look for them.
	for _, c := range cfg.Services {
		service(c.Name)
	}
	slices.SortFunc(cs.Services, func(a, b *Service) int { return strings.Compare(a.Name, b.Name) })
	seen := map[string]bool{}
	for _, sv := range cs.Services {
		sv.Slug = postmortem.Slug(sv.Name)
		if sv.Slug == "" {
			sv.Slug = "service"
		}
		base := sv.Slug
		for n := 2; seen[sv.Slug]; n++ {
			sv.Slug = base + "-" + strconv.Itoa(n)
		}
		seen[sv.Slug] = true
		for _, days := range UptimeDays {
			from := s.Now.AddDate(0, 0, -days)
			down := Downtime(sv.Incidents, from, s.Now)
			sv.Uptime = append(sv.Uptime, Uptime{Days: days, Downtime: down,
				Share: 1 - float64(down)/float64(s.Now.Sub(from))})
		}
	}
	return cs
}

// label is the customer name of a severity: the configured label, else the
// severity itself.
func label(cfg *config.Config, sev string) string {
	if l, ok := cfg.Customer.SeverityLabels[sev]; ok {
		return l
	}
	return sev
}

// defaultTitle names an incident whose communication has no title from
// what customers may see: "Major outage: Public API, Dashboards".
func defaultTitle(i *Incident) string {
	t := i.Severity
	if t == "" {
		t = "Incident"
	}
	if len(i.Services) > 0 {
		names := make([]string, len(i.Services))
		for k, sv := range i.Services {
			names[k] = sv.Name
		}
		t += ": " + strings.Join(names, ", ")
	}
	return t
}

// Downtime is the weighted time the incidents were down within [from, to).
// Where incidents overlap, each moment counts once, at the largest weight
// among the incidents then under way, so two reports of one outage do not
// count it twice. Ongoing incidents run to to.
func Downtime(incidents []*Incident, from, to time.Time) time.Duration {
	type edge struct {
		at    time.Time
		w     float64
		start bool
	}
	var edges []edge
	for _, i := range incidents {
		if i.Start.IsZero() || i.weight <= 0 {
			continue
		}
		s, e := i.Start, i.End
		if e.IsZero() || e.After(to) {
			e = to
		}
		if s.Before(from) {
			s = from
		}
		if !e.After(s) {
			continue
		}
		edges = append(edges, edge{s, i.weight, true}, edge{e, i.weight, false})
	}
	slices.SortFunc(edges, func(a, b edge) int { return a.at.Compare(b.at) })
	var (
		total  float64
		active []float64 // weights under way
		prev   time.Time
	)
	for _, e := range edges {
		if len(active) > 0 {
			total += float64(e.at.Sub(prev)) * slices.Max(active)
		}
		prev = e.at
		if e.start {
			active = append(active, e.w)
		} else {
			active = slices.Delete(active, slices.Index(active, e.w), slices.Index(active, e.w)+1)
		}
	}
	return time.Duration(total + 0.5)
}

var tag = regexp.MustCompile(`<[^>]*>`)

// plain is the text of rendered HTML: tags dropped, entities decoded,
// blank space collapsed.
func plain(h template.HTML) string {
	return strings.Join(strings.Fields(html.UnescapeString(tag.ReplaceAllString(string(h), " "))), " ")
}
