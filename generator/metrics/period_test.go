package metrics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

func TestLastDaysCountsCalendarDaysInTheSiteZone(t *testing.T) {
	// 30 calendar days before 2025-04-10 00:00 CEST is 2025-03-11 00:00 CET:
	// the same wall-clock time, 30 × 24 − 1 = 719 hours earlier.
	if !last30.From.Equal(at("2025-03-11 00:00")) || !last30.To.Equal(now) {
		t.Errorf("last 30 days = %v … %v", last30.From, last30.To)
	}
	if h := last30.To.Sub(last30.From).Hours(); h != 719 {
		t.Errorf("last 30 days last %v hours, want 719", h)
	}
	// Counting in UTC instead would start an hour earlier.
	if utc := LastDays(now, time.UTC, 30); !utc.From.Equal(last30.From.Add(-time.Hour)) {
		t.Errorf("in UTC, from %v", utc.From)
	}
	views := Views(now, paris)
	var keys []string
	for _, v := range views {
		keys = append(keys, v.Key)
	}
	if len(views) != 4 || keys[0] != "30d" || keys[1] != "90d" || keys[2] != "365d" || keys[3] != "all" ||
		views[0].Period != last30 || views[2].Days != 365 || views[3].Period != (Period{}) {
		t.Errorf("views = %+v", views)
	}
}

func TestPeriodIsHalfOpen(t *testing.T) {
	p := Period{From: at("2025-03-01 00:00"), To: at("2025-04-01 00:00")}
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{at("2025-03-01 00:00"), true},  // From is in
		{at("2025-03-31 23:59"), true},  //
		{at("2025-04-01 00:00"), false}, // To is out
		{at("2025-02-28 23:59"), false},
		{time.Time{}, false}, // no date: only in all time
	} {
		if got := p.Contains(tc.t); got != tc.want {
			t.Errorf("Contains(%v) = %v", tc.t, got)
		}
	}
	if !(Period{}).Contains(time.Time{}) || !(Period{To: now}).Contains(at("1999-01-01 00:00")) || (Period{To: now}).Contains(time.Time{}) {
		t.Error("open periods")
	}
	// An incident without started_at is placed by its first timeline event.
	legacy := &postmortem.Postmortem{Timeline: []postmortem.Event{{At: at("2025-03-15 12:00")}}}
	if !p.Includes(legacy) {
		t.Error("incident placed by its timeline is not in the period")
	}
}

func TestPeriodJSON(t *testing.T) {
	b, err := json.Marshal(Period{From: at("2025-03-11 00:00")})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"from":"2025-03-11T00:00:00+01:00","to":null}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}
