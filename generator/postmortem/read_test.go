package postmortem

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
)

const testPath = "content/2025-03-14 Checkout outage.md"

// read reads src as testPath with cfg (the defaults when nil).
func read(t *testing.T, cfg *config.Config, src string) (*Postmortem, diag.List) {
	t.Helper()
	return readAs(t, cfg, testPath, src)
}

func readAs(t *testing.T, cfg *config.Config, name, src string) (*Postmortem, diag.List) {
	t.Helper()
	if cfg == nil {
		cfg = config.Default()
	}
	var diags diag.List
	p := (&Reader{Config: cfg}).Read(name, []byte(src), &diags)
	for _, d := range diags {
		if strings.Contains(d.Message, "internal error") {
			t.Fatalf("Read panicked: %s", d)
		}
	}
	diags.Sort()
	return p, diags
}

// only returns the diagnostics of one level.
func only(diags diag.List, level diag.Level) diag.List {
	var out diag.List
	for _, d := range diags {
		if d.Level == level {
			out = append(out, d)
		}
	}
	return out
}

// mustRead reads src and fails the test on any error.
func mustRead(t *testing.T, cfg *config.Config, src string) (*Postmortem, diag.List) {
	t.Helper()
	p, diags := read(t, cfg, src)
	if errs := only(diags, diag.Error); len(errs) > 0 || p == nil {
		t.Fatalf("unexpected errors: %v", errs)
	}
	return p, diags
}

func paris(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("hindsight.yaml", []byte("timezone: Europe/Paris\n"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// complete is front matter that draws no warning; cases append to it.
const complete = `---
title: Checkout outage
root_cause: A stale connection pool.
started_at: 2025-03-14T14:02:00Z
resolved_at: 2025-03-14T16:30:00Z
`

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		line int
		msg  string // the key part of the message
	}{
		{"unparseable front matter",
			"---\ntitle: x\nservices:\n  - billing\n bad: 1\n---\n# Body\n", 5, "invalid YAML front matter"},
		{"unclosed front matter",
			"\n---\ntitle: x\n# Body\n", 2, `never closed`},
		{"services as a map",
			complete + "services:\n  billing: true\n---\n", 7, "services must be a list of strings, not a map"},
		{"title as a list",
			"---\nroot_cause: x\ntitle:\n  - a\n  - b\n---\n", 4, "title must be a string, not a list"},
		{"services item as a map",
			complete + "services:\n  - billing\n  - {name: api}\n---\n", 8, "services[1] must be a string, not a map"},
		{"change_induced maybe",
			complete + "change_induced: maybe\n---\n", 6, `change_induced must be true or false, not "maybe"`},
		{"timeline not a list",
			complete + "timeline: all day\n---\n", 6, "timeline must be a list of {at, event}, not a string"},
		{"timeline item missing at",
			complete + "timeline:\n  - at: 2025-03-14T14:02:00Z\n    event: Provider rotates its endpoint\n  - event: Alert fires\n---\n", 9,
			"timeline[1] needs both at (a time) and event"},
		{"timeline at not a time",
			complete + "timeline:\n  - at: soon\n    event: x\n---\n", 7, `timeline[0].at: cannot read "soon" as a time`},
		{"started_at yesterday",
			"---\nroot_cause: x\nstarted_at: yesterday\n---\n", 3, `started_at: cannot read "yesterday" as a time; write RFC 3339`},
		{"started_at without a time of day",
			"---\nroot_cause: x\nstarted_at: 2025-03-14\n---\n", 3, `started_at: "2025-03-14" needs a time of day`},
		{"started_at as a list",
			"---\nstarted_at: [1]\n---\n", 2, "started_at must be a time like 2025-03-14T09:12:00Z"},
		{"due not a date",
			complete + "actions:\n  - title: Fix\n    owner: bob\n    due: next week\n---\n", 9, `actions[0].due: cannot read "next week" as a date`},
		{"resolved_at before started_at",
			"---\nroot_cause: x\nstarted_at: 2025-03-14T14:02:00Z\nresolved_at: 2025-03-14T13:00:00Z\n---\n", 4,
			"resolved_at (2025-03-14T13:00:00Z) is before started_at (2025-03-14T14:02:00Z)"},
		{"mitigated_at before started_at",
			complete + "mitigated_at: 2025-03-14T12:00:00Z\n---\n", 6, "mitigated_at (2025-03-14T12:00:00Z) is before started_at"},
		{"detected_at before started_at",
			complete + "detected_at: 2025-03-14T12:00:00Z\n---\n", 6, "detected_at (2025-03-14T12:00:00Z) is before started_at"},
		{"resolved_at before mitigated_at",
			complete + "mitigated_at: 2025-03-14T17:00:00Z\n---\n", 5, "resolved_at (2025-03-14T16:30:00Z) is before mitigated_at (2025-03-14T17:00:00Z)"},
		{"unknown action type",
			complete + "actions:\n  - title: Fix\n    owner: bob\n    type: refactor\n---\n", 9, `actions[0].type "refactor" is not an action type; use one of fix, automate, tool, formalize, test, inform`},
		{"unknown action status",
			complete + "actions:\n  - title: Fix\n    owner: bob\n  - title: Alert\n    owner: ann\n    status: blocked\n---\n", 11,
			`actions[1].status "blocked" is not an action status; use one of open, done, wontfix`},
		{"action without a title",
			complete + "actions:\n  - owner: bob\n---\n", 7, "actions[0] needs a title"},
		{"actions not a list",
			complete + "actions: fix it\n---\n", 6, "actions must be a list"},
		{"action link javascript",
			complete + "actions:\n  - title: Fix\n    owner: bob\n    link: javascript:alert(1)\n---\n", 9,
			`actions[0].link "javascript:alert(1)" must be an http(s) or mailto URL`},
		{"unknown status",
			complete + "status: final\n---\n", 6, `status "final" is not valid; use draft, review or published`},
		{"severity not on the scale",
			complete + "severity: SEV5\n---\n", 6, `severity "SEV5" is not on the scale SEV1, SEV2, SEV3, SEV4 (set severities: in hindsight.yaml`},
		{"language",
			complete + "language: de\n---\n", 6, `language "de" is not supported; use en or fr`},
		{"id with ..",
			complete + "id: ../etc\n---\n", 6, `id "../etc" may contain only letters, digits, '-', '_' and '.'`},
		{"id with a slash",
			complete + "id: a/b\n---\n", 6, `id "a/b" may contain only letters`},
		{"customer not a map",
			complete + "customer: true\n---\n", 6, "customer must be a map with publish, title, summary and impact, not a boolean"},
		{"customer.publish",
			complete + "customer:\n  publish: sometimes\n---\n", 7, `customer.publish must be true or false, not "sometimes"`},
		{"retrospective date",
			complete + "retrospective:\n  date: last friday\n---\n", 7, `retrospective.date: cannot read "last friday" as a date`},
		{"ishikawa not a map",
			complete + "ishikawa: [people]\n---\n", 6, "ishikawa must be a map of category to list of causes, not a list"},
		{"alias with a bad value",
			"---\nroot_cause: x\nstart_time: yesterday\n---\n", 3, `started_at: cannot read "yesterday"`},
		{"toml",
			"+++\ntitle = \"x\"\nroot_cause = \"y\"\nstarted_at = 2025-03-14\n+++\n", 4, `started_at: "2025-03-14" needs a time of day`},
		{"toml action type",
			"+++\nroot_cause = \"y\"\n\n[[actions]]\ntitle = \"Fix\"\nowner = \"bob\"\n\n[[actions]]\ntitle = \"Alert\"\nowner = \"ann\"\ntype = \"page\"\n+++\n", 11,
			`actions[1].type "page" is not an action type`},
		{"json",
			"{\n  \"title\": \"x\",\n  \"services\": {\"a\": 1}\n}\n", 3, "services must be a list of strings, not a map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := read(t, nil, tc.src)
			errs := only(diags, diag.Error)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1 (%s): %v", len(errs), tc.msg, diags)
			}
			d := errs[0]
			if d.Line != tc.line || !strings.Contains(d.Message, tc.msg) || d.Path != testPath {
				t.Errorf("got  %s\nwant %s:%d: …%s…", d, testPath, tc.line, tc.msg)
			}
		})
	}
}

func TestReadFailsOnlyWhenFrontMatterCannotBeRead(t *testing.T) {
	if p, _ := read(t, nil, "---\ntitle: [\n---\n"); p != nil {
		t.Error("Read returned a postmortem for unreadable front matter")
	}
	if p, _ := read(t, nil, complete+"services: {a: 1}\n---\n"); p == nil {
		t.Error("Read returned nil for a file with a wrong field; the build needs the rest of it")
	}
}

func TestReadErrorsSkipCrossChecks(t *testing.T) {
	// A file with a decoding error gets no warnings and no order checks on
	// top of it: the user fixes the error first.
	_, diags := read(t, nil, "---\nstatus: published\nstarted_at: yesterday\nresolved_at: 2020-01-01T00:00:00Z\nseverity: SEV9\n---\n")
	if len(diags) != 1 || diags[0].Line != 3 {
		t.Errorf("diagnostics = %v, want only the started_at error", diags)
	}
}

func TestReadWarnings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		want  []int    // lines of the warnings, in order
		msgs  []string // key parts of their messages
		noErr bool
	}{
		{"complete", complete + "---\n", nil, nil, true},
		{"published without root_cause",
			"---\ntitle: x\nstatus: published\nstarted_at: 2025-03-14T14:02:00Z\nresolved_at: 2025-03-14T16:30:00Z\n---\n",
			[]int{3}, []string{"published postmortem has no root_cause"}, true},
		{"published without resolved_at",
			"---\ntitle: x\nroot_cause: y\nstatus: published\n---\n",
			[]int{4}, []string{"published postmortem has no resolved_at"}, true},
		{"draft needs neither", "---\ntitle: x\nstatus: draft\n---\n", nil, nil, true},
		{"actions without owner",
			complete + "actions:\n  - title: Recycle connections\n    owner: alice\n  - title: Alert on connection age\n    type: automate\n  - Write a runbook\n---\n",
			[]int{9, 11}, []string{`action "Alert on connection age" has no owner`, `action "Write a runbook" has no owner`}, true},
		{"toml action without owner",
			"+++\nroot_cause = \"y\"\nresolved_at = 2025-03-14T16:30:00Z\n\n[[actions]]\ntitle = \"A\"\nowner = \"bob\"\n\n[[actions]]\ntitle = \"B\"\n+++\n",
			[]int{9}, []string{`action "B" has no owner`}, true},
		{"json action without owner",
			"{\n  \"root_cause\": \"y\",\n  \"resolved_at\": \"2025-03-14T16:30:00Z\",\n  \"actions\": [\n    {\"title\": \"A\", \"owner\": \"bob\"},\n    {\"title\": \"B\"}\n  ]\n}\n",
			[]int{6}, []string{`action "B" has no owner`}, true},
		{"action in the body without owner",
			complete + "---\n# Outage\n\n## Action items\n\n- Recycle connections (owner: alice)\n- Alert on connection age\n",
			[]int{12}, []string{`action "Alert on connection age" has no owner`}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := read(t, nil, tc.src)
			if errs := only(diags, diag.Error); len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			warns := only(diags, diag.Warning)
			if len(warns) != len(tc.want) {
				t.Fatalf("warnings = %v, want %d", warns, len(tc.want))
			}
			for i, w := range warns {
				if w.Line != tc.want[i] || !strings.Contains(w.Message, tc.msgs[i]) {
					t.Errorf("got  %s\nwant line %d: …%s…", w, tc.want[i], tc.msgs[i])
				}
				if !strings.Contains(w.String(), ": warning: ") {
					t.Errorf("%q does not say it is a warning", w)
				}
			}
		})
	}
}

func TestReadAliases(t *testing.T) {
	p, _ := mustRead(t, nil, `---
start_time: 2025-03-14T14:02:00Z
end_time: 2025-03-14T16:30:00Z
sev: sev3
product: billing
rootcause: Stale pool.
action_items:
  - title: Fix
    owner: bob
---
`)
	if !p.StartedAt.Equal(utc("2025-03-14T14:02:00Z")) || !p.ResolvedAt.Equal(utc("2025-03-14T16:30:00Z")) {
		t.Errorf("times = %v, %v", p.StartedAt, p.ResolvedAt)
	}
	if p.Severity != "SEV3" || !slices.Equal(p.Services, []string{"billing"}) || p.RootCause != "Stale pool." || len(p.Actions) != 1 {
		t.Errorf("severity %q, services %q, root cause %q, actions %v", p.Severity, p.Services, p.RootCause, p.Actions)
	}
	if p.Line("started_at") != 2 || p.Line("severity") != 4 {
		t.Errorf("lines of aliased fields: started_at %d, severity %d; want 2, 4", p.Line("started_at"), p.Line("severity"))
	}

	// Our own name wins over an alias, wherever it is written.
	p, _ = mustRead(t, nil, "---\nstart_time: 2020-01-01T00:00:00Z\nstarted_at: 2025-03-14T14:02:00Z\nstarted: 2021-01-01T00:00:00Z\n---\n")
	if !p.StartedAt.Equal(utc("2025-03-14T14:02:00Z")) || p.Line("started_at") != 3 {
		t.Errorf("started_at = %v on line %d, want the started_at field on line 3", p.StartedAt, p.Line("started_at"))
	}

	// An alias defined in hindsight.yaml.
	cfg, err := config.Parse("hindsight.yaml", []byte("aliases:\n  incident_start: started_at\n  owner_team: nonsense\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, diags := read(t, cfg, "---\nincident_start: 2025-03-14 14:02\nowner_team: sre\n---\n")
	if errs := only(diags, diag.Error); len(errs) > 0 {
		t.Fatal(errs)
	}
	if !p.StartedAt.Equal(utc("2025-03-14T14:02:00Z")) {
		t.Errorf("incident_start alias: started_at = %v", p.StartedAt)
	}
	// The default aliases still apply.
	p, _ = read(t, cfg, "---\nstart_time: 2025-03-14 14:02\n---\n")
	if p.StartedAt.IsZero() {
		t.Error("a config with aliases dropped the default aliases")
	}
}

func TestReadIgnoresUnknownFields(t *testing.T) {
	_, diags := mustRead(t, nil, complete+"x-jira: PAY-100\nreviewers: {alice: true}\nowner: [a, b]\n---\n")
	if len(diags) != 0 {
		t.Errorf("unknown fields drew %v", diags)
	}
}

func TestReadDefaults(t *testing.T) {
	p, _ := readAs(t, nil, "content/2024/2024-11-02 Checkout outage.md", "No heading here.\n")
	if p.ID != "2024-11-02-checkout-outage" || p.Title != "2024-11-02 Checkout outage" {
		t.Errorf("id %q, title %q", p.ID, p.Title)
	}
	if p.Status != StatusPublished || p.Language != "en" || !p.Inferred {
		t.Errorf("status %q, language %q, inferred %v", p.Status, p.Language, p.Inferred)
	}

	p, _ = readAs(t, nil, "content/x.md", "---\nroot_cause: y\n---\n\n# Cache stampede: reporting API\n\nText.\n")
	if p.Title != "Cache stampede: reporting API" || p.Line("title") != 5 || p.ID != "x" {
		t.Errorf("title %q on line %d, id %q; want the H1 on line 5", p.Title, p.Line("title"), p.ID)
	}
	if strings.Contains(string(p.Body), "Cache stampede") {
		t.Errorf("the H1 that became the title is still in the body: %s", p.Body)
	}

	// A title in the front matter keeps its line; the H1 stays in the body.
	p, _ = readAs(t, nil, "content/x.md", "---\ntitle: Outage\n---\n# Heading\n")
	if p.Title != "Outage" || p.Line("title") != 2 || !strings.Contains(string(p.Body), "Heading") {
		t.Errorf("title %q on line %d, body %q", p.Title, p.Line("title"), p.Body)
	}

	cfg := config.Default()
	cfg.Language = "fr"
	p, _ = readAs(t, cfg, "content/Sécurité réseau.md", "Texte.\n")
	if p.ID != "securite-reseau" || p.Language != "fr" {
		t.Errorf("id %q, language %q", p.ID, p.Language)
	}
	_, diags := readAs(t, nil, "content/!!!.md", "Text.\n")
	if errs := only(diags, diag.Error); len(errs) != 1 || !strings.Contains(errs[0].Message, "cannot make an id from the file name") {
		t.Errorf("diagnostics = %v", diags)
	}
}

func TestReadSeverity(t *testing.T) {
	for _, s := range []string{"sev2", "SEV2", "Sev 2", " SEV2 "} {
		p, _ := mustRead(t, nil, "---\nseverity: \""+s+"\"\n---\n")
		if p.Severity != "SEV2" {
			t.Errorf("severity %q read as %q, want SEV2", s, p.Severity)
		}
	}
	cfg, err := config.Parse("site/hindsight.yaml", []byte("severities: [critical, major, minor]\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Path = "site/hindsight.yaml"
	p, _ := mustRead(t, cfg, "---\nseverity: Major\n---\n")
	if p.Severity != "MAJOR" {
		t.Errorf("severity = %q, want MAJOR", p.Severity)
	}
	_, diags := read(t, cfg, "---\nseverity: SEV1\n---\n")
	if errs := only(diags, diag.Error); len(errs) != 1 || !strings.Contains(errs[0].Message, `"SEV1" is not on the scale CRITICAL, MAJOR, MINOR (set severities: in site/hindsight.yaml`) {
		t.Errorf("diagnostics = %v", diags)
	}
}

func TestReadTimesInTheConfiguredZone(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		started   string
		resolved  string
		ttr       time.Duration
	}{
		{"local time in winter", "---\nstarted_at: 2025-03-14 09:12\nresolved_at: 2025-03-14 10:12:30\n---\n",
			"2025-03-14T08:12:00Z", "2025-03-14T09:12:30Z", time.Hour + 30*time.Second},
		{"local time in summer", "---\nstarted_at: 2025-07-14T09:12\nresolved_at: 2025-07-14T09:12:00\n---\n",
			"2025-07-14T07:12:00Z", "2025-07-14T07:12:00Z", 0},
		{"across the spring change", "---\nstarted_at: 2025-03-30 01:30\nresolved_at: 2025-03-30 03:30\n---\n",
			"2025-03-30T00:30:00Z", "2025-03-30T01:30:00Z", time.Hour},
		{"across the autumn change", "---\nstarted_at: 2025-10-26 01:30\nresolved_at: 2025-10-26 04:30\n---\n",
			"2025-10-25T23:30:00Z", "2025-10-26T03:30:00Z", 4 * time.Hour},
		{"explicit offsets are kept", "---\nstarted_at: 2025-03-14T09:12:00-05:00\nresolved_at: 2025-03-14 14:12Z\n---\n",
			"2025-03-14T14:12:00Z", "2025-03-14T14:12:00Z", 0},
		{"toml local date-times", "+++\nstarted_at = 2025-03-14T09:12:00\nresolved_at = 2025-03-14 10:12:00\n+++\n",
			"2025-03-14T08:12:00Z", "2025-03-14T09:12:00Z", time.Hour},
		{"toml offset date-times", "+++\nstarted_at = 2025-03-14T09:12:00Z\nresolved_at = 2025-03-14T10:12:00+01:00\n+++\n",
			"2025-03-14T09:12:00Z", "2025-03-14T09:12:00Z", 0},
		{"json strings", ";;;\n{\"started_at\": \"2025-03-14 09:12\", \"resolved_at\": \"2025-03-14T09:12:00Z\"}\n;;;\n",
			"2025-03-14T08:12:00Z", "2025-03-14T09:12:00Z", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := mustRead(t, paris(t), tc.src)
			if !p.StartedAt.Equal(utc(tc.started)) || !p.ResolvedAt.Equal(utc(tc.resolved)) {
				t.Errorf("started %v, resolved %v; want %s, %s", p.StartedAt.UTC(), p.ResolvedAt.UTC(), tc.started, tc.resolved)
			}
			if got := p.TimeToResolve(); got != tc.ttr {
				t.Errorf("TimeToResolve = %v, want %v", got, tc.ttr)
			}
		})
	}
	// The same file in the default zone is read as UTC.
	p, _ := mustRead(t, nil, "---\nstarted_at: 2025-03-14 09:12\n---\n")
	if !p.StartedAt.Equal(utc("2025-03-14T09:12:00Z")) {
		t.Errorf("started_at in UTC = %v", p.StartedAt)
	}
	// Dates alone, where a day is enough, are midnight in the zone.
	p, _ = mustRead(t, paris(t), complete+"actions:\n  - title: Fix\n    owner: bob\n    due: 2025-04-01\nretrospective:\n  date: 2025-03-17\n---\n")
	if !p.Actions[0].Due.Equal(utc("2025-03-31T22:00:00Z")) || !p.Retrospective.Date.Equal(utc("2025-03-16T23:00:00Z")) {
		t.Errorf("due %v, retrospective %v", p.Actions[0].Due.UTC(), p.Retrospective.Date.UTC())
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in     string
		dateOK bool
		want   string // RFC 3339, or "" for an error
	}{
		{"2025-03-14T09:12:00+01:00", false, "2025-03-14T08:12:00Z"},
		{"2025-03-14T08:12:00Z", false, "2025-03-14T08:12:00Z"},
		{"2025-03-14 09:12", false, "2025-03-14T09:12:00Z"},
		{"2025-03-14 09:12:07", false, "2025-03-14T09:12:07Z"},
		{" 2025-03-14 09:12 ", false, "2025-03-14T09:12:00Z"},
		{"2025-03-14", true, "2025-03-14T00:00:00Z"},
		{"2025-03-14", false, ""},
		{"2025-02-30 09:12", false, ""},
		{"14/03/2025", true, ""},
		{"", false, ""},
	} {
		got, err := ParseTime(tc.in, time.UTC, tc.dateOK)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseTime(%q, %v) = %v, want an error", tc.in, tc.dateOK, got)
		case tc.want != "" && (err != nil || !got.Equal(utc(tc.want))):
			t.Errorf("ParseTime(%q, %v) = %v, %v; want %s", tc.in, tc.dateOK, got, err, tc.want)
		}
	}
}

func TestDurations(t *testing.T) {
	p, _ := mustRead(t, nil, `---
started_at: 2025-03-14T14:00:00Z
detected_at: 2025-03-14T14:05:00Z
mitigated_at: 2025-03-14T15:10:00Z
resolved_at: 2025-03-14T16:30:00Z
---
`)
	if p.TimeToDetect() != 5*time.Minute || p.TimeToMitigate() != 70*time.Minute || p.TimeToResolve() != 150*time.Minute {
		t.Errorf("TTD %v, TTM %v, TTR %v", p.TimeToDetect(), p.TimeToMitigate(), p.TimeToResolve())
	}
	if p.Ongoing() {
		t.Error("a resolved incident is ongoing")
	}
	// Without timestamps, the durations stated in the text count.
	q := &Postmortem{StatedDetect: 5 * time.Minute, StatedResolve: time.Hour, ResolvedAt: utc("2025-03-14T16:30:00Z")}
	if q.TimeToDetect() != 5*time.Minute || q.TimeToMitigate() != 0 || q.TimeToResolve() != time.Hour {
		t.Errorf("stated: TTD %v, TTM %v, TTR %v", q.TimeToDetect(), q.TimeToMitigate(), q.TimeToResolve())
	}
	if !(&Postmortem{}).Ongoing() || (&Postmortem{StatedResolve: time.Hour}).Ongoing() {
		t.Error("Ongoing is wrong")
	}
}

func TestRetroOnTime(t *testing.T) {
	resolved := utc("2025-03-14T16:30:00Z")
	for _, tc := range []struct {
		retro      time.Duration // after resolution; -1 for none
		known, due bool
	}{
		{24 * time.Hour, true, true},
		{72 * time.Hour, true, true},
		{72*time.Hour + time.Minute, true, false},
		{-1, false, false},
	} {
		p := &Postmortem{ResolvedAt: resolved}
		if tc.retro >= 0 {
			p.Retrospective.Date = resolved.Add(tc.retro)
		}
		if p.RetroKnown() != tc.known || p.RetroOnTime() != tc.due {
			t.Errorf("retro %v after resolution: known %v, on time %v; want %v, %v", tc.retro, p.RetroKnown(), p.RetroOnTime(), tc.known, tc.due)
		}
	}
	// Through Read: resolved on the 14th at 17:30 Paris, retrospective on the 17th (midnight Paris).
	p, _ := mustRead(t, paris(t), "---\nresolved_at: 2025-03-14 17:30\nretrospective:\n  date: 2025-03-17\n---\n")
	if !p.RetroOnTime() || p.RetroDelay() != 54*time.Hour+30*time.Minute {
		t.Errorf("RetroDelay = %v, on time %v", p.RetroDelay(), p.RetroOnTime())
	}
	p, _ = mustRead(t, paris(t), "---\nresolved_at: 2025-03-14 17:30\nretrospective:\n  date: 2025-03-17 17:31\n---\n")
	if p.RetroOnTime() {
		t.Errorf("a retrospective 72h01 after resolution is on time (delay %v)", p.RetroDelay())
	}
}

func TestOverdue(t *testing.T) {
	now := utc("2025-04-02T00:00:00Z")
	due := utc("2025-04-01T00:00:00Z")
	for _, tc := range []struct {
		a    Action
		want bool
	}{
		{Action{Status: "open", Due: due}, true},
		{Action{Status: "done", Due: due}, false},
		{Action{Status: "wontfix", Due: due}, false},
		{Action{Status: "open"}, false},
		{Action{Status: "open", Due: now.Add(time.Hour)}, false},
	} {
		if got := tc.a.Overdue(now); got != tc.want {
			t.Errorf("%+v Overdue = %v, want %v", tc.a, got, tc.want)
		}
	}
	// Actions read without a status are open.
	p, _ := mustRead(t, nil, complete+"actions:\n  - title: Fix\n    owner: bob\n    due: 2025-04-01\n  - title: Done\n    owner: bob\n    due: 2025-04-01\n    status: Done\n---\n")
	if !p.Actions[0].Overdue(now) || p.Actions[1].Overdue(now) || p.Actions[1].Status != "done" {
		t.Errorf("actions = %+v", p.Actions)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Checkout outage":                 "checkout-outage",
		"2024-11-02 Checkout outage":      "2024-11-02-checkout-outage",
		"Sécurité réseau":                 "securite-reseau",
		"../x":                            "x",
		"a/b\\c":                          "a-b-c",
		"  --Hello,   World!--  ":         "hello-world",
		"Ça déraille: l'API (v2) à 100 %": "ca-deraille-l-api-v2-a-100",
		"日本語":                             "",
		"":                                "",
	} {
		got := Slug(in)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if strings.ContainsAny(got, "/.") {
			t.Errorf("Slug(%q) = %q holds a / or .", in, got)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://tracker.example.com/PAY-1": true,
		"http://x":                          true,
		"mailto:sre@example.com":            true,
		"../runbooks/dns.md":                true,
		"#timeline":                         true,
		"javascript:alert(1)":               false,
		" JavaScript:alert(1)":              false,
		"java\tscript:alert(1)":             false,
		"data:text/html,<script>":           false,
		"vbscript:x":                        false,
		"//evil.example.com/x":              true, // a host, so http(s) in the page's scheme
	} {
		if got := SafeURL(s); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestReadBodyIsNeverCode(t *testing.T) {
	p, _ := mustRead(t, nil, complete+"---\n"+`# Outage

<script>alert(1)</script>

Text <img src=x onerror=alert(1)> and [a link](javascript:alert(1)) and [ok](https://example.com).

<iframe src="https://evil.example.com"></iframe>
`)
	body := string(p.Body)
	for _, bad := range []string{"<script", "<img", "onerror", "<iframe", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("body holds %q:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, `<a href="">a link</a>`) || !strings.Contains(body, `<a href="https://example.com">ok</a>`) {
		t.Errorf("links not rendered as expected:\n%s", body)
	}
}

func TestReadExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatal("no examples", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, diags := readAs(t, paris(t), file, string(src))
		if errs := only(diags, diag.Error); len(errs) > 0 || p == nil {
			t.Errorf("%s: %v", file, errs)
		}
	}
}

func TestReadFullExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "2025-03-14 Checkout outage.md"))
	if err != nil {
		t.Fatal(err)
	}
	p, diags := readAs(t, paris(t), "content/checkout.md", string(src))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !equal(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("id", p.ID, "2025-03-14-checkout")
	check("title", p.Title, "Checkout outage: payment provider timeouts")
	check("severity", p.Severity, "SEV2")
	check("services", p.Services, []string{"billing", "public-api"})
	check("started_at", p.StartedAt.UTC(), utc("2025-03-14T13:02:00Z"))
	check("mitigated_at", p.MitigatedAt.UTC(), utc("2025-03-14T14:12:00Z"))
	check("TimeToMitigate", p.TimeToMitigate(), 70*time.Minute)
	check("TimeToDetect", p.TimeToDetect(), 5*time.Minute)
	check("timeline sorted", p.Timeline[0].Event, "Payment provider rotates its TLS endpoint")
	check("change_induced", p.ChangeInduced, false)
	check("trigger", p.Trigger, "certificate rotation")
	check("root_cause", p.RootCause, "Our connection pool kept connections to the provider's old TLS endpoint.")
	check("ishikawa order", []string{p.Ishikawa[0].Name, p.Ishikawa[1].Name, p.Ishikawa[2].Name}, []string{"process", "tools", "vendors"})
	check("actions", len(p.Actions), 2)
	check("action status", p.Actions[0].Status, "done")
	check("action link", p.Actions[0].Link, "https://tracker.example.com/PAY-101")
	check("action line", p.Actions[1].Line, 36)
	check("second action status", p.Actions[1].Status, "open")
	check("customer", p.Customer, Customer{Publish: true, Title: "Card payments failed",
		Summary: "Some card payments failed between 14:02 and 15:12.", Impact: "31% of payments"})
	check("retrospective", p.Retrospective.Participants, []string{"alice", "bob"})
	check("retro on time", p.RetroOnTime(), true)
	check("status line", p.Line("status"), 4)
	check("title line", p.Line("title"), 3)
	check("body", strings.Contains(string(p.Body), "<h1 id=\"checkout-outage\">Checkout outage</h1>"), true)
}

func equal(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case time.Time:
		return a.Equal(b.(time.Time))
	}
	return a == b
}
