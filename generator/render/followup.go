package render

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// ActionGroup is the actions of one status on the actions page.
type ActionGroup struct {
	Status string // open, done, wontfix
	List   ActionList
}

// ActionCount counts the actions of an owner or a type.
type ActionCount struct {
	Name                                string // the owner or type; "" for actions without owner
	Open, Overdue, Done, WontFix, Total int
}

// ActionsByStatus lists every action of the site by status: open (overdue
// first), done, won't fix.
func (p *Page) ActionsByStatus() []ActionGroup {
	var out []ActionGroup
	for _, st := range postmortem.ActionStatuses {
		all := p.Site.Actions(p.Site.Incidents, st)
		out = append(out, ActionGroup{Status: st, List: ActionList{Page: p, Actions: all, Total: len(all), Empty: "no_actions"}})
	}
	return out
}

// ActionTotals counts every action of the site by status, and the overdue.
func (p *Page) ActionTotals() ActionCount {
	var c ActionCount
	for _, i := range p.Site.Incidents {
		for _, a := range i.Actions {
			tally(&c, a, p.Site.Now)
		}
	}
	return c
}

func tally(c *ActionCount, a postmortem.Action, now time.Time) {
	c.Total++
	switch a.Status {
	case "open":
		c.Open++
		if a.Overdue(now) {
			c.Overdue++
		}
	case "done":
		c.Done++
	case "wontfix":
		c.WontFix++
	}
}

// ActionsByOwner counts the actions of each owner, those with the most
// overdue first, then the most open.
func (p *Page) ActionsByOwner() []ActionCount {
	by := map[string]*ActionCount{}
	for _, i := range p.Site.Incidents {
		for _, a := range i.Actions {
			owner := strings.TrimSpace(a.Owner)
			if by[owner] == nil {
				by[owner] = &ActionCount{Name: owner}
			}
			tally(by[owner], a, p.Site.Now)
		}
	}
	out := make([]ActionCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b ActionCount) int {
		return cmp.Or(cmp.Compare(b.Overdue, a.Overdue), cmp.Compare(b.Open, a.Open), strings.Compare(a.Name, b.Name))
	})
	return out
}

// ActionsByType counts the actions of each type, in the practice's order.
func (p *Page) ActionsByType() []ActionCount {
	out := make([]ActionCount, len(postmortem.ActionTypes))
	for k, t := range postmortem.ActionTypes {
		out[k].Name = t
	}
	for _, i := range p.Site.Incidents {
		for _, a := range i.Actions {
			if k := slices.Index(postmortem.ActionTypes, a.Type); k >= 0 {
				tally(&out[k], a, p.Site.Now)
			}
		}
	}
	return out
}

// RetroItem is a postmortem on the retrospectives page.
type RetroItem struct {
	Incident *postmortem.Postmortem
	// Since is, for a retrospective not held, the time from resolution to
	// now; for one held, the time from resolution to the retrospective.
	Since    time.Duration
	Deadline time.Time // resolution + 72 h
	OnTime   bool      // held within 72 h
}

// RetroGroups sorts resolved postmortems by where their retrospective stands.
type RetroGroups struct {
	Due  []RetroItem // not held, resolved less than 72 h ago: hold it now
	Late []RetroItem // not held, resolved 72 h ago or more
	Held []RetroItem // held, with how long after resolution
}

// RetroWindow is the time after resolution in which a retrospective should
// be held: from 24 to 72 hours.
const (
	RetroFrom = 24 * time.Hour
	RetroTo   = 72 * time.Hour
)

// Retrospectives sorts the resolved postmortems by the state of their
// retrospective, as of the build's today; the most urgent first.
func (p *Page) Retrospectives() RetroGroups {
	var g RetroGroups
	now := p.Site.Now
	for _, i := range p.Site.Incidents {
		if i.ResolvedAt.IsZero() {
			continue
		}
		it := RetroItem{Incident: i, Deadline: i.ResolvedAt.Add(RetroTo)}
		switch {
		case i.Retrospective.Held():
			it.Since, it.OnTime = i.RetroDelay(), i.RetroOnTime()
			g.Held = append(g.Held, it)
		case i.ResolvedAt.After(now):
			continue // resolved after the build's today
		default:
			it.Since = now.Sub(i.ResolvedAt)
			if it.Since < RetroTo {
				g.Due = append(g.Due, it)
			} else {
				g.Late = append(g.Late, it)
			}
		}
	}
	oldestFirst := func(a, b RetroItem) int { return a.Deadline.Compare(b.Deadline) }
	slices.SortStableFunc(g.Due, oldestFirst)
	slices.SortStableFunc(g.Late, func(a, b RetroItem) int { return b.Deadline.Compare(a.Deadline) }) // most recent first
	return g
}
