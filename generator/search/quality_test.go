package search

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/generator/config"
)

// exampleIndex indexes the example knowledge base into a temporary cache.
func exampleIndex(t *testing.T) (*Index, map[string]string) {
	t.Helper()
	root := filepath.Join("..", "..")
	cfg, err := config.Load(filepath.Join(root, "hindsight.yaml"), true)
	if err != nil {
		t.Fatal(err)
	}
	ix, up, err := Open(t.TempDir(), filepath.Join(root, "content"), cfg, NewSynonyms(DefaultSynonyms))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if len(up.Problems) > 0 || up.Indexed < 28 {
		t.Fatalf("indexed %d, problems %v", up.Indexed, up.Problems)
	}
	// File name (without .md) → id, since some postmortems set their own id.
	ids := map[string]string{}
	for _, p := range loadSite(t, root).Incidents {
		ids[strings.TrimSuffix(filepath.Base(p.Path), ".md")] = p.ID
	}
	return ix, ids
}

// qualityQueries are what engineers type, with the postmortem (file name)
// that must come in the top 3. Most use words the postmortem does not: other
// forms of a word, synonyms, other phrasing, French, a typo, field queries.
var qualityQueries = []struct{ query, want string }{
	{"certificates expired", "2025-03-13-collect-tls-certificate-expired"}, // stemming
	{"cert expiry", "2025-03-13-collect-tls-certificate-expired"},          // synonyms
	{"certifcate", "2025-03-13-collect-tls-certificate-expired"},           // a typo
	{"severity:SEV1 tls", "2025-03-13-collect-tls-certificate-expired"},    // a facet
	{"consumers lagging after rebalancing", "2025-04-02-kafka-consumer-lag-rebalance-storm"},
	{"query planner feature flag", "2025-04-22-query-planner-feature-flag"},
	{"stale dns after load balancer move", "2025-05-19-public-api-dns-migration-stale-records"},
	{"customers invoiced twice", "2025-06-03-billing-runaway-invoice-cron"},
	{"payment provider down", "2025-06-27-payment-provider-outage"},
	{"bascule base de données lente", "2025-07-08-bascule-postgres-authentification"}, // French
	{"geoip out of memory", "2025-08-12-enrichment-oom-geoip-update"},
	{"too many requests rate limiter", "2025-09-09-public-api-rate-limiter-global-scope"},
	{"daylight saving hourly report counted twice", "2025-10-26-dst-end-hourly-reports-double-count"},
	{"clickhouse ran out of disk", "2025-11-18-clickhouse-disk-full"},
	{"cdn purge overloaded origin", "2025-12-09-cdn-full-cache-purge-origin-overload"},
	{"ntp skew tokens rejected", "2026-01-15-clock-skew-jwt-rejections"},
	{"saml signing cert rotated", "2026-02-04-customer-idp-signing-certificate-rotation"},
	{"pdf exports chrome", "2026-02-24-pdf-exports-headless-chrome-upgrade"},
	{"dead letter queue schema", "2026-03-17-incompatible-event-schema-dead-letters"},
	{"services:public-api pagination", "2026-04-29-public-api-pagination-duplicates"}, // a service filter
	{"perte de trafic quota", "2026-06-10-quota-cloud-perte-collecte"},                // French
	{"wrong tax on invoices", "2026-07-21-wrong-vat-rate-on-invoices"},
	{"redis evictions sessions", "2026-09-08-session-evictions-redis-migration"},
	{"keeper quorum lost", "2026-10-05-clickhouse-keeper-quorum-loss"},
	{"expensive dashboard query cpu", "2026-10-22-unbounded-dashboard-query-cpu-saturation"},
	{"root_cause:ndots", "2026-11-12-public-api-dns-lookup-timeouts"}, // a field
	{"slow disk kafka", "2026-11-21-kafka-broker-disk-latency"},
	{"checkout outage", "2024-11-02 Checkout outage"},                   // plain Markdown, no front matter
	{"panne tableaux de bord", "2024-09-05 Panne des tableaux de bord"}, // plain French
	{"sso login loop", "2024-12-10 SSO login loop"},
	{`"login loop" -status:draft`, "2024-12-10 SSO login loop"}, // a phrase and a negation
}

// TestQuality: every query finds its postmortem in the top 3.
func TestQuality(t *testing.T) {
	ix, ids := exampleIndex(t)
	if len(qualityQueries) < 25 {
		t.Fatalf("only %d queries", len(qualityQueries))
	}
	for _, q := range qualityQueries {
		want, ok := ids[q.want]
		if !ok {
			t.Errorf("%q: no postmortem file %q", q.query, q.want)
			continue
		}
		res, err := ix.Search(q.query, 3, false)
		if err != nil {
			t.Errorf("%q: %v", q.query, err)
			continue
		}
		var got []string
		found := false
		for _, h := range res.Hits {
			got = append(got, h.ID)
			found = found || h.ID == want
		}
		if !found {
			t.Errorf("%q: %s not in the top 3: %v", q.query, want, got)
		}
	}
}
