package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/charts"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// MetricsView is one pre-rendered view of the metrics page: a period
// ("30d", "90d", "365d" or "all") with its report and charts.
type MetricsView struct {
	Key    string
	Path   string // "metrics/" for all time, else "metrics/<key>/"
	Report metrics.Report
	Charts []Figure
}

// Figure is a chart with its numbers as a table.
type Figure struct {
	Chart, Table template.HTML
}

// metricsData is everything the metrics pages, the service pages and the
// home page show of the metrics, computed once per build.
type metricsData struct {
	views []*MetricsView
}

// ServiceFigures is what a service page shows of the metrics: all-time
// figures, the SLO status and two charts.
type ServiceFigures struct {
	Report metrics.ServiceReport
	Charts []Figure
}

// viewPath is the folder of a metrics view: "metrics/" for all time, else
// "metrics/<key>/".
func viewPath(key string) string {
	if key == "all" {
		return "metrics/"
	}
	return "metrics/" + key + "/"
}

// computeMetrics builds the views (the organisation's figures and charts
// for each period).
func computeMetrics(m *metrics.Metrics, t func(string) string) *metricsData {
	views := metrics.Views(m.Now, m.Location)
	d := &metricsData{views: make([]*MetricsView, len(views))}
	var wg sync.WaitGroup
	for i, v := range views { // each view reads the incidents only: one per core
		wg.Go(func() {
			mv := &MetricsView{Key: v.Key, Path: viewPath(v.Key), Report: m.Report(v.Period)}
			mv.Charts = orgCharts(mv, m, t)
			d.views[i] = mv
		})
	}
	wg.Wait()
	return d
}

// computeServiceFigures builds every service's all-time figures and
// charts, for the service pages: without the organisation's, which a
// service page does not show (the metrics' Memo spares the reports the
// views computed, and those of services an edit did not touch).
func computeServiceFigures(m *metrics.Metrics, t func(string) string) map[string]*ServiceFigures {
	out := map[string]*ServiceFigures{}
	for _, name := range m.ServiceNames() {
		sr := m.ServiceReport(metrics.Period{}, name)
		sf := &ServiceFigures{Report: sr}
		id := "svc-" + postmortem.Slug(name)
		sf.Charts = append(sf.Charts, severityMonths(id+"-months", sr.Months, m.Severities, t))
		if sr.SLO != nil {
			sf.Charts = append(sf.Charts, burnChart(id+"-burn", []*metrics.SLO{sr.SLO}, t))
		}
		out[name] = sf
	}
	return out
}

func nan(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func hours(p *float64) float64 { return nan(p) / 60 }

func figure(c charts.Chart, chart template.HTML, stacked bool) Figure {
	return Figure{Chart: chart, Table: charts.Table(c, stacked)}
}

func bar(c charts.Chart, stacked bool) Figure {
	return figure(c, charts.Bar(charts.BarChart{Chart: c, Stacked: stacked}), stacked)
}

func line(c charts.Chart) Figure {
	return figure(c, charts.Line(charts.LineChart{Chart: c}), false)
}

// severityMonths is incidents per month stacked by severity.
func severityMonths(id string, months []metrics.Month, scale []string, t func(string) string) Figure {
	c := charts.Chart{ID: id, Title: t("chart_incidents_month"), XLabel: t("month"), YLabel: t("incidents")}
	for _, mo := range months {
		c.Categories = append(c.Categories, mo.Month)
	}
	for _, sev := range scale {
		s := charts.Series{Name: sev, Class: "sev-" + postmortem.Slug(sev)}
		for _, mo := range months {
			s.Values = append(s.Values, float64(count(mo.BySeverity, sev)))
		}
		c.Series = append(c.Series, s)
	}
	return bar(c, true)
}

func count(cs []metrics.Count, name string) int {
	for _, c := range cs {
		if c.Name == name {
			return c.Count
		}
	}
	return 0
}

// burnChart is the share of each service's error budget consumed, day by day.
func burnChart(id string, slos []*metrics.SLO, t func(string) string) Figure {
	c := charts.Chart{ID: id, Title: t("chart_burn"), XLabel: t("day"), YLabel: t("budget_consumed_pct"), Unit: "%", Decimals: 1}
	for i, slo := range slos {
		s := charts.Series{Name: slo.Service, Class: "svc-" + strconv.Itoa(i+1)}
		for _, day := range slo.Burn {
			if i == 0 {
				c.Categories = append(c.Categories, day.Day)
			}
			share := math.NaN()
			if slo.BudgetMinutes > 0 {
				share = 100 * day.ConsumedMinutes / slo.BudgetMinutes
			}
			s.Values = append(s.Values, share)
		}
		c.Series = append(c.Series, s)
	}
	return line(c)
}

// counts is a bar chart of named counts, the largest first, at most limit.
func counts(id, title, xlabel string, cs []metrics.Count, limit int, t func(string) string) Figure {
	c := charts.Chart{ID: id, Title: title, XLabel: xlabel, YLabel: t("incidents")}
	s := charts.Series{Name: t("incidents"), Class: "count"}
	for i, n := range cs {
		if i == limit {
			break
		}
		c.Categories = append(c.Categories, n.Name)
		s.Values = append(s.Values, float64(n.Count))
	}
	c.Series = []charts.Series{s}
	return bar(c, false)
}

// orgCharts are the charts of the metrics page for one view.
func orgCharts(v *MetricsView, m *metrics.Metrics, t func(string) string) []Figure {
	r := v.Report
	id := "m" + v.Key
	var out []Figure
	out = append(out, severityMonths(id+"-months", r.Months, m.Severities, t))

	mttr := charts.Chart{ID: id + "-mttr", Title: t("chart_mttr_month"), XLabel: t("month"), YLabel: t("ttr_hours"), Unit: t("unit_h"), Decimals: 1}
	med := charts.Series{Name: t("median"), Class: "median"}
	p90 := charts.Series{Name: "p90", Class: "p90"}
	cfr := charts.Chart{ID: id + "-cfr", Title: t("chart_cfr_month"), XLabel: t("month"), YLabel: t("cfr_pct"), Unit: "%", Decimals: 1}
	rate := charts.Series{Name: t("change_failure_rate"), Class: "cfr"}
	for _, mo := range r.Months {
		mttr.Categories = append(mttr.Categories, mo.Month)
		cfr.Categories = append(cfr.Categories, mo.Month)
		med.Values = append(med.Values, hours(mo.MTTRMedianMinutes))
		p90.Values = append(p90.Values, hours(mo.MTTRP90Minutes))
		rate.Values = append(rate.Values, 100*nan(mo.ChangeFailureRate))
	}
	mttr.Series = []charts.Series{med, p90}
	cfr.Series = []charts.Series{rate}
	out = append(out, line(mttr), bar(cfr, false))

	out = append(out, counts(id+"-services", t("chart_by_service"), t("service"), r.ByService, 20, t))
	out = append(out, counts(id+"-tags", t("chart_by_tag"), t("tags"), r.ByTag, 15, t))
	out = append(out, counts(id+"-triggers", t("chart_by_trigger"), t("trigger"), r.ByTrigger, 15, t))

	acts := charts.Chart{ID: id + "-actions", Title: t("chart_actions"), XLabel: t("type"), YLabel: t("actions")}
	done := charts.Series{Name: t("astatus_done"), Class: "done"}
	open := charts.Series{Name: t("astatus_open"), Class: "open"}
	late := charts.Series{Name: t("overdue"), Class: "overdue"}
	wont := charts.Series{Name: t("astatus_wontfix"), Class: "wontfix"}
	for _, ty := range r.FollowUp.ByType {
		label := ty.Name
		if l := t("action_" + ty.Name); l != "action_"+ty.Name {
			label = l
		}
		acts.Categories = append(acts.Categories, label)
		done.Values = append(done.Values, float64(ty.Done))
		open.Values = append(open.Values, float64(ty.Open-ty.Overdue))
		late.Values = append(late.Values, float64(ty.Overdue))
		wont.Values = append(wont.Values, float64(ty.WontFix))
	}
	acts.Series = []charts.Series{done, open, late, wont}
	out = append(out, bar(acts, true))

	slos := m.SLOs()
	if len(slos) > 0 {
		out = append(out, burnChart(id+"-burn", slos, t))
	}
	return out
}

// metricsFiles writes metrics/metrics.json (every view's report, keyed by
// view) and metrics/metrics.csv (one row per view and service).
func (r *renderer) metricsFiles() error {
	reports := map[string]metrics.Report{}
	for _, v := range r.metrics().views {
		reports[v.Key] = v.Report
	}
	j, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	if err := r.write("metrics/metrics.json", append(j, '\n')); err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"view", "service", "incidents", "ongoing",
		"mttd_minutes", "mttd_median_minutes", "mttd_p90_minutes",
		"mttm_minutes", "mttm_median_minutes", "mttm_p90_minutes",
		"mttr_minutes", "mttr_median_minutes", "mttr_p90_minutes",
		"change_induced", "deployments", "change_failure_rate",
		"slo_objective", "slo_availability", "error_budget_minutes", "consumed_minutes"})
	row := func(view, service string, f metrics.Figures, slo *metrics.SLO) {
		num := func(p *float64) string {
			if p == nil {
				return ""
			}
			return strconv.FormatFloat(*p, 'f', -1, 64)
		}
		deps := ""
		if f.Deployments != nil {
			deps = strconv.Itoa(*f.Deployments)
		}
		rec := []string{view, service, strconv.Itoa(f.Incidents), strconv.Itoa(f.Ongoing),
			num(f.MTTDMinutes), num(f.MTTDMedianMinutes), num(f.MTTDP90Minutes),
			num(f.MTTMMinutes), num(f.MTTMMedianMinutes), num(f.MTTMP90Minutes),
			num(f.MTTRMinutes), num(f.MTTRMedianMinutes), num(f.MTTRP90Minutes),
			strconv.Itoa(f.ChangeInduced), deps, num(f.ChangeFailureRate), "", "", "", ""}
		if slo != nil {
			rec[16] = num(&slo.Objective)
			rec[17] = num(&slo.Availability)
			rec[18] = num(&slo.BudgetMinutes)
			rec[19] = num(&slo.ConsumedMinutes)
		}
		w.Write(rec)
	}
	for _, v := range r.metrics().views {
		row(v.Key, "", v.Report.Figures, nil)
		for _, name := range sortedKeys(v.Report.Services) {
			sr := v.Report.Services[name]
			row(v.Key, name, sr.Figures, sr.SLO)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("writing metrics.csv: %w", err)
	}
	return r.write("metrics/metrics.csv", buf.Bytes())
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
