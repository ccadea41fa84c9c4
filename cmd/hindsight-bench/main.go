// Command hindsight-bench times `hindsight build` on a synthetic knowledge base
// and reports wall time, pages per second and peak memory against the targets
// (10,000 postmortems in under 3.5 s and 500 MB of peak RSS). `make bench` runs it.
//
// Usage:
//
//	go run ./cmd/hindsight-bench [-n 10000] [-runs 3] [-dir DIR] [-bin PATH]
//
// The corpus is generated once with generator/synth and kept in the user cache
// directory; each run builds it from scratch into a temporary directory.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hindsight-sre/hindsight/generator/synth"
)

// corpusVersion names the cached corpus; bump it whenever generator/synth
// changes its output, so that stale corpora are not reused.
const corpusVersion = 1

// Targets from the performance issue.
const (
	targetWall  = 3500 * time.Millisecond
	targetRSSMB = 500
)

func main() {
	n := flag.Int("n", 10000, "number of postmortems in the corpus")
	runs := flag.Int("runs", 3, "number of timed builds")
	dir := flag.String("dir", "", "corpus directory, generated if it has no hindsight.yaml (default: <user cache dir>/hindsight-bench/n<N>-v<version>)")
	bin := flag.String("bin", "", "hindsight binary to time (default: go build ./cmd/hindsight)")
	searchToo := flag.Bool("search", true, "also measure search: the static index (time, size, files, bytes per query in Chromium when present) and the bleve index (cold, second search, one edit, query latency)")
	serveToo := flag.Bool("serve", true, "also measure serve: how soon an edit to one postmortem shows")
	edits := flag.Int("edits", 5, "with -serve: edits timed per page")
	out := flag.String("out", "", "parent folder of the build output (default: a temporary folder on disk; a tmpfs such as /dev/shm takes the disk's file-creation speed out of the figures)")
	flag.Parse()
	if err := run(*n, *runs, *dir, *bin, *out, *searchToo, *serveToo, *edits); err != nil {
		fmt.Fprintln(os.Stderr, "hindsight-bench:", err)
		os.Exit(1)
	}
}

func run(n, runs int, dir, bin, out string, searchToo, serveToo bool, edits int) error {
	if n < 1 || runs < 1 || edits < 1 {
		return errors.New("-n, -runs and -edits must be positive")
	}
	fmt.Printf("machine: %s, %d CPUs, %s/%s, %s\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(cache, "hindsight-bench", fmt.Sprintf("n%d-v%d", n, corpusVersion))
	}
	if err := ensureCorpus(dir, n); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp(out, "hindsight-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "hindsight")
		fmt.Println("building ./cmd/hindsight")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/hindsight").CombinedOutput(); err != nil {
			os.Stderr.Write(out)
			return fmt.Errorf("go build ./cmd/hindsight: %w", err)
		}
	}

	results := make([]result, runs)
	for i := range results {
		r, err := build(bin, dir, filepath.Join(tmp, "public"))
		if err != nil {
			return err
		}
		fmt.Printf("run %d: %s\n", i+1, r.lastLine)
		results[i] = r
	}
	report(results)
	if searchToo {
		if err := benchStatic(dir, filepath.Join(tmp, "public"), stageMedian(results, "search indexes")); err != nil {
			return err
		}
		if err := benchSearch(bin, dir, tmp); err != nil {
			return err
		}
	}
	if serveToo {
		return benchServe(bin, dir, tmp, edits)
	}
	return nil
}

// ensureCorpus generates a corpus of n postmortems in dir unless dir already
// has a hindsight.yaml. It generates into a sibling directory first, so that
// an interrupted generation is never mistaken for a corpus.
func ensureCorpus(dir string, n int) error {
	if _, err := os.Stat(filepath.Join(dir, "hindsight.yaml")); err == nil {
		fmt.Printf("corpus: %s (cached)\n", dir)
	} else {
		fmt.Printf("generating %d postmortems into %s\n", n, dir)
		start := time.Now()
		partial := dir + ".partial"
		if err := os.RemoveAll(partial); err != nil {
			return err
		}
		if err := synth.Generate(partial, synth.Options{Postmortems: n}); err != nil {
			return err
		}
		if err := os.Rename(partial, dir); err != nil {
			return fmt.Errorf("generate corpus: %w", err)
		}
		fmt.Printf("generated in %.2f s\n", time.Since(start).Seconds())
	}
	files, size := 0, int64(0)
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		size += info.Size()
		return nil
	})
	if err != nil {
		return fmt.Errorf("corpus %q: %w", dir, err)
	}
	if files == 0 {
		return fmt.Errorf("corpus %q: no files under content/", dir)
	}
	fmt.Printf("corpus: %d files, %.1f MB, %.1f KB per file\n", files, float64(size)/(1<<20), float64(size)/float64(files)/(1<<10))
	return nil
}

// result is the measure of one build.
type result struct {
	wall     time.Duration
	pages    int   // .html files written
	rssKB    int64 // peak resident set size
	lastLine string
	stages   map[string]float64 // seconds, from --timings
}

// build runs `bin build` on the corpus in dir, writing into out (emptied first).
// On failure it prints the command's output.
func build(bin, dir, out string) (result, error) {
	if err := os.RemoveAll(out); err != nil {
		return result{}, err
	}
	var output bytes.Buffer
	cmd := exec.Command(bin, "build",
		"--content", filepath.Join(dir, "content"),
		"--config", filepath.Join(dir, "hindsight.yaml"),
		"--out", out, "--timings")
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		os.Stderr.Write(output.Bytes())
		return result{}, fmt.Errorf("%q build: %w", bin, err)
	}
	pages := 0
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".html") {
			pages++
		}
		return err
	})
	if err != nil {
		return result{}, fmt.Errorf("count pages in %q: %w", out, err)
	}
	r := result{wall, pages, peakRSSKB(cmd.ProcessState), "(no output)", map[string]float64{}}
	for _, line := range strings.Split(output.String(), "\n") {
		if strings.HasPrefix(line, "built ") {
			r.lastLine = line
		}
		// --timings: "  pages:   3.979 s"
		if name, rest, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && strings.HasPrefix(line, "  ") {
			var secs float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%g s", &secs); err == nil {
				r.stages[name] = secs
			}
		}
	}
	return r, nil
}

// peakRSSKB returns the peak resident set size of a finished process in KB,
// or 0 where the system does not report it.
func peakRSSKB(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" { // bytes there, KB on Linux
		return int64(ru.Maxrss) / 1024
	}
	return int64(ru.Maxrss)
}

// report prints one line per run, then the medians, the peak and the verdicts.
func report(results []result) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "run\twall\tpages\tpages/s\tpeak RSS\t")
	var walls, rates []float64
	var peakKB int64
	for i, r := range results {
		rate := float64(r.pages) / r.wall.Seconds()
		walls = append(walls, r.wall.Seconds())
		rates = append(rates, rate)
		peakKB = max(peakKB, r.rssKB)
		fmt.Fprintf(w, "%d\t%.2f s\t%d\t%.0f\t%.0f MB\t\n", i+1, r.wall.Seconds(), r.pages, rate, mb(r.rssKB))
	}
	w.Flush()
	wall := median(walls)
	fmt.Printf("median wall %.2f s, median %.0f pages/s, max peak RSS %.0f MB\n", wall, median(rates), mb(peakKB))
	fmt.Print("stages (median, from --timings):")
	for _, name := range []string{"reading", "checks and metrics", "pages", "search indexes", "swapping in"} {
		fmt.Printf(" %s %.2f s;", name, stageMedian(results, name))
	}
	fmt.Println()
	fmt.Printf("target: < %.1f s, < %d MB peak RSS: time %s, memory %s\n",
		targetWall.Seconds(), targetRSSMB, verdict(wall < targetWall.Seconds()), verdict(mb(peakKB) < targetRSSMB))
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// stageMedian is the median time of a build stage over results.
func stageMedian(results []result, name string) float64 {
	var xs []float64
	for _, r := range results {
		xs = append(xs, r.stages[name])
	}
	return median(xs)
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// cpuModel returns the "model name" of /proc/cpuinfo, where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
