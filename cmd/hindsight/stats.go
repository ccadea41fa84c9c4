package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/metrics"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

const statsUsage = `Usage: hindsight stats [--content DIR] [--config FILE] [--deployments FILE] [--since DATE] [--until DATE] [--service NAME] [--json] [--drafts=false]

Prints the improvement figures of the postmortems: incidents by severity,
time to detect / mitigate / resolve (mean, median, p90), the change failure
rate, and per service its figures and SLO status (availability and error
budget over the SLO window, metrics.slo_window_days ending today, whatever
--since and --until say), and the follow-up of actions and retrospectives.
Every figure is defined in docs/metrics.md; the site shows the same numbers.

Incidents belong to the period in which they started. Without --since and
--until the period is all time. Dates are days (2006-01-02) in the site's
time zone; --until includes its day.

With --json, prints one JSON object (the shape of /metrics/metrics.json):
  incidents, ongoing, ongoing_ids        incidents of the period, unresolved ones
  mttd_minutes, mttm_minutes, mttr_minutes                 means, in minutes
  mttd_median_minutes, mttm_median_minutes, mttr_median_minutes
  mttd_p90_minutes, mttm_p90_minutes, mttr_p90_minutes     90th percentiles
  mttd_incidents, mttm_incidents, mttr_incidents           incidents measured
  change_induced, deployments, change_failure_rate         a fraction 0..1, null without deployment data
  by_severity, by_service, by_tag, by_trigger              lists of {"name", "count"}
  period                                 {"from", "to"}, RFC 3339, null when open
  as_of, follow_up, months               today, actions and retrospectives, monthly series
  services                               keyed by service name: the same figures,
                                         plus slo (null without an objective)
A figure without data is null, never 0. With --service, the top level is that
service's figures and services holds only it.

Exits 1 when the content or the deployments file has errors (reported as
path:line: message), 2 on a bad flag, date or service name.
`

func runStats(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("stats", statsUsage, args, stdout, stderr)
	var f siteFlags
	f.registerInput(fs)
	deployments := fs.String("deployments", "", "deployments CSV file (date,service,count); overrides metrics.deployments in the config")
	since := fs.String("since", "", "first day of the period, 2006-01-02 in the site's time zone (default: all time)")
	until := fs.String("until", "", "last day of the period, included, 2006-01-02 (default: up to now)")
	service := fs.String("service", "", "only the incidents of this service, as postmortems name it")
	asJSON := fs.Bool("json", false, "print the figures as JSON (fields listed above)")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options(fs, stderr)
	if err != nil {
		return err
	}
	period, err := statsPeriod(*since, *until, opts.Config.Location)
	if err != nil {
		return err
	}
	s, diags, err := build.Load(opts)
	report(diags, stderr)
	if err := errors.Join(err, diags.Err()); err != nil {
		return contentError(err)
	}
	m, diags := build.Metrics(s, opts, *deployments)
	report(diags, stderr)
	if err := diags.Err(); err != nil {
		return fmt.Errorf("the deployments file has %s", plural(diags.Errors(), "error", "errors"))
	}
	r := m.Report(period)
	if *service != "" {
		if r, err = serviceReport(m, r, period, *service); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	printStats(stdout, r, m.Deployments != nil, opts.Config.Location, *service, opts.Config.SLOWindowDays)
	return nil
}

// contentError keeps the message of content errors but not the build's
// "nothing was written", which says nothing to a reader of stats.
func contentError(err error) error {
	return errors.New(err.Error())
}

// statsPeriod reads --since and --until: [since 00:00, the day after until
// 00:00) in loc, open on a side left empty.
func statsPeriod(since, until string, loc *time.Location) (metrics.Period, error) {
	var p metrics.Period
	day := func(flag, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return t, usageError{fmt.Sprintf("--%s %q is not a date; write it like 2025-03-14", flag, s)}
		}
		return t, nil
	}
	var err error
	if since != "" {
		if p.From, err = day("since", since); err != nil {
			return p, err
		}
	}
	if until != "" {
		if p.To, err = day("until", until); err != nil {
			return p, err
		}
		p.To = p.To.AddDate(0, 0, 1)
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
		return p, usageError{fmt.Sprintf("--since %s is after --until %s", since, until)}
	}
	return p, nil
}

// serviceReport narrows r to one service: its figures at the top level, its
// actions and retrospectives, and services holding only it.
func serviceReport(m *metrics.Metrics, r metrics.Report, period metrics.Period, name string) (metrics.Report, error) {
	sr, ok := r.Services[name]
	if !ok {
		known := slices.Sorted(maps.Keys(r.Services))
		if len(known) == 0 {
			return r, usageError{fmt.Sprintf("unknown service %q: no postmortem names a service and the catalog is empty", name)}
		}
		return r, usageError{fmt.Sprintf("unknown service %q; known services: %s", name, strings.Join(known, ", "))}
	}
	only := m.Only(func(p *postmortem.Postmortem) bool { return p.HasService(name) })
	return metrics.Report{AsOf: r.AsOf, Summary: sr.Summary, FollowUp: only.FollowUp(period), Months: sr.Months,
		Services: map[string]metrics.ServiceReport{name: sr}}, nil
}

// printStats writes the readable summary of r.
func printStats(w io.Writer, r metrics.Report, haveDeployments bool, loc *time.Location, service string, windowDays int) {
	title := "All services"
	if service != "" {
		title = "Service " + service
	}
	fmt.Fprintf(w, "%s, %s\n\n", title, periodText(r.Period, loc))
	fmt.Fprintf(w, "Incidents: %d", r.Incidents)
	if r.Ongoing > 0 {
		fmt.Fprintf(w, " (%d ongoing)", r.Ongoing)
	}
	fmt.Fprintln(w)
	var sev []string
	for _, c := range r.BySeverity {
		name := c.Name
		if name == "" {
			name = "no severity"
		}
		sev = append(sev, fmt.Sprintf("%s %d", name, c.Count))
	}
	fmt.Fprintf(w, "  %s\n\n", strings.Join(sev, " · "))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tmean\tmedian\tp90\tover")
	for _, row := range []struct {
		name              string
		mean, median, p90 *float64
		n                 int
	}{
		{"Time to detect", r.MTTDMinutes, r.MTTDMedianMinutes, r.MTTDP90Minutes, r.MTTDIncidents},
		{"Time to mitigate", r.MTTMMinutes, r.MTTMMedianMinutes, r.MTTMP90Minutes, r.MTTMIncidents},
		{"Time to resolve", r.MTTRMinutes, r.MTTRMedianMinutes, r.MTTRP90Minutes, r.MTTRIncidents},
	} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.name, minutes(row.mean), minutes(row.median), minutes(row.p90),
			plural(row.n, "incident", "incidents"))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nChange failure rate: %s\n", failureRate(r.Figures, haveDeployments))

	fu := r.FollowUp
	if fu.Actions.Total == 0 {
		fmt.Fprintln(w, "Actions: none")
	} else {
		fmt.Fprintf(w, "Actions: %d: %s done, %s open, %s overdue, %s won't fix\n", fu.Actions.Total,
			percent(fu.DoneShare), percent(fu.OpenShare), percent(fu.OverdueShare), percent(fu.WontFixShare))
	}
	fmt.Fprintf(w, "Retrospectives within 72 h of resolution: %s (%d of %s)\n",
		percent(fu.RetroOnTimeShare), fu.RetroOnTime, plural(fu.Resolved, "resolved incident", "resolved incidents"))

	fmt.Fprintln(w, "\nServices:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  service\tincidents\tMTTR\tchange failure\tSLO")
	for _, name := range slices.Sorted(maps.Keys(r.Services)) {
		s := r.Services[name]
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\n", name, s.Incidents, minutes(s.MTTRMinutes),
			failureRate(s.Figures, haveDeployments), sloText(s.SLO, windowDays))
	}
	tw.Flush()
}

func periodText(p metrics.Period, loc *time.Location) string {
	switch {
	case p.From.IsZero() && p.To.IsZero():
		return "all time"
	case p.To.IsZero():
		return "since " + p.From.In(loc).Format(time.DateOnly)
	case p.From.IsZero():
		return "until " + p.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return fmt.Sprintf("%s to %s", p.From.In(loc).Format(time.DateOnly), p.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly))
}

func failureRate(f metrics.Figures, haveDeployments bool) string {
	if !haveDeployments {
		return "no deployment data"
	}
	if f.ChangeFailureRate == nil {
		return "no deployment in the period"
	}
	return fmt.Sprintf("%s (%d change-induced / %s)", percent(f.ChangeFailureRate), f.ChangeInduced,
		plural(*f.Deployments, "deployment", "deployments"))
}

func sloText(s *metrics.SLO, windowDays int) string {
	if s == nil {
		return "no objective"
	}
	status := "met"
	if !s.Met {
		status = "NOT MET"
	}
	if s.SLABreach {
		status += ", SLA breached"
	}
	return fmt.Sprintf("%g%%: availability %.3f%% over %d days, budget %s, consumed %s (%.0f%%), %s",
		s.Objective, 100*s.Availability, windowDays, minutesOf(s.BudgetMinutes), minutesOf(s.ConsumedMinutes),
		100*s.ConsumedShare, status)
}

func percent(f *float64) string {
	if f == nil {
		return "no data"
	}
	return fmt.Sprintf("%.1f%%", 100**f)
}

func minutes(m *float64) string {
	if m == nil {
		return "no data"
	}
	return minutesOf(*m)
}

// minutesOf writes a number of minutes as a human duration with its two
// largest units: "45s", "22m 30s", "1h 15m", "2d 3h".
func minutesOf(m float64) string {
	d := time.Duration(m * float64(time.Minute)).Round(time.Second)
	if d == 0 {
		return "0m"
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	units := []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 || len(parts) > 0 {
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%d%s", n, u.name))
			}
			d -= n * u.size
			if len(parts) == 2 || (len(parts) == 1 && n == 0) {
				break
			}
		}
	}
	return sign + strings.Join(parts, " ")
}
