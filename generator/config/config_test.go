package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDefaultsWithoutFile(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(filepath.Join(dir, "hindsight.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "" || c.Dir != dir || c.Title != "Postmortems" || c.BaseURL != "/" || c.Language != "en" ||
		c.Timezone != "UTC" || c.Location.String() != "UTC" || len(c.Services) != 0 {
		t.Errorf("defaults = %+v", c)
	}
	if !slices.Equal(c.Severities, []string{"SEV1", "SEV2", "SEV3", "SEV4"}) {
		t.Errorf("severities = %q", c.Severities)
	}
	if c.Aliases["start_time"] != "started_at" || c.Aliases["sev"] != "severity" {
		t.Errorf("aliases = %v", c.Aliases)
	}
	// Each config has its own copies of the defaults.
	c.Aliases["x"] = "y"
	c.Severities[0] = "X"
	if d := Default(); d.Aliases["x"] != "" || d.Severities[0] != "SEV1" || DefaultAliases["x"] != "" {
		t.Error("changing a config changed the defaults")
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"), true)
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "--config") {
		t.Errorf("required missing file: err = %v", err)
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	for _, src := range []string{"", "\n", "# nothing yet\n", "---\n"} {
		c, err := Parse("hindsight.yaml", []byte(src))
		if err != nil || c.Title != "Postmortems" || c.BaseURL != "/" {
			t.Errorf("%q: %+v, %v", src, c, err)
		}
	}
}

const fullExample = `title: "Nimbus Analytics — Postmortems"
base_url: "https://postmortems.nimbus.example/kb"
language: FR
timezone: Europe/Paris
severities: [critical, Major, " minor "]
aliases:
  impact_start: started_at
  sev: tags
services:
  tag-collector:
    title: Tag Collection
    description: Receives hits from the tag and the SDKs.
    team: Collection
    tier: 1
    slo: 99.95
    sla: 99.9
  billing:
    team: Payments
`

func TestFullExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "site", "hindsight.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(fullExample), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != path || c.Dir != filepath.Dir(path) {
		t.Errorf("Path %q, Dir %q", c.Path, c.Dir)
	}
	if c.Title != "Nimbus Analytics — Postmortems" || c.BaseURL != "https://postmortems.nimbus.example/kb/" || c.Language != "fr" {
		t.Errorf("title %q, base_url %q, language %q", c.Title, c.BaseURL, c.Language)
	}
	if c.Timezone != "Europe/Paris" || c.Location.String() != "Europe/Paris" {
		t.Errorf("timezone %q, location %v", c.Timezone, c.Location)
	}
	if !slices.Equal(c.Severities, []string{"CRITICAL", "MAJOR", "MINOR"}) {
		t.Errorf("severities = %q", c.Severities)
	}
	if c.Aliases["impact_start"] != "started_at" || c.Aliases["sev"] != "tags" || c.Aliases["start_time"] != "started_at" {
		t.Errorf("aliases: the file's should override and add to the defaults: %v", c.Aliases)
	}
	want := []Service{
		{Name: "billing", Team: "Payments", Public: true},
		{Name: "tag-collector", Title: "Tag Collection", Description: "Receives hits from the tag and the SDKs.",
			Team: "Collection", Tier: 1, SLO: 99.95, SLA: 99.9, Public: true},
	}
	if !slices.Equal(c.Services, want) {
		t.Errorf("services = %+v", c.Services)
	}
	s, ok := c.Service("tag-collector")
	if !ok || s.DisplayName() != "Tag Collection" {
		t.Errorf("Service(tag-collector) = %+v, %v", s, ok)
	}
	if s, _ := c.Service("billing"); s.DisplayName() != "billing" {
		t.Errorf("DisplayName without a title = %q", s.DisplayName())
	}
	if _, ok := c.Service("nope"); ok {
		t.Error("found a service that is not in the catalog")
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://postmortems.example.com":    "https://postmortems.example.com/",
		"https://postmortems.example.com/":   "https://postmortems.example.com/",
		"https://example.com/kb":             "https://example.com/kb/",
		"http://localhost:8080/kb/":          "http://localhost:8080/kb/",
		"/":                                  "/",
		"/kb":                                "/kb/",
		"HTTPS://Postmortems.Example.com/Kb": "HTTPS://Postmortems.Example.com/Kb/",
	} {
		c, err := Parse("hindsight.yaml", []byte("base_url: "+in+"\n"))
		if err != nil {
			t.Errorf("base_url %q: %v", in, err)
			continue
		}
		if c.BaseURL != want {
			t.Errorf("base_url %q = %q, want %q", in, c.BaseURL, want)
		}
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"unknown setting", "title: x\n\ncolour: red\n", 3, `unknown setting "colour"; see docs/configuration.md`},
		{"unknown service setting", "title: x\nservices:\n  billing:\n    team: a\n    colour: red\n", 5, `unknown setting "colour"`},
		{"bad timezone", "title: x\ntimezone: Mars/Olympus\n", 2, `unknown timezone "Mars/Olympus"; use an IANA name like Europe/Paris`},
		{"bad language", "title: x\nlanguage: de\n", 2, `language "de" is not supported; use en or fr`},
		{"ftp base_url", "title: x\n\nbase_url: ftp://example.com/\n", 3, `base_url "ftp://example.com/" must be an http(s) URL like https://postmortems.example.com/`},
		{"base_url without scheme", "base_url: postmortems.example.com\n", 1, `base_url "postmortems.example.com" must be an http(s) URL`},
		{"base_url without host", "title: x\nbase_url: \"https:///kb/\"\n", 2, "must be an http(s) URL"},
		{"base_url protocol-relative", "title: x\nbase_url: //example.com/\n", 2, "must be an http(s) URL"},
		{"unparseable base_url", "title: x\nbase_url: \"https://exa mple.com/%zz\"\n", 2, "must be an http(s) URL"},
		{"slo of 100", "title: x\nservices:\n  billing:\n    team: a\n  api:\n    slo: 100\n", 5, `service "api": slo and sla are percentages below 100`},
		{"sla over 100", "services:\n  api:\n    sla: 120\n", 2, `service "api": slo and sla are percentages below 100`},
		{"negative slo", "services:\n  api:\n    slo: -1\n", 2, `service "api"`},
		{"service named like a setting", "title: x\nservices:\n  title:\n    slo: 100\n", 3, `service "title"`},
		{"slo not a number", "services:\n  api:\n    slo: high\n", 3, "cannot unmarshal !!str `high` into float64"},
		{"duplicate severities", "title: x\nseverities: [sev1, SEV1]\n", 2, "severities must be distinct non-empty names"},
		{"empty severity", "severities: [a, \"\"]\n", 1, "severities must be distinct non-empty names"},
		{"yaml bad indent", "title: x\nservices:\n  billing:\n    slo: 99.9\n   team: a\n", 5, "did not find expected key"},
		{"yaml bad indent after a comment", "# Site\ntitle: x\nlanguage: en\n timezone: UTC\n", 4, "mapping values are not allowed"},
		{"slo window of 0", "metrics:\n  slo_window_days: 0\n", 2, "metrics.slo_window_days must be a number of days, 1 or more, got 0"},
		{"slo window not a number", "metrics:\n  slo_window_days: month\n", 2, "cannot unmarshal"},
		{"weight off the scale", "severities: [P1, P2]\nmetrics:\n  severity_weights:\n    P1: 1\n    SEV2: 0.3\n", 5, `metrics.severity_weights: "SEV2" is not on the severity scale P1, P2`},
		{"weight above 1", "metrics:\n  deployments: d.csv\n  severity_weights:\n    sev1: 1.5\n", 4, "the weight of SEV1 must be between 0 and 1, got 1.5"},
		{"negative weight", "metrics:\n  severity_weights:\n    SEV2: -0.1\n", 3, "between 0 and 1"},
		{"unknown metrics setting", "metrics:\n  window: 30\n", 2, `unknown setting "window"`},
		{"yaml unclosed list", "title: x\nseverities: [a, b\nlanguage: en\n", 2, "did not find expected ',' or ']'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("site/hindsight.yaml", []byte(tc.src))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *config.Error", err)
			}
			if e.Line != tc.line || e.Path != "site/hindsight.yaml" || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got  %v\nwant site/hindsight.yaml:%d: …%s…", err, tc.line, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "site/hindsight.yaml:") {
				t.Errorf("Error() = %q, want it to start with the path and line", err)
			}
		})
	}
}

func TestLoadReportsThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hindsight.yaml")
	if err := os.WriteFile(path, []byte("title: x\ntimezone: Nowhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, false)
	if err == nil || err.Error() != path+`:2: unknown timezone "Nowhere"; use an IANA name like Europe/Paris or UTC` {
		t.Errorf("err = %v", err)
	}
}

func TestErrorWithoutLine(t *testing.T) {
	e := &Error{Path: "hindsight.yaml", Msg: "broken"}
	if e.Error() != "hindsight.yaml: broken" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestMetricsSettings(t *testing.T) {
	c, err := Parse("hindsight.yaml", []byte("title: x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.SLOWindowDays != 30 || c.SeverityWeights != nil || c.DeploymentsPath != "" {
		t.Errorf("defaults: window %d, weights %v, deployments %q", c.SLOWindowDays, c.SeverityWeights, c.DeploymentsPath)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "hindsight.yaml")
	src := "metrics:\n  slo_window_days: 7\n  severity_weights:\n    sev1: 1\n    SEV3: 0.5\n  deployments: data/deployments.csv\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	// The weights replace the defaults: SEV2 is not listed, so it weighs 0.
	want := map[string]float64{"SEV1": 1, "SEV3": 0.5}
	if c.SLOWindowDays != 7 || !maps.Equal(c.SeverityWeights, want) {
		t.Errorf("window %d, weights %v; want 7, %v", c.SLOWindowDays, c.SeverityWeights, want)
	}
	if c.DeploymentsPath != filepath.Join(dir, "data", "deployments.csv") {
		t.Errorf("deployments = %q, want it relative to the config's folder", c.DeploymentsPath)
	}
}

func TestCustomerSettings(t *testing.T) {
	c, err := Parse("hindsight.yaml", []byte(`base_url: https://kb.example.com/
customer:
  title: Status
  severity_labels: {sev1: Down}
  required_severities: [SEV1]
  internal_domains: [corp.example.com, .lan.]
  deny_patterns:
    email: ""
    codename: '(?i)falcon'
  allow: [ABC-1]
services:
  db:
    public: false
  web:
    title: Web app
    public_name: Website
`))
	if err != nil {
		t.Fatal(err)
	}
	cu := c.Customer
	if c.CustomerTitle() != "Status" || c.CustomerBaseURL() != "https://kb.example.com/customer/" {
		t.Errorf("title %q, base %q", c.CustomerTitle(), c.CustomerBaseURL())
	}
	if cu.SeverityLabels["SEV1"] != "Down" || cu.SeverityLabels["SEV2"] != "Partial outage" {
		t.Errorf("labels %v", cu.SeverityLabels)
	}
	if !slices.Equal(cu.RequiredSeverities, []string{"SEV1"}) || !slices.Equal(cu.InternalDomains, []string{"corp.example.com", "lan"}) {
		t.Errorf("required %v, domains %v", cu.RequiredSeverities, cu.InternalDomains)
	}
	if _, ok := cu.DenyPatterns["email"]; ok || cu.DenyPatterns["codename"] != "(?i)falcon" || cu.DenyPatterns["ticket"] == "" {
		t.Errorf("patterns %v", cu.DenyPatterns)
	}
	db, _ := c.Service("db")
	web, _ := c.Service("web")
	if db.Public || !web.Public || web.CustomerName() != "Website" || db.CustomerName() != "db" {
		t.Errorf("db %+v, web %+v", db, web)
	}
	if d := Default(); !slices.Equal(d.Customer.RequiredSeverities, []string{"SEV1", "SEV2"}) || d.CustomerBaseURL() != "/customer/" {
		t.Errorf("defaults %+v", d.Customer)
	}

	for src, want := range map[string]string{
		"customer:\n  base_url: ftp://x\n":                    "hindsight.yaml:2: customer.base_url",
		"customer:\n  severity_labels: {SEV9: x}\n":           "hindsight.yaml:2: customer.severity_labels: \"SEV9\"",
		"customer:\n  required_severities: [P1]\n":            "hindsight.yaml:2: customer.required_severities",
		"customer:\n  deny_patterns:\n    bad: '(unclosed'\n": "hindsight.yaml:3: customer.deny_patterns: \"bad\" is not a valid regular expression",
		"customer:\n  internal_domains: ['a b']\n":            "hindsight.yaml:2: customer.internal_domains",
		"customer:\n  colour: red\n":                          "unknown setting \"colour\"",
		"services:\n  db:\n    public: maybe\n":               "hindsight.yaml:3:",
	} {
		_, err := Parse("hindsight.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

func TestSearchSynonyms(t *testing.T) {
	c, err := Parse("hindsight.yaml", []byte("search:\n  synonyms:\n    - [pg, postgres, postgresql]\n"))
	if err != nil || len(c.Synonyms) != 1 || c.Synonyms[0][1] != "postgres" {
		t.Fatalf("%+v, %v", c.Synonyms, err)
	}
	_, err = Parse("hindsight.yaml", []byte("search:\n  synonyms:\n    - [alone]\n"))
	if err == nil || !strings.Contains(err.Error(), "hindsight.yaml:2: search.synonyms: each group needs two words") {
		t.Errorf("err = %v", err)
	}
}

func TestBlamelessPhrases(t *testing.T) {
	c, err := Parse("hindsight.yaml", []byte("blameless:\n  phrases:\n    en: [dropped the ball]\n"))
	if err != nil || len(c.BlamePhrases["en"]) != 1 {
		t.Fatalf("%v, %v", c.BlamePhrases, err)
	}
	if _, err := Parse("hindsight.yaml", []byte("blameless:\n  phrases:\n    de: [schuld]\n")); err == nil || !strings.Contains(err.Error(), "hindsight.yaml:3: blameless.phrases: \"de\" is not a language") {
		t.Errorf("err = %v", err)
	}
}
