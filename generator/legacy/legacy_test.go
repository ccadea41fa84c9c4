package legacy

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/markdown"
)

// infer runs Infer on src as the file name, with front matter setting the
// fields in has, and returns the result and the body left.
func infer(t testing.TB, src, name string, has ...string) (Result, string) {
	t.Helper()
	doc := markdown.Parse([]byte(src))
	r := Infer(doc, []byte(src), name, paris, func(f string) bool { return !slices.Contains(has, f) })
	var b bytes.Buffer
	if err := markdown.Render(&b, []byte(src), doc); err != nil {
		t.Fatalf("render: %v", err)
	}
	return r, b.String()
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseStamp(t *testing.T) {
	for _, tc := range []struct {
		in         string
		ok         bool
		date       string // "2024-11-02", "11-02" without a year, "" without a date
		clock      string // "14:02:00"
		utc        bool
		rest       string
		zoneOffset int
	}{
		{in: "14:02 — alert fired", ok: true, clock: "14:02:00", rest: " — alert fired"},
		{in: "14:02: alert", ok: true, clock: "14:02:00", rest: ": alert"},
		{in: "14:02:33 alert", ok: true, clock: "14:02:33", rest: " alert"},
		{in: "9h12 : déploiement", ok: true, clock: "09:12:00", rest: " : déploiement"},
		{in: "2:05 PM page", ok: true, clock: "14:05:00", rest: " page"},
		{in: "12:30am", ok: true, clock: "00:30:00", rest: ""},
		{in: "14:02 UTC: x", ok: true, clock: "14:02:00", utc: true, rest: ": x"},
		{in: "14:02 (UTC) x", ok: true, clock: "14:02:00", utc: true, rest: " x"},
		{in: "2024-11-02 14:02 UTC: x", ok: true, date: "2024-11-02", clock: "14:02:00", utc: true, rest: ": x"},
		{in: "2024-11-02T14:02:00Z", ok: true, date: "2024-11-02", clock: "14:02:00", utc: true},
		{in: "2024-11-02T14:02:00+01:00 x", ok: true, date: "2024-11-02", clock: "14:02:00", zoneOffset: 3600, rest: " x"},
		{in: "Nov 2, 14:02 deploy", ok: true, date: "11-02", clock: "14:02:00", rest: " deploy"},
		{in: "Sat, Nov 2, 2024 14:02", ok: true, date: "2024-11-02", clock: "14:02:00"},
		{in: "2 novembre 2024 à 14h02", ok: true, date: "2024-11-02", clock: "14:02:00"},
		{in: "14:02 PST", ok: true, clock: "14:02:00", zoneOffset: -8 * 3600},
		{in: "14h02 est lancé", ok: true, clock: "14:02:00", rest: " est lancé"}, // French "est", not Eastern time
		{in: "14:02 zookeeper down", ok: true, clock: "14:02:00", rest: " zookeeper down"},
		{in: "[14:02] x", ok: true, clock: "14:02:00", rest: " x"},
		{in: "25:00 x"},
		{in: "14:61 x"},
		{in: "140:02"},
		{in: "2024-02-30 10:00"},
		{in: "alert at 14:02"},
		{in: "2 hosts failed"},
		{in: "1.5 hours"},
	} {
		st, rest, ok := parseStamp(tc.in)
		if ok != tc.ok {
			t.Errorf("parseStamp(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		date := ""
		switch {
		case st.hasYear:
			date = time.Date(st.year, st.month, st.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		case st.hasDate:
			date = time.Date(2000, st.month, st.day, 0, 0, 0, 0, time.UTC).Format("01-02")
		}
		clock := time.Date(2000, 1, 1, st.hour, st.min, st.sec, 0, time.UTC).Format(time.TimeOnly)
		off := 0
		if st.zone != nil {
			_, off = time.Date(2024, 1, 1, 0, 0, 0, 0, st.zone).Zone()
		}
		if date != tc.date || clock != tc.clock || (st.zone == time.UTC) != tc.utc || rest != tc.rest || off != tc.zoneOffset {
			t.Errorf("parseStamp(%q) = %s %s utc=%v off=%d rest %q, want %s %s utc=%v off=%d rest %q",
				tc.in, date, clock, st.zone == time.UTC, off, rest, tc.date, tc.clock, tc.utc, tc.zoneOffset, tc.rest)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in    string
		clock bool
		want  time.Duration
		rest  string
	}{
		{in: "5 minutes", want: 5 * time.Minute},
		{in: "5 min", want: 5 * time.Minute},
		{in: "5m", want: 5 * time.Minute},
		{in: "1 hour 10 minutes", want: 70 * time.Minute},
		{in: "1 hour and 10 minutes", want: 70 * time.Minute},
		{in: "2h 30m", want: 150 * time.Minute},
		{in: "2h30", want: 150 * time.Minute},
		{in: "1.5 hours", want: 90 * time.Minute},
		{in: "1,5 heure", want: 90 * time.Minute},
		{in: "90 s", want: 90 * time.Second},
		{in: "45 seconds", want: 45 * time.Second},
		{in: "45 secondes", want: 45 * time.Second},
		{in: "2 heures", want: 2 * time.Hour},
		{in: "1 h 10", want: 70 * time.Minute},
		{in: "3 jours", want: 72 * time.Hour},
		{in: "2 days", want: 48 * time.Hour},
		{in: "about 25 minutes", want: 25 * time.Minute},
		{in: "~40 min (from 14:02 to 14:42)", want: 40 * time.Minute, rest: " (from 14:02 to 14:42)"},
		{in: "1:30", clock: true, want: 90 * time.Minute},
		{in: "1:30"},
		{in: "14:02 – 16:10", clock: true},
		{in: "5 people"},
		{in: "2024-11-02"},
		{in: "unknown"},
		{in: ""},
	} {
		d, rest, ok := parseDuration(tc.in, tc.clock)
		if ok != (tc.want != 0) || d != tc.want || (ok && rest != tc.rest) {
			t.Errorf("parseDuration(%q, %v) = %v, %q, %v; want %v, %q", tc.in, tc.clock, d, rest, ok, tc.want, tc.rest)
		}
	}
}

func TestHeadingKind(t *testing.T) {
	for text, want := range map[string]kind{
		"Timeline":                    kTimeline,
		"🔥 Incident Timeline (UTC)":   kTimeline,
		"Sequence of events":          kTimeline,
		"Chronologie":                 kTimeline,
		"Déroulé":                     kTimeline,
		"3. Root Cause:":              kRootCause,
		"Root causes":                 kRootCause,
		"Cause racine":                kRootCause,
		"Causes profondes":            kRootCause,
		"What went wrong?":            kWeakRootCause,
		"Why it happened":             kWeakRootCause,
		"Contributing Factors":        kContributing,
		"Facteurs contributifs":       kContributing,
		"5 Whys":                      kFiveWhys,
		"2. 5 whys":                   kFiveWhys,
		"Cinq pourquoi":               kFiveWhys,
		"Action Items":                kActions,
		"Follow-up actions":           kActions,
		"Follow-ups":                  kActions,
		"Next steps":                  kActions,
		"Actions correctives":         kActions,
		"Plan d’action":               kActions,
		"Key figures":                 kStats,
		"Chiffres clés":               kStats,
		"Lessons learned":             kLessons,
		"Summary":                     kNone,
		"Impact":                      kNone,
		"Root cause of the confusion": kNone,
		"":                            kNone,
	} {
		if got := headingKind(text); got != want {
			t.Errorf("headingKind(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestDescribeAction(t *testing.T) {
	in := &inferer{loc: paris, res: Result{Date: at("2024-11-02 00:00")}}
	for _, tc := range []struct {
		text string
		want Action
	}{
		{"Fix the retry loop", Action{Title: "Fix the retry loop", Type: "fix"}},
		{"Add alerting on cert expiry (owner: alice)", Action{Title: "Add alerting on cert expiry", Owner: "alice", Type: "tool"}},
		{"Add a load test — @bob", Action{Title: "Add a load test", Owner: "bob", Type: "test"}},
		{"Write the DNS runbook [carol]", Action{Title: "Write the DNS runbook", Owner: "carol", Type: "formalize"}},
		{"Automate restarts (owner: dmitri, due 2024-12-01)", Action{Title: "Automate restarts", Owner: "dmitri", Type: "automate", Due: at("2024-12-01 00:00")}},
		{"Rotate keys, owner: alice, due: Dec 15", Action{Title: "Rotate keys", Owner: "alice", Due: at("2024-12-15 00:00")}},
		{"Rotate keys (due Jan 15)", Action{Title: "Rotate keys", Due: at("2025-01-15 00:00")}},
		{"Patch the client (fixed in #1234)", Action{Title: "Patch the client (fixed in #1234)", Status: "done", Type: "fix"}},
		{"DONE: Inform support", Action{Title: "Inform support", Status: "done", Type: "inform"}},
		{"✅ Share the postmortem", Action{Title: "Share the postmortem", Status: "done", Type: "inform"}},
		{"Drop the legacy cache (won't fix)", Action{Title: "Drop the legacy cache", Status: "wontfix"}},
		{"Review quotas (see INC-42)", Action{Title: "Review quotas (see INC-42)"}},
		{"Add retries - with backoff", Action{Title: "Add retries - with backoff"}},
		{"Browser test of SAML logins — Priya Raman", Action{Title: "Browser test of SAML logins", Owner: "Priya Raman"}},
		{"Retry the export — everywhere", Action{Title: "Retry the export — everywhere"}},
		{"Review quotas — Done", Action{Title: "Review quotas", Status: "done"}},
		{"Rotate keys, done weekly", Action{Title: "Rotate keys, done weekly"}},
		{"Upgrade the client [P1]", Action{Title: "Upgrade the client [P1]"}},
		{"(owner: alice)", Action{Owner: "alice"}},
	} {
		var a Action
		in.describeAction(&a, tc.text)
		if a.Type == "" {
			a.Type = guessType(a.Title)
		}
		if a != tc.want {
			t.Errorf("describeAction(%q) = %+v, want %+v", tc.text, a, tc.want)
		}
	}
}

func TestInfer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  string
		src   string
		has   []string // fields the front matter sets
		check func(t *testing.T, r Result, body string)
	}{
		{
			name: "bullet timeline over midnight",
			file: "2024-11-02 Night deploy.md",
			src:  "# Night deploy\n\n## Timeline\n\n- **23:50** deploy\n- 23:58 — alert\n- 00:20: rollback\n- 02:10 recovered\n",
			check: func(t *testing.T, r Result, body string) {
				want := []time.Time{at("2024-11-02 23:50"), at("2024-11-02 23:58"), at("2024-11-03 00:20"), at("2024-11-03 02:10")}
				if len(r.Timeline) != len(want) {
					t.Fatalf("timeline = %+v", r.Timeline)
				}
				for i, e := range r.Timeline {
					if !e.At.Equal(want[i]) {
						t.Errorf("event %d at %v, want %v", i, e.At, want[i])
					}
				}
				if r.Timeline[0].Event != "deploy" || r.Timeline[0].Line != 5 {
					t.Errorf("first event = %+v", r.Timeline[0])
				}
				if !r.StartedAt.Equal(want[0]) || !r.ResolvedAt.Equal(want[3]) {
					t.Errorf("started %v resolved %v", r.StartedAt, r.ResolvedAt)
				}
				if body != "" {
					t.Errorf("body = %q, want everything used", body)
				}
			},
		},
		{
			name: "no date: times not placed, section kept",
			file: "Night deploy.md",
			src:  "## Timeline\n\n| Time | Event |\n|---|---|\n| 23:50 | deploy |\n\nTime to resolve: 20 min\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Timeline != nil || !r.StartedAt.IsZero() || !r.ResolvedAt.IsZero() || !r.Date.IsZero() {
					t.Errorf("result = %+v, want no times", r)
				}
				if r.TimeToResolve != 20*time.Minute {
					t.Errorf("time to resolve = %v", r.TimeToResolve)
				}
				// The duration line stays with the timeline it is written in.
				if !strings.Contains(body, "<td>deploy</td>") || !strings.Contains(body, "Time to resolve") {
					t.Errorf("body = %s", body)
				}
			},
		},
		{
			name: "dated entries place the times after them",
			file: "Outage.md",
			src:  "## Chronology\n\n- 2024-03-09 22:10 deploy\n- 23:00 alert\n- 01:30 fixed\n",
			check: func(t *testing.T, r Result, _ string) {
				if len(r.Timeline) != 3 || !r.Timeline[2].At.Equal(at("2024-03-10 01:30")) || !r.StartedAt.Equal(at("2024-03-09 22:10")) {
					t.Errorf("timeline = %+v", r.Timeline)
				}
			},
		},
		{
			name: "Date line beats the file name; labelled times roll over midnight",
			file: "2020-01-01 Wrong day.md",
			src:  "# X\n\nDate: 2024-11-02\nStarted: 23:40\nDetected: 23:50\nResolved: 01:10\nTime to mitigate: 30 min\n",
			check: func(t *testing.T, r Result, body string) {
				if !r.Date.Equal(at("2024-11-02 00:00")) || !r.StartedAt.Equal(at("2024-11-02 23:40")) ||
					!r.DetectedAt.Equal(at("2024-11-02 23:50")) || !r.MitigatedAt.Equal(at("2024-11-03 00:10")) ||
					!r.ResolvedAt.Equal(at("2024-11-03 01:10")) || r.TimeToMitigate != 30*time.Minute {
					t.Errorf("result = %+v", r)
				}
				if body != "" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "never before the start",
			file: "2024-11-02 x.md",
			src:  "Started: 2024-11-02 10:00\nResolved: 2024-11-01 09:00\nDetected: 2024-11-02 09:59\n",
			check: func(t *testing.T, r Result, body string) {
				if !r.ResolvedAt.IsZero() || !r.DetectedAt.IsZero() {
					t.Errorf("resolved %v detected %v, want zero", r.ResolvedAt, r.DetectedAt)
				}
				if !strings.Contains(body, "Resolved: 2024-11-01 09:00") || strings.Contains(body, "Started") {
					t.Errorf("body = %s", body)
				}
			},
		},
		{
			name: "front matter has the timeline: parsed, kept",
			file: "2024-11-02 x.md",
			src:  "## Timeline\n\n- 10:00 deploy\n",
			has:  []string{"timeline"},
			check: func(t *testing.T, r Result, body string) {
				if len(r.Timeline) != 1 || !strings.Contains(body, "deploy") {
					t.Errorf("timeline %+v, body %s", r.Timeline, body)
				}
			},
		},
		{
			name: "incident status is not a postmortem status",
			file: "x.md",
			src:  "Status: Resolved\nSeverity: Sev 2\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Status != "" || r.Severity != "SEV 2" || r.SeverityLine != 2 {
					t.Errorf("status %q severity %q line %d", r.Status, r.Severity, r.SeverityLine)
				}
				if body != "<p>Status: Resolved</p>\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "metadata list in a Details section: headings dropped with it",
			file: "x.md",
			src:  "# T\n\n## Details\n\n### Metadata\n\n- **Severity**: SEV1\n- Tags: a; b\n\n## Summary\n\nText.\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Severity != "SEV1" || !slices.Equal(r.Tags, []string{"a", "b"}) {
					t.Errorf("result = %+v", r)
				}
				if body != "<h2 id=\"summary\">Summary</h2>\n<p>Text.</p>\n" {
					t.Errorf("body = %s", body)
				}
			},
		},
		{
			name: "metadata in a block quote",
			file: "x.md",
			src:  "> **Severity:** SEV1  \n> **Services:** api\n\n> Owner: bob  \n> Tags: x\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Severity != "SEV1" || len(r.Services) != 1 || len(r.Tags) != 1 {
					t.Errorf("result = %+v", r)
				}
				if body != "<blockquote>\n<p>Owner: bob</p>\n</blockquote>\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "partly used paragraph ends cleanly",
			file: "x.md",
			src:  "Severity: SEV2  \nOn call: bob  \nServices: api\n",
			check: func(t *testing.T, _ Result, body string) {
				if body != "<p>On call: bob</p>\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "timeline in a code block, date sub-headings",
			file: "x.md",
			src:  "## Timeline\n\n### Saturday 2 November 2024\n\n```\n22:00 deploy\n23:10 alert\n```\n\n### 3 Nov\n\n```\n00:30 fixed\n```\n",
			check: func(t *testing.T, r Result, _ string) {
				if len(r.Timeline) != 3 || !r.Timeline[2].At.Equal(at("2024-11-03 00:30")) || r.Timeline[1].Line != 7 {
					t.Errorf("timeline = %+v", r.Timeline)
				}
			},
		},
		{
			name: "table with date and time columns",
			file: "x.md",
			src:  "## Timeline\n\n| # | Date | Time | Event |\n|---|---|---|---|\n| 1 | 2024-11-02 | 23:59 | a |\n| 2 | 2024-11-03 | 00:01 | b |\n",
			check: func(t *testing.T, r Result, _ string) {
				if len(r.Timeline) != 2 || !r.Timeline[1].At.Equal(at("2024-11-03 00:01")) || r.Timeline[1].Event != "b" {
					t.Errorf("timeline = %+v", r.Timeline)
				}
			},
		},
		{
			name: "day items with nested times",
			file: "x.md",
			src:  "## Timeline\n\n- Nov 2, 2024\n  - 23:00 a\n- Nov 3\n  - 08:00 b\n",
			check: func(t *testing.T, r Result, _ string) {
				if len(r.Timeline) != 2 || !r.Timeline[1].At.Equal(at("2024-11-03 08:00")) {
					t.Errorf("timeline = %+v", r.Timeline)
				}
			},
		},
		{
			name: "an entry without a time before any event keeps the section",
			file: "2024-11-02 x.md",
			src:  "## Timeline\n\n- Before the incident, a config change\n- 10:00 deploy\n",
			check: func(t *testing.T, r Result, body string) {
				if len(r.Timeline) != 1 || !strings.Contains(body, "Before the incident") {
					t.Errorf("timeline %+v body %s", r.Timeline, body)
				}
			},
		},
		{
			name: "UTC note in the timeline",
			file: "2024-11-02 x.md",
			src:  "## Timeline\n\nAll times are UTC.\n\n- 10:00 deploy\n",
			check: func(t *testing.T, r Result, _ string) {
				if len(r.Timeline) != 1 || !r.Timeline[0].At.Equal(time.Date(2024, 11, 2, 10, 0, 0, 0, time.UTC)) {
					t.Errorf("timeline %+v", r.Timeline)
				}
			},
		},
		{
			name: "root cause source stops at a thematic break and at a recognized sub-heading",
			file: "x.md",
			src:  "## Root cause\n\nA *bad* config.\n\n### Contributing factors\n\nNo review.\n\nNo test.\n\n---\n\n## Lessons\n",
			check: func(t *testing.T, r Result, body string) {
				if r.RootCause != "A *bad* config." {
					t.Errorf("root cause = %q", r.RootCause)
				}
				if !slices.Equal(r.ContributingFactors, []string{"No review.", "No test."}) {
					t.Errorf("factors = %q", r.ContributingFactors)
				}
				if body != "<h2 id=\"lessons\">Lessons</h2>\n" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "what went wrong yields to root cause",
			file: "x.md",
			src:  "## What went wrong\n\nW.\n\n## Root cause\n\nR.\n",
			check: func(t *testing.T, r Result, body string) {
				if r.RootCause != "R." || !strings.Contains(body, "What went wrong") {
					t.Errorf("root cause %q body %s", r.RootCause, body)
				}
			},
		},
		{
			name: "H1 sections after the title",
			file: "x.md",
			src:  "# Title\n\n# Root cause\n\nR.\n\n# Impact\n\nI.\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Title != "Title" || r.RootCause != "R." || body != "<h1 id=\"impact\">Impact</h1>\n<p>I.</p>\n" {
					t.Errorf("title %q root cause %q body %q", r.Title, r.RootCause, body)
				}
			},
		},
		{
			name: "actions: nested details, groups, status headings",
			file: "2024-11-02 x.md",
			src: "## Action items\n\n### Done ✅\n\n- Roll back the flag\n\n### Open items\n\n" +
				"- Add a canary test\n  - Owner: alice\n  - Due: Dec 1\n  - Ticket: OPS-12\n" +
				"- Short term:\n  - Raise the quota\n  - [x] Notify customers\n" +
				"- Improve alerting\n  - page on lag\n",
			check: func(t *testing.T, r Result, body string) {
				want := []Action{
					{Title: "Roll back the flag", Status: "done", Line: 5},
					{Title: "Add a canary test (OPS-12)", Owner: "alice", Status: "open", Type: "test", Due: at("2024-12-01 00:00"), Line: 9},
					{Title: "Raise the quota", Status: "open", Line: 14},
					{Title: "Notify customers", Status: "done", Type: "inform", Line: 15},
					{Title: "Improve alerting: page on lag", Status: "open", Line: 16},
				}
				if !slices.Equal(r.Actions, want) {
					t.Errorf("actions =\n%+v\nwant\n%+v", r.Actions, want)
				}
				if body != "" {
					t.Errorf("body = %q", body)
				}
			},
		},
		{
			name: "empty and odd sections",
			file: "x.md",
			src:  "## Timeline\n## Root cause\n## Action items\n\n| x |\n|---|\n| |\n\n## 5 whys\n\n|a|\n|-|\n",
			check: func(t *testing.T, r Result, body string) {
				if r.Timeline != nil || r.RootCause != "" || r.Actions != nil || r.FiveWhys != nil {
					t.Errorf("result = %+v", r)
				}
				if !strings.Contains(body, "Timeline") || !strings.Contains(body, "5 whys") {
					t.Errorf("body = %s", body)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, body := infer(t, tc.src, tc.file, tc.has...)
			tc.check(t, r, body)
		})
	}
}

func TestInferNil(t *testing.T) {
	r := Infer(nil, nil, "2024-11-02 x.md", nil, nil)
	if !r.Date.Equal(time.Date(2024, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %v", r.Date)
	}
	src := []byte("# T\n\nDate: 2024-11-02\n\n## Timeline\n\n- 10:00 x\n")
	doc := markdown.Parse(src)
	r = Infer(doc, src, "", nil, nil)
	if r.Title != "T" || doc.ChildCount() != 0 || r.StartedAt.Location() != time.UTC {
		t.Errorf("result %+v, %d blocks left", r, doc.ChildCount())
	}
}

// goldenSources reads the golden postmortems.
func goldenSources(b *testing.B) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	var srcs [][]byte
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	return srcs
}

// BenchmarkInfer parses and infers the golden postmortems (a 10,000-file
// build runs Infer for every file); BenchmarkParse is the parse alone, so the
// difference is Infer's cost.
func BenchmarkInfer(b *testing.B) {
	srcs := goldenSources(b)
	for b.Loop() {
		for _, src := range srcs {
			Infer(markdown.Parse(src), src, "2024-11-02 x.md", paris, nil)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	srcs := goldenSources(b)
	for b.Loop() {
		for _, src := range srcs {
			markdown.Parse(src)
		}
	}
}
