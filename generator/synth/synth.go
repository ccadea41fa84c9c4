// Package synth generates deterministic synthetic knowledge bases for benchmarks and load tests.
//
// Generate writes a hindsight.yaml with a service catalog and a content/ folder of
// postmortems, each about 8 KB with every front-matter field filled and a Markdown
// body. The same Options always produce byte-identical files.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options control the size and shape of a generated knowledge base.
// Zero fields take their defaults.
type Options struct {
	Postmortems int       // number of postmortems (default 10000)
	Services    int       // size of the service catalog (default 12)
	Years       int       // how many years the incidents span (default 7)
	Seed        int64     // seed of the random generator
	End         time.Time // when the span ends (default 2026-11-01T00:00:00Z)
}

// Sizes of the generated postmortems, in bytes: each file stops growing once it
// reaches a target drawn between minSize and maxSize, overshooting by at most
// one paragraph, which averages about 8 KB.
const (
	minSize = 7500
	maxSize = 8300
)

func (o Options) withDefaults() (Options, error) {
	if o.Postmortems < 0 || o.Services < 0 || o.Years < 0 {
		return o, fmt.Errorf("synth: negative option in %+v", o)
	}
	if o.Postmortems == 0 {
		o.Postmortems = 10000
	}
	if o.Services == 0 {
		o.Services = 12
	}
	if o.Years == 0 {
		o.Years = 7
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	o.End = o.End.UTC()
	return o, nil
}

// Generate writes dir/hindsight.yaml and opts.Postmortems postmortems under
// dir/content/YYYY/, creating directories as needed and overwriting files of the
// same name.
func Generate(dir string, opts Options) error {
	o, err := opts.withDefaults()
	if err != nil {
		return err
	}
	g := &gen{
		r:        rand.New(rand.NewPCG(uint64(o.Seed), 0x9e3779b97f4a7c15)),
		services: catalog(o.Services),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	cfg := filepath.Join(dir, "hindsight.yaml")
	if err := os.WriteFile(cfg, g.config(), 0o644); err != nil {
		return fmt.Errorf("synth: write %q: %w", cfg, err)
	}
	years := map[int]bool{}
	for i, started := range g.startTimes(o) {
		rel := g.postmortem(i+1, started)
		path := filepath.Join(dir, "content", rel)
		if y := started.Year(); !years[y] {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return fmt.Errorf("synth: %w", err)
			}
			years[y] = true
		}
		if err := os.WriteFile(path, g.b, 0o644); err != nil {
			return fmt.Errorf("synth: write %q: %w", path, err)
		}
	}
	return nil
}

// service is one entry of the service catalog.
type service struct {
	name, title, team, desc string
	tier                    int
}

var baseServices = []service{
	{"payments-api", "Payments API", "Payments", "Card and wallet payment authorisation.", 1},
	{"checkout-web", "Checkout", "Storefront", "The web checkout flow.", 1},
	{"auth-service", "Authentication", "Identity", "Login, sessions and OAuth tokens.", 1},
	{"search-api", "Search API", "Discovery", "Full-text and faceted product search.", 2},
	{"orders-service", "Orders", "Commerce", "Order intake and order history.", 1},
	{"kafka-platform", "Kafka Platform", "Data Platform", "Shared Kafka clusters and schema registry.", 2},
	{"postgres-fleet", "Postgres Fleet", "Databases", "Managed Postgres primaries and replicas.", 1},
	{"redis-cache", "Redis Cache", "Databases", "Shared Redis clusters for caching and sessions.", 2},
	{"cdn-edge", "CDN Edge", "Traffic", "CDN configuration, edge rules and purges.", 1},
	{"api-gateway", "API Gateway", "Traffic", "Public API routing, authentication and quotas.", 1},
	{"notifications", "Notifications", "Messaging", "Push, email and SMS notifications.", 3},
	{"k8s-platform", "Kubernetes Platform", "Compute", "Kubernetes clusters, node pools and ingress.", 2},
	{"catalog-service", "Product Catalog", "Discovery", "Products, prices and availability.", 2},
	{"inventory-service", "Inventory", "Commerce", "Stock levels and reservations.", 2},
	{"dns", "DNS", "Network", "Authoritative and internal DNS.", 1},
	{"ci-cd", "CI/CD", "Developer Experience", "Build, test and deploy pipelines.", 3},
	{"observability", "Observability", "SRE", "Metrics, logs, traces and alerting.", 2},
	{"billing", "Billing", "Finance Engineering", "Invoices, subscriptions and dunning.", 2},
	{"ledger", "Ledger", "Finance Engineering", "Double-entry ledger of all money movements.", 1},
	{"fraud-scoring", "Fraud Scoring", "Risk", "Real-time fraud scores for payments.", 2},
	{"recommendations", "Recommendations", "ML Platform", "Personalised product recommendations.", 3},
	{"object-storage", "Object Storage", "Storage", "S3-compatible storage for media and backups.", 2},
	{"mobile-backend", "Mobile Backend", "Mobile", "APIs behind the iOS and Android apps.", 2},
	{"email-relay", "Email Relay", "Messaging", "Outbound SMTP relay and bounce handling.", 3},
}

// catalog returns n services, numbering copies of the base list when n exceeds it.
func catalog(n int) []service {
	out := make([]service, n)
	for i := range out {
		s := baseServices[i%len(baseServices)]
		if k := i / len(baseServices); k > 0 {
			s.name += "-" + strconv.Itoa(k+1)
			s.title += " " + strconv.Itoa(k+1)
		}
		out[i] = s
	}
	return out
}

// slo and sla by tier (tier 1 first); only tier 1 services carry an SLA.
var (
	slos = []string{"99.95", "99.9", "99.5"}
	slas = []string{"99.9", "", ""}
)

// config renders hindsight.yaml.
func (g *gen) config() []byte {
	g.b = g.b[:0]
	g.line(0, "# Synthetic knowledge base generated by generator/synth.")
	g.kv(0, "title", "Bench postmortems")
	g.kv(0, "base_url", "https://bench.example/")
	g.kv(0, "language", "en")
	g.kv(0, "timezone", "UTC")
	g.line(0, "services:")
	for _, s := range g.services {
		g.line(1, quote(s.name)+":")
		g.kv(2, "title", s.title)
		g.kv(2, "description", s.desc)
		g.kv(2, "team", s.team)
		g.raw(2, "tier", strconv.Itoa(s.tier))
		g.raw(2, "slo", slos[s.tier-1])
		if sla := slas[s.tier-1]; sla != "" {
			g.raw(2, "sla", sla)
		}
	}
	return g.b
}

// gen holds the random source, the file being written and the incident being described.
type gen struct {
	r        *rand.Rand
	services []service
	b        []byte
	inc      incident
}

// incident is what the text of one postmortem revolves around, so that its
// sentences agree with each other.
type incident struct {
	l                                      *lang
	svc                                    service
	comp, fail, metric, trigger, region    string
	started, detected, mitigated, resolved time.Time
}

// startTimes spreads the incidents over the years before o.End, in order,
// leaving a week at the end so that every incident is resolved by then.
func (g *gen) startTimes(o Options) []time.Time {
	begin := o.End.AddDate(-o.Years, 0, 0)
	minutes := int64(o.End.Sub(begin)/time.Minute) - 7*24*60
	out := make([]time.Time, o.Postmortems)
	for i := range out {
		out[i] = begin.Add(time.Duration(g.r.Int64N(minutes)) * time.Minute)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// postmortem renders postmortem number n into g.b and returns its path relative to content/.
func (g *gen) postmortem(n int, started time.Time) string {
	r := g.r
	l := &en
	if r.IntN(100) < 5 {
		l = &fr
	}
	services := g.pickServices()
	inc := incident{
		l:       l,
		svc:     services[0],
		comp:    pick(r, components),
		fail:    pick(r, failures),
		metric:  pick(r, metrics),
		region:  pick(r, regions),
		started: started,
	}
	changeInduced := r.IntN(100) < 60
	if changeInduced {
		inc.trigger = pick(r, changeTriggers)
	} else {
		inc.trigger = pick(r, otherTriggers)
	}
	inc.detected = started.Add(g.minutes(1, 45))
	if r.IntN(10) == 0 { // a silent failure, found hours later
		inc.detected = inc.detected.Add(g.minutes(60, 12*60))
	}
	inc.mitigated = inc.detected.Add(g.minutes(5, 4*60))
	inc.resolved = inc.mitigated.Add(g.minutes(15, 3*24*60))
	g.inc = inc

	id := fmt.Sprintf("inc-%05d", n)
	slug := slugify(inc.fail + " " + inc.comp)
	rel := fmt.Sprintf("%d/%s-%s-%d.md", started.Year(), started.Format(time.DateOnly), slug, n)
	target := minSize + r.IntN(maxSize-minSize)

	g.b = g.b[:0]
	g.line(0, "---")
	g.kv(0, "id", id)
	g.kv(0, "title", upperFirst(g.text(pick(r, l.titles))))
	g.kv(0, "status", pickWeighted(r, []string{"published", "review", "draft"}, []int{90, 5, 5}))
	g.kv(0, "severity", pickWeighted(r, []string{"SEV1", "SEV2", "SEV3", "SEV4"}, []int{5, 20, 40, 35}))
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s.name
	}
	g.list(0, "services", names)
	g.list(0, "tags", pickN(r, tags, 2+r.IntN(3)))
	g.kv(0, "language", l.code)
	g.kv(0, "started_at", inc.started.Format(time.RFC3339))
	g.kv(0, "detected_at", inc.detected.Format(time.RFC3339))
	g.kv(0, "mitigated_at", inc.mitigated.Format(time.RFC3339))
	g.kv(0, "resolved_at", inc.resolved.Format(time.RFC3339))
	g.timeline()
	g.raw(0, "change_induced", strconv.FormatBool(changeInduced))
	g.kv(0, "trigger", inc.trigger)
	g.kv(0, "root_cause", g.sentences(l.rootCauses, 3, 4))
	g.items(0, "contributing_factors", l.factors, 3+r.IntN(3))
	g.line(0, "five_whys:")
	for _, whys := range l.whys {
		g.item(1, upperFirst(g.text(pick(r, whys))))
	}
	g.ishikawa()
	g.actions()
	g.line(0, "customer:")
	g.raw(1, "publish", strconv.FormatBool(r.IntN(100) < 40))
	g.kv(1, "title", upperFirst(g.text(pick(r, l.customerTitles))))
	g.kv(1, "summary", g.sentences(l.customerSummaries, 2, 3))
	g.kv(1, "impact", g.sentences(l.customerImpacts, 2, 3))
	g.line(0, "retrospective:")
	g.kv(1, "date", inc.resolved.Add(g.minutes(6*60, 6*24*60)).Format(time.DateOnly))
	g.kv(1, "facilitator", g.person())
	participants := make([]string, 3+r.IntN(5))
	for i := range participants {
		participants[i] = g.person()
	}
	g.list(1, "participants", participants)
	g.line(0, "---")
	g.line(0, "")
	g.body(target)
	return rel
}

// pickServices returns 1 to 3 distinct services, the first one the most affected;
// services early in the catalog have more incidents.
func (g *gen) pickServices() []service {
	n := min(1+g.r.IntN(3), len(g.services))
	out := make([]service, 0, n)
	for len(out) < n {
		x := g.r.Float64()
		s := g.services[int(x*x*float64(len(g.services)))]
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// timeline writes 6 to 10 events: impact start, detection, mitigation and
// resolution, and events in between, in time order.
func (g *gen) timeline() {
	inc, l := g.inc, g.inc.l
	type event struct {
		at   time.Time
		text string
	}
	events := []event{
		{inc.started, g.text(pick(g.r, l.timelineStart))},
		{inc.detected, g.text(pick(g.r, l.timelineDetect))},
		{inc.mitigated, g.text(pick(g.r, l.timelineMitigate))},
		{inc.resolved, g.text(pick(g.r, l.timelineResolve))},
	}
	during := pickN(g.r, l.timelineDuring, len(l.timelineDuring))
	after := pickN(g.r, l.timelineAfter, len(l.timelineAfter))
	for range 2 + g.r.IntN(5) {
		at := inc.detected.Add(time.Duration(g.r.Int64N(int64(inc.resolved.Sub(inc.detected))))).Truncate(time.Minute)
		list := &during
		if at.After(inc.mitigated) {
			list = &after
		}
		if len(*list) > 0 { // each event happens once
			events = append(events, event{at, g.text((*list)[0])})
			*list = (*list)[1:]
		}
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
	g.line(0, "timeline:")
	for _, e := range events {
		g.kv(1, "- at", e.at.Format(time.RFC3339))
		g.kv(2, "event", upperFirst(e.text))
	}
}

var ishikawaCategories = []string{"people", "process", "tools", "environment", "measurement", "materials"}

// ishikawa writes 3 to 5 fishbone categories with 1 to 3 causes each.
func (g *gen) ishikawa() {
	g.line(0, "ishikawa:")
	for _, i := range g.r.Perm(len(ishikawaCategories))[:3+g.r.IntN(3)] {
		g.items(1, ishikawaCategories[i], g.inc.l.ishikawa[i], 1+g.r.IntN(3))
	}
}

// actions writes 3 to 6 actions; those due before the end of the span are mostly done.
func (g *gen) actions() {
	g.line(0, "actions:")
	for _, a := range pickN(g.r, g.inc.l.actions, 3+g.r.IntN(4)) {
		due := g.inc.resolved.AddDate(0, 0, 7+g.r.IntN(90))
		status := "open"
		if due.Before(g.inc.resolved.AddDate(0, 0, 30)) || g.r.IntN(2) == 0 {
			status = pickWeighted(g.r, []string{"done", "open", "wontfix"}, []int{75, 15, 10})
		}
		g.kv(1, "- title", upperFirst(g.text(a.title)))
		g.kv(2, "type", a.typ)
		g.kv(2, "owner", g.person())
		g.kv(2, "due", due.Format(time.DateOnly))
		g.kv(2, "status", status)
		g.kv(2, "link", fmt.Sprintf("https://tracker.bench.example/browse/OPS-%d", 1000+g.r.IntN(90000)))
	}
}

// body writes the Markdown body, adding lessons-learned paragraphs until the
// whole file reaches target bytes.
func (g *gen) body(target int) {
	r, l := g.r, g.inc.l
	g.section(l.hSummary)
	g.paragraph(l.sentences, 3, 4)
	g.section(l.hImpact)
	g.paragraph(l.impacts, 2, 3)
	g.line(0, l.tableHeader)
	g.line(0, "|---|---:|---:|")
	for _, m := range pickN(r, metrics, 3+r.IntN(2)) {
		base := 1 + r.Float64()*20
		g.line(0, fmt.Sprintf("| %s | %.1f | %.1f |", m, base, base*(2+r.Float64()*30)))
	}
	g.line(0, "")
	g.section(l.hWhatHappened)
	g.paragraph(l.sentences, 3, 5)
	for range 4 + r.IntN(3) {
		g.line(0, "- "+upperFirst(g.text(pick(r, l.bullets))))
	}
	g.line(0, "")
	g.section(l.hLog)
	g.line(0, "```text")
	at := g.inc.started
	for range 5 + r.IntN(4) {
		at = at.Add(time.Duration(1+r.IntN(90000)) * time.Millisecond)
		level := pickWeighted(r, []string{"ERROR", "WARN", "INFO"}, []int{5, 3, 2})
		g.line(0, fmt.Sprintf("%s %-5s %s %s", at.Format("2006-01-02T15:04:05.000Z07:00"), level, g.inc.svc.name, g.text(pick(r, logLines))))
	}
	g.line(0, "```")
	g.line(0, "")
	g.section(l.hResponse)
	g.paragraph(l.sentences, 3, 4)
	refs := g.text(l.references)
	g.section(l.hLessons)
	for first := true; first || len(g.b)+len(refs) < target; first = false {
		g.paragraph(l.sentences, 3, 5)
	}
	g.line(0, refs)
}

// Writing helpers: every string value is double-quoted, so that no generated
// text can change the meaning of the YAML.

func (g *gen) indent(n int) {
	for range n {
		g.b = append(g.b, "  "...)
	}
}

func (g *gen) line(indent int, s string) {
	g.indent(indent)
	g.b = append(g.b, s...)
	g.b = append(g.b, '\n')
}

// raw writes a key with an unquoted scalar (number or boolean).
func (g *gen) raw(indent int, key, val string) {
	g.line(indent, key+": "+val)
}

// kv writes a key with a quoted string value.
func (g *gen) kv(indent int, key, val string) {
	g.indent(indent)
	g.b = append(g.b, key...)
	g.b = append(g.b, ": "...)
	g.b = appendQuoted(g.b, val)
	g.b = append(g.b, '\n')
}

// item writes one entry of a block sequence.
func (g *gen) item(indent int, val string) {
	g.indent(indent)
	g.b = append(g.b, "- "...)
	g.b = appendQuoted(g.b, val)
	g.b = append(g.b, '\n')
}

// items writes key followed by n entries made from distinct templates.
func (g *gen) items(indent int, key string, templates []string, n int) {
	g.line(indent, key+":")
	for _, t := range pickN(g.r, templates, n) {
		g.item(indent+1, upperFirst(g.text(t)))
	}
}

// list writes a flow sequence of quoted strings.
func (g *gen) list(indent int, key string, vals []string) {
	g.indent(indent)
	g.b = append(g.b, key...)
	g.b = append(g.b, ": ["...)
	for i, v := range vals {
		if i > 0 {
			g.b = append(g.b, ", "...)
		}
		g.b = appendQuoted(g.b, v)
	}
	g.b = append(g.b, "]\n"...)
}

func (g *gen) section(title string) {
	g.line(0, "## "+title)
	g.line(0, "")
}

func (g *gen) paragraph(templates []string, lo, hi int) {
	g.line(0, g.sentences(templates, lo, hi))
	g.line(0, "")
}

// sentences joins lo to hi sentences made from distinct templates.
func (g *gen) sentences(templates []string, lo, hi int) string {
	var sb strings.Builder
	for i, t := range pickN(g.r, templates, lo+g.r.IntN(hi-lo+1)) {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(upperFirst(g.text(t)))
	}
	return sb.String()
}

// appendQuoted appends s as a YAML double-quoted scalar.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c < 0x20 || c == 0x7f:
			dst = fmt.Appendf(dst, `\x%02x`, c)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

func quote(s string) string { return string(appendQuoted(nil, s)) }

// text expands the {placeholders} of a template. Placeholders named after the
// incident (svc, comp, fail, …) give the same term throughout a postmortem,
// their a-prefixed twins (asvc, acomp, afail, …) another term of the same kind,
// and the others (person, host, n, ms, …) a new value each time.
func (g *gen) text(tmpl string) string {
	var b []byte
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return string(append(b, tmpl...))
		}
		j := i + strings.IndexByte(tmpl[i:], '}')
		b = append(b, tmpl[:i]...)
		b = append(b, g.term(tmpl[i+1:j])...)
		tmpl = tmpl[j+1:]
	}
}

func (g *gen) term(name string) string {
	r, inc := g.r, &g.inc
	switch name {
	case "svc":
		return inc.svc.name
	case "svctitle":
		return inc.svc.title
	case "team":
		return inc.svc.team
	case "comp":
		return inc.comp
	case "fail":
		return inc.fail
	case "metric":
		return inc.metric
	case "trigger":
		return inc.trigger
	case "region":
		return inc.region
	case "acomp":
		return pickOther(r, components, inc.comp)
	case "afail":
		return pickOther(r, failures, inc.fail)
	case "ametric":
		return pickOther(r, metrics, inc.metric)
	case "aregion":
		return pickOther(r, regions, inc.region)
	case "asvc":
		if len(g.services) == 1 {
			return inc.svc.name
		}
		for {
			if s := pick(r, g.services); s != inc.svc {
				return s.name
			}
		}
	case "person":
		return g.person()
	case "host":
		return fmt.Sprintf("%s-%02d.%s.internal", pick(r, hostRoles), 1+r.IntN(40), inc.region)
	case "code":
		return pick(r, errorCodes)
	case "n":
		return strconv.Itoa(2 + r.IntN(5000))
	case "pct":
		return fmt.Sprintf("%.1f%%", 1+r.Float64()*60)
	case "ms":
		return fmt.Sprintf("%d ms", 50+r.IntN(30000))
	case "dur":
		return fmt.Sprintf("%d minutes", 2+r.IntN(180))
	case "ver":
		return fmt.Sprintf("v%d.%d.%d", 1+r.IntN(9), r.IntN(40), r.IntN(20))
	case "ticket":
		return fmt.Sprintf("OPS-%d", 1000+r.IntN(90000))
	case "slug":
		return slugify(inc.comp)
	}
	panic(fmt.Sprintf("synth: unknown placeholder %q", name))
}

func (g *gen) person() string {
	return pick(g.r, firstNames) + " " + pick(g.r, lastNames)
}

// minutes returns a random whole number of minutes between lo and hi.
func (g *gen) minutes(lo, hi int) time.Duration {
	return time.Duration(lo+g.r.IntN(hi-lo+1)) * time.Minute
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// pickOther returns an element of xs other than not; xs has at least two distinct elements.
func pickOther(r *rand.Rand, xs []string, not string) string {
	for {
		if x := pick(r, xs); x != not {
			return x
		}
	}
}

// pickN returns n distinct elements of xs (all of them if n >= len(xs)), in random order.
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	out := slices.Clone(xs)
	n = min(n, len(out))
	for i := range n {
		j := i + r.IntN(len(out)-i)
		out[i], out[j] = out[j], out[i]
	}
	return out[:n]
}

// pickWeighted returns xs[i] with probability weights[i]/sum(weights).
func pickWeighted(r *rand.Rand, xs []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return xs[i]
		}
		n -= w
	}
	panic("unreachable")
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// slugify lower-cases s and turns every run of other characters than ASCII
// letters and digits into a single "-".
func slugify(s string) string {
	var b []byte
	for _, c := range []byte(strings.ToLower(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b = append(b, c)
		} else if len(b) > 0 && b[len(b)-1] != '-' {
			b = append(b, '-')
		}
	}
	return strings.TrimSuffix(string(b), "-")
}

// action is an action template and its type.
type action struct{ typ, title string }

// lang holds the templates of one language. Templates use the placeholders of gen.term.
type lang struct {
	code                                               string
	titles, sentences, impacts, bullets                []string
	rootCauses, factors                                []string
	whys                                               [5][]string
	timelineStart, timelineDetect, timelineDuring      []string
	timelineMitigate, timelineAfter, timelineResolve   []string
	actions                                            []action
	ishikawa                                           [6][]string // in the order of ishikawaCategories
	customerTitles, customerSummaries, customerImpacts []string
	hSummary, hImpact, hWhatHappened, hLog, hResponse  string
	hLessons, tableHeader, references                  string
}

var en = lang{
	code: "en",
	titles: []string{
		"{fail} on {comp} degraded {svc}",
		"{svctitle} outage after {trigger}",
		"elevated {metric} on {svc} in {region}",
		"{comp} {fail} caused {svc} errors",
		"partial {svctitle} unavailability: {fail}",
		"{svc}: {fail} following {trigger}",
		"{svctitle} degraded by {fail} in {region}",
		"{trigger} led to {fail} on {comp}",
		"slow {svctitle} responses caused by {comp}",
		"{fail} in {region} took down {svctitle}",
	},
	sentences: []string{
		"At the start of the incident, {svc} saw {metric} rise to {pct} as {comp} hit {fail}.",
		"The {trigger} had rolled out to {region} about {dur} earlier without any visible effect.",
		"{person} from {team} was paged and joined the incident channel within {dur}.",
		"Dashboards for {acomp} looked healthy, which sent the first responders in the wrong direction.",
		"Requests to {svc} started failing with `{code}` once the {acomp} on {host} stopped answering.",
		"Retries from clients amplified the load on {comp} and turned a small {fail} into a retry storm.",
		"The on-call engineer suspected {afail} at first, because a similar incident ({ticket}) had happened the month before.",
		"Rolling back to {ver} did not help, since the faulty state was already persisted in {comp}.",
		"Traffic was shifted from {region} to {aregion}, which restored most of the capacity within {dur}.",
		"Our {ametric} alert did not fire, because its threshold had been raised during a previous noisy week.",
		"The {acomp} kept reporting healthy while every request behind it timed out after {ms}.",
		"Once {comp} was restarted with a larger limit, {metric} went back to its usual level.",
		"We later found that {asvc} depended on {comp} through a shared {acomp} nobody had documented.",
		"Customer support opened {n} tickets before the status page was updated.",
		"The blast radius stayed limited to {region} thanks to cell-based isolation of {svc}.",
		"A feature flag allowed the team to disable the new code path without a full deploy.",
		"Synthetic probes from {aregion} caught the {fail} {dur} before the first customer report.",
		"The runbook for {comp} was out of date and still referred to a {acomp} decommissioned last year.",
		"Capacity planning had assumed {n} requests per second, while the peak reached almost twice that.",
		"Error budgets for {svc} were already low, so the team froze deploys for the rest of the week.",
		"Logs on {host} showed `{code}` repeated thousands of times per minute.",
		"The {trigger} was reviewed and approved, but the review did not cover its effect on {comp}.",
		"Tracing showed that most of the latency came from {acomp} calls with a {ms} timeout.",
		"Nobody noticed the {fail} at first because the {ametric} panel used a five-minute average.",
		"A manual failover of {comp} took longer than expected because the replica was {n} seconds behind.",
		"The incident commander, {person}, split the responders into a mitigation track and an investigation track.",
		"Paging worked as intended, but the secondary on-call could not reach the VPN for {dur}.",
		"Autoscaling added {n} pods, which made things worse by opening more connections to {comp}.",
		"The change was safe on its own; it only failed together with the {afail} already present in {aregion}.",
		"Load shedding at the {acomp} protected the most critical endpoints of {svc}.",
		"During the investigation, {person} reproduced the {fail} in staging with a copy of production traffic.",
		"The dependency between {svc} and {asvc} was synchronous, so one slow call blocked the whole request.",
		"Once the queue backlog of {n} messages was drained, consumers caught up within {dur}.",
		"We had tested the {trigger} in staging, where {comp} runs with a tenth of the production data.",
		"Health checks only tested the {acomp} process, not its ability to reach {comp}.",
		"The alert routing sent the first page to {team} instead of the owners of {comp}.",
		"A stale entry in the {acomp} cache kept serving the wrong answer for {dur} after the fix.",
		"The team agreed that the {fail} was a known risk listed in the last architecture review of {svc}.",
		"Error rates on {svc} peaked at {pct} while p99 latency reached {ms}.",
		"Rate limits on the {acomp} were raised temporarily to let queued requests through.",
		"This is the {n}th time this quarter that {comp} has been involved in an incident.",
		"The {ametric} graph made the problem obvious in hindsight, but nobody was looking at it.",
	},
	impacts: []string{
		"About {pct} of requests to {svc} failed for {dur}.",
		"Customers in {region} could not complete checkout and saw `{code}` errors.",
		"Roughly {n} customers were affected, mostly on the mobile apps.",
		"No data was lost, but {n} delayed jobs had to be replayed after recovery.",
		"Latency of {svc} rose to {ms} at the 99th percentile.",
		"The SLO of {svctitle} burned {pct} of its monthly error budget.",
		"Internal tools that rely on {comp} were unavailable for {dur}.",
		"Webhooks to partners were delayed by up to {dur}.",
	},
	bullets: []string{
		"the {trigger} reached {region} at the same time as the daily peak",
		"{comp} ran out of headroom because of {fail}",
		"retries from {asvc} doubled the request rate",
		"the alert on {metric} fired, but only after {dur}",
		"rollback of {svc} to {ver} took {dur}",
		"the {acomp} dashboard was missing the {ametric} panel",
		"failover to {aregion} worked but was slower than the runbook claims",
		"the status page was updated {dur} after detection",
		"{person} identified the faulty change by bisecting recent deploys",
		"{n} pods were stuck in `{code}` until the node pool was recycled",
	},
	rootCauses: []string{
		"The {trigger} changed how {comp} handles connections, which led to {fail} under production load.",
		"{comp} in {region} could not keep up once {metric} exceeded what it had ever been tested with.",
		"A default timeout of {ms} in the {acomp} client let slow calls pile up until {svc} ran out of workers.",
		"The {fail} was latent for weeks and only surfaced when the {trigger} restarted every instance at once.",
		"Nothing validated the configuration of {comp} before it was pushed to every region.",
		"The retry policy of {svc} had no jitter and no budget, so failures multiplied the load instead of shedding it.",
		"Capacity of {comp} was sized for average traffic, not for the peak that followed the {trigger}.",
	},
	factors: []string{
		"no alert on {metric} for {comp}",
		"the runbook for {comp} was out of date",
		"the {trigger} was rolled out to all regions at once",
		"retries without backoff in {asvc}",
		"the on-call engineer was new to {svc}",
		"staging does not reproduce production traffic on {comp}",
		"dashboards averaged {ametric} over five minutes",
		"ownership of {acomp} was unclear between teams",
		"health checks did not cover the dependency on {comp}",
		"a previous action item ({ticket}) to fix {afail} was still open",
	},
	whys: [5][]string{
		{"why did {svc} fail? Because {comp} stopped answering within its timeout.", "why did customers see errors? Because {svc} could not reach {comp}.", "why was {svctitle} degraded? Because {comp} was saturated."},
		{"why did {comp} stop answering? Because of {fail} after the {trigger}.", "why was {comp} saturated? Because the {trigger} caused {fail}."},
		{"why did the {trigger} cause {fail}? Because it was not tested with production-sized load.", "why was the {fail} not caught earlier? Because no alert watched {metric}."},
		{"why was it not tested that way? Because staging has a tenth of the data of production.", "why did no alert watch {metric}? Because the dashboards of {svc} predate {comp}."},
		{"why is staging so different? Because nobody owns the fidelity of test environments.", "why were the dashboards not updated? Because alert reviews are not part of the {team} team's routine."},
	},
	timelineStart: []string{
		"impact begins: {metric} on {svc} starts rising",
		"the {trigger} reaches {region}; {comp} starts failing",
		"first `{code}` errors in {svc} logs",
	},
	timelineDetect: []string{
		"alert fires: {metric} above threshold on {svc}",
		"customer support reports failing requests to {svc}",
		"{person} is paged and acknowledges",
		"synthetic probes from {aregion} fail",
	},
	timelineDuring: []string{
		"incident declared; {person} takes the incident commander role",
		"status page updated: investigating {svctitle} errors",
		"responders suspect {afail} on {acomp}",
		"{team} team joins the incident channel",
		"deploys to {svc} frozen",
		"{person} finds `{code}` on {host}",
		"traffic partially shifted to {aregion}",
	},
	timelineMitigate: []string{
		"rollback of the {trigger} completed; errors drop",
		"{comp} restarted with higher limits; {metric} back to normal",
		"traffic fully moved to {aregion}; impact ends",
		"feature flag disabled; {svc} recovers",
	},
	timelineAfter: []string{
		"queue backlog drained",
		"status page updated: monitoring",
		"{person} confirms {metric} is stable",
		"traffic moved back to {region}",
		"follow-up tickets filed ({ticket})",
	},
	timelineResolve: []string{
		"incident resolved",
		"incident closed after a quiet monitoring period",
		"status page updated: resolved",
	},
	actions: []action{
		{"fix", "fix {fail} handling in {comp}"},
		{"fix", "add jitter and a retry budget to {svc} clients"},
		{"fix", "raise connection limits of {comp} in {region}"},
		{"automate", "automate failover of {comp}"},
		{"automate", "roll out {trigger}s progressively, one region at a time"},
		{"tool", "add a {metric} panel to the {svctitle} dashboard"},
		{"tool", "build a one-click rollback for {svc}"},
		{"formalize", "update the {comp} runbook"},
		{"formalize", "require a load test for changes to {comp}"},
		{"test", "add a chaos experiment for {fail} on {comp}"},
		{"test", "load test {svc} at twice the peak traffic"},
		{"inform", "present this incident at the {team} engineering review"},
		{"inform", "share the {acomp} dependency map with all teams"},
		{"fix", "alert on {metric} for {comp}"},
	},
	ishikawa: [6][]string{
		{"on-call engineer unfamiliar with {comp}", "incident commander also debugging", "knowledge of {acomp} held by one person"},
		{"no staged rollout for {trigger}s", "review checklist ignores {comp}", "postmortem actions not tracked ({ticket})"},
		{"rollback tool needs {dur} to run", "dashboards hide {ametric}", "no tracing through {acomp}"},
		{"daily peak in {region}", "noisy neighbour on shared {acomp}", "staging far smaller than production"},
		{"no alert on {metric}", "five-minute averages hide spikes", "SLO for {svc} not measured at the edge"},
		{"outdated runbook for {comp}", "default client timeout of {ms}", "stale {acomp} configuration"},
	},
	customerTitles: []string{
		"{svctitle} errors in {region}",
		"degraded performance of {svctitle}",
		"{svctitle} partially unavailable",
	},
	customerSummaries: []string{
		"Between the times below, some requests to {svctitle} failed or were slow.",
		"A change to our infrastructure caused errors, and we rolled it back.",
		"Our engineers identified the cause and restored normal service.",
		"We are putting safeguards in place so that this does not happen again.",
	},
	customerImpacts: []string{
		"Some customers in {region} saw errors for {dur}.",
		"Pages and API calls were slower than usual.",
		"No data was lost; delayed operations completed after recovery.",
		"Notifications were delivered late.",
	},
	hSummary:      "Summary",
	hImpact:       "Impact",
	hWhatHappened: "What happened",
	hLog:          "Log excerpt",
	hResponse:     "Detection and response",
	hLessons:      "Lessons learned",
	tableHeader:   "| Metric | Normal | Peak |",
	references:    "See the [{svctitle} runbook](https://runbooks.bench.example/{svc}/{slug}) and the follow-up ticket {ticket}.",
}

var fr = lang{
	code: "fr",
	titles: []string{
		"{fail} sur {comp} : {svc} dégradé",
		"panne de {svctitle} après {trigger}",
		"{metric} élevé sur {svc} en {region}",
		"indisponibilité partielle de {svctitle} : {fail}",
	},
	sentences: []string{
		"Au début de l'incident, {metric} est monté à {pct} sur {svc} à cause de {fail} sur {comp}.",
		"Le {trigger} avait été déployé en {region} environ {dur} plus tôt.",
		"{person}, de l'équipe {team}, a été appelé et a rejoint le canal d'incident en {dur}.",
		"Les tableaux de bord de {acomp} semblaient sains, ce qui a égaré les premiers intervenants.",
		"Les requêtes vers {svc} échouaient avec `{code}` dès que {acomp} sur {host} ne répondait plus.",
		"Les nouvelles tentatives des clients ont amplifié la charge sur {comp}.",
		"Le retour arrière vers {ver} n'a pas suffi, car l'état fautif était déjà persisté dans {comp}.",
		"Le trafic a été basculé de {region} vers {aregion}, ce qui a rétabli l'essentiel de la capacité en {dur}.",
		"L'alerte sur {ametric} ne s'est pas déclenchée, son seuil ayant été relevé la semaine précédente.",
		"Le support client a ouvert {n} tickets avant la mise à jour de la page de statut.",
		"Le runbook de {comp} n'était plus à jour et mentionnait encore un {acomp} retiré l'an dernier.",
		"Les journaux de {host} montraient `{code}` des milliers de fois par minute.",
		"Le changement avait été relu, mais la relecture ne couvrait pas son effet sur {comp}.",
		"Une bascule manuelle de {comp} a pris plus de temps que prévu, le réplica ayant {n} secondes de retard.",
		"L'autoscaling a ajouté {n} pods, ce qui a aggravé la situation en ouvrant davantage de connexions vers {comp}.",
		"Les taux d'erreur de {svc} ont atteint {pct} et la latence p99 {ms}.",
	},
	impacts: []string{
		"Environ {pct} des requêtes vers {svc} ont échoué pendant {dur}.",
		"Les clients en {region} ne pouvaient pas finaliser leurs commandes.",
		"Aucune donnée n'a été perdue, mais {n} traitements ont dû être rejoués.",
		"La latence de {svc} est montée à {ms} au 99e centile.",
	},
	bullets: []string{
		"le {trigger} a atteint {region} en même temps que le pic quotidien",
		"{comp} a manqué de marge à cause de {fail}",
		"les nouvelles tentatives de {asvc} ont doublé le débit de requêtes",
		"l'alerte sur {metric} ne s'est déclenchée qu'après {dur}",
		"le retour arrière de {svc} vers {ver} a pris {dur}",
		"la bascule vers {aregion} a fonctionné, mais plus lentement que prévu",
	},
	rootCauses: []string{
		"Le {trigger} a modifié la gestion des connexions de {comp}, ce qui a provoqué {fail} sous la charge de production.",
		"{comp} en {region} n'a pas tenu dès que {metric} a dépassé les valeurs jamais testées.",
		"Un délai d'attente par défaut de {ms} dans le client {acomp} a laissé les appels lents s'accumuler.",
		"Rien ne validait la configuration de {comp} avant son déploiement dans toutes les régions.",
		"La politique de nouvelles tentatives de {svc} n'avait ni gigue ni budget.",
	},
	factors: []string{
		"pas d'alerte sur {metric} pour {comp}",
		"runbook de {comp} obsolète",
		"{trigger} déployé dans toutes les régions à la fois",
		"nouvelles tentatives sans délai dans {asvc}",
		"l'astreinte ne connaissait pas bien {svc}",
		"la préproduction ne reproduit pas le trafic de {comp}",
	},
	whys: [5][]string{
		{"pourquoi {svc} a-t-il échoué ? Parce que {comp} ne répondait plus à temps."},
		{"pourquoi {comp} ne répondait-il plus ? À cause de {fail} après le {trigger}."},
		{"pourquoi le {trigger} a-t-il causé {fail} ? Parce qu'il n'avait pas été testé sous charge réelle."},
		{"pourquoi n'a-t-il pas été testé ainsi ? Parce que la préproduction contient dix fois moins de données."},
		{"pourquoi un tel écart ? Parce que personne n'est responsable de la fidélité des environnements de test."},
	},
	timelineStart:    []string{"début de l'impact : {metric} augmente sur {svc}", "premières erreurs `{code}` dans les journaux de {svc}"},
	timelineDetect:   []string{"alerte : {metric} au-dessus du seuil sur {svc}", "{person} est appelé et prend l'alerte"},
	timelineDuring:   []string{"incident déclaré ; {person} coordonne", "page de statut mise à jour", "les intervenants soupçonnent {afail} sur {acomp}", "déploiements de {svc} gelés"},
	timelineMitigate: []string{"retour arrière terminé ; les erreurs baissent", "trafic basculé vers {aregion} ; fin de l'impact"},
	timelineAfter:    []string{"file d'attente résorbée", "{person} confirme que {metric} est stable", "tickets de suivi créés ({ticket})"},
	timelineResolve:  []string{"incident résolu", "incident clos après une période de surveillance"},
	actions: []action{
		{"fix", "corriger la gestion de {fail} dans {comp}"},
		{"fix", "ajouter de la gigue aux nouvelles tentatives de {svc}"},
		{"automate", "automatiser la bascule de {comp}"},
		{"tool", "ajouter {metric} au tableau de bord de {svctitle}"},
		{"formalize", "mettre à jour le runbook de {comp}"},
		{"test", "tester {svc} sous deux fois la charge de pointe"},
		{"inform", "présenter l'incident à la revue de l'équipe {team}"},
	},
	ishikawa: [6][]string{
		{"astreinte peu familière de {comp}", "connaissance de {acomp} détenue par une seule personne"},
		{"pas de déploiement progressif", "actions de postmortem non suivies ({ticket})"},
		{"outil de retour arrière trop lent", "pas de traces à travers {acomp}"},
		{"pic quotidien en {region}", "préproduction bien plus petite que la production"},
		{"pas d'alerte sur {metric}", "moyennes sur cinq minutes"},
		{"runbook de {comp} obsolète", "délai d'attente par défaut de {ms}"},
	},
	customerTitles:    []string{"erreurs sur {svctitle} en {region}", "{svctitle} partiellement indisponible"},
	customerSummaries: []string{"Certaines requêtes vers {svctitle} ont échoué ou ont été lentes.", "Un changement d'infrastructure a provoqué des erreurs ; nous l'avons annulé.", "Nous mettons en place des garde-fous pour éviter que cela se reproduise."},
	customerImpacts:   []string{"Des clients en {region} ont rencontré des erreurs pendant {dur}.", "Les pages et les appels d'API étaient plus lents que d'habitude.", "Aucune donnée n'a été perdue."},
	hSummary:          "Résumé",
	hImpact:           "Impact",
	hWhatHappened:     "Déroulement",
	hLog:              "Extrait des journaux",
	hResponse:         "Détection et réponse",
	hLessons:          "Enseignements",
	tableHeader:       "| Indicateur | Normal | Pic |",
	references:        "Voir le [runbook de {svctitle}](https://runbooks.bench.example/{svc}/{slug}) et le ticket de suivi {ticket}.",
}

// Vocabulary shared by both languages (technical terms are seldom translated).
var (
	components = []string{
		"dns resolver", "coredns", "authoritative dns", "dns zone", "tls certificate", "cert-manager", "acme renewal",
		"ocsp stapling", "kafka broker", "kafka partition", "consumer group", "schema registry", "zookeeper ensemble",
		"postgres primary", "postgres replica", "pgbouncer", "replication slot", "write-ahead log", "autovacuum",
		"mysql replica", "redis cluster", "redis sentinel", "memcached", "cassandra ring", "elasticsearch cluster",
		"search indexer", "load balancer", "haproxy", "nginx ingress", "ingress controller", "envoy sidecar",
		"istio control plane", "service mesh", "api gateway", "cdn edge", "waf rule", "rate limiter", "circuit breaker",
		"connection pool", "thread pool", "jvm heap", "garbage collector", "kubernetes scheduler", "kubelet",
		"kube-proxy", "etcd quorum", "node pool", "cluster autoscaler", "horizontal pod autoscaler", "container registry",
		"helm release", "argo cd sync", "ci pipeline", "deploy pipeline", "terraform state", "feature flag service",
		"config server", "vault", "kms key", "iam policy", "service account token", "jwt signing key", "oauth provider",
		"saml identity provider", "session store", "bgp session", "anycast route", "nat gateway", "vpc peering",
		"firewall rule", "security group", "iptables rules", "conntrack table", "ntp server", "log shipper",
		"fluent bit", "metrics pipeline", "prometheus", "alertmanager", "thanos compactor", "tracing collector",
		"object storage bucket", "s3 lifecycle rule", "ebs volume", "nfs mount", "ssd firmware", "raid controller",
		"hypervisor host", "availability zone", "cron job", "batch pipeline", "airflow dag", "spark job",
		"rabbitmq", "sqs queue", "webhook dispatcher", "email relay", "sms gateway", "push gateway",
		"grpc channel", "websocket gateway", "cache warmer", "image resizer", "queue worker", "leader election",
		"payment processor", "fraud model", "feature store", "ledger writer", "invoice generator", "schema migration",
	}
	failures = []string{
		"consumer lag", "memory leak", "retry storm", "cascading timeouts", "5xx spike", "p99 latency regression",
		"disk full", "oom kills", "crash loop", "certificate expiry", "dns resolution failures", "replication lag",
		"split brain", "clock skew", "deadlock", "lock contention", "connection pool exhaustion",
		"file descriptor exhaustion", "packet loss", "bgp route leak", "cache stampede", "hot partition",
		"queue backlog", "stale configuration", "expired credentials", "rate limit exhaustion", "data corruption",
		"duplicate messages", "message loss", "slow queries", "gc pauses", "cpu throttling", "noisy neighbour",
		"thundering herd", "flapping health checks", "failed failover", "quorum loss", "index bloat",
		"inode exhaustion", "ephemeral port exhaustion", "tls handshake failures", "mtu mismatch",
		"thread starvation", "runaway query", "partition rebalancing", "leader flapping", "conntrack overflow",
		"dns ttl misconfiguration", "cdn cache poisoning", "config drift", "orphaned locks", "transaction wraparound",
	}
	metrics = []string{
		"error rate", "p99 latency", "p50 latency", "request rate", "saturation", "queue depth", "consumer lag",
		"replication lag", "cpu usage", "heap usage", "disk usage", "open connections", "cache hit ratio",
		"burn rate", "apdex", "gc pause time", "iops", "network throughput", "dropped packets", "5xx ratio",
		"timeouts per second", "pending pods", "restart count",
	}
	regions        = []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1"}
	changeTriggers = []string{"deploy", "config change", "schema migration", "feature flag rollout", "dependency upgrade", "dns change", "kernel upgrade", "manual operation", "infrastructure change", "certificate rotation"}
	otherTriggers  = []string{"traffic spike", "certificate expiry", "hardware failure", "cloud provider outage", "capacity exhaustion", "expired credential", "scheduled job", "third-party outage", "ddos attack", "data growth"}
	tags           = []string{
		"dns", "tls", "kafka", "postgres", "mysql", "redis", "networking", "capacity", "deploy", "config",
		"database", "cache", "kubernetes", "observability", "security", "third-party", "storage", "latency",
		"data-loss", "auth", "billing", "cdn", "queue", "ci", "hardware", "cloud", "rollback", "failover",
		"alerting", "runbook", "migration", "feature-flag", "rate-limiting", "retries", "timeouts", "memory",
		"disk", "certificates", "on-call", "customer-facing",
	}
	hostRoles  = []string{"db", "pg", "kafka", "redis", "web", "api", "worker", "edge", "etcd", "lb", "es", "ingest", "node"}
	errorCodes = []string{
		"ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "HTTP 503", "HTTP 502", "HTTP 429", "SQLSTATE 57P01",
		"SQLSTATE 53300", "x509: certificate has expired", "NXDOMAIN", "SERVFAIL", "OOMKilled", "CrashLoopBackOff",
		"DEADLINE_EXCEEDED", "UNAVAILABLE", "too many open files", "no space left on device",
		"lock wait timeout exceeded", "LEADER_NOT_AVAILABLE", "NOT_ENOUGH_REPLICAS", "READONLY",
		"context deadline exceeded", "broken pipe", "connection pool exhausted", "ImagePullBackOff",
	}
	logLines = []string{
		"[{acomp}] {code} while calling {host} after {ms}",
		"retry {n}/5 for {host}: {code}",
		"{ametric} at {pct}, threshold 80%",
		"connection pool exhausted: {n} waiting",
		"health check failed for {host}: {code}",
		"consumer group lag {n} on partition {n}",
		"request {ticket} failed: {code}",
		"circuit breaker open for {acomp}",
		"slow query ({ms}) on {host}",
		"leader changed to {host}",
	}
	firstNames = []string{
		"Alice", "Bruno", "Chloé", "Daniel", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas", "Kenji", "Léa",
		"Mateo", "Nadia", "Olivier", "Priya", "Quentin", "Rosa", "Samir", "Tomás", "Ulla", "Victor", "Wen", "Yasmine",
		"Zoé", "Aarav", "Beatriz", "Camille", "Dmitri", "Elif",
	}
	lastNames = []string{
		"Martin", "Nguyen", "Okafor", "Schmidt", "García", "Rossi", "Kowalski", "Dubois", "Tanaka", "Silva",
		"Haddad", "Johansson", "Patel", "Moreau", "Kim", "Müller", "Fernández", "O'Brien", "Lefèvre", "Chen",
	}
)
