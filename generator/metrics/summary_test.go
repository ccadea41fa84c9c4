package metrics

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name              string
		xs                []float64
		mean, median, p90 float64
	}{
		// n=1: everything is the one value; rank ⌈0.9⌉ = 1.
		{"one", []float64{7}, 7, 7, 7},
		// n=2: median (10+30)/2 = 20; rank ⌈1.8⌉ = 2 → 30.
		{"two", []float64{30, 10}, 20, 20, 30},
		// n=5 (odd): sorted 1 2 3 4 100; mean 110/5 = 22; median the 3rd = 3;
		// rank ⌈4.5⌉ = 5 → 100.
		{"odd", []float64{100, 3, 1, 4, 2}, 22, 3, 100},
		// n=10 (even): 1…10; mean 55/10 = 5.5; median (5+6)/2 = 5.5;
		// rank ⌈9.0⌉ = 9 → 9 (not the maximum).
		{"ten", []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5.5, 5.5, 9},
		// n=11 (odd): 1…11; mean 66/11 = 6; median the 6th = 6;
		// rank ⌈9.9⌉ = 10 → 10.
		{"eleven", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 6, 10},
		// n=20: 1…20; mean 210/20 = 10.5; median (10+11)/2 = 10.5;
		// rank ⌈18.0⌉ = 18 → 18.
		{"twenty", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 10.5, 10.5, 18},
	} {
		mean, median, p90 := describe(tc.xs)
		if *mean != tc.mean || *median != tc.median || *p90 != tc.p90 {
			t.Errorf("%s: mean, median, p90 = %v, %v, %v, want %v, %v, %v", tc.name, *mean, *median, *p90, tc.mean, tc.median, tc.p90)
		}
	}
	if mean, median, p90 := describe(nil); mean != nil || median != nil || p90 != nil {
		t.Error("no values must give no figures, not 0")
	}
}

func TestSummaryLast30Days(t *testing.T) {
	m := fixture(t)
	s := m.Summary(last30, "")
	// In [2025-03-11 00:00 CET, 2025-04-10 00:00 CEST): c-dst, d-ongoing,
	// e-nodetect. b-api-edge started at 2025-03-10 23:30 CET, 30 minutes
	// before the period in Paris (counting 30 days in UTC would have let it in:
	// 2025-04-09T22:00Z − 30 days = 2025-03-10T22:00Z, before its 22:30Z start).
	want := Figures{
		Incidents: 3,
		Ongoing:   1, // d-ongoing
		// detect: c-dst 15, d-ongoing 30 (an ongoing incident was still
		// detected); e-nodetect has no detected_at and is left out.
		// mean (15+30)/2 = 22.5; median 22.5; p90 rank ⌈1.8⌉ = 2 → 30.
		MTTDMinutes: f(22.5), MTTDMedianMinutes: f(22.5), MTTDP90Minutes: f(30), MTTDIncidents: 2,
		// mitigate: c-dst 45 (01:30 CET → 03:15 CEST is 00:30Z → 01:15Z),
		// e-nodetect 20; d-ongoing is not mitigated.
		// mean 65/2 = 32.5; median 32.5; p90 → 45.
		MTTMMinutes: f(32.5), MTTMMedianMinutes: f(32.5), MTTMP90Minutes: f(45), MTTMIncidents: 2,
		// resolve: c-dst 60 (00:30Z → 01:30Z, not the 120 of the clock),
		// e-nodetect 90; d-ongoing is left out.
		// mean 150/2 = 75; median 75; p90 → 90.
		MTTRMinutes: f(75), MTTRMedianMinutes: f(75), MTTRP90Minutes: f(90), MTTRIncidents: 2,
		// change-induced: c-dst, e-nodetect. Deployments in the period:
		// 03-11 api 1 (midnight 03-11 is the period's first instant), 03-30
		// api 4 + collector 6, 04-01 00:30 CEST collector 2 (written
		// 2025-03-31T22:30:00Z), 04-02 api 5 = 18; 04-10 api 9 is at the
		// period's end, outside it. Rate 2/18 = 1/9.
		ChangeInduced: 2, Deployments: n(18), ChangeFailureRate: f(2.0 / 18),
	}
	sameJSON(t, "figures", s.Figures, want)
	sameJSON(t, "by severity", s.BySeverity, []Count{{"SEV1", 1}, {"SEV2", 1}, {"SEV3", 1}, {"SEV4", 0}})
	// c-dst counts for both of its services.
	sameJSON(t, "by service", s.ByService, []Count{{"api", 2}, {"collector", 2}})
	sameJSON(t, "by tag", s.ByTag, []Count{{"network", 2}, {"database", 1}})
	sameJSON(t, "by trigger", s.ByTrigger, []Count{{"config change", 1}, {"deploy", 1}, {"traffic spike", 1}})
	sameJSON(t, "ongoing", s.OngoingIncidents, []string{"d-ongoing"})
}

func TestSummaryLast90Days(t *testing.T) {
	m := fixture(t)
	s := m.Summary(last90, "")
	// From 2025-01-10: every incident but g-old.
	want := Figures{
		Incidents: 6, Ongoing: 1,
		// detect: a 10, b 5, c 15, d 30, f 20 (stated) → 5 10 15 20 30;
		// mean 80/5 = 16; median 15; p90 rank ⌈4.5⌉ = 5 → 30.
		MTTDMinutes: f(16), MTTDMedianMinutes: f(15), MTTDP90Minutes: f(30), MTTDIncidents: 5,
		// mitigate: a 40, b 60, c 45, e 20 → 20 40 45 60 (f states none);
		// mean 165/4 = 41.25; median (40+45)/2 = 42.5; p90 rank ⌈3.6⌉ = 4 → 60.
		MTTMMinutes: f(41.25), MTTMMedianMinutes: f(42.5), MTTMP90Minutes: f(60), MTTMIncidents: 4,
		// resolve: a 90, b 240, c 60, e 90, f 180 → 60 90 90 180 240;
		// mean 660/5 = 132; median 90; p90 rank 5 → 240.
		MTTRMinutes: f(132), MTTRMedianMinutes: f(90), MTTRP90Minutes: f(240), MTTRIncidents: 5,
		// change-induced a, c, e = 3; deployments 3+5+10+1+4+6+2+5 = 36 → 3/36.
		ChangeInduced: 3, Deployments: n(36), ChangeFailureRate: f(3.0 / 36),
	}
	sameJSON(t, "figures", s.Figures, want)
	sameJSON(t, "by severity", s.BySeverity, []Count{{"SEV1", 2}, {"SEV2", 3}, {"SEV3", 1}, {"SEV4", 0}})
	sameJSON(t, "by service", s.ByService, []Count{{"api", 5}, {"collector", 2}})
}

func TestSummaryLast365DaysAndAllTime(t *testing.T) {
	m := fixture(t)
	// g-old joins: detect 0 (detected the minute it started: a real 0),
	// resolve 30.
	want := Figures{
		Incidents: 7, Ongoing: 1,
		// 0 5 10 15 20 30: mean 80/6; median (10+15)/2 = 12.5; p90 rank ⌈5.4⌉ = 6 → 30.
		MTTDMinutes: f(80.0 / 6), MTTDMedianMinutes: f(12.5), MTTDP90Minutes: f(30), MTTDIncidents: 6,
		MTTMMinutes: f(41.25), MTTMMedianMinutes: f(42.5), MTTMP90Minutes: f(60), MTTMIncidents: 4,
		// 30 60 90 90 180 240: mean 690/6 = 115; median (90+90)/2 = 90; p90 → 240.
		MTTRMinutes: f(115), MTTRMedianMinutes: f(90), MTTRP90Minutes: f(240), MTTRIncidents: 6,
		// 2024-04-10 … 2025-04-10 holds the same 36 deployments as 90 days.
		ChangeInduced: 3, Deployments: n(36), ChangeFailureRate: f(3.0 / 36),
	}
	sameJSON(t, "365 days", m.Summary(last365, "").Figures, want)
	// All time adds the 9 deployments of 2025-04-10: 3/45.
	want.Deployments, want.ChangeFailureRate = n(45), f(3.0/45)
	sameJSON(t, "all time", m.Summary(Period{}, "").Figures, want)
}

func TestSummaryPerService(t *testing.T) {
	m := fixture(t)
	api := m.Summary(last90, "api")
	// a, b, c, e, f. detect 10 5 15 20 → 5 10 15 20: mean 12.5, median 12.5,
	// p90 rank ⌈3.6⌉ = 4 → 20. mitigate a 40, b 60, c 45, e 20 as for the
	// organisation; resolve too (d-ongoing is collector's).
	// Change-induced a, c, e; api deployments 5+10+1+4+5 = 25 → 3/25 = 0.12.
	want := Figures{
		Incidents:   5,
		MTTDMinutes: f(12.5), MTTDMedianMinutes: f(12.5), MTTDP90Minutes: f(20), MTTDIncidents: 4,
		MTTMMinutes: f(41.25), MTTMMedianMinutes: f(42.5), MTTMP90Minutes: f(60), MTTMIncidents: 4,
		MTTRMinutes: f(132), MTTRMedianMinutes: f(90), MTTRP90Minutes: f(240), MTTRIncidents: 5,
		ChangeInduced: 3, Deployments: n(25), ChangeFailureRate: f(0.12),
	}
	sameJSON(t, "api, 90 days", api.Figures, want)

	// collector, 30 days: c-dst (also api's: counted once per service) and
	// d-ongoing. Its deployments: 6 + 2 = 8; c-dst was change-induced: 1/8.
	col := m.Summary(last30, "collector")
	want = Figures{
		Incidents: 2, Ongoing: 1,
		MTTDMinutes: f(22.5), MTTDMedianMinutes: f(22.5), MTTDP90Minutes: f(30), MTTDIncidents: 2,
		MTTMMinutes: f(45), MTTMMedianMinutes: f(45), MTTMP90Minutes: f(45), MTTMIncidents: 1,
		MTTRMinutes: f(60), MTTRMedianMinutes: f(60), MTTRP90Minutes: f(60), MTTRIncidents: 1,
		ChangeInduced: 1, Deployments: n(8), ChangeFailureRate: f(0.125),
	}
	sameJSON(t, "collector, 30 days", col.Figures, want)

	// billing: no incident and no deployment. The deployment data exists, so
	// deployments is 0, but the rate is "no deployment data", not 0; the
	// times are unknown, not 0.
	sameJSON(t, "billing", m.Summary(last30, "billing").Figures, Figures{Deployments: n(0)})
}

func TestSummaryWithoutDeploymentData(t *testing.T) {
	m := fixture(t)
	m.Deployments = nil
	s := m.Summary(last30, "")
	if s.ChangeInduced != 2 || s.Deployments != nil || s.ChangeFailureRate != nil {
		t.Errorf("without a deployments file: %d change-induced, deployments %v, rate %v; want 2, nil, nil",
			s.ChangeInduced, s.Deployments, s.ChangeFailureRate)
	}
}

func TestSummaryEdgeCases(t *testing.T) {
	m := &Metrics{Severities: []string{"SEV1", "SEV2"}, Incidents: []*postmortem.Postmortem{
		// Off the scale (kept from plain text), and unrated.
		{ID: "p1", Severity: "P1", StartedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		// Detected 5 minutes after it started; never resolved.
		{ID: "x", StartedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
			DetectedAt: time.Date(2025, 1, 2, 0, 5, 0, 0, time.UTC)},
		{ID: "y", DetectedAt: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC), ResolvedAt: time.Date(2025, 1, 3, 1, 0, 0, 0, time.UTC)},
	}}
	s := m.Summary(Period{}, "")
	sameJSON(t, "by severity", s.BySeverity, []Count{{"SEV1", 0}, {"SEV2", 0}, {"P1", 1}, {"", 2}})
	// x: detect 5 minutes. y: no start, so neither detect nor resolve is known
	// (it is not ongoing: it has a resolution).
	if s.MTTDIncidents != 1 || *s.MTTDMinutes != 5 || s.MTTRIncidents != 0 || s.MTTRMinutes != nil {
		t.Errorf("detect %d %v, resolve %d %v; want 1 5, 0 nil", s.MTTDIncidents, *s.MTTDMinutes, s.MTTRIncidents, s.MTTRMinutes)
	}
	if s.Ongoing != 2 {
		t.Errorf("ongoing = %d, want 2 (p1, x)", s.Ongoing)
	}
}
