package metrics

import "testing"

func TestMonthly(t *testing.T) {
	m := fixture(t)
	months := m.Monthly(last90, "")
	// 90 days from 2025-01-10: January (cut), February, March, April (cut).
	var got []string
	for _, mo := range months {
		got = append(got, mo.Month)
	}
	sameJSON(t, "months", got, []string{"2025-01", "2025-02", "2025-03", "2025-04"})
	if !months[0].Period.From.Equal(at("2025-01-10 00:00")) || !months[0].Period.To.Equal(at("2025-02-01 00:00")) ||
		!months[3].Period.From.Equal(at("2025-04-01 00:00")) || !months[3].Period.To.Equal(now) {
		t.Errorf("first and last months: %v, %v", months[0].Period, months[3].Period)
	}
	type row struct {
		Incidents, Ongoing int
		Severity           []int
		Median, P90        *float64
		Deployments        *int
		Rate               *float64
	}
	var rows []row
	for _, mo := range months {
		var sev []int
		for _, c := range mo.BySeverity {
			sev = append(sev, c.Count)
		}
		rows = append(rows, row{mo.Incidents, mo.Ongoing, sev, mo.MTTRMedianMinutes, mo.MTTRP90Minutes, mo.Deployments, mo.ChangeFailureRate})
	}
	sameJSON(t, "rows", rows, []row{
		// January: no incident (times nil), 3 unattributed deployments on
		// 01-20, none change-induced: a real 0 % rate.
		{0, 0, []int{0, 0, 0, 0}, nil, nil, n(3), f(0)},
		// February: f-legacy (SEV2, 180 stated); 5 deployments, 0/5.
		{1, 0, []int{0, 1, 0, 0}, f(180), f(180), n(5), f(0)},
		// March: a (SEV1, 90), b (SEV2, 240), c (SEV1, 60 across the DST
		// change) → 60 90 240: median 90, p90 rank ⌈2.7⌉ = 3 → 240.
		// Deployments 10 + 1 + 4 + 6 = 21, a and c change-induced: 2/21.
		{3, 0, []int{2, 1, 0, 0}, f(90), f(240), n(21), f(2.0 / 21)},
		// April: d (SEV2, ongoing: not in MTTR), e (SEV3, 90).
		// Deployments 2 (04-01 00:30 in Paris, 03-31 in UTC) + 5 = 7;
		// e change-induced: 1/7. The 9 of 04-10 are at now, outside.
		{2, 1, []int{0, 1, 1, 0}, f(90), f(90), n(7), f(1.0 / 7)},
	})

	// 365 days: 2024-04 … 2025-04, 13 months. June 2024 has g-old but no
	// deployment: the rate is nil, not 0.
	months = m.Monthly(last365, "")
	if len(months) != 13 || months[2].Month != "2024-06" || months[2].Incidents != 1 ||
		*months[2].Deployments != 0 || months[2].ChangeFailureRate != nil {
		t.Errorf("365 days: %d months, %+v", len(months), months[2])
	}

	// All time runs from the first incident or deployment (g-old, 2024-06) to
	// the month of now; whole months.
	months = m.Monthly(Period{}, "")
	if len(months) != 11 || months[0].Month != "2024-06" || months[10].Month != "2025-04" ||
		!months[0].Period.From.Equal(at("2024-06-01 00:00")) || !months[10].Period.To.Equal(at("2025-05-01 00:00")) {
		t.Errorf("all time: %d months, %v … %v", len(months), months[0].Period, months[len(months)-1].Period)
	}
	// April of all time includes the 9 deployments of 04-10: 7 + 9 = 16.
	if *months[10].Deployments != 16 {
		t.Errorf("April, all time: %d deployments", *months[10].Deployments)
	}

	// A service without incidents or deployments over all time: the series
	// runs from now's month only.
	if months := m.Monthly(Period{}, "billing"); len(months) != 1 || months[0].Month != "2025-04" || months[0].Incidents != 0 {
		t.Errorf("billing: %+v", months)
	}
}
