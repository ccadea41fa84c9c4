package render

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/site"
)

func followupSite(t *testing.T) *Page {
	t.Helper()
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	pm := func(resolved, retro, actions string) *fstest.MapFile {
		s := "---\ntitle: T\nseverity: SEV2\nstarted_at: 2026-01-01T00:00:00Z\nroot_cause: x\n"
		if resolved != "" {
			s += "resolved_at: " + resolved + "\n"
		}
		if retro != "" {
			s += "retrospective: {date: " + retro + "}\n"
		}
		return &fstest.MapFile{Data: []byte(s + actions + "---\n")}
	}
	fsys := fstest.MapFS{
		"due.md":       pm("2026-03-08T18:00:00Z", "", ""), // 30 h before now
		"late.md":      pm("2026-03-05T20:00:00Z", "", ""), // 100 h before now
		"ontime.md":    pm("2026-03-01T00:00:00Z", "2026-03-02T12:00:00Z", ""),
		"held-late.md": pm("2026-02-01T00:00:00Z", "2026-02-10T00:00:00Z", ""),
		"ongoing.md":   pm("", "", ""),
		"future.md":    pm("2026-03-11T00:00:00Z", "", ""),
		"acts.md": pm("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", `actions:
  - {title: a1, type: fix, owner: Ann, due: 2026-03-01, status: open}
  - {title: a2, type: fix, owner: Ann, due: 2026-04-01, status: open}
  - {title: a3, type: test, owner: Bob, status: done}
  - {title: a4, type: inform, status: wontfix}
  - {title: a5, type: automate, owner: Bob, due: 2026-02-01, status: open}
`),
	}
	s, diags := site.Load(fsys, config.Default(), site.Options{Drafts: true, Now: now})
	if s == nil {
		t.Fatal(diags)
	}
	return &Page{Site: s}
}

func TestRetrospectives(t *testing.T) {
	g := followupSite(t).Retrospectives()
	ids := func(items []RetroItem) string {
		var out []string
		for _, it := range items {
			out = append(out, fmt.Sprintf("%s:%v:%v", it.Incident.ID, it.Since, it.OnTime))
		}
		return strings.Join(out, " ")
	}
	if got := ids(g.Due); got != "due:30h0m0s:false" {
		t.Errorf("due: %s", got)
	}
	if got := ids(g.Late); got != "late:100h0m0s:false" {
		t.Errorf("late: %s", got)
	}
	if got := ids(g.Held); !strings.Contains(got, "ontime:36h0m0s:true") || !strings.Contains(got, "held-late:216h0m0s:false") || strings.Contains(got, "ongoing") || strings.Contains(got, "future") {
		t.Errorf("held: %s", got)
	}
	if d := g.Due[0].Deadline; !d.Equal(time.Date(2026, 3, 11, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("deadline %v", d)
	}
}

func TestActionsPageFigures(t *testing.T) {
	p := followupSite(t)
	if tot := p.ActionTotals(); tot != (ActionCount{Open: 3, Overdue: 2, Done: 1, WontFix: 1, Total: 5}) {
		t.Errorf("totals %+v", tot)
	}
	owners := p.ActionsByOwner()
	var got []string
	for _, o := range owners {
		got = append(got, fmt.Sprintf("%s:%d/%d/%d", o.Name, o.Open, o.Overdue, o.Done))
	}
	// Ann and Bob have one overdue each; Ann has more open.
	if strings.Join(got, " ") != "Ann:2/1/0 Bob:1/1/1 :0/0/0" {
		t.Errorf("owners %q", got)
	}
	groups := p.ActionsByStatus()
	if len(groups) != 3 || groups[0].Status != "open" || len(groups[0].List.Actions) != 3 {
		t.Fatalf("groups %+v", groups)
	}
	// Overdue first, the oldest due date first; then the rest.
	var order []string
	for _, a := range groups[0].List.Actions {
		order = append(order, a.Title)
	}
	if strings.Join(order, ",") != "a5,a1,a2" {
		t.Errorf("open order %v", order)
	}
	if types := p.ActionsByType(); types[0].Name != "fix" || types[0].Open != 2 || types[0].Overdue != 1 {
		t.Errorf("types %+v", types)
	}
}
