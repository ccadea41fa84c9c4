package build

import (
	"os"
	"time"

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
	return metricsWith(s, opts, deployments, nil)
}

// deploymentsFile is a deployments file as read, kept by a Session until
// the file changes.
type deploymentsFile struct {
	path  string
	size  int64
	mod   time.Time
	d     *metrics.Deployments
	diags diag.List
}

// metricsWith is Metrics, reading the deployments through kept when it is
// not nil.
func metricsWith(s *site.Site, opts Options, deployments string, kept *deploymentsFile) (*metrics.Metrics, diag.List) {
	cfg := opts.Config
	m := metrics.New(cfg, s.Incidents, opts.Now)
	m.SLOWindowDays = cfg.SLOWindowDays
	if cfg.SeverityWeights != nil {
		m.Weights = metrics.Weights(cfg.SeverityWeights)
	}
	if deployments == "" {
		deployments = cfg.DeploymentsPath
	}
	if deployments == "" {
		return m, nil
	}
	var d *metrics.Deployments
	var diags diag.List
	st, err := os.Stat(deployments)
	if kept != nil && err == nil && kept.path == deployments && kept.size == st.Size() && kept.mod.Equal(st.ModTime()) {
		d, diags = kept.d, kept.diags
	} else {
		d, diags = metrics.LoadDeployments(deployments, cfg.Location)
		if kept != nil && err == nil {
			*kept = deploymentsFile{deployments, st.Size(), st.ModTime(), d, diags}
		}
	}
	if diags.Errors() > 0 {
		return nil, diags
	}
	m.Deployments = d
	return m, diags
}
