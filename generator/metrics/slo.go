package metrics

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// Weights maps a severity to the share of an incident's duration counted as
// downtime, from 0 (not downtime) to 1 (full outage). A severity missing
// from the map weighs 0.
type Weights map[string]float64

// DefaultWeights weighs the most severe level of the scale 1 and the second
// 0.3, the others 0: SEV1 1, SEV2 0.3, SEV3 0, SEV4 0 on the default scale.
func DefaultWeights(severities []string) Weights {
	w := make(Weights, len(severities))
	for i, s := range severities {
		switch i {
		case 0:
			w[s] = 1
		case 1:
			w[s] = 0.3
		default:
			w[s] = 0
		}
	}
	return w
}

// Downtime is the weighted time an incident was down within [from, to): the
// overlap of its impact with the range, times the weight of its severity,
// rounded to the nanosecond. Its impact runs from its start (StartedAt, else
// Date) to its resolution (ResolvedAt, else start plus the stated time to
// resolve); an ongoing incident's impact runs to to, so pass now, or a time
// before it, as to. An incident with no date has no downtime. This is the
// weighting of both SLO availability and customer uptime.
func Downtime(p *postmortem.Postmortem, from, to time.Time, weights Weights) time.Duration {
	w := weights[p.Severity]
	if w <= 0 {
		return 0
	}
	return time.Duration(math.Round(float64(impact(p, from, to)) * w))
}

// Span is an incident's impact: from its start (StartedAt, else Date) to
// its resolution (ResolvedAt, else start plus the stated time to resolve).
// end is zero while the incident is ongoing, and start is zero for an
// incident with no date.
func Span(p *postmortem.Postmortem) (start, end time.Time) {
	start = p.Date()
	if start.IsZero() {
		return start, end
	}
	switch {
	case !p.ResolvedAt.IsZero():
		end = p.ResolvedAt
	case p.StatedResolve > 0:
		end = start.Add(p.StatedResolve)
	}
	return start, end
}

// impact is the unweighted overlap of p's impact with [from, to).
func impact(p *postmortem.Postmortem, from, to time.Time) time.Duration {
	start, end := Span(p)
	if start.IsZero() {
		return 0
	}
	if end.IsZero() {
		end = to
	}
	if start.Before(from) {
		start = from
	}
	if end.After(to) {
		end = to
	}
	if !end.After(start) {
		return 0
	}
	return end.Sub(start)
}

// SLO is where a service stands against its objective over the SLO window.
// Minutes are real elapsed minutes; availability is a fraction (0.999), the
// objective and SLA percentages (99.9) as the catalog writes them.
type SLO struct {
	Service          string        `json:"service"`
	Objective        float64       `json:"objective"` // percent
	SLA              *float64      `json:"sla"`       // percent; nil when the catalog sets none
	Window           Period        `json:"window"`
	WindowMinutes    float64       `json:"window_minutes"`
	Availability     float64       `json:"availability"`         // 1 − ConsumedMinutes ÷ WindowMinutes
	BudgetMinutes    float64       `json:"error_budget_minutes"` // (1 − Objective/100) × WindowMinutes
	ConsumedMinutes  float64       `json:"consumed_minutes"`     // weighted downtime in the window
	ConsumedShare    float64       `json:"consumed_share"`       // ConsumedMinutes ÷ BudgetMinutes; above 1 when overspent
	RemainingMinutes float64       `json:"remaining_minutes"`    // BudgetMinutes − ConsumedMinutes; negative when overspent
	Met              bool          `json:"met"`                  // Availability ≥ Objective
	SLABreach        bool          `json:"sla_breach"`           // Availability < SLA
	Incidents        []Consumption `json:"incidents"`            // those whose impact overlaps the window, oldest first
	Burn             []BurnDay     `json:"burn"`                 // one per calendar day of the window
}

// Consumption is what one incident took from a service's error budget.
type Consumption struct {
	Incident        *postmortem.Postmortem `json:"-"`
	ID              string                 `json:"id"`
	Severity        string                 `json:"severity"`
	Weight          float64                `json:"weight"`
	ImpactMinutes   float64                `json:"impact_minutes"`   // impact inside the window, unweighted
	ConsumedMinutes float64                `json:"consumed_minutes"` // ImpactMinutes × Weight
	BudgetShare     float64                `json:"budget_share"`     // ConsumedMinutes ÷ the budget
}

// BurnDay is the budget consumed from the start of the window to the end of
// one day (or to the end of the window, on its last day).
type BurnDay struct {
	Day              string  `json:"day"` // 2006-01-02 in the site's zone
	ConsumedMinutes  float64 `json:"consumed_minutes"`
	RemainingMinutes float64 `json:"remaining_minutes"`
}

// SLOWindow is the SLO window: the SLOWindowDays calendar days ending at Now.
func (m *Metrics) SLOWindow() Period {
	days := m.SLOWindowDays
	if days <= 0 {
		days = DefaultSLOWindowDays
	}
	return LastDays(m.Now, m.loc(), days)
}

// SLO computes where svc stands over the SLO window, from the incidents that
// affected it; nil when the catalog sets it no objective (or one of 100 %,
// which leaves no budget to measure). An incident
// crossing an edge of the window counts only its minutes inside it.
func (m *Metrics) SLO(svc config.Service) *SLO {
	if svc.SLO <= 0 || svc.SLO >= 100 {
		return nil
	}
	win := m.SLOWindow()
	weights := m.weights()
	s := &SLO{Service: svc.Name, Objective: svc.SLO, Window: win, Incidents: []Consumption{}}
	if svc.SLA > 0 {
		s.SLA = ptr(svc.SLA)
	}
	window := win.To.Sub(win.From)
	budget := allowed(svc.SLO, window)
	s.WindowMinutes, s.BudgetMinutes = window.Minutes(), budget.Minutes()
	var incidents []*postmortem.Postmortem
	var consumed time.Duration
	for _, p := range m.candidates(Period{}, svc.Name) { // every incident of the service
		in := impact(p, win.From, win.To)
		if in <= 0 {
			continue
		}
		incidents = append(incidents, p)
		d := Downtime(p, win.From, win.To, weights)
		consumed += d
		s.Incidents = append(s.Incidents, Consumption{Incident: p, ID: p.ID, Severity: p.Severity,
			Weight: weights[p.Severity], ImpactMinutes: in.Minutes(), ConsumedMinutes: d.Minutes(),
			BudgetShare: float64(d) / float64(budget)})
	}
	sortOldestFirst(s.Incidents)
	s.ConsumedMinutes = consumed.Minutes()
	s.Availability = 1 - float64(consumed)/float64(window)
	s.ConsumedShare = float64(consumed) / float64(budget)
	s.RemainingMinutes = (budget - consumed).Minutes()
	s.Met = consumed <= budget
	s.SLABreach = svc.SLA > 0 && consumed > allowed(svc.SLA, window)
	loc := m.loc()
	from := win.From.In(loc)
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc); day.Before(win.To); day = day.AddDate(0, 0, 1) {
		end := day.AddDate(0, 0, 1)
		if end.After(win.To) {
			end = win.To
		}
		var upTo time.Duration
		for _, p := range incidents {
			upTo += Downtime(p, win.From, end, weights)
		}
		s.Burn = append(s.Burn, BurnDay{Day: day.Format(time.DateOnly), ConsumedMinutes: upTo.Minutes(),
			RemainingMinutes: (budget - upTo).Minutes()})
	}
	return s
}

// allowed is the downtime an availability target in percent allows over a
// window, rounded to the nanosecond: that rounding absorbs the error of
// writing 99.9 in binary, so downtime exactly at the target meets it.
func allowed(pct float64, window time.Duration) time.Duration {
	return time.Duration(math.Round(float64(window) * (100 - pct) / 100))
}

func sortOldestFirst(cs []Consumption) {
	slices.SortStableFunc(cs, func(a, b Consumption) int {
		return cmp.Or(a.Incident.Date().Compare(b.Incident.Date()), strings.Compare(a.ID, b.ID))
	})
}

// SLOs computes the SLO of every catalog service with an objective, in
// catalog order (by name).
func (m *Metrics) SLOs() []*SLO {
	var out []*SLO
	for _, svc := range m.Services {
		if s := m.SLO(svc); s != nil {
			out = append(out, s)
		}
	}
	return out
}
