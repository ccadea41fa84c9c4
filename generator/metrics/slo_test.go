package metrics

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

func TestDowntime(t *testing.T) {
	byID := map[string]*postmortem.Postmortem{}
	for _, p := range corpus() {
		byID[p.ID] = p
	}
	w := DefaultWeights(config.DefaultSeverities)
	if w["SEV1"] != 1 || w["SEV2"] != 0.3 || w["SEV3"] != 0 || w["SEV4"] != 0 || len(w) != 4 {
		t.Errorf("default weights = %v", w)
	}
	from, to := last30.From, last30.To
	for _, tc := range []struct {
		id       string
		from, to time.Time
		weights  Weights
		want     time.Duration
	}{
		// b-api-edge, 23:30 → 03:30, crosses the window's start at 00:00:
		// 210 minutes inside, × 0.3 = 63.
		{"b-api-edge", from, to, w, 63 * time.Minute},
		// The same, fully weighted.
		{"b-api-edge", from, to, Weights{"SEV2": 1}, 210 * time.Minute},
		// Before the window (or outside the range asked), nothing.
		{"b-api-edge", at("2025-03-12 00:00"), to, w, 0},
		// c-dst: 60 real minutes across the DST change, × 1.
		{"c-dst", from, to, w, 60 * time.Minute},
		// e-nodetect: SEV3 weighs 0.
		{"e-nodetect", from, to, w, 0},
		// d-ongoing runs to the end of the range: 20:00 → 00:00 = 240 × 0.3 = 72,
		{"d-ongoing", from, to, w, 72 * time.Minute},
		// or 20:00 → 22:00 = 120 × 0.3 = 36 when the range ends earlier.
		{"d-ongoing", from, at("2025-04-09 22:00"), w, 36 * time.Minute},
		// f-legacy: 14:00 + the stated 3 h, × 0.3 = 54.
		{"f-legacy", at("2025-02-01 00:00"), at("2025-03-01 00:00"), w, 54 * time.Minute},
		// A severity missing from the weights weighs 0.
		{"c-dst", from, to, Weights{"SEV2": 1}, 0},
	} {
		if got := Downtime(byID[tc.id], tc.from, tc.to, tc.weights); got != tc.want {
			t.Errorf("Downtime(%s, %v, %v, %v) = %v, want %v", tc.id, tc.from, tc.to, tc.weights, got, tc.want)
		}
	}
	if got := Downtime(&postmortem.Postmortem{Severity: "SEV1"}, from, to, w); got != 0 {
		t.Errorf("an undated incident has downtime %v", got)
	}
}

func TestSLO(t *testing.T) {
	m := fixture(t)
	// The window is the last 30 days: [2025-03-11 00:00 CET, 2025-04-10
	// 00:00 CEST), which loses an hour on 2025-03-30: 30 × 1440 − 60 = 43140
	// real minutes.
	slos := m.SLOs()
	if len(slos) != 3 || slos[0].Service != "api" || slos[1].Service != "billing" || slos[2].Service != "collector" {
		t.Fatalf("SLOs for %v; want api, billing, collector (docs has no objective)", slos)
	}
	if m.SLO(catalog[3]) != nil {
		t.Error("docs has no objective but got an SLO")
	}
	api, billing, col := slos[0], slos[1], slos[2]
	for _, s := range slos {
		if s.Window != last30 || s.WindowMinutes != 43140 {
			t.Errorf("%s: window %v, %v minutes", s.Service, s.Window, s.WindowMinutes)
		}
	}

	// api, objective 99.9, SLA 99.5. a-api-db and f-legacy are before the
	// window. b-api-edge: 210 minutes inside × 0.3 = 63; c-dst: 60 × 1 = 60;
	// e-nodetect: 90 × 0 = 0. Consumed 123 minutes.
	// Budget (1 − 0.999) × 43140 = 43.14; remaining 43.14 − 123 = −79.86
	// (minutes are durations rounded to the nanosecond: these are exact);
	// availability 1 − 123/43140 ≈ 0.997149, under 99.9 % but above 99.5 %
	// (the SLA allows 0.005 × 43140 = 215.7 minutes).
	eq(t, "api budget", api.BudgetMinutes, 43.14)
	eq(t, "api consumed", api.ConsumedMinutes, 123)
	eq(t, "api remaining", api.RemainingMinutes, -79.86)
	near(t, "api share", api.ConsumedShare, 123/43.14)
	near(t, "api availability", api.Availability, 1-123.0/43140)
	if api.Met || api.SLABreach || *api.SLA != 99.5 || api.Objective != 99.9 {
		t.Errorf("api: met %v, breach %v, SLA %v", api.Met, api.SLABreach, *api.SLA)
	}
	wantIncidents := []struct {
		id               string
		impact, consumed float64
	}{{"b-api-edge", 210, 63}, {"c-dst", 60, 60}, {"e-nodetect", 90, 0}}
	if len(api.Incidents) != len(wantIncidents) {
		t.Fatalf("api incidents: %+v", api.Incidents)
	}
	for i, w := range wantIncidents {
		c := api.Incidents[i]
		if c.ID != w.id || c.ImpactMinutes != w.impact || c.ConsumedMinutes != w.consumed {
			t.Errorf("api incident %d = %s %v %v, want %+v", i, c.ID, c.ImpactMinutes, c.ConsumedMinutes, w)
		}
		near(t, "budget share of "+c.ID, c.BudgetShare, w.consumed/43.14)
	}
	// Burn: one point per day of the window, 03-11 … 04-09 (30 days, the
	// window starting and ending at midnight). b-api-edge's 63 are on the
	// first day; c-dst's 60 on 03-30, the 23-hour day.
	burn(t, "api", api.Burn, 43.14, map[int]burnPoint{
		0: {"2025-03-11", 63}, 18: {"2025-03-29", 63}, 19: {"2025-03-30", 123}, 29: {"2025-04-09", 123}})

	// collector, objective 99.9, SLA 99.8: c-dst 60 + d-ongoing 240 × 0.3 =
	// 72 (ongoing, its downtime runs to now) = 132. The SLA allows
	// 0.002 × 43140 = 86.28 minutes: breached.
	eq(t, "collector consumed", col.ConsumedMinutes, 132)
	near(t, "collector availability", col.Availability, 1-132.0/43140)
	eq(t, "collector remaining", col.RemainingMinutes, 43.14-132)
	if col.Met || !col.SLABreach {
		t.Errorf("collector: met %v, SLA breach %v; want false, true", col.Met, col.SLABreach)
	}
	burn(t, "collector", col.Burn, 43.14, map[int]burnPoint{
		0: {"2025-03-11", 0}, 19: {"2025-03-30", 60}, 28: {"2025-04-08", 60}, 29: {"2025-04-09", 132}})

	// billing, objective 99.95, no incident: 100 %, nothing consumed, the
	// whole budget (1 − 0.9995) × 43140 = 21.57 minutes left; no SLA.
	if billing.Availability != 1 || billing.ConsumedMinutes != 0 || !billing.Met || billing.SLABreach ||
		billing.SLA != nil || len(billing.Incidents) != 0 {
		t.Errorf("billing: %+v", billing)
	}
	eq(t, "billing remaining", billing.RemainingMinutes, 21.57)
	burn(t, "billing", billing.Burn, 21.57, map[int]burnPoint{0: {"2025-03-11", 0}, 29: {"2025-04-09", 0}})
}

type burnPoint struct {
	day      string
	consumed float64
}

func burn(t *testing.T, service string, got []BurnDay, budget float64, want map[int]burnPoint) {
	t.Helper()
	if len(got) != 30 {
		t.Fatalf("%s: %d burn days, want 30", service, len(got))
	}
	for i, w := range want {
		if got[i].Day != w.day || got[i].ConsumedMinutes != w.consumed {
			t.Errorf("%s burn[%d] = %+v, want %s %v", service, i, got[i], w.day, w.consumed)
		}
		eq(t, service+" remaining on "+w.day, got[i].RemainingMinutes, budget-w.consumed)
	}
}

func TestSLOWindowSettings(t *testing.T) {
	m := fixture(t)
	// A 7-day window, [04-03 00:00, 04-10 00:00) = 10080 minutes, with
	// SEV2 weighing 1: collector has d-ongoing, 240 minutes.
	m.SLOWindowDays, m.Weights = 7, Weights{"SEV1": 1, "SEV2": 1}
	s := m.SLO(catalog[2])
	if s.WindowMinutes != 10080 || s.ConsumedMinutes != 240 || len(s.Burn) != 7 {
		t.Errorf("7-day window: %v minutes, %v consumed, %d days", s.WindowMinutes, s.ConsumedMinutes, len(s.Burn))
	}
	// A window starting mid-day (now at 15:00) has a partial first and last
	// day: 8 burn points for 7 days, labelled by the site's days.
	m.Now = at("2025-04-10 15:00")
	s = m.SLO(catalog[2])
	if len(s.Burn) != 8 || s.Burn[0].Day != "2025-04-03" || s.Burn[7].Day != "2025-04-10" {
		t.Errorf("burn days %v … %v (%d)", s.Burn[0].Day, s.Burn[len(s.Burn)-1].Day, len(s.Burn))
	}
	// Exactly at the objective is met, whatever the float rounding:
	// a 1-day window of 1440 minutes at 99.9 % allows 1.44 minutes
	// (1 min 26.4 s), and the incident lasted exactly that.
	m = &Metrics{Now: at("2025-04-10 00:00"), SLOWindowDays: 1, Location: paris, Severities: config.DefaultSeverities,
		Incidents: []*postmortem.Postmortem{{ID: "x", Severity: "SEV1", Services: []string{"s"},
			StartedAt: at("2025-04-09 12:00"), ResolvedAt: at("2025-04-09 12:01").Add(26400 * time.Millisecond)}}}
	if s := m.SLO(config.Service{Name: "s", SLO: 99.9, SLA: 99.9}); !s.Met || s.SLABreach {
		t.Errorf("just within the objective: met %v, breach %v", s.Met, s.SLABreach)
	}
}
