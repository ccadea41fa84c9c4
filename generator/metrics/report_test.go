package metrics

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
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
