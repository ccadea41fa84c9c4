package build

import (
	"runtime"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/blameless"
	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Customer projects a loaded site onto the customer site, counting
// downtime with the config's severity weights (metrics.severity_weights),
// so public uptime and internal SLO availability weigh incidents alike.
func Customer(s *site.Site) *customer.Site {
	w := metrics.Weights(s.Config.SeverityWeights)
	if w == nil {
		w = metrics.DefaultWeights(s.Config.Severities)
	}
	return customer.New(s, w)
}

// checkContent runs the checks that need the config beside each file:
// customer text that looks internal, approved communications without a
// summary, and blame language in the analysis. done, when not nil, keeps
// each postmortem's diagnostics: those it holds are not checked again, and
// those of postmortems no longer in the site are forgotten.
func checkContent(s *site.Site, done map[*postmortem.Postmortem]diag.List) (diag.List, error) {
	c, err := customer.NewChecker(s.Config)
	if err != nil {
		return nil, err
	}
	blame := blameless.New(s.Config.BlamePhrases)
	// One share of the postmortems per core: regular expressions over
	// every customer text of a large knowledge base take a while.
	todo := s.Incidents
	if done != nil {
		todo = nil
		for _, p := range s.Incidents {
			if _, ok := done[p]; !ok {
				todo = append(todo, p)
			}
		}
	}
	n := runtime.GOMAXPROCS(0)
	each := make([]diag.List, len(todo))
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			for i := k; i < len(todo); i += n {
				c.Check(todo[i], &each[i])
				blame.Check(todo[i], &each[i])
			}
		})
	}
	wg.Wait()
	var diags diag.List
	if done == nil {
		for _, l := range each {
			diags = append(diags, l...)
		}
	} else {
		for i, p := range todo {
			done[p] = each[i]
		}
		live := make(map[*postmortem.Postmortem]bool, len(s.Incidents))
		for _, p := range s.Incidents {
			live[p] = true
			diags = append(diags, done[p]...)
		}
		for p := range done {
			if !live[p] {
				delete(done, p)
			}
		}
	}
	diags.Sort()
	return diags, nil
}
