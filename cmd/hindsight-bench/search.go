package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/search"
)

// Targets from the search issue.
const (
	targetP50 = 10 * time.Millisecond
	targetP99 = 50 * time.Millisecond
)

// benchQueries is the fixed query set of the latency figures: words,
// phrases, synonyms, typos, prefixes, fields and filters, in English and
// French, as engineers type them against the synthetic corpus.
var benchQueries = []string{
	"dns", "certificate expired", "cascading timeouts", "disk full", "out of memory", "schema migration",
	"rabbitmq capacity", `"connection pool"`, "deploy rollback", "latency spike kafka", "timout", "certifcate",
	"rabbit*", "root_cause:dns", "services:payments-api timeout", "severity:SEV1 database", "-status:draft oom",
	"year:2021 disk", "panne base de données", "perte de messages", "health checks dependency", "packet loss",
	"status page", "quota limit exceeded", "redis eviction",
}

// benchSearch times the bleve index on the corpus: a cold index (the first
// search), a second search on the unchanged corpus with the command's
// start-up, an incremental update after one edit, and query latency.
func benchSearch(bin, dir, tmp string) error {
	cache := filepath.Join(tmp, "search-cache")
	args := func(q string) []string {
		return []string{"search", "--content", filepath.Join(dir, "content"), "--config", filepath.Join(dir, "hindsight.yaml"), "--cache", cache, "--limit", "10", q}
	}
	timed := func(what string) (time.Duration, int64, error) {
		cmd := exec.Command(bin, args("certificate expired")...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			os.Stderr.Write(out.Bytes())
			return 0, 0, fmt.Errorf("%s: %w", what, err)
		}
		return time.Since(start), peakRSSKB(cmd.ProcessState), nil
	}
	fmt.Println("\nsearch (bleve index in " + cache + ")")
	cold, rss, err := timed("cold index")
	if err != nil {
		return err
	}
	fmt.Printf("  cold index + first search:      %6.2f s, peak RSS %.0f MB\n", cold.Seconds(), mb(rss))
	var second []float64
	for range 5 {
		d, _, err := timed("second search")
		if err != nil {
			return err
		}
		second = append(second, d.Seconds())
	}
	fmt.Printf("  second search, start-up incl.:  %6.3f s (median of 5; target well under 1 s)\n", median(second))

	// One edit: append a line to one postmortem's body, then put it back.
	var victim string
	filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err == nil && victim == "" && filepath.Ext(p) == ".md" {
			victim = p
		}
		return nil
	})
	orig, err := os.ReadFile(victim)
	if err != nil {
		return err
	}
	info, _ := os.Stat(victim)
	defer func() {
		os.WriteFile(victim, orig, 0o644)
		os.Chtimes(victim, info.ModTime(), info.ModTime())
	}()
	if err := os.WriteFile(victim, append(slices.Clone(orig), "\nEdited for the benchmark.\n"...), 0o644); err != nil {
		return err
	}
	inc, _, err := timed("incremental")
	if err != nil {
		return err
	}
	fmt.Printf("  after one edit, start-up incl.: %6.3f s (one postmortem reindexed)\n", inc.Seconds())

	// Latency in process: each query of the set, 20 times.
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		return err
	}
	ix, _, err := search.Open(cache, filepath.Join(dir, "content"), cfg, search.NewSynonyms(search.DefaultSynonyms))
	if err != nil {
		return err
	}
	defer ix.Close()
	var lat []time.Duration
	for range 20 {
		for _, q := range benchQueries {
			start := time.Now()
			if _, err := ix.Search(q, 10, false); err != nil {
				return fmt.Errorf("query %q: %w", q, err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	fmt.Printf("  query latency over %d queries:  p50 %.1f ms, p99 %.1f ms (targets %v, %v): %s\n", len(lat),
		float64(p50)/1e6, float64(p99)/1e6, targetP50, targetP99, verdict(p50 <= targetP50 && p99 <= targetP99))
	size, _ := dirSize(cache)
	fmt.Printf("  index size on disk:             %6.0f MB\n", float64(size)/(1<<20))
	return nil
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n, err
}
