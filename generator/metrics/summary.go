package metrics

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// Figures are the headline numbers of a set of incidents. Times are minutes;
// a nil figure has no data. The JSON names are those of hindsight stats --json.
type Figures struct {
	Incidents int `json:"incidents"` // every incident, ongoing ones included
	Ongoing   int `json:"ongoing"`   // incidents without a resolution

	// Time to detect, over incidents whose detection time is known.
	MTTDMinutes       *float64 `json:"mttd_minutes"`
	MTTDMedianMinutes *float64 `json:"mttd_median_minutes"`
	MTTDP90Minutes    *float64 `json:"mttd_p90_minutes"`
	MTTDIncidents     int      `json:"mttd_incidents"` // how many were measured

	// Time to mitigate, over mitigated incidents.
	MTTMMinutes       *float64 `json:"mttm_minutes"`
	MTTMMedianMinutes *float64 `json:"mttm_median_minutes"`
	MTTMP90Minutes    *float64 `json:"mttm_p90_minutes"`
	MTTMIncidents     int      `json:"mttm_incidents"`

	// Time to resolve, over resolved incidents.
	MTTRMinutes       *float64 `json:"mttr_minutes"`
	MTTRMedianMinutes *float64 `json:"mttr_median_minutes"`
	MTTRP90Minutes    *float64 `json:"mttr_p90_minutes"`
	MTTRIncidents     int      `json:"mttr_incidents"`

	ChangeInduced     int      `json:"change_induced"`      // incidents caused by a change
	Deployments       *int     `json:"deployments"`         // nil without deployment data
	ChangeFailureRate *float64 `json:"change_failure_rate"` // ChangeInduced ÷ Deployments; nil without data or deployments
}

// Count is a number of incidents (or actions) under a name.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Summary is the figures of the incidents of a period, with their breakdowns.
type Summary struct {
	Period Period `json:"period"`
	Figures
	BySeverity       []Count      `json:"by_severity"` // the scale in order, zeros included; then off-scale names; then "" for unrated
	ByService        []Count      `json:"by_service"`  // most incidents first, then by name
	ByTag            []Count      `json:"by_tag"`      // idem
	ByTrigger        []Count      `json:"by_trigger"`  // idem; incidents without a trigger are not counted
	OngoingIncidents IncidentList `json:"ongoing_ids"` // in the order of Metrics.Incidents
}

// IncidentList is a list of incidents; in JSON, a list of their ids.
type IncidentList []*postmortem.Postmortem

// MarshalJSON writes the ids.
func (l IncidentList) MarshalJSON() ([]byte, error) {
	ids := make([]string, len(l))
	for i, p := range l {
		ids[i] = p.ID
	}
	return json.Marshal(ids)
}

// Summary computes the figures of the incidents in period: all of them when
// service is "", else those that affected service (an incident of several
// services counts for each of them). The change failure rate of a service
// counts only that service's deployments.
func (m *Metrics) Summary(period Period, service string) Summary {
	return m.summary(period, service, true)
}

// summary is Summary, with the tallies by service, tag and trigger only
// when tallies is true (the monthly series do without them).
func (m *Metrics) summary(period Period, service string, tallies bool) Summary {
	list := m.selectIncidents(period, service) // a new slice
	k := memoKey{"summary", period, service, tallies}
	if v, ok := m.Memo.get(k, list, m.Deployments); ok {
		return v.(Summary)
	}
	s := m.summarise(period, service, tallies, list)
	m.Memo.put(k, list, m.Deployments, s)
	return s
}

// summarise computes the summary of the incidents in list.
func (m *Metrics) summarise(period Period, service string, tallies bool, list []*postmortem.Postmortem) Summary {
	s := Summary{Period: period, OngoingIncidents: IncidentList{}}
	s.Incidents = len(list)
	var detect, mitigate, resolve []float64
	var services, tags, triggers map[string]int
	if tallies {
		services, tags, triggers = make(map[string]int, 32), make(map[string]int, 64), make(map[string]int, 16)
	}
	for _, p := range list {
		if p.Ongoing() {
			s.Ongoing++
			s.OngoingIncidents = append(s.OngoingIncidents, p)
		}
		if p.ChangeInduced {
			s.ChangeInduced++
		}
		if d, ok := measured(p.StartedAt, p.DetectedAt, p.StatedDetect, p.TimeToDetect()); ok {
			detect = append(detect, d)
		}
		if d, ok := measured(p.StartedAt, p.MitigatedAt, p.StatedMitigate, p.TimeToMitigate()); ok {
			mitigate = append(mitigate, d)
		}
		if d, ok := measured(p.StartedAt, p.ResolvedAt, p.StatedResolve, p.TimeToResolve()); ok {
			resolve = append(resolve, d)
		}
		if tallies {
			for _, name := range p.Services {
				services[name]++
			}
			for _, name := range p.Tags {
				tags[name]++
			}
			if p.Trigger != "" {
				triggers[p.Trigger]++
			}
		}
	}
	s.MTTDIncidents = len(detect)
	s.MTTDMinutes, s.MTTDMedianMinutes, s.MTTDP90Minutes = describe(detect)
	s.MTTMIncidents = len(mitigate)
	s.MTTMMinutes, s.MTTMMedianMinutes, s.MTTMP90Minutes = describe(mitigate)
	s.MTTRIncidents = len(resolve)
	s.MTTRMinutes, s.MTTRMedianMinutes, s.MTTRP90Minutes = describe(resolve)
	if n, ok := m.Deployments.Count(period, service); ok {
		s.Deployments = &n
		s.ChangeFailureRate = share(s.ChangeInduced, n)
	}
	s.BySeverity = m.bySeverity(list)
	if tallies {
		s.ByService, s.ByTag, s.ByTrigger = tally(services), tally(tags), tally(triggers)
	}
	return s
}

// measured returns the minutes from start to end (d, from the postmortem's
// TimeToX method, which falls back to the stated duration), and whether
// they are known: both times written, or a duration stated in the text.
// Negative durations (times out of order, reported when the file is read)
// are not measurements.
func measured(start, end time.Time, stated, d time.Duration) (float64, bool) {
	known := !start.IsZero() && !end.IsZero() || stated > 0
	return d.Minutes(), known && d >= 0
}

// describe returns the mean, median and 90th percentile of xs; nil for all
// three when xs is empty. The median of an even count is the mean of the two
// middle values; the 90th percentile is by nearest rank: the value at rank
// ⌈0.9 × n⌉ (1-based) of the values in increasing order.
func describe(xs []float64) (mean, median, p90 *float64) {
	n := len(xs)
	if n == 0 {
		return nil, nil, nil
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	sum := 0.0
	for _, x := range sorted {
		sum += x
	}
	med := sorted[n/2]
	if n%2 == 0 {
		med = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return ptr(sum / float64(n)), &med, ptr(nearestRank(sorted, 90))
}

// nearestRank is the pct-th percentile of sorted values by the nearest-rank
// method: the value at rank ⌈pct/100 × n⌉, computed in integers.
func nearestRank(sorted []float64, pct int) float64 {
	rank := (pct*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func ptr[T any](v T) *T { return &v }

// bySeverity counts incidents by severity: the scale in order (zeros
// included, so charts keep their colours), then severities off the scale by
// name, then "" for incidents without one.
func (m *Metrics) bySeverity(list []*postmortem.Postmortem) []Count {
	n := map[string]int{}
	for _, p := range list {
		n[p.Severity]++
	}
	out := []Count{}
	for _, sev := range ordered(n, m.Severities, "") {
		out = append(out, Count{sev, n[sev]})
	}
	return out
}

// ordered lists the names of first, all of them, then the other keys of seen
// by name, then last when seen has it.
func ordered[V any](seen map[string]V, first []string, last string) []string {
	var others []string
	for name := range seen {
		if name != last && !slices.Contains(first, name) {
			others = append(others, name)
		}
	}
	slices.Sort(others)
	out := append(slices.Clone(first), others...)
	if _, ok := seen[last]; ok {
		out = append(out, last)
	}
	return out
}

// tally lists the counts by name, most frequent first, then by name.
func tally(n map[string]int) []Count {
	out := make([]Count, 0, len(n))
	for name, c := range n {
		out = append(out, Count{name, c})
	}
	slices.SortFunc(out, byCountThenName)
	return out
}

func byCountThenName(a, b Count) int {
	return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Name, b.Name))
}

// share is part ÷ whole, or nil when whole is 0.
func share(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	return ptr(float64(part) / float64(whole))
}
