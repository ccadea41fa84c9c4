package build

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleMetricsFiles checks metrics.json and metrics.csv of the example:
// every view is there with the fields the issue names, the counts agree with
// the site, the example's deployments give a change failure rate, and the
// CSV has a row per view and service.
func TestExampleMetricsFiles(t *testing.T) {
	out, res := exampleOutput(t)
	b, err := os.ReadFile(filepath.Join(out, "metrics", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var views map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &views); err != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	for _, key := range []string{"30d", "90d", "365d", "all"} {
		v, ok := views[key]
		if !ok {
			t.Fatalf("metrics.json has no view %q", key)
		}
		for _, field := range []string{"incidents", "mttr_minutes", "mttr_median_minutes", "mttr_p90_minutes",
			"mttd_minutes", "mttm_minutes", "change_failure_rate", "services", "follow_up", "months"} {
			if _, ok := v[field]; !ok {
				t.Errorf("view %s has no %q", key, field)
			}
		}
	}
	var all struct {
		Incidents         int      `json:"incidents"`
		ChangeFailureRate *float64 `json:"change_failure_rate"`
		Services          map[string]struct {
			Incidents int `json:"incidents"`
			SLO       *struct {
				Availability float64 `json:"availability"`
			} `json:"slo"`
		} `json:"services"`
	}
	b2, _ := json.Marshal(views["all"])
	if err := json.Unmarshal(b2, &all); err != nil {
		t.Fatal(err)
	}
	if all.Incidents != res.Postmortems {
		t.Errorf("all-time incidents = %d, want every postmortem built (%d)", all.Incidents, res.Postmortems)
	}
	if all.ChangeFailureRate == nil || *all.ChangeFailureRate <= 0 {
		t.Errorf("change_failure_rate = %v; the example has deployments.csv and change-induced incidents", all.ChangeFailureRate)
	}
	if len(all.Services) != 8 {
		t.Errorf("services = %d, want the 8 of the catalog", len(all.Services))
	}
	for name, s := range all.Services {
		if s.SLO == nil || s.SLO.Availability <= 0 || s.SLO.Availability > 1 {
			t.Errorf("service %s: slo %+v, want an availability in (0, 1]", name, s.SLO)
		}
	}

	f, err := os.Open(filepath.Join(out, "metrics", "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("metrics.csv: %v", err)
	}
	if got := strings.Join(rows[0][:4], ","); got != "view,service,incidents,ongoing" {
		t.Errorf("csv header starts %q", got)
	}
	if want := 1 + 4*(1+8); len(rows) != want {
		t.Errorf("csv has %d rows, want %d (header, then per view the organisation and 8 services)", len(rows), want)
	}
}
