package metrics

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json golden files (review the diff)")

// The JSON of a report has the fields hindsight stats --json promises, at
// the top level and for each service, with null where there is no data.
func TestReportJSONFields(t *testing.T) {
	m := fixture(t)
	b, err := json.Marshal(m.Report(last30))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	required := []string{"incidents", "mttr_minutes", "mttr_median_minutes", "mttr_p90_minutes", "mttd_minutes", "mttm_minutes", "change_failure_rate"}
	for _, k := range append(required, "services") {
		if _, ok := top[k]; !ok {
			t.Errorf("top level has no %q", k)
		}
	}
	// Figures of the last 30 days, as TestSummaryLast30Days works them out.
	for k, want := range map[string]any{"incidents": 3.0, "mttr_minutes": 75.0, "mttr_median_minutes": 75.0,
		"mttr_p90_minutes": 90.0, "mttd_minutes": 22.5, "mttm_minutes": 32.5, "change_failure_rate": 2.0 / 18} {
		if top[k] != want {
			t.Errorf("%s = %v, want %v", k, top[k], want)
		}
	}
	services := top["services"].(map[string]any)
	// The catalog, plus any service incidents name (none here beyond it).
	for _, name := range []string{"api", "billing", "collector", "docs"} {
		s, ok := services[name].(map[string]any)
		if !ok {
			t.Errorf("services has no %q", name)
			continue
		}
		for _, k := range append(required, "slo") {
			if _, ok := s[k]; !ok {
				t.Errorf("services.%s has no %q", name, k)
			}
		}
	}
	billing := services["billing"].(map[string]any)
	for _, k := range []string{"mttr_minutes", "mttr_median_minutes", "mttr_p90_minutes", "mttd_minutes", "mttm_minutes", "change_failure_rate"} {
		if billing[k] != nil {
			t.Errorf("billing %s = %v, want null", k, billing[k])
		}
	}
	if billing["incidents"] != 0.0 || billing["deployments"] != 0.0 {
		t.Errorf("billing: %v incidents, %v deployments; want 0, 0", billing["incidents"], billing["deployments"])
	}
	if services["docs"].(map[string]any)["slo"] != nil {
		t.Error("docs has no objective, its slo must be null")
	}
	if services["collector"].(map[string]any)["slo"].(map[string]any)["sla_breach"] != true {
		t.Error("collector's SLA breach is not in the JSON")
	}
	m.Deployments = nil
	b, _ = json.Marshal(m.Report(last30))
	if !bytes.Contains(b, []byte(`"deployments":null,"change_failure_rate":null`)) {
		t.Error("without deployment data, deployments and change_failure_rate must be null")
	}
}

// The whole report of the last 30 days, reviewed by hand in
// testdata/report-30d.json. Computing it twice gives the same bytes.
func TestReportGolden(t *testing.T) {
	m := fixture(t)
	got, err := json.MarshalIndent(m.Report(last30), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	again, _ := json.MarshalIndent(fixture(t).Report(last30), "", "  ")
	if !bytes.Equal(got[:len(got)-1], again) {
		t.Error("two reports of the same data differ")
	}
	const golden = "testdata/report-30d.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s; run go test -update and review the diff:\n%s", golden, got)
	}
}

// TestMemoAfterTextEdit: a postmortem read again with only its title and
// analysis changed leaves every figure as it was: the Memo hands back what
// it kept (the same slices), pointing to the new postmortem in the lists
// that show incidents; a changed time computes the figures again.
func TestMemoAfterTextEdit(t *testing.T) {
	memo := &Memo{}
	m := fixture(t)
	m.Memo = memo
	before := m.Summary(last90, "")
	sr := m.ServiceReport(last90, "collector")
	if len(before.OngoingIncidents) != 1 || before.OngoingIncidents[0].ID != "d-ongoing" || sr.SLO == nil {
		t.Fatalf("fixture: ongoing %v, collector SLO %v", before.OngoingIncidents, sr.SLO)
	}

	// d-ongoing read again: a new title, root cause and action title.
	edit := func(change func(p *postmortem.Postmortem)) (*Metrics, *postmortem.Postmortem) {
		next := fixture(t)
		next.Memo, next.Deployments = memo, m.Deployments // a session keeps the deployments
		for i, p := range next.Incidents {
			if p.ID == "d-ongoing" {
				c := *p
				change(&c)
				next.Incidents[i] = &c
				return next, &c
			}
		}
		t.Fatal("no d-ongoing")
		return nil, nil
	}
	// The fixture builds new postmortems each time: give the new Metrics
	// the same ones as before but d-ongoing, as a session does.
	same := func(next *Metrics) {
		for i, p := range next.Incidents {
			if p.ID != "d-ongoing" {
				next.Incidents[i] = m.Incidents[slices.IndexFunc(m.Incidents, func(q *postmortem.Postmortem) bool { return q.ID == p.ID })]
			}
		}
	}
	next, edited := edit(func(p *postmortem.Postmortem) {
		p.Title, p.RootCause = "Renamed", "Another cause"
		p.Actions = slices.Clone(p.Actions)
		for i := range p.Actions {
			p.Actions[i].Title += " (renamed)"
		}
	})
	same(next)
	after := next.Summary(last90, "")
	if &after.BySeverity[0] != &before.BySeverity[0] {
		t.Error("a title edit computed the summary again")
	}
	if len(after.OngoingIncidents) != 1 || after.OngoingIncidents[0] != edited {
		t.Errorf("ongoing after a title edit: %v, want the new postmortem", after.OngoingIncidents)
	}
	if before.OngoingIncidents[0] == edited {
		t.Error("the kept summary was changed in place")
	}
	sr2 := next.ServiceReport(last90, "collector")
	for _, c := range sr2.SLO.Incidents {
		if c.ID == "d-ongoing" && c.Incident != edited {
			t.Error("the SLO's consumer is still the old postmortem")
		}
	}

	// A changed fact: figures computed again.
	next, _ = edit(func(p *postmortem.Postmortem) { p.DetectedAt = p.DetectedAt.Add(10 * time.Minute) })
	same(next)
	again := next.Summary(last90, "")
	if &again.BySeverity[0] == &before.BySeverity[0] {
		t.Error("a changed detection time reused the kept summary")
	}
	sameJSON(t, "MTTD after the edit", again.MTTDMinutes, next.summarise(last90, "", true, next.selectIncidents(last90, "")).MTTDMinutes)
}
