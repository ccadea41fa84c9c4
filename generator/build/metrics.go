package build

import (
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// Metrics returns the improvement metrics of a loaded site as of opts.Now,
// with the config's severity weights and SLO window, and the deployments read
// from the file deployments (when it is not "") or else from the config's
// metrics.deployments. Problems in the deployments file come back as
// diagnostics with their line; with errors, the metrics are nil.
func Metrics(s *site.Site, opts Options, deployments string) (*metrics.Metrics, diag.List) {
	cfg := opts.Config
	m := metrics.New(cfg, s.Incidents, opts.Now)
	m.SLOWindowDays = cfg.SLOWindowDays
	if cfg.SeverityWeights != nil {
		m.Weights = metrics.Weights(cfg.SeverityWeights)
	}
	if deployments == "" {
		deployments = cfg.DeploymentsPath
	}
	if deployments != "" {
		d, diags := metrics.LoadDeployments(deployments, cfg.Location)
		if diags.Errors() > 0 {
			return nil, diags
		}
		m.Deployments = d
		return m, diags
	}
	return m, nil
}
