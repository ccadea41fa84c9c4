package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// statsSite is a hand-made site in UTC, "today" 2026-11-23 23:00 UTC (see
// site). Its figures, worked out by hand:
//
//	incident  severity  services  start             detect  mitigate  resolve  change
//	a         SEV1      api       2026-03-01 10:00  10 m    30 m      60 m     yes
//	b         SEV2      api, web  2026-03-10 09:00  20 m    60 m      180 m
//	c         SEV3      web       2026-04-05 08:00  —       20 m      30 m
//	d         SEV2      api       2026-11-20 10:00  5 m     —         ongoing
//
// All time: 4 incidents, 1 ongoing. Time to resolve over a, b, c: mean 90,
// median 60, p90 (rank ⌈2.7⌉ = 3) 180. Time to detect over a, b, d: mean
// 35/3, median 10, p90 20. Time to mitigate over a, b, c: mean 110/3, median
// 30, p90 60.
var statsSite = map[string]string{
	"a.md": "---\ntitle: A\nseverity: SEV1\nservices: [api]\nchange_induced: true\nroot_cause: x\n" +
		"started_at: 2026-03-01 10:00\ndetected_at: 2026-03-01 10:10\nmitigated_at: 2026-03-01 10:30\nresolved_at: 2026-03-01 11:00\n---\n",
	"b.md": "---\ntitle: B\nseverity: SEV2\nservices: [api, web]\nroot_cause: x\n" +
		"started_at: 2026-03-10 09:00\ndetected_at: 2026-03-10 09:20\nmitigated_at: 2026-03-10 10:00\nresolved_at: 2026-03-10 12:00\n---\n",
	"c.md": "---\ntitle: C\nseverity: SEV3\nservices: [web]\nroot_cause: x\n" +
		"started_at: 2026-04-05 08:00\nmitigated_at: 2026-04-05 08:20\nresolved_at: 2026-04-05 08:30\n---\n",
	"d.md": "---\ntitle: D\nseverity: SEV2\nservices: [api]\n" +
		"started_at: 2026-11-20 10:00\ndetected_at: 2026-11-20 10:05\n---\n",
}

const statsConfig = "timezone: UTC\nservices:\n  api:\n    slo: 99.9\n  web:\n    team: Web\n"

// Deployments: 20 in all, 4 of api, 6 of web.
const statsDeployments = "date,service,count\n2026-03-01,api,4\n2026-03-15,web,6\n# organisation-wide\n2026-04-01,,10\n"

// statsJSON runs hindsight stats --json on the statsSite and decodes it.
func statsJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, stdout, stderr := hindsight(t, append([]string{"stats", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("stats --json %q: exit %d, stderr:\n%s", args, code, stderr)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	return out
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertFigures compares the named fields of got with want (numbers as JSON
// decodes them; nil for null).
func assertFigures(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, w := range want {
		v, ok := got[k]
		if !ok {
			t.Errorf("%s: no field %q", what, k)
		} else if v != w {
			t.Errorf("%s: %s = %v, want %v", what, k, v, w)
		}
	}
}

func TestStatsJSON(t *testing.T) {
	site(t, statsSite)
	writeFile(t, "hindsight.yaml", statsConfig)

	top := statsJSON(t)
	assertFigures(t, "all time", top, map[string]any{
		"incidents": 4.0, "ongoing": 1.0,
		"mttr_minutes": 90.0, "mttr_median_minutes": 60.0, "mttr_p90_minutes": 180.0, "mttr_incidents": 3.0,
		"mttd_minutes": 35.0 / 3, "mttd_median_minutes": 10.0, "mttd_p90_minutes": 20.0,
		"mttm_minutes": 110.0 / 3, "mttm_median_minutes": 30.0, "mttm_p90_minutes": 60.0,
		"change_induced": 1.0, "deployments": nil, "change_failure_rate": nil,
	})
	services := top["services"].(map[string]any)
	if names := slices.Sorted(func(yield func(string) bool) {
		for k := range services {
			yield(k)
		}
	}); !slices.Equal(names, []string{"api", "web"}) {
		t.Errorf("services = %q, want api and web", names)
	}
	api, web := services["api"].(map[string]any), services["web"].(map[string]any)
	// api: a, b, d; resolve 60 and 180.
	assertFigures(t, "api", api, map[string]any{"incidents": 3.0, "ongoing": 1.0, "mttr_minutes": 120.0,
		"mttr_median_minutes": 120.0, "mttr_p90_minutes": 180.0, "change_failure_rate": nil})
	// web: b, c; resolve 180 and 30.
	assertFigures(t, "web", web, map[string]any{"incidents": 2.0, "mttr_minutes": 105.0, "mttd_minutes": 20.0, "slo": nil})

	// The SLO window is the last 30 days: d is SEV2 (weight 0.3) and ongoing
	// from 2026-11-20 10:00 to now, 2026-11-23 23:00 UTC: 85 h = 5100 minutes.
	slo := api["slo"].(map[string]any)
	assertFigures(t, "api slo", slo, map[string]any{"consumed_minutes": 1530.0, "met": false})
}

func TestStatsDeployments(t *testing.T) {
	site(t, statsSite)
	writeFile(t, "hindsight.yaml", statsConfig+"metrics:\n  deployments: deploys.csv\n")
	writeFile(t, "deploys.csv", statsDeployments)

	top := statsJSON(t)
	assertFigures(t, "all time", top, map[string]any{"deployments": 20.0, "change_failure_rate": 0.05})
	services := top["services"].(map[string]any)
	assertFigures(t, "api", services["api"].(map[string]any), map[string]any{"deployments": 4.0, "change_failure_rate": 0.25})
	// No change-induced incident and deployments: a measured 0.
	assertFigures(t, "web", services["web"].(map[string]any), map[string]any{"deployments": 6.0, "change_failure_rate": 0.0})

	// --deployments overrides the config; an empty file has no deployment in
	// the period: null, not 0.
	writeFile(t, "none.csv", "date,service,count\n")
	top = statsJSON(t, "--deployments", "none.csv")
	assertFigures(t, "no deployments", top, map[string]any{"deployments": 0.0, "change_failure_rate": nil})

	// A bad row is reported at its line and stops.
	writeFile(t, "bad.csv", "date,service,count\n2026-03-01,api,4\n2026-03-02,api,two\n")
	code, stdout, stderr := hindsight(t, "stats", "--deployments", "bad.csv")
	if code != exitContent || !strings.Contains(stderr, "bad.csv:3: ") || stdout != "" {
		t.Errorf("bad deployments: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	code, _, stderr = hindsight(t, "stats", "--deployments", "missing.csv")
	if code != exitContent || !strings.Contains(stderr, "missing.csv") {
		t.Errorf("missing deployments file: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestStatsPeriodAndService(t *testing.T) {
	site(t, statsSite)
	writeFile(t, "hindsight.yaml", statsConfig)
	writeFile(t, "deploys.csv", statsDeployments)

	// --until includes its day: b and c; deployments of 03-15 and 04-01.
	top := statsJSON(t, "--since", "2026-03-05", "--until", "2026-04-05", "--deployments", "deploys.csv")
	assertFigures(t, "march-april", top, map[string]any{"incidents": 2.0, "mttr_minutes": 105.0,
		"deployments": 16.0, "change_failure_rate": 0.0})
	period := top["period"].(map[string]any)
	assertFigures(t, "period", period, map[string]any{"from": "2026-03-05T00:00:00Z", "to": "2026-04-06T00:00:00Z"})

	top = statsJSON(t, "--since", "2026-03-05", "--until", "2026-04-04")
	assertFigures(t, "march", top, map[string]any{"incidents": 1.0, "mttr_minutes": 180.0})
	top = statsJSON(t, "--since", "2026-04-01")
	assertFigures(t, "since april", top, map[string]any{"incidents": 2.0, "ongoing": 1.0, "mttr_minutes": 30.0})

	// --service: that service's figures at the top, and only it below.
	top = statsJSON(t, "--service", "web")
	assertFigures(t, "web", top, map[string]any{"incidents": 2.0, "mttr_minutes": 105.0, "mttr_median_minutes": 105.0,
		"mttr_p90_minutes": 180.0, "mttd_minutes": 20.0, "mttm_minutes": 40.0})
	if services := top["services"].(map[string]any); len(services) != 1 || services["web"] == nil {
		t.Errorf("--service web: services = %v", services)
	}
}

func TestStatsText(t *testing.T) {
	site(t, statsSite)
	writeFile(t, "hindsight.yaml", statsConfig)
	code, stdout, stderr := hindsight(t, "stats")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"All services, all time",
		"Incidents: 4 (1 ongoing)",
		"SEV1 1 · SEV2 2 · SEV3 1 · SEV4 0",
		"Change failure rate: no deployment data",
		"api",
		"99.9%: availability",
		"no objective",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{
		`Time to detect +11m 40s +10m +20m +3 incidents`,
		`Time to mitigate +36m 40s +30m +1h +3 incidents`,
		`Time to resolve +1h 30m +1h +3h +3 incidents`,
		`web +2 +1h 45m +no deployment data +no objective`,
	} {
		if !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("stdout does not match %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = hindsight(t, "stats", "--service", "api", "--until", "2026-03-31")
	if code != exitOK || !strings.HasPrefix(stdout, "Service api, until 2026-03-31\n") {
		t.Errorf("--service api --until: exit %d, stdout:\n%s", code, stdout)
	}
}

func TestStatsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--since", "2026-13-01"}, exitUsage, `--since "2026-13-01" is not a date; write it like 2025-03-14`},
		{[]string{"--until", "yesterday"}, exitUsage, `--until "yesterday" is not a date`},
		{[]string{"--since", "2026-05-01", "--until", "2026-04-30"}, exitUsage, "--since 2026-05-01 is after --until 2026-04-30"},
		{[]string{"--service", "wbe"}, exitUsage, `unknown service "wbe"; known services: api, web`},
		{[]string{"--json", "extra"}, exitUsage, "stats takes no arguments"},
		{[]string{"--config", "other.yaml"}, exitContent, "does not exist"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			site(t, statsSite)
			writeFile(t, "hindsight.yaml", statsConfig)
			code, stdout, stderr := hindsight(t, append([]string{"stats"}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr:\n%s", code, tc.code, stdout, stderr)
			}
		})
	}

	// Content errors are reported at their line, and nothing is printed.
	site(t, map[string]string{"bad.md": badPostmortem})
	code, stdout, stderr := hindsight(t, "stats", "--json")
	if code != exitContent || !regexp.MustCompile(`(?m)^content/bad\.md:3: .*SEV9`).MatchString(stderr) || stdout != "" {
		t.Errorf("broken content: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

// The severity weights of the config count in the SLO: with SEV2 weighing
// nothing, the ongoing SEV2 incident consumes no budget.
func TestStatsConfigWeights(t *testing.T) {
	site(t, statsSite)
	writeFile(t, "hindsight.yaml", statsConfig+"metrics:\n  slo_window_days: 7\n  severity_weights:\n    SEV1: 1\n")
	slo := statsJSON(t, "--service", "api")["services"].(map[string]any)["api"].(map[string]any)["slo"].(map[string]any)
	assertFigures(t, "api slo", slo, map[string]any{"consumed_minutes": 0.0, "availability": 1.0, "met": true,
		"window_minutes": 7 * 24 * 60.0})
}

func TestStatsHelp(t *testing.T) {
	code, stdout, _ := hindsight(t, "stats", "--help")
	if code != exitOK {
		t.Errorf("exit %d", code)
	}
	for _, f := range []string{"content", "config", "deployments", "since", "until", "service", "json", "drafts"} {
		if !strings.Contains(stdout, "[--"+f) || !regexp.MustCompile(`(?m)^\s+-`+f+`\b.*\n\s+\S`).MatchString(stdout) {
			t.Errorf("--help does not show and describe --%s", f)
		}
	}
	for _, field := range []string{"incidents", "mttr_minutes", "mttr_median_minutes", "mttr_p90_minutes",
		"mttd_minutes", "mttm_minutes", "change_failure_rate", "services"} {
		if !strings.Contains(stdout, field) {
			t.Errorf("--help does not name the JSON field %s", field)
		}
	}
}

// The example knowledge base of the repository gives figures.
func TestStatsExample(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795474800")
	code, stdout, stderr := hindsight(t, "stats", "--json", "--content", "../../content", "--config", "../../hindsight.yaml")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var top map[string]any
	if err := json.Unmarshal([]byte(stdout), &top); err != nil {
		t.Fatal(err)
	}
	if n, _ := top["incidents"].(float64); n < 1 {
		t.Errorf("incidents = %v", top["incidents"])
	}
	if _, ok := top["services"].(map[string]any)["tag-collector"]; !ok {
		t.Error("no tag-collector in services")
	}
	code, stdout, stderr = hindsight(t, "stats", "--content", "../../content", "--config", "../../hindsight.yaml")
	if code != exitOK || !strings.Contains(stdout, "Time to resolve") {
		t.Errorf("text: exit %d, stderr:\n%s", code, stderr)
	}
}
