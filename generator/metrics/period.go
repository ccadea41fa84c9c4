package metrics

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// Period is the half-open range of time [From, To). A zero From or To leaves
// that side open, so the zero Period is all time.
type Period struct{ From, To time.Time }

// Contains reports whether t falls in the period. A zero t (an incident with
// no date at all) is only in a period open on both sides: all time.
func (p Period) Contains(t time.Time) bool {
	if t.IsZero() {
		return p.From.IsZero() && p.To.IsZero()
	}
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// Includes reports whether an incident is in the period. Incidents are placed
// in time by their start (StartedAt, or Date when the start is unknown), so an
// incident that began before the period and ended in it is not in it.
func (p Period) Includes(pm *postmortem.Postmortem) bool { return p.Contains(pm.Date()) }

// LastDays is the period of the given number of calendar days up to now:
// from the same wall-clock time that many days earlier in loc, to now. Counting calendar days
// in the site's zone keeps a window that spans a daylight-saving change
// aligned on the site's days (it is then 1 hour shorter or longer).
func LastDays(now time.Time, loc *time.Location, days int) Period {
	now = now.In(loc)
	return Period{From: now.AddDate(0, 0, -days), To: now}
}

// View is one of the pre-computed periods the metrics are shown for.
type View struct {
	Key    string // "30d", "90d", "365d" or "all", usable in URLs
	Days   int    // 0 for all time
	Period Period
}

// Views are the last 30, 90 and 365 days before now, in loc, and all time.
func Views(now time.Time, loc *time.Location) []View {
	var vs []View
	for _, d := range []int{30, 90, 365} {
		vs = append(vs, View{Key: strconv.Itoa(d) + "d", Days: d, Period: LastDays(now, loc, d)})
	}
	return append(vs, View{Key: "all"})
}

// MarshalJSON writes the period as {"from": …, "to": …} in RFC 3339, with
// null for an open side.
func (p Period) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		From *time.Time `json:"from"`
		To   *time.Time `json:"to"`
	}{timeOrNil(p.From), timeOrNil(p.To)})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
