package metrics

import "testing"

func TestFollowUp(t *testing.T) {
	m := fixture(t)
	fu := m.FollowUp(last90)
	// The actions of a-api-db, c-dst and e-nodetect (90 days):
	//   fix       alice  done
	//   automate  bob    open, due 2025-03-20: overdue at 2025-04-10
	//   test      -      open, due 2025-05-01
	//   inform    alice  wontfix
	//   tool      bob    open, no due date
	//   formalize carol  done
	// 6 actions: done 2/6, open 3/6 (the overdue one included), overdue 1/6,
	// wontfix 1/6.
	sameJSON(t, "actions", fu.Actions, ActionCounts{Total: 6, Done: 2, Open: 3, Overdue: 1, WontFix: 1})
	sameJSON(t, "shares", []*float64{fu.DoneShare, fu.OpenShare, fu.OverdueShare, fu.WontFixShare},
		[]*float64{f(2.0 / 6), f(0.5), f(1.0 / 6), f(1.0 / 6)})
	// Every type, in the practice's order.
	sameJSON(t, "by type", fu.ByType, []NamedActionCounts{
		{"fix", ActionCounts{Total: 1, Done: 1}},
		{"automate", ActionCounts{Total: 1, Open: 1, Overdue: 1}},
		{"tool", ActionCounts{Total: 1, Open: 1}},
		{"formalize", ActionCounts{Total: 1, Done: 1}},
		{"test", ActionCounts{Total: 1, Open: 1}},
		{"inform", ActionCounts{Total: 1, WontFix: 1}},
	})
	// Most actions first, then by name ("(" sorts before letters).
	sameJSON(t, "by owner", fu.ByOwner, []NamedActionCounts{
		{"alice", ActionCounts{Total: 2, Done: 1, WontFix: 1}},
		{"bob", ActionCounts{Total: 2, Open: 2, Overdue: 1}},
		{NoOwner, ActionCounts{Total: 1, Open: 1}},
		{"carol", ActionCounts{Total: 1, Done: 1}},
	})
	// Resolved: a, b, c, e, f (d-ongoing is not). a held 26 h 30 after
	// resolution and c exactly 72 h after: on time; b 6 days after: late;
	// e has none; f held one, but its resolution time is not written.
	// On time 2/5.
	if fu.Resolved != 5 || fu.RetroOnTime != 2 || fu.RetroLate != 1 || fu.RetroUndated != 1 || fu.RetroNone != 1 || *fu.RetroOnTimeShare != 0.4 {
		t.Errorf("retrospectives: %d resolved, %d on time, %d late, %d undated, %d none, share %v",
			fu.Resolved, fu.RetroOnTime, fu.RetroLate, fu.RetroUndated, fu.RetroNone, *fu.RetroOnTimeShare)
	}

	// 365 days adds g-old: an action without a type (inferred from text),
	// listed last; g-old is resolved without a retrospective.
	fu = m.FollowUp(last365)
	last := fu.ByType[len(fu.ByType)-1]
	if len(fu.ByType) != 7 || last.Name != NoType || last.Open != 1 || fu.Resolved != 6 || fu.RetroNone != 2 {
		t.Errorf("365 days: by type %+v, %d resolved, %d without retrospective", fu.ByType, fu.Resolved, fu.RetroNone)
	}

	// No postmortem, no share: nil, not 0.
	fu = m.FollowUp(Period{From: at("2020-01-01 00:00"), To: at("2020-02-01 00:00")})
	if fu.DoneShare != nil || fu.RetroOnTimeShare != nil || len(fu.ByType) != 6 || fu.ByOwner == nil {
		t.Errorf("empty period: %+v", fu)
	}
}
