package metrics

import "time"

// Month is one calendar month of a series, for charts.
type Month struct {
	Month  string `json:"month"`  // 2006-01, in the site's zone
	Period Period `json:"period"` // the month, cut to the period the series is for
	Figures
	BySeverity []Count `json:"by_severity"`
}

// Monthly computes the figures of each calendar month (in the site's zone)
// of period, for the organisation when service is "", else for service. The
// first and last months are cut to the period. An open side of the period is
// closed at the first or last month with an incident or a deployment, and the
// series runs at least to the month of Now when the end is open. Months
// without incidents are included, with zero counts and nil times. Incidents
// without a date are in no month.
func (m *Metrics) Monthly(period Period, service string) []Month {
	loc := m.loc()
	from, to := period.From, period.To
	if from.IsZero() || to.IsZero() {
		var lo, hi time.Time
		see := func(t time.Time) {
			if t.IsZero() || !period.Contains(t) {
				return
			}
			if lo.IsZero() || t.Before(lo) {
				lo = t
			}
			if hi.IsZero() || t.After(hi) {
				hi = t
			}
		}
		for _, p := range m.selectIncidents(period, service) {
			see(p.Date())
		}
		if m.Deployments != nil {
			for _, r := range m.Deployments.Rows {
				if service == "" || r.Service == service {
					see(r.At)
				}
			}
		}
		if to.IsZero() {
			see(m.Now)
		}
		if lo.IsZero() {
			return []Month{}
		}
		if from.IsZero() {
			from = monthStart(lo, loc)
		}
		if to.IsZero() {
			to = monthStart(hi, loc).AddDate(0, 1, 0)
		}
	}
	out := []Month{}
	for start := monthStart(from, loc); start.Before(to); start = start.AddDate(0, 1, 0) {
		bucket := Period{From: start, To: start.AddDate(0, 1, 0)}
		if bucket.From.Before(from) {
			bucket.From = from
		}
		if bucket.To.After(to) {
			bucket.To = to
		}
		s := m.summary(bucket, service, false)
		out = append(out, Month{Month: start.Format("2006-01"), Period: bucket, Figures: s.Figures, BySeverity: s.BySeverity})
	}
	return out
}

// monthStart is midnight on the first day of t's month in loc.
func monthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}
