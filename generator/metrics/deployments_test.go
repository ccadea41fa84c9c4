package metrics

import (
	"slices"
	"testing"
	"time"
)

func TestLoadDeployments(t *testing.T) {
	d, diags := LoadDeployments("testdata/deployments.csv", paris)
	if len(diags) > 0 {
		t.Fatal(messages(diags))
	}
	if len(d.Rows) != 9 || d.Rows[0] != (Deployment{At: at("2025-01-20 00:00"), Service: "", Count: 3, Line: 3}) {
		t.Errorf("rows = %+v", d.Rows)
	}
	// A date alone is midnight in the site's zone, in CEST after the change.
	if r := d.Rows[4]; !r.At.Equal(time.Date(2025, 3, 29, 23, 0, 0, 0, time.UTC)) || r.Line != 7 {
		t.Errorf("2025-03-30 row = %+v", r)
	}
	// An RFC 3339 time keeps its instant: 22:30Z on 03-31 is 00:30 on 04-01 in Paris.
	if r := d.Rows[6]; !r.At.Equal(at("2025-04-01 00:30")) || r.Service != "collector" || r.Count != 2 {
		t.Errorf("RFC 3339 row = %+v", r)
	}
	march := Period{From: at("2025-03-01 00:00"), To: at("2025-04-01 00:00")}
	for _, tc := range []struct {
		service string
		want    int
	}{
		{"", 21},         // 10 + 1 + 4 + 6
		{"api", 15},      // 10 + 1 + 4
		{"collector", 6}, // the 2 of 04-01 00:30 are April's
		{"billing", 0},
	} {
		if got, ok := d.Count(march, tc.service); !ok || got != tc.want {
			t.Errorf("Count(March, %q) = %d, %v; want %d", tc.service, got, ok, tc.want)
		}
	}
	var none *Deployments
	if got, ok := none.Count(march, ""); ok || got != 0 {
		t.Errorf("no data: Count = %d, %v", got, ok)
	}
}

func TestParseDeploymentsHeader(t *testing.T) {
	// A byte-order mark, any case, any column order, extra columns.
	d, diags := ParseDeployments("deploy.csv", []byte("\uFEFFService, Date ,COUNT,env\napi,2025-03-01,3,prod\n"), paris)
	if len(diags) > 0 || len(d.Rows) != 1 || d.Rows[0] != (Deployment{At: at("2025-03-01 00:00"), Service: "api", Count: 3, Line: 2}) {
		t.Errorf("got %+v, %v", d, messages(diags))
	}
	// A header alone is data: no deployments.
	d, diags = ParseDeployments("deploy.csv", []byte("date,service,count\n"), paris)
	if n, ok := d.Count(Period{}, ""); len(diags) > 0 || !ok || n != 0 {
		t.Errorf("header only: %d, %v, %v", n, ok, messages(diags))
	}
}

func TestParseDeploymentsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"empty", "", []string{"deploy.csv:1: the deployments file is empty; its first line must be the header date,service,count"}},
		{"no header", "# deployments\n2025-03-01,api,3\n", []string{"deploy.csv:2: no header line; the first line must be date,service,count"}},
		{"bad header", "day,svc,n\n", []string{`deploy.csv:1: the header must name the columns date, service and count; it has "day,svc,n"`}},
		{"rows", "date,service,count\n" +
			"2025-03-01,api,3\n" + // 2: fine
			"2025-13-01,api,3\n" + // 3
			"2025-03-02,api,-1\n" + // 4
			"2025-03-03,api,two\n" + // 5
			"2025-03-04,api\n" + // 6
			"# a comment\n" + // 7
			"2025-03-05,a\"pi,3\n" + // 8
			"03/06/2025,api,1.5\n", // 9: two errors on one line; and reading went on after line 8
			[]string{
				`deploy.csv:3: date "2025-13-01" is not a date; write 2025-03-14 or an RFC 3339 time like 2025-03-14T09:12:00+01:00`,
				`deploy.csv:4: count "-1" is not a number of deployments; write a whole number, 0 or more`,
				`deploy.csv:5: count "two" is not a number of deployments; write a whole number, 0 or more`,
				`deploy.csv:6: 2 fields, want 3 (date,service,count)`,
				`deploy.csv:8: not valid CSV: bare " in non-quoted-field`,
				`deploy.csv:9: date "03/06/2025" is not a date; write 2025-03-14 or an RFC 3339 time like 2025-03-14T09:12:00+01:00`,
				`deploy.csv:9: count "1.5" is not a number of deployments; write a whole number, 0 or more`,
			}},
	} {
		d, diags := ParseDeployments("deploy.csv", []byte(tc.src), paris)
		if d != nil || diags.Errors() != len(diags) {
			t.Errorf("%s: with errors the result must be nil and every message an error", tc.name)
		}
		if got := messages(diags); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	_, diags := LoadDeployments("testdata/missing.csv", paris)
	if got := messages(diags); len(got) != 1 || got[0] != "testdata/missing.csv: deployments file does not exist; check the path given with --deployments or in the config" {
		t.Errorf("missing file: %q", got)
	}
}
