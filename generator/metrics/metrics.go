// Package metrics owns the improvement figures computed from postmortems:
// incident counts, time to detect / mitigate / resolve (mean, median, p90),
// change failure rate against deployment data, SLO availability and error
// budget per service, and follow-up of actions and retrospectives.
//
// A Metrics holds the incidents and what the figures depend on (now, the
// site's time zone, the severity scale, the service catalog, the severity
// weights, the SLO window and the deployments). Its methods compute:
//
//   - Summary: counts and durations over a Period, for the organisation or one
//     service, with the change failure rate;
//   - SLO and SLOs: availability and error budget of catalog services with an
//     objective, over the window of SLOWindowDays days ending now;
//   - FollowUp: state of actions and timeliness of retrospectives;
//   - Monthly: the series charts are drawn from, one entry per calendar month;
//   - Report: all of the above for one period, shaped for JSON
//     (hindsight stats --json, /metrics/metrics.json).
//
// Durations are minutes of real elapsed time (a daylight-saving change does
// not add or remove an hour), as float64. A figure without data is nil (null in
// JSON), never a made-up 0. Every definition is written out in docs/metrics.md.
package metrics

import (
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// DefaultSLOWindowDays is the SLO window when none is set.
const DefaultSLOWindowDays = 30

// Metrics computes figures over a set of incidents.
type Metrics struct {
	Incidents     []*postmortem.Postmortem
	Now           time.Time        // "today": end of the SLO window and of the standard views, overdue actions
	Location      *time.Location   // the site's time zone, for days and months; nil is UTC
	Severities    []string         // the scale, most severe first
	Services      []config.Service // the catalog
	Weights       Weights          // severity → weight in downtime; nil is DefaultWeights(Severities)
	SLOWindowDays int              // 0 is DefaultSLOWindowDays
	Deployments   *Deployments     // nil when there is no deployment data
	Memo          *Memo            // when set, keeps service reports for the next Metrics (see Memo)

	indexOnce sync.Once
	index     map[string]*incidentIndex      // by service name; "" for all
	order     map[*postmortem.Postmortem]int // position in Incidents
}

// New returns the metrics of incidents under cfg's zone, scale and catalog,
// with default weights and window and no deployment data.
func New(cfg *config.Config, incidents []*postmortem.Postmortem, now time.Time) *Metrics {
	return &Metrics{Incidents: incidents, Now: now, Location: cfg.Location,
		Severities: cfg.Severities, Services: cfg.Services}
}

// Only returns the same metrics over the incidents that keep reports true.
func (m *Metrics) Only(keep func(*postmortem.Postmortem) bool) *Metrics {
	var incidents []*postmortem.Postmortem
	for _, p := range m.Incidents {
		if keep(p) {
			incidents = append(incidents, p)
		}
	}
	return &Metrics{Incidents: incidents, Now: m.Now, Location: m.Location, Severities: m.Severities,
		Services: m.Services, Weights: m.Weights, SLOWindowDays: m.SLOWindowDays, Deployments: m.Deployments}
}

func (m *Metrics) loc() *time.Location {
	if m.Location == nil {
		return time.UTC
	}
	return m.Location
}

func (m *Metrics) weights() Weights {
	if m.Weights == nil {
		return DefaultWeights(m.Severities)
	}
	return m.Weights
}

// selectIncidents returns the incidents in period, of service when it is not
// "", in the order of m.Incidents.
func (m *Metrics) selectIncidents(period Period, service string) []*postmortem.Postmortem {
	cands := m.candidates(period, service)
	if period.From.IsZero() && period.To.IsZero() {
		return slices.Clone(cands) // all time: every incident, in order already
	}
	// The candidates are in date order: put them back in the incidents'
	// order through their positions (sorting numbers, not looking each
	// postmortem up at every comparison).
	pos := make([]int, 0, len(cands))
	for _, p := range cands {
		if period.Includes(p) {
			pos = append(pos, m.order[p])
		}
	}
	slices.Sort(pos)
	out := make([]*postmortem.Postmortem, len(pos))
	for i, k := range pos {
		out[i] = m.Incidents[k]
	}
	return out
}

// candidates narrows the incidents to those of service (all when "") that
// can be in period: the monthly series ask for hundreds of short periods,
// per service, over thousands of incidents, so the incidents are indexed by
// service and date once.
func (m *Metrics) candidates(period Period, service string) []*postmortem.Postmortem {
	m.indexOnce.Do(func() {
		m.order = make(map[*postmortem.Postmortem]int, len(m.Incidents))
		m.index = map[string]*incidentIndex{"": {}}
		for i, p := range m.Incidents {
			m.order[p] = i
			m.index[""].add(p)
			for k, name := range p.Services {
				if !slices.Contains(p.Services[:k], name) {
					ix := m.index[name]
					if ix == nil {
						ix = &incidentIndex{}
						m.index[name] = ix
					}
					ix.add(p)
				}
			}
		}
		for _, ix := range m.index {
			ix.sortByDate()
		}
	})
	ix := m.index[service]
	if ix == nil {
		return nil
	}
	if period.From.IsZero() && period.To.IsZero() {
		return ix.all // all time includes incidents without a date
	}
	lo, hi := 0, len(ix.byDate)
	if !period.From.IsZero() {
		lo, _ = slices.BinarySearchFunc(ix.byDate, period.From, func(p *postmortem.Postmortem, t time.Time) int { return p.Date().Compare(t) })
	}
	if !period.To.IsZero() {
		hi, _ = slices.BinarySearchFunc(ix.byDate, period.To, func(p *postmortem.Postmortem, t time.Time) int { return p.Date().Compare(t) })
	}
	if lo > hi {
		return nil
	}
	return ix.byDate[lo:hi]
}

// incidentIndex is the incidents of one service, or of all.
type incidentIndex struct {
	all    []*postmortem.Postmortem // in the order of Metrics.Incidents
	byDate []*postmortem.Postmortem // dated ones, oldest first
}

func (ix *incidentIndex) add(p *postmortem.Postmortem) {
	ix.all = append(ix.all, p)
	if !p.Date().IsZero() {
		ix.byDate = append(ix.byDate, p)
	}
}

// sortByDate sorts byDate oldest first, stably. A site's incidents come
// newest first (see site.Site): reversed, with the runs of one date put
// back in their order, they are sorted already, which takes no sort.
func (ix *incidentIndex) sortByDate() {
	b := ix.byDate
	dates := make([]time.Time, len(b))
	for i, p := range b {
		dates[i] = p.Date()
	}
	newestFirst := true
	for i := 1; i < len(b) && newestFirst; i++ {
		newestFirst = !dates[i].After(dates[i-1])
	}
	if !newestFirst {
		slices.SortStableFunc(b, func(x, y *postmortem.Postmortem) int { return x.Date().Compare(y.Date()) })
		return
	}
	slices.Reverse(b)
	slices.Reverse(dates)
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && dates[j].Equal(dates[i]) {
			j++
		}
		slices.Reverse(b[i:j])
		i = j
	}
}

// ServiceNames lists the catalog's services and those incidents name,
// sorted: the services of a Report.
func (m *Metrics) ServiceNames() []string {
	var names []string
	for _, s := range m.Services {
		names = append(names, s.Name)
	}
	m.candidates(Period{}, "") // builds the index by service
	for name := range m.index {
		if name != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Report is every figure for one period, shaped for JSON: the organisation's
// summary at the top level, the same per service under "services".
type Report struct {
	AsOf time.Time `json:"as_of"` // Now
	Summary
	FollowUp FollowUp                 `json:"follow_up"`
	Months   []Month                  `json:"months"`
	Services map[string]ServiceReport `json:"services"` // catalog services and every service incidents name
}

// ServiceReport is one service's figures for the period, and its SLO.
type ServiceReport struct {
	Summary
	SLO    *SLO    `json:"slo"` // null when the catalog sets no slo; its window is its own, not the period
	Months []Month `json:"months"`
}

// Report computes the figures for period.
func (m *Metrics) Report(period Period) Report {
	r := Report{AsOf: m.Now, Summary: m.Summary(period, ""), FollowUp: m.FollowUp(period),
		Months: m.Monthly(period, ""), Services: map[string]ServiceReport{}}
	for _, name := range m.ServiceNames() {
		r.Services[name] = m.ServiceReport(period, name)
	}
	return r
}

// ServiceReport computes one service's figures for period (Report holds
// them all), or takes them from the Memo.
func (m *Metrics) ServiceReport(period Period, name string) ServiceReport {
	incidents := m.candidates(Period{}, name)
	k := memoKey{"report", period, name, false}
	if v, ok := m.Memo.get(k, incidents, m.Deployments); ok {
		return v.(ServiceReport)
	}
	sr := ServiceReport{Summary: m.Summary(period, name), Months: m.Monthly(period, name)}
	if i := slices.IndexFunc(m.Services, func(s config.Service) bool { return s.Name == name }); i >= 0 {
		sr.SLO = m.SLO(m.Services[i])
	}
	m.Memo.put(k, slices.Clone(incidents), m.Deployments, sr)
	return sr
}

// Memo keeps each service's report, each summary (of a period, of a
// month) and each period's follow-up, from one Metrics to the next: one
// whose incidents are the same postmortems as before, or postmortems that
// differ only in text the figures do not read (see get), and whose
// deployments are the same data, is kept. After an edit `hindsight serve`
// then computes again only the figures the edited postmortem is part of,
// and none when the edit was to its text. A Memo belongs to one config and
// one "today"; it is safe for concurrent use, and a nil Memo keeps nothing.
type Memo struct {
	mu   sync.Mutex
	kept map[memoKey]memoEntry
}

type memoKey struct {
	what    string // "report" (a ServiceReport), "summary" (a Summary) or "followup" (a FollowUp)
	period  Period
	service string
	tallies bool
}

type memoEntry struct {
	incidents   []*postmortem.Postmortem // what the figures were computed from
	deployments *Deployments
	value       any
}

// get returns what is kept under k if it was computed from the same
// incidents and deployments. An incident that is a new postmortem (its file
// was edited) counts as the same when the figures read nothing of what
// changed (sameFigures): an edit to a title, the analysis or the body
// leaves every figure as it was. What is kept then points to the new
// postmortem, for the lists that show incidents (ongoing ones, SLO
// consumers).
func (c *Memo) get(k memoKey, incidents []*postmortem.Postmortem, deps *Deployments) (any, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.kept[k]
	if !ok || e.deployments != deps || len(e.incidents) != len(incidents) {
		return nil, false
	}
	var moved map[*postmortem.Postmortem]*postmortem.Postmortem
	for i, p := range incidents {
		if old := e.incidents[i]; old != p {
			if !sameFigures(old, p) {
				return nil, false
			}
			if moved == nil {
				moved = map[*postmortem.Postmortem]*postmortem.Postmortem{}
			}
			moved[old] = p
		}
	}
	if moved != nil {
		v, ok := repoint(e.value, moved)
		if !ok {
			return nil, false
		}
		e.incidents, e.value = slices.Clone(incidents), v
		c.kept[k] = e
	}
	return e.value, true
}

// sameFigures reports whether the metrics count a and b alike: whether
// they differ at most in text the figures never read (the title, the
// analysis, the timeline, the customer text, the body, action titles and
// links, line numbers). Anything else, including fields added later,
// counts.
func sameFigures(a, b *postmortem.Postmortem) bool {
	if a == b {
		return true
	}
	strip := func(p *postmortem.Postmortem) postmortem.Postmortem {
		c := *p
		c.Title, c.RootCause, c.Body, c.Lines = "", "", "", nil
		c.ContributingFactors, c.FiveWhys, c.Ishikawa, c.Timeline = nil, nil, nil, nil
		c.Customer = postmortem.Customer{}
		c.Actions = make([]postmortem.Action, len(p.Actions))
		for i, a := range p.Actions {
			a.Title, a.Link, a.Line = "", "", 0
			c.Actions[i] = a
		}
		return c
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// repoint returns a kept value with the incidents it lists replaced as
// moved says (copies: the old value may be in use), and false for a value
// it does not know.
func repoint(v any, moved map[*postmortem.Postmortem]*postmortem.Postmortem) (any, bool) {
	summary := func(s Summary) Summary {
		if slices.ContainsFunc(s.OngoingIncidents, func(p *postmortem.Postmortem) bool { return moved[p] != nil }) {
			l := slices.Clone(s.OngoingIncidents)
			for i, p := range l {
				if n := moved[p]; n != nil {
					l[i] = n
				}
			}
			s.OngoingIncidents = l
		}
		return s
	}
	switch v := v.(type) {
	case Summary:
		return summary(v), true
	case FollowUp: // counts only
		return v, true
	case ServiceReport:
		v.Summary = summary(v.Summary)
		if v.SLO != nil && slices.ContainsFunc(v.SLO.Incidents, func(c Consumption) bool { return moved[c.Incident] != nil }) {
			slo := *v.SLO
			slo.Incidents = slices.Clone(slo.Incidents)
			for i, c := range slo.Incidents {
				if n := moved[c.Incident]; n != nil {
					slo.Incidents[i].Incident = n
				}
			}
			v.SLO = &slo
		}
		return v, true
	}
	return nil, false
}

// put keeps v under k; incidents must not change afterwards.
func (c *Memo) put(k memoKey, incidents []*postmortem.Postmortem, deps *Deployments, v any) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kept == nil {
		c.kept = map[memoKey]memoEntry{}
	}
	c.kept[k] = memoEntry{incidents, deps, v}
}
