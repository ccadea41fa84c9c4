package metrics

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// The fixture corpus: seven incidents of a site in Europe/Paris, built by
// hand so that every figure the tests assert can be worked out on paper.
// Times are Paris wall-clock times; France moved from CET (UTC+1) to CEST
// (UTC+2) on 2025-03-30 at 02:00, inside the last 30 days.
//
//	id          sev   services         start             detect  mitigate  resolve   change  trigger
//	a-api-db    SEV1  api              2025-03-05 10:00  +10     +40       +90       yes     deploy
//	b-api-edge  SEV2  api              2025-03-10 23:30  +5      +60       +240      no      traffic spike
//	c-dst       SEV1  collector, api   2025-03-30 01:30  +15     +45 (1)   +60 (1)   yes     config change
//	d-ongoing   SEV2  collector        2025-04-09 20:00  +30     -         ongoing   no      traffic spike
//	e-nodetect  SEV3  api              2025-04-02 09:00  -       +20       +90       yes     deploy
//	f-legacy    SEV2  api              2025-02-10 14:00 (2)  +20 (3)  -   +180 (3)   no      -
//	g-old       SEV4  collector        2024-06-15 08:00  +0      -         +30       no      -
//
// (1) mitigated at 03:15 and resolved at 03:30 CEST: 1 h 45 and 2 h on the
// clock, but 45 and 60 minutes of real time across the DST change.
// (2) no started_at: placed by its first timeline event.
// (3) durations stated in the text of a legacy postmortem.
//
// Now is 2025-04-10 00:00 in Paris (2025-04-09T22:00Z).

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at reads a Paris wall-clock time, "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

var now = at("2025-04-10 00:00")

func corpus() []*postmortem.Postmortem {
	return []*postmortem.Postmortem{
		{ID: "d-ongoing", Severity: "SEV2", Services: []string{"collector"}, Tags: []string{"network"}, Trigger: "traffic spike",
			StartedAt: at("2025-04-09 20:00"), DetectedAt: at("2025-04-09 20:30")},
		{ID: "e-nodetect", Severity: "SEV3", Services: []string{"api"}, Tags: []string{"database"}, Trigger: "deploy", ChangeInduced: true,
			StartedAt: at("2025-04-02 09:00"), MitigatedAt: at("2025-04-02 09:20"), ResolvedAt: at("2025-04-02 10:30"),
			Actions: []postmortem.Action{
				{Title: "Runbook for pool exhaustion", Type: "tool", Owner: "bob", Status: "open"},
				{Title: "Review migrations", Type: "formalize", Owner: "carol", Status: "done"},
			}},
		{ID: "c-dst", Severity: "SEV1", Services: []string{"collector", "api"}, Tags: []string{"network"}, Trigger: "config change", ChangeInduced: true,
			StartedAt: at("2025-03-30 01:30"), DetectedAt: at("2025-03-30 01:45"),
			MitigatedAt: at("2025-03-30 03:15"), ResolvedAt: at("2025-03-30 03:30"),
			Actions: []postmortem.Action{
				{Title: "Test config pushes", Type: "test", Status: "open", Due: at("2025-05-01 00:00")},
				{Title: "Tell customers", Type: "inform", Owner: "alice", Status: "wontfix"},
			},
			// Exactly 72 h after resolution: on time.
			Retrospective: postmortem.Retrospective{Date: at("2025-04-02 03:30")}},
		{ID: "b-api-edge", Severity: "SEV2", Services: []string{"api"}, Tags: []string{"capacity"}, Trigger: "traffic spike",
			StartedAt: at("2025-03-10 23:30"), DetectedAt: at("2025-03-10 23:35"),
			MitigatedAt: at("2025-03-11 00:30"), ResolvedAt: at("2025-03-11 03:30"),
			// 6 days 6 h 30 after resolution: late.
			Retrospective: postmortem.Retrospective{Date: at("2025-03-17 10:00")}},
		{ID: "a-api-db", Severity: "SEV1", Services: []string{"api"}, Tags: []string{"database"}, Trigger: "deploy", ChangeInduced: true,
			StartedAt: at("2025-03-05 10:00"), DetectedAt: at("2025-03-05 10:10"),
			MitigatedAt: at("2025-03-05 10:40"), ResolvedAt: at("2025-03-05 11:30"),
			Actions: []postmortem.Action{
				{Title: "Add the missing index", Type: "fix", Owner: "alice", Status: "done"},
				{Title: "Check query plans in CI", Type: "automate", Owner: "bob", Status: "open", Due: at("2025-03-20 00:00")},
			},
			// 26 h 30 after resolution: on time.
			Retrospective: postmortem.Retrospective{Date: at("2025-03-06 14:00")}},
		{ID: "f-legacy", Severity: "SEV2", Services: []string{"api"},
			Timeline:     []postmortem.Event{{At: at("2025-02-10 14:00"), Event: "alert fired"}},
			StatedDetect: 20 * time.Minute, StatedResolve: 3 * time.Hour,
			// Resolution time not written: the delay is unknown.
			Retrospective: postmortem.Retrospective{Date: at("2025-02-12 10:00")}},
		{ID: "g-old", Severity: "SEV4", Services: []string{"collector"},
			StartedAt: at("2024-06-15 08:00"), DetectedAt: at("2024-06-15 08:00"), ResolvedAt: at("2024-06-15 08:30"),
			Actions: []postmortem.Action{{Title: "inferred from text", Owner: "dave", Status: "open"}}},
	}
}

// catalog: api and collector have objectives (and an SLA), billing has an
// objective and no incident, docs has no objective.
var catalog = []config.Service{
	{Name: "api", SLO: 99.9, SLA: 99.5},
	{Name: "billing", SLO: 99.95},
	{Name: "collector", SLO: 99.9, SLA: 99.8},
	{Name: "docs"},
}

// fixture returns the metrics of the corpus with testdata/deployments.csv.
func fixture(t *testing.T) *Metrics {
	t.Helper()
	deps, diags := LoadDeployments("testdata/deployments.csv", paris)
	if len(diags) > 0 {
		t.Fatalf("deployments: %v", diags)
	}
	cfg := config.Default()
	cfg.Location, cfg.Services = paris, catalog
	m := New(cfg, corpus(), now)
	m.Deployments = deps
	return m
}

// The standard periods of the fixture.
var (
	last30  = LastDays(now, paris, 30)  // [2025-03-11 00:00 CET, 2025-04-10 00:00 CEST): 30 × 1440 − 60 = 43140 min
	last90  = LastDays(now, paris, 90)  // [2025-01-10 00:00 CET, 2025-04-10 00:00 CEST)
	last365 = LastDays(now, paris, 365) // [2024-04-10 00:00 CEST, 2025-04-10 00:00 CEST)
)

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }

// sameJSON fails unless got and want marshal to the same JSON. JSON writes
// the shortest text that reads back as the same float64, so equal text is
// equal numbers, exactly.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// eq fails unless got is exactly want.
func eq(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// near fails unless got is want to 1e-9: for figures whose hand
// computation and program computation may round differently in the last bit.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func messages(l diag.List) []string {
	var out []string
	for _, d := range l {
		out = append(out, d.String())
	}
	return out
}
