package metrics

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// TestSortByDate: the index by date is the stable sort of the incidents by
// date, whether they come newest first (as a site has them: the quick way)
// or in any order.
func TestSortByDate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ps []*postmortem.Postmortem
	for i := range 300 {
		day := time.Date(2025, 1, 1+r.IntN(40), 0, 0, 0, 0, time.UTC) // many on one day
		ps = append(ps, &postmortem.Postmortem{ID: fmt.Sprint(i), StartedAt: day})
	}
	want := func(in []*postmortem.Postmortem) []*postmortem.Postmortem {
		out := slices.Clone(in)
		slices.SortStableFunc(out, func(a, b *postmortem.Postmortem) int { return a.Date().Compare(b.Date()) })
		return out
	}
	newest := slices.Clone(ps)
	slices.SortStableFunc(newest, func(a, b *postmortem.Postmortem) int { return b.Date().Compare(a.Date()) })
	for name, in := range map[string][]*postmortem.Postmortem{"newest first": newest, "any order": ps} {
		ix := &incidentIndex{byDate: slices.Clone(in)}
		ix.sortByDate()
		if !slices.Equal(ix.byDate, want(in)) {
			t.Errorf("%s: not the stable sort by date", name)
		}
	}
}
