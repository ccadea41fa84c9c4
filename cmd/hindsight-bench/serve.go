package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/generator/site"
)

// targetEdit is the target for an edit to show in the browser.
const targetEdit = 150 * time.Millisecond

// benchServe runs `hindsight serve` on the corpus and edits one postmortem's
// title several times, as an author would, timing from the moment the file
// is written: the reload event the open pages get, then the page a reload
// fetches (the incident, its service, tag and index pages, the metrics
// page: one open at a time), and the search API finding the new word. The
// edited file is restored at the end.
func benchServe(bin, dir, tmp string) error {
	content := filepath.Join(dir, "content")
	files, _, err := site.Files(os.DirFS(content))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("listing the corpus: %v", err)
	}
	file := filepath.Join(content, filepath.FromSlash(files[len(files)/2]))
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	defer os.WriteFile(file, orig, 0o644)
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		return err
	}
	var diags diag.List
	p := (&postmortem.Reader{Config: cfg}).Read(file, orig, &diags)
	if p == nil || len(p.Services) == 0 || len(p.Tags) == 0 {
		return fmt.Errorf("%s: no postmortem with a service and a tag", file)
	}
	title := regexp.MustCompile(`(?m)^title: .*$`)
	if !title.Match(orig) {
		return fmt.Errorf("%s: no title line", file)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--content", content, "--config", filepath.Join(dir, "hindsight.yaml"),
		"--out", filepath.Join(tmp, "serve-public"), "--addr", addr)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	base := "http://" + addr
	fmt.Println("\nserve (one postmortem edited while serve runs; times from the write)")
	start := time.Now()
	if err := waitFor(base+"/", 5*time.Minute, nil); err != nil {
		os.Stdout.Write(log.Bytes())
		return err
	}
	fmt.Printf("  first build, until served:       %6.2f s\n", time.Since(start).Seconds())
	if err := waitFor(base+"/api/search?q=incident", 5*time.Minute, nil); err != nil {
		os.Stdout.Write(log.Bytes())
		return err
	}
	fmt.Printf("  search API ready after:          %6.2f s\n", time.Since(start).Seconds())

	resp, err := http.Get(base + "/_hindsight/events")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reloads := make(chan struct{}, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == "event: reload" {
				reloads <- struct{}{}
			}
		}
	}()

	pages := []struct{ name, path string }{
		{"incident page", "/incidents/" + p.ID + "/"},
		{"its service page", "/services/" + postmortem.Slug(p.Services[0]) + "/"},
		{"its tag page", "/tags/" + postmortem.Slug(p.Tags[0]) + "/"},
		{"incidents index", "/incidents/"},
		{"metrics page", "/metrics/"},
	}
	// One page open at a time, as when an author keeps it beside the
	// editor: each round edits the file and fetches that page after the
	// reload event, as the page's script does, until it shows the edit.
	// Rounds are 300 ms apart: the output folder is written only once the
	// changes pause (a second), so each round is served from memory.
	const perPage = 3
	times := map[string][]float64{}
	round := 0
	edit := func() (string, time.Time, error) {
		round++
		word := fmt.Sprintf("zqxedit%d", round)
		time.Sleep(300 * time.Millisecond)
		t0 := time.Now()
		if err := os.WriteFile(file, title.ReplaceAll(orig, []byte("title: Edited "+word)), 0o644); err != nil {
			return "", t0, err
		}
		select {
		case <-reloads:
		case <-time.After(time.Minute):
			os.Stdout.Write(log.Bytes())
			return "", t0, fmt.Errorf("no reload event within a minute of the edit")
		}
		times["reload event"] = append(times["reload event"], ms(time.Since(t0)))
		return word, t0, nil
	}
	for _, pg := range pages {
		for range perPage {
			word, t0, err := edit()
			if err != nil {
				return err
			}
			want := word
			if pg.name == "metrics page" {
				want = "" // it shows no titles; fetched as a reload would
			}
			if err := waitFor(base+pg.path, 10*time.Second, func(b string) bool { return strings.Contains(b, want) }); err != nil {
				return fmt.Errorf("%s: %w", pg.name, err)
			}
			times[pg.name] = append(times[pg.name], ms(time.Since(t0)))
		}
	}
	for range perPage {
		word, t0, err := edit()
		if err != nil {
			return err
		}
		if err := waitFor(base+"/api/search?q="+word, 20*time.Second, func(b string) bool { return strings.Contains(b, `"`+p.ID+`"`) }); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		times["search API finds it"] = append(times["search API finds it"], ms(time.Since(t0)))
	}
	fmt.Printf("  %d edits of %s, %d per page; median and max in ms from the write (target: visible within %d ms)\n",
		round, filepath.Base(file), perPage, targetEdit.Milliseconds())
	for _, k := range []string{"reload event", "incident page", "its service page", "its tag page", "incidents index", "metrics page", "search API finds it"} {
		xs := times[k]
		fmt.Printf("  %-22s %6.0f %6.0f\n", k+":", median(xs), slices.Max(xs))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// waitFor gets url until it answers 200 with a body that ok accepts (nil:
// any), polling every 5 ms, for at most limit.
func waitFor(url string, limit time.Duration, ok func(string) bool) error {
	deadline := time.Now().Add(limit)
	var last string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && (ok == nil || ok(string(b))) {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer as expected within %s (last: %s)", url, limit, last)
}
