package synth

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

var testOptions = Options{Postmortems: 200, Services: 14, Years: 3, Seed: 42}

// generate writes a knowledge base into a temporary directory and returns
// the directory and its files by slash-separated path relative to it.
func generate(t *testing.T, opts Options) (string, map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	if err := Generate(dir, opts); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, files
}

func TestDeterministic(t *testing.T) {
	_, a := generate(t, testOptions)
	_, b := generate(t, testOptions)
	if len(a) != testOptions.Postmortems+1 {
		t.Fatalf("got %d files, want %d postmortems and hindsight.yaml", len(a), testOptions.Postmortems)
	}
	for path, content := range a {
		if !bytes.Equal(content, b[path]) {
			t.Fatalf("%s differs between two runs with the same options", path)
		}
	}

	opts := testOptions
	opts.Seed++
	_, c := generate(t, opts)
	same := 0
	for path := range c {
		if a[path] != nil {
			same++
		}
	}
	if same != 1 { // hindsight.yaml
		t.Errorf("%d files have the same name with another seed", same)
	}
}

func TestConfig(t *testing.T) {
	_, files := generate(t, testOptions)
	var c config
	dec := yaml.NewDecoder(bytes.NewReader(files["hindsight.yaml"]))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if c.Title == "" || c.BaseURL != "https://bench.example/" || c.Language != "en" || c.Timezone != "UTC" {
		t.Errorf("site settings: %+v", c)
	}
	if len(c.Services) != testOptions.Services {
		t.Errorf("got %d services, want %d", len(c.Services), testOptions.Services)
	}
	slas := 0
	for name, s := range c.Services {
		if s.Title == "" || s.Team == "" || s.Tier < 1 || s.Tier > 3 || s.SLO < 99 || s.SLO >= 100 {
			t.Errorf("service %q: %+v", name, s)
		}
		if s.SLA != nil {
			slas++
		}
	}
	if slas == 0 || slas == len(c.Services) {
		t.Errorf("%d of %d services have an SLA, want some", slas, len(c.Services))
	}
}

type config struct {
	Title    string `yaml:"title"`
	BaseURL  string `yaml:"base_url"`
	Language string `yaml:"language"`
	Timezone string `yaml:"timezone"`
	Services map[string]struct {
		Title       string   `yaml:"title"`
		Description string   `yaml:"description"`
		Team        string   `yaml:"team"`
		Tier        int      `yaml:"tier"`
		SLO         float64  `yaml:"slo"`
		SLA         *float64 `yaml:"sla"`
	} `yaml:"services"`
}

// frontMatter has every field the generator writes; decoding with KnownFields
// also catches misspelt keys.
type frontMatter struct {
	ID            string    `yaml:"id"`
	Title         string    `yaml:"title"`
	Status        string    `yaml:"status"`
	Severity      string    `yaml:"severity"`
	Services      []string  `yaml:"services"`
	Tags          []string  `yaml:"tags"`
	Language      string    `yaml:"language"`
	StartedAt     time.Time `yaml:"started_at"`
	DetectedAt    time.Time `yaml:"detected_at"`
	MitigatedAt   time.Time `yaml:"mitigated_at"`
	ResolvedAt    time.Time `yaml:"resolved_at"`
	ChangeInduced *bool     `yaml:"change_induced"`
	Trigger       string    `yaml:"trigger"`
	Timeline      []struct {
		At    time.Time `yaml:"at"`
		Event string    `yaml:"event"`
	} `yaml:"timeline"`
	RootCause           string              `yaml:"root_cause"`
	ContributingFactors []string            `yaml:"contributing_factors"`
	FiveWhys            []string            `yaml:"five_whys"`
	Ishikawa            map[string][]string `yaml:"ishikawa"`
	Actions             []struct {
		Title  string `yaml:"title"`
		Type   string `yaml:"type"`
		Owner  string `yaml:"owner"`
		Due    string `yaml:"due"`
		Status string `yaml:"status"`
		Link   string `yaml:"link"`
	} `yaml:"actions"`
	Customer struct {
		Publish *bool  `yaml:"publish"`
		Title   string `yaml:"title"`
		Summary string `yaml:"summary"`
		Impact  string `yaml:"impact"`
	} `yaml:"customer"`
	Retrospective struct {
		Date         string   `yaml:"date"`
		Facilitator  string   `yaml:"facilitator"`
		Participants []string `yaml:"participants"`
	} `yaml:"retrospective"`
}

// split returns the front matter between the first two "---" lines and the body after them.
func split(t *testing.T, path string, content []byte) (front, body []byte) {
	t.Helper()
	rest, ok := bytes.CutPrefix(content, []byte("---\n"))
	if !ok {
		t.Fatalf("%s: no front matter", path)
	}
	front, body, ok = bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		t.Fatalf("%s: front matter not closed", path)
	}
	return front, body
}

func between(t *testing.T, path, what string, n, lo, hi int) {
	t.Helper()
	if n < lo || n > hi {
		t.Errorf("%s: %d %s, want %d to %d", path, n, what, lo, hi)
	}
}

func TestPostmortems(t *testing.T) {
	dir, files := generate(t, testOptions)
	services := map[string]bool{}
	var c config
	if err := yaml.Unmarshal(files["hindsight.yaml"], &c); err != nil {
		t.Fatal(err)
	}
	for name := range c.Services {
		services[name] = true
	}
	begin := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ids := map[string]bool{}
	count := map[string]int{}
	total, bodies := 0, 0
	for path, content := range files {
		if path == "hindsight.yaml" {
			continue
		}
		total += len(content)
		front, body := split(t, path, content)
		var fm frontMatter
		dec := yaml.NewDecoder(bytes.NewReader(front))
		dec.KnownFields(true)
		if err := dec.Decode(&fm); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		count[fm.Status]++
		count[fm.Severity]++
		count[fm.Language]++

		if fm.ID == "" || ids[fm.ID] {
			t.Errorf("%s: empty or duplicate id %q", path, fm.ID)
		}
		ids[fm.ID] = true
		want := "content/" + fm.StartedAt.Format("2006") + "/" + fm.StartedAt.Format(time.DateOnly) + "-"
		if !strings.HasPrefix(path, want) || !strings.HasSuffix(path, ".md") {
			t.Errorf("%s: want a path starting with %s", path, want)
		}
		if fm.Title == "" || fm.Trigger == "" || fm.ChangeInduced == nil {
			t.Errorf("%s: missing title, trigger or change_induced", path)
		}
		between(t, path, "services", len(fm.Services), 1, 3)
		for _, s := range fm.Services {
			if !services[s] {
				t.Errorf("%s: service %q not in the catalog", path, s)
			}
		}
		between(t, path, "tags", len(fm.Tags), 2, 4)

		// Times.
		if fm.StartedAt.Before(begin) || !fm.ResolvedAt.Before(end) {
			t.Errorf("%s: incident %s..%s outside %s..%s", path, fm.StartedAt, fm.ResolvedAt, begin, end)
		}
		if fm.DetectedAt.Before(fm.StartedAt) || fm.MitigatedAt.Before(fm.DetectedAt) || fm.ResolvedAt.Before(fm.MitigatedAt) {
			t.Errorf("%s: times out of order", path)
		}
		between(t, path, "timeline events", len(fm.Timeline), 6, 10)
		last := fm.StartedAt
		for _, e := range fm.Timeline {
			if e.At.Before(last) || e.At.After(fm.ResolvedAt) || e.Event == "" {
				t.Errorf("%s: timeline event %q at %s out of order or outside the incident", path, e.Event, e.At)
			}
			last = e.At
		}

		// Analysis.
		if strings.Count(fm.RootCause, ". ") < 1 {
			t.Errorf("%s: root cause has a single sentence: %q", path, fm.RootCause)
		}
		between(t, path, "contributing factors", len(fm.ContributingFactors), 3, 5)
		between(t, path, "whys", len(fm.FiveWhys), 5, 5)
		between(t, path, "ishikawa categories", len(fm.Ishikawa), 3, 5)
		for cat, causes := range fm.Ishikawa {
			if !slices.Contains(ishikawaCategories, cat) {
				t.Errorf("%s: ishikawa category %q", path, cat)
			}
			between(t, path, "causes in "+cat, len(causes), 1, 3)
		}

		// Actions, communication, retrospective.
		between(t, path, "actions", len(fm.Actions), 3, 6)
		for _, a := range fm.Actions {
			_, err := time.Parse(time.DateOnly, a.Due)
			if a.Title == "" || a.Owner == "" || err != nil || !strings.HasPrefix(a.Link, "https://") ||
				!slices.Contains([]string{"fix", "automate", "tool", "formalize", "test", "inform"}, a.Type) ||
				!slices.Contains([]string{"open", "done", "wontfix"}, a.Status) {
				t.Errorf("%s: action %+v", path, a)
			}
		}
		cu := fm.Customer
		if cu.Publish == nil || cu.Title == "" || cu.Summary == "" || cu.Impact == "" {
			t.Errorf("%s: customer %+v", path, cu)
		}
		re := fm.Retrospective
		if d, err := time.Parse(time.DateOnly, re.Date); err != nil || d.Before(fm.ResolvedAt.Truncate(24*time.Hour)) {
			t.Errorf("%s: retrospective date %q before resolution or invalid", path, re.Date)
		}
		if re.Facilitator == "" || len(re.Participants) == 0 {
			t.Errorf("%s: retrospective %+v", path, re)
		}

		// Body.
		bodies += len(body)
		between(t, path, "body bytes", len(body), 2000, 6000)
		for _, s := range []string{"\n## ", "\n- ", "\n```text\n", "\n|---|", "](https://", "{", "}"} {
			if has, want := bytes.Contains(body, []byte(s)), s != "{" && s != "}"; has != want {
				t.Errorf("%s: body contains %q: %v, want %v", path, s, has, want)
			}
		}
	}
	if t.Failed() {
		t.Logf("files in %s", dir)
	}

	n := testOptions.Postmortems
	avg, avgBody := float64(total)/float64(n)/1024, float64(bodies)/float64(n)/1024
	t.Logf("average size %.2f KB, body %.2f KB, %v", avg, avgBody, count)
	if avg < 7.5 || avg > 8.5 {
		t.Errorf("average size %.2f KB, want 7.5 to 8.5", avg)
	}
	if avgBody < 3 || avgBody > 4.5 {
		t.Errorf("average body size %.2f KB, want 3 to 4.5", avgBody)
	}
	if count["published"] < n*8/10 || count["draft"]+count["review"] == 0 {
		t.Errorf("status counts %v, want about 90%% published", count)
	}
	if count["SEV1"] == 0 || count["SEV1"] >= count["SEV3"] || count["SEV1"]+count["SEV2"]+count["SEV3"]+count["SEV4"] != n {
		t.Errorf("severity counts %v, want few SEV1", count)
	}
	if count["fr"] == 0 || count["fr"] > n/10 {
		t.Errorf("language counts %v, want about 5%% fr", count)
	}
}

// TestTemplates expands every template of both languages, so that a misspelt
// placeholder fails here rather than in a rarely drawn sentence.
func TestTemplates(t *testing.T) {
	g := &gen{r: rand.New(rand.NewPCG(1, 2)), services: catalog(3)}
	g.inc = incident{l: &en, svc: g.services[0], comp: components[0], fail: failures[0], metric: metrics[0], trigger: "deploy", region: regions[0]}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if s := g.text(v.String()); strings.ContainsAny(s, "{}") {
				t.Errorf("%q expands to %q", v.String(), s)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		}
	}
	for _, v := range []any{en, fr, logLines} {
		walk(reflect.ValueOf(v))
	}
}

func TestNegativeOption(t *testing.T) {
	if err := Generate(t.TempDir(), Options{Postmortems: -1}); err == nil {
		t.Error("want an error for a negative number of postmortems")
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{`plain`, `a "quoted" word`, `back\slash`, "two\nlines\tand\x01control", `colon: and # hash`, "l'équipe", ""} {
		var got struct {
			V string `yaml:"v"`
		}
		if err := yaml.Unmarshal([]byte("v: "+quote(s)), &got); err != nil || got.V != s {
			t.Errorf("quote(%q) = %s reads back as %q, %v", s, quote(s), got.V, err)
		}
	}
}
