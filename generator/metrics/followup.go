package metrics

import (
	"cmp"
	"slices"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// Names under which actions without an owner or a type are counted.
const (
	NoOwner = "(no owner)"
	NoType  = "(no type)"
)

// ActionCounts counts actions by status. Overdue actions are open actions
// past their due date at Now: they are counted in Open too.
type ActionCounts struct {
	Total   int `json:"total"`
	Done    int `json:"done"`
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	WontFix int `json:"wontfix"`
}

func (c *ActionCounts) add(a postmortem.Action, now time.Time) {
	c.Total++
	switch a.Status {
	case "done":
		c.Done++
	case "open":
		c.Open++
		if a.Overdue(now) {
			c.Overdue++
		}
	case "wontfix":
		c.WontFix++
	}
}

// NamedActionCounts are the action counts of one type or one owner.
type NamedActionCounts struct {
	Name string `json:"name"`
	ActionCounts
}

// FollowUp is what became of the postmortems of a period after the
// incident: their actions, and whether their retrospective was held in time.
type FollowUp struct {
	Actions      ActionCounts        `json:"actions"`
	DoneShare    *float64            `json:"done_share"` // of all actions; nil when there are none
	OpenShare    *float64            `json:"open_share"`
	OverdueShare *float64            `json:"overdue_share"`
	WontFixShare *float64            `json:"wontfix_share"`
	ByType       []NamedActionCounts `json:"by_type"`  // fix, automate, tool, formalize, test, inform (zeros included), then other types by name, then NoType
	ByOwner      []NamedActionCounts `json:"by_owner"` // most actions first, then by name; NoOwner for actions without one

	// Retrospectives of the resolved postmortems:
	// Resolved = RetroOnTime + RetroLate + RetroUndated + RetroNone.
	Resolved         int      `json:"resolved"`
	RetroOnTime      int      `json:"retro_on_time"`       // held at most 72 h after resolution
	RetroLate        int      `json:"retro_late"`          // held later than that
	RetroUndated     int      `json:"retro_undated"`       // held, but the resolution time is not written
	RetroNone        int      `json:"retro_none"`          // no retrospective recorded
	RetroOnTimeShare *float64 `json:"retro_on_time_share"` // RetroOnTime ÷ Resolved; nil when none is resolved
}

// FollowUp counts the actions and retrospectives of the incidents in period,
// actions being overdue or not at Now.
func (m *Metrics) FollowUp(period Period) FollowUp {
	list := m.selectIncidents(period, "") // a new slice
	k := memoKey{"followup", period, "", false}
	if v, ok := m.Memo.get(k, list, m.Deployments); ok {
		return v.(FollowUp)
	}
	f := m.followUp(list)
	m.Memo.put(k, list, m.Deployments, f)
	return f
}

// followUp computes the follow-up of the incidents in list.
func (m *Metrics) followUp(list []*postmortem.Postmortem) FollowUp {
	var f FollowUp
	byType := map[string]ActionCounts{}
	byOwner := map[string]ActionCounts{}
	count := func(counts map[string]ActionCounts, name string, a postmortem.Action) {
		c := counts[name]
		c.add(a, m.Now)
		counts[name] = c
	}
	for _, p := range list {
		for _, a := range p.Actions {
			f.Actions.add(a, m.Now)
			count(byType, cmp.Or(a.Type, NoType), a)
			count(byOwner, cmp.Or(a.Owner, NoOwner), a)
		}
		if p.Ongoing() {
			continue
		}
		f.Resolved++
		switch {
		case !p.Retrospective.Held():
			f.RetroNone++
		case !p.RetroKnown():
			f.RetroUndated++
		case p.RetroOnTime():
			f.RetroOnTime++
		default:
			f.RetroLate++
		}
	}
	n := f.Actions.Total
	f.DoneShare, f.OpenShare = share(f.Actions.Done, n), share(f.Actions.Open, n)
	f.OverdueShare, f.WontFixShare = share(f.Actions.Overdue, n), share(f.Actions.WontFix, n)
	f.RetroOnTimeShare = share(f.RetroOnTime, f.Resolved)

	f.ByType = []NamedActionCounts{}
	for _, t := range ordered(byType, postmortem.ActionTypes, NoType) {
		f.ByType = append(f.ByType, NamedActionCounts{t, byType[t]})
	}
	f.ByOwner = []NamedActionCounts{}
	for name, c := range byOwner {
		f.ByOwner = append(f.ByOwner, NamedActionCounts{name, c})
	}
	slices.SortFunc(f.ByOwner, func(a, b NamedActionCounts) int {
		return byCountThenName(Count{a.Name, a.Total}, Count{b.Name, b.Total})
	})
	return f
}
