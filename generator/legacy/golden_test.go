package legacy

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zone database

	"github.com/hindsight-sre/hindsight/generator/markdown"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// paris is the site time zone of the golden cases (the sample site's).
var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// frontMatterHas lists, for golden cases standing for files that have front
// matter, the fields it sets: Infer must leave those sections in the body.
var frontMatterHas = map[string][]string{
	"2025-02-11 Partial front matter": {"root_cause", "severity", "title"},
}

// TestGolden runs Infer on each testdata/*.md and compares the result and the
// body left after removals with the .golden file beside it. Run with -update
// to rewrite the golden files, then read the diff: they must be right, not
// just new.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 7 {
		t.Fatalf("found %d golden cases, want at least 7", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			has := frontMatterHas[name]
			want := func(field string) bool {
				for _, h := range has {
					if h == field {
						return false
					}
				}
				return true
			}
			doc := markdown.Parse(src)
			res := Infer(doc, src, filepath.Base(file), paris, want)
			var body bytes.Buffer
			if err := markdown.Render(&body, src, doc); err != nil {
				t.Fatalf("render after removals: %v", err)
			}
			got := goldenText(t, res, body.String())
			goldenFile := strings.TrimSuffix(file, ".md") + ".golden"
			if *update {
				if err := os.WriteFile(goldenFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantText, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if got != string(wantText) {
				t.Errorf("%s differs from the result:\n%s", goldenFile, lineDiff(string(wantText), got))
			}
		})
	}
}

// goldenText is the readable dump of a case: Result as JSON (times in
// RFC 3339, durations as Go writes them) and the body HTML.
func goldenText(t *testing.T, r Result, body string) string {
	type event struct {
		At    string `json:"at"`
		Event string `json:"event"`
		Line  int    `json:"line"`
	}
	type action struct {
		Title  string `json:"title"`
		Owner  string `json:"owner,omitempty"`
		Status string `json:"status"`
		Type   string `json:"type,omitempty"`
		Due    string `json:"due,omitempty"`
		Line   int    `json:"line"`
	}
	d := struct {
		Title               string   `json:"title,omitempty"`
		TitleLine           int      `json:"title_line,omitempty"`
		Date                string   `json:"date,omitempty"`
		Severity            string   `json:"severity,omitempty"`
		SeverityLine        int      `json:"severity_line,omitempty"`
		Services            []string `json:"services,omitempty"`
		Tags                []string `json:"tags,omitempty"`
		Status              string   `json:"status,omitempty"`
		StartedAt           string   `json:"started_at,omitempty"`
		DetectedAt          string   `json:"detected_at,omitempty"`
		MitigatedAt         string   `json:"mitigated_at,omitempty"`
		ResolvedAt          string   `json:"resolved_at,omitempty"`
		TimeToDetect        string   `json:"time_to_detect,omitempty"`
		TimeToMitigate      string   `json:"time_to_mitigate,omitempty"`
		TimeToResolve       string   `json:"time_to_resolve,omitempty"`
		Timeline            []event  `json:"timeline,omitempty"`
		RootCause           string   `json:"root_cause,omitempty"`
		ContributingFactors []string `json:"contributing_factors,omitempty"`
		FiveWhys            []string `json:"five_whys,omitempty"`
		Actions             []action `json:"actions,omitempty"`
	}{
		Title: r.Title, TitleLine: r.TitleLine, Date: stampString(r.Date),
		Severity: r.Severity, SeverityLine: r.SeverityLine, Services: r.Services, Tags: r.Tags, Status: r.Status,
		StartedAt: stampString(r.StartedAt), DetectedAt: stampString(r.DetectedAt),
		MitigatedAt: stampString(r.MitigatedAt), ResolvedAt: stampString(r.ResolvedAt),
		TimeToDetect: durString(r.TimeToDetect), TimeToMitigate: durString(r.TimeToMitigate), TimeToResolve: durString(r.TimeToResolve),
		RootCause: r.RootCause, ContributingFactors: r.ContributingFactors, FiveWhys: r.FiveWhys,
	}
	for _, e := range r.Timeline {
		d.Timeline = append(d.Timeline, event{stampString(e.At), e.Event, e.Line})
	}
	for _, a := range r.Actions {
		due := ""
		if !a.Due.IsZero() {
			due = a.Due.Format(time.DateOnly)
		}
		d.Actions = append(d.Actions, action{a.Title, a.Owner, a.Status, a.Type, due, a.Line})
	}
	var b bytes.Buffer
	b.WriteString("-- result.json --\n")
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	b.WriteString("-- body.html --\n")
	b.WriteString(body)
	return b.String()
}

func stampString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func durString(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
