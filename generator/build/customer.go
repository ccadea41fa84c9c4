package build

import (
	"runtime"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/blameless"
	"github.com/hindsight-sre/hindsight/generator/customer"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/metrics"
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
// summary, and blame language in the analysis.
func checkContent(s *site.Site) (diag.List, error) {
	c, err := customer.NewChecker(s.Config)
	if err != nil {
		return nil, err
	}
	blame := blameless.New(s.Config.BlamePhrases)
	// One share of the postmortems per core: regular expressions over
	// every customer text of a large knowledge base take a while.
	n := runtime.GOMAXPROCS(0)
	parts := make([]diag.List, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			for i := k; i < len(s.Incidents); i += n {
				c.Check(s.Incidents[i], &parts[k])
				blame.Check(s.Incidents[i], &parts[k])
			}
		})
	}
	wg.Wait()
	var diags diag.List
	for _, l := range parts {
		diags = append(diags, l...)
	}
	diags.Sort()
	return diags, nil
}
