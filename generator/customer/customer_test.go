package customer

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// now is the build's "today" in these tests: 1 March 2026, 00:00 UTC. The
// 30-day window starts on 30 January 00:00, the 90-day one on 1 December.
var now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

const testConfig = `title: Internal KB
base_url: https://kb.example.com/
customer:
  title: Example status
services:
  api:
    title: Public API
  web:
    public_name: Website
  internal-db:
    title: Internal database
    public: false
`

// pm writes a postmortem with a customer block.
func pm(sev, status string, publish bool, services, start, end, extra string) string {
	s := fmt.Sprintf("---\ntitle: Internal title %s %s\nstatus: %s\nseverity: %s\nservices: [%s]\nstarted_at: %s\n", sev, start, status, sev, services, start)
	if end != "" {
		s += "resolved_at: " + end + "\n"
	}
	s += fmt.Sprintf("root_cause: a cause\ncustomer:\n  publish: %v\n  summary: Something went wrong.\n%s---\nBody.\n", publish, extra)
	return s
}

// uptimeCorpus is the hand-computed corpus of TestUptime.
var uptimeCorpus = fstest.MapFS{
	// A: SEV1 across the 30-day window's start: 2 h inside it, 4 h in 90 days.
	"a.md": {Data: []byte(pm("SEV1", "published", true, "api", "2026-01-29T22:00:00Z", "2026-01-30T02:00:00Z", ""))},
	// B: SEV2, 2 h × 0.3 = 36 min.
	"b.md": {Data: []byte(pm("SEV2", "published", true, "api", "2026-02-10T10:00:00Z", "2026-02-10T12:00:00Z", ""))},
	// C: SEV3 counts as no downtime.
	"c.md": {Data: []byte(pm("SEV3", "published", true, "api", "2026-02-15T10:00:00Z", "2026-02-15T18:00:00Z", ""))},
	// D and E overlap: 10:00–11:00 at 1 (D), 11:00–12:00 at 0.3 (E) = 78 min,
	// not 60 + 27.
	"d.md": {Data: []byte(pm("SEV1", "published", true, "api", "2026-02-20T10:00:00Z", "2026-02-20T11:00:00Z", ""))},
	"e.md": {Data: []byte(pm("SEV2", "published", true, "api", "2026-02-20T10:30:00Z", "2026-02-20T12:00:00Z", ""))},
	// F: SEV1 across the 90-day window's start: 1 h inside it, none in 30 days.
	"f.md": {Data: []byte(pm("SEV1", "published", true, "api", "2025-11-30T23:00:00Z", "2025-12-01T01:00:00Z", ""))},
	// G: communication not approved; H: postmortem not published. Neither counts.
	"g.md": {Data: []byte(pm("SEV1", "published", false, "api", "2026-02-25T10:00:00Z", "2026-02-25T20:00:00Z", ""))},
	"h.md": {Data: []byte(pm("SEV1", "draft", true, "api", "2026-02-26T10:00:00Z", "2026-02-26T20:00:00Z", ""))},
	// I: ongoing SEV2 since 28 February 12:00: 12 h to now × 0.3 = 216 min.
	"i.md": {Data: []byte(pm("SEV2", "published", true, "api", "2026-02-28T12:00:00Z", "", ""))},
	// K: a minor incident of the website and a private service.
	"k.md": {Data: []byte(pm("SEV4", "published", true, "web, internal-db", "2026-02-01T10:00:00Z", "2026-02-01T11:00:00Z", "  title: Slow pages\n"))},
}

func load(t *testing.T, fsys fstest.MapFS) *site.Site {
	t.Helper()
	cfg, err := config.Parse("hindsight.yaml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	s, diags := site.Load(fsys, cfg, site.Options{Drafts: true, Now: now})
	if s == nil {
		t.Fatalf("cannot load: %v", diags)
	}
	return s
}

func TestUptime(t *testing.T) {
	s := load(t, uptimeCorpus)
	cs := New(s, metrics.DefaultWeights(s.Config.Severities))
	var api *Service
	for _, sv := range cs.Services {
		if sv.Name == "Public API" {
			api = sv
		}
	}
	if api == nil {
		t.Fatalf("no Public API service in %v", cs.Services)
	}
	want := map[int]time.Duration{
		30: (120 + 36 + 78 + 216) * time.Minute,
		90: (240 + 36 + 78 + 60 + 216) * time.Minute,
	}
	for _, u := range api.Uptime {
		if u.Downtime != want[u.Days] {
			t.Errorf("%d days: downtime %v, want %v", u.Days, u.Downtime, want[u.Days])
		}
		share := 1 - float64(want[u.Days])/float64(time.Duration(u.Days)*24*time.Hour)
		if math.Abs(u.Share-share) > 1e-12 {
			t.Errorf("%d days: uptime %.6f, want %.6f", u.Days, u.Share, share)
		}
	}
	if got := api.Uptime[0].Share; math.Abs(got-(1-450.0/43200)) > 1e-12 {
		t.Errorf("30-day uptime %.6f, want 98.958 %%", got)
	}
	if cur := api.Current(); len(cur) != 1 || cur[0].Severity != "Partial outage" {
		t.Errorf("current incidents %v, want the ongoing SEV2 as a partial outage", cur)
	}
	// 8 incidents of the 10 are on the customer site: not G, not H.
	if len(cs.Incidents) != 8 {
		t.Errorf("%d incidents on the customer site, want 8", len(cs.Incidents))
	}
}

func TestDowntimeWeights(t *testing.T) {
	from, to := now.AddDate(0, 0, -30), now
	at := func(h int) time.Time { return from.Add(time.Duration(h) * time.Hour) }
	for _, c := range []struct {
		name string
		incs []*Incident
		want time.Duration
	}{
		{"none", nil, 0},
		{"weight 0", []*Incident{{Start: at(1), End: at(5), weight: 0}}, 0},
		{"same outage twice", []*Incident{{Start: at(1), End: at(3), weight: 1}, {Start: at(1), End: at(3), weight: 1}}, 2 * time.Hour},
		{"nested lesser", []*Incident{{Start: at(1), End: at(5), weight: 1}, {Start: at(2), End: at(3), weight: 0.3}}, 4 * time.Hour},
		{"nested greater", []*Incident{{Start: at(1), End: at(5), weight: 0.5}, {Start: at(2), End: at(3), weight: 1}}, 150 * time.Minute},
		{"before the window", []*Incident{{Start: at(-10), End: at(-1), weight: 1}}, 0},
		{"ongoing", []*Incident{{Start: to.Add(-time.Hour), weight: 1}}, time.Hour},
		{"no start", []*Incident{{End: at(3), weight: 1}}, 0},
	} {
		if got := Downtime(c.incs, from, to); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestProjection(t *testing.T) {
	s := load(t, uptimeCorpus)
	cs := New(s, metrics.DefaultWeights(s.Config.Severities))
	if cs.Title != "Example status" || cs.BaseURL != "https://kb.example.com/customer/" {
		t.Errorf("title %q, base %q", cs.Title, cs.BaseURL)
	}
	var names []string
	for _, sv := range cs.Services {
		names = append(names, sv.Name+"="+sv.Slug)
	}
	// internal-db is private; web is renamed.
	if got := strings.Join(names, " "); got != "Public API=public-api Website=website" {
		t.Errorf("services %q", got)
	}
	for _, i := range cs.Incidents {
		if strings.Contains(i.Title, "Internal title") {
			t.Errorf("%s: the internal title reached the customer site: %q", i.ID, i.Title)
		}
		switch i.ID {
		case "k":
			if i.Title != "Slow pages" || len(i.Services) != 1 || i.Services[0].Name != "Website" || i.Severity != "Minor issue" {
				t.Errorf("k = %+v", i)
			}
		case "a":
			if i.Title != "Major outage: Public API" || i.Duration() != 4*time.Hour || i.Level != 1 {
				t.Errorf("a: title %q, duration %v, level %d", i.Title, i.Duration(), i.Level)
			}
		}
	}
}

func TestState(t *testing.T) {
	s := load(t, fstest.MapFS{
		"published.md":  {Data: []byte(pm("SEV3", "published", true, "api", "2026-02-01T10:00:00Z", "2026-02-01T11:00:00Z", ""))},
		"pending.md":    {Data: []byte(pm("SEV2", "published", false, "api", "2026-02-02T10:00:00Z", "2026-02-02T11:00:00Z", ""))},
		"draft.md":      {Data: []byte(pm("SEV1", "review", true, "api", "2026-02-03T10:00:00Z", "2026-02-03T11:00:00Z", ""))},
		"unapproved.md": {Data: []byte(pm("SEV4", "published", false, "api", "2026-02-04T10:00:00Z", "2026-02-04T11:00:00Z", ""))},
		"none.md":       {Data: []byte("---\ntitle: None\nseverity: SEV4\nstarted_at: 2026-02-05T10:00:00Z\nresolved_at: 2026-02-05T11:00:00Z\nroot_cause: x\n---\n")},
	})
	want := map[string]string{"published": StatePublished, "pending": StatePending, "draft": StateDraft, "unapproved": StateDraft, "none": StateNone}
	for id, st := range want {
		if got := State(s.ByID[id], s.Config); got != st {
			t.Errorf("%s: state %q, want %q", id, got, st)
		}
	}
}

func TestCheckDenyList(t *testing.T) {
	cfg, err := config.Parse("hindsight.yaml", []byte("customer:\n  internal_domains: [corp.example.com]\n  deny_patterns:\n    codename: '(?i)project falcon'\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChecker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	src := `---
title: T
status: published
severity: SEV2
customer:
  publish: true
  title: Fix for OPS-1234 deployed
  summary: >
    Requests to db-3.corp.example.com (10.20.30.40) failed; UTF-8 text and
    192.168.1.1 and ping oncall@example.com about Project Falcon.
  impact: Nothing to see at 172.15.0.1 or 8.8.8.8.
---
`
	s, diags := site.Load(fstest.MapFS{"x.md": {Data: []byte(src)}}, cfg, site.Options{Now: now})
	if s == nil {
		t.Fatal(diags)
	}
	var got diag.List
	c.Check(s.ByID["x"], &got)
	text := ""
	for _, d := range got {
		text += d.String() + "\n"
	}
	for _, want := range []string{
		`x.md:7: warning: customer.title contains "OPS-1234", which looks internal (ticket)`,
		`x.md:8: warning: customer.summary contains "10.20.30.40", which looks internal (private_ip)`,
		`x.md:8: warning: customer.summary contains "oncall@example.com", which looks internal (email)`,
		`x.md:8: warning: customer.summary contains "db-3.corp.example.com", which looks internal (internal_host)`,
		`x.md:8: warning: customer.summary contains "Project Falcon", which looks internal (codename)`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	// Public addresses, UTF-8 and 172.15/16 are fine; one message per
	// pattern and field.
	for _, bad := range []string{"UTF-8", "8.8.8.8", "172.15.0.1", "impact"} {
		if strings.Contains(text, bad) {
			t.Errorf("%q reported:\n%s", bad, text)
		}
	}
	if len(got) != 5 {
		t.Errorf("%d warnings, want 5:\n%s", len(got), text)
	}

	// An approved communication of a published postmortem needs a summary.
	s, _ = site.Load(fstest.MapFS{"y.md": {Data: []byte("---\ntitle: Y\nseverity: SEV1\ncustomer:\n  publish: true\n  title: Outage\n---\n")}}, cfg, site.Options{Now: now})
	got = nil
	c.Check(s.ByID["y"], &got)
	if len(got) != 1 || !strings.Contains(got[0].String(), "y.md:5: warning: customer.publish is true but customer.summary is empty") {
		t.Errorf("empty summary: %v", got)
	}
}
