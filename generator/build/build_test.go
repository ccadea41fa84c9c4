package build

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zone database

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/output"
)

// The example knowledge base at the root of the repository.
var (
	exampleContent = filepath.Join("..", "..", "content")
	exampleConfig  = filepath.Join("..", "..", "hindsight.yaml")
)

// exampleOptions builds the example knowledge base into out, "today" being
// 24 November 2026 in Paris.
func exampleOptions(t *testing.T, out string) Options {
	t.Helper()
	cfg, err := config.Load(exampleConfig, true)
	if err != nil {
		t.Fatal(err)
	}
	return Options{ContentDir: exampleContent, OutDir: out, Config: cfg, Drafts: true,
		Now: time.Date(2026, 11, 24, 0, 0, 0, 0, cfg.Location)}
}

// mustBuild builds and fails the test on any error.
func mustBuild(t *testing.T, opts Options) Result {
	t.Helper()
	res, err := Build(opts)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, diagText(res.Diagnostics))
	}
	return res
}

func diagText(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// readTree returns every file under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree reports how two trees differ, or "".
func sameTree(a, b map[string][]byte) string {
	na, nb := slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))
	if !slices.Equal(na, nb) {
		return "file lists differ:\n" + strings.Join(na, " ") + "\n" + strings.Join(nb, " ")
	}
	for _, n := range na {
		if string(a[n]) != string(b[n]) {
			return n + " differs"
		}
	}
	return ""
}

// writeFiles creates files (slash-separated names) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const goodPostmortem = `---
title: Good
severity: SEV2
started_at: 2026-01-01 10:00
resolved_at: 2026-01-01 11:00
root_cause: a cause
---
`

// smallOptions builds a content folder made of files, with default settings.
func smallOptions(t *testing.T, files map[string]string) Options {
	t.Helper()
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.Mkdir(content, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, content, files)
	cfg := config.Default()
	cfg.Dir = dir
	return Options{ContentDir: content, OutDir: filepath.Join(dir, "public"), Config: cfg, Drafts: true,
		Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
}

// example is the example knowledge base built once for the tests that only
// read the output.
var example struct {
	once sync.Once
	dir  string // temporary folder holding public/
	out  string
	res  Result
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if example.dir != "" {
		os.RemoveAll(example.dir)
	}
	os.Exit(code)
}

// exampleOutput returns the output folder of the example built with
// exampleOptions, building it on first use.
func exampleOutput(t *testing.T) (string, Result) {
	t.Helper()
	example.once.Do(func() {
		if example.dir, example.err = os.MkdirTemp("", "hindsight-example-"); example.err != nil {
			return
		}
		example.out = filepath.Join(example.dir, "public")
		example.res, example.err = Build(exampleOptions(t, example.out))
	})
	if example.err != nil || example.res.Postmortems == 0 {
		t.Fatalf("build of the example failed: %v\n%s", example.err, diagText(example.res.Diagnostics))
	}
	return example.out, example.res
}

func TestBuildExample(t *testing.T) {
	out, res := exampleOutput(t)
	if res.Diagnostics.Errors() != 0 {
		t.Errorf("errors in the example content:\n%s", diagText(res.Diagnostics))
	}
	files := readTree(t, out)
	pages := 0
	for n := range files {
		if strings.HasSuffix(n, ".html") {
			pages++
		}
	}
	if res.Postmortems != 28 || res.Pages != pages || res.Files != len(files) {
		t.Errorf("Result = %d postmortems, %d pages, %d files; the output has %d pages, %d files (want 28 postmortems)",
			res.Postmortems, res.Pages, res.Files, pages, len(files))
	}
	if _, ok := files[output.Marker]; !ok {
		t.Errorf("no %s marker in the output", output.Marker)
	}
}

// TestDeterministic builds the example with one thread, then again into the
// same folder with many: each build gives the same bytes as the other and as
// the shared build, and the rebuild leaves no temporary folder behind.
func TestDeterministic(t *testing.T) {
	shared, _ := exampleOutput(t)
	want := readTree(t, shared)
	out := filepath.Join(t.TempDir(), "public")
	for _, procs := range []int{1, max(16, 4*runtime.NumCPU())} {
		prev := runtime.GOMAXPROCS(procs)
		mustBuild(t, exampleOptions(t, out))
		runtime.GOMAXPROCS(prev)
		if diff := sameTree(want, readTree(t, out)); diff != "" {
			t.Errorf("GOMAXPROCS=%d: %s", procs, diff)
		}
	}
	assertNoLeftovers(t, filepath.Dir(out), "public")
}

// assertNoLeftovers checks that parent holds nothing but the named entries.
func assertNoLeftovers(t *testing.T, parent string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("%s holds %v, want only %v (a temporary folder was left behind?)", parent, names, want)
	}
}

// TestFailedBuildKeepsOutput: a build with a content error reports it as
// path:line: message and leaves the previous output exactly as it was.
func TestFailedBuildKeepsOutput(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem})
	mustBuild(t, opts)
	before := readTree(t, opts.OutDir)

	writeFiles(t, opts.ContentDir, map[string]string{"2026/bad.md": `---
title: Bad
severity: SEV2
started_at: 2026-01-02 10:00
resolved_at: 2026-01-02 09:00
---
`})
	res, err := Build(opts)
	if err == nil {
		t.Fatal("build succeeded with resolved_at before started_at")
	}
	var failed *diag.Failed
	if !errors.As(err, &failed) {
		t.Errorf("error %v is not a *diag.Failed", err)
	}
	want := filepath.ToSlash(opts.ContentDir) + "/2026/bad.md:5: resolved_at"
	if !strings.Contains(diagText(res.Diagnostics), want) {
		t.Errorf("diagnostics do not contain %q:\n%s", want, diagText(res.Diagnostics))
	}
	if diff := sameTree(before, readTree(t, opts.OutDir)); diff != "" {
		t.Errorf("the previous output changed: %s", diff)
	}
	assertNoLeftovers(t, filepath.Dir(opts.OutDir), "content", "public")
}

// TestCheckWritesNothing: Check reports the same errors as Build and writes
// no file.
func TestCheckWritesNothing(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem, "bad.md": "---\ntitle: [unclosed\n---\n"})
	res, err := Check(opts)
	if err == nil || res.Diagnostics.Errors() == 0 {
		t.Fatalf("Check of a broken file: err %v, diagnostics:\n%s", err, diagText(res.Diagnostics))
	}
	if !strings.HasPrefix(res.Diagnostics[0].String(), filepath.ToSlash(opts.ContentDir)+"/bad.md:") {
		t.Errorf("first diagnostic %q does not point at bad.md", res.Diagnostics[0])
	}
	assertNoLeftovers(t, filepath.Dir(opts.OutDir), "content")
}

// TestRefusedOutputFolders: a build never replaces the content, the site
// folder, or a folder of someone else's files.
func TestRefusedOutputFolders(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem})
	site := filepath.Dir(opts.ContentDir)
	others := filepath.Join(site, "docs")
	writeFiles(t, others, map[string]string{"notes.txt": "mine"})
	for name, tc := range map[string]struct {
		out, want string
	}{
		"content":           {opts.ContentDir, "content folder"},
		"content, relative": {filepath.Join(opts.ContentDir, "..", "content") + string(filepath.Separator), "content folder"},
		"holds the content": {site, "would replace"},
		"root":              {string(filepath.Separator), "would replace"},
		"someone's files":   {others, "not written by hindsight"},
	} {
		t.Run(name, func(t *testing.T) {
			o := opts
			o.OutDir = tc.out
			_, err := Build(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build with --out %s: error %v, want one saying %q", tc.out, err, tc.want)
			}
			if b, err := os.ReadFile(filepath.Join(others, "notes.txt")); err != nil || string(b) != "mine" {
				t.Errorf("docs/notes.txt was touched: %q, %v", b, err)
			}
			if _, err := os.Stat(filepath.Join(opts.ContentDir, "good.md")); err != nil {
				t.Errorf("content was touched: %v", err)
			}
			assertNoLeftovers(t, site, "content", "docs")
		})
	}
	// An empty folder, or one a previous build wrote, is fine.
	empty := filepath.Join(site, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	o := opts
	o.OutDir = empty
	mustBuild(t, o)
	mustBuild(t, o)
}

// TestIDEscapingOutput: an id that would write outside the output folder
// is refused, and nothing is written anywhere.
func TestIDEscapingOutput(t *testing.T) {
	for _, id := range []string{"../../x", "../escape", "a/../../b", "/abs"} {
		t.Run(id, func(t *testing.T) {
			opts := smallOptions(t, map[string]string{
				"good.md": goodPostmortem,
				"evil.md": "---\nid: \"" + id + "\"\ntitle: Evil\nseverity: SEV2\nstarted_at: 2026-01-01 10:00\nresolved_at: 2026-01-01 11:00\nroot_cause: x\n---\n",
			})
			res, err := Build(opts)
			if err == nil {
				t.Fatalf("id %q accepted", id)
			}
			if want := filepath.ToSlash(opts.ContentDir) + "/evil.md:2: id"; !strings.Contains(diagText(res.Diagnostics), want) {
				t.Errorf("diagnostics do not contain %q:\n%s", want, diagText(res.Diagnostics))
			}
			assertNoLeftovers(t, filepath.Dir(opts.OutDir), "content")
		})
	}
}

// TestSymlinkOutsideContent: a postmortem that is a link to a file outside
// the content folder is refused with a clear message, not read.
func TestSymlinkOutsideContent(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem})
	secret := filepath.Join(filepath.Dir(opts.ContentDir), "secret.md")
	writeFiles(t, filepath.Dir(secret), map[string]string{"secret.md": "# Secret\n\nDo not publish.\n"})
	if err := os.Symlink(secret, filepath.Join(opts.ContentDir, "linked.md")); err != nil {
		t.Skipf("cannot create a symlink here: %v", err)
	}
	res, err := Build(opts)
	if err == nil {
		t.Fatal("a link to a file outside the content folder was built")
	}
	text := diagText(res.Diagnostics)
	if want := filepath.ToSlash(opts.ContentDir) + "/linked.md: "; !strings.Contains(text, want) || !strings.Contains(text, "outside the content folder") {
		t.Errorf("diagnostics should say %q is a link outside the content folder:\n%s", want, text)
	}
	if _, err := os.Stat(opts.OutDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output written: %v", err)
	}
}

// TestSymlinkInsideContent: a link to another file inside the content
// folder is an ordinary file.
func TestSymlinkInsideContent(t *testing.T) {
	// _shared is skipped as a folder; alias.md is read through the link.
	opts := smallOptions(t, map[string]string{"_shared/good.md": goodPostmortem})
	if err := os.Symlink(filepath.Join("_shared", "good.md"), filepath.Join(opts.ContentDir, "alias.md")); err != nil {
		t.Skipf("cannot create a symlink here: %v", err)
	}
	res := mustBuild(t, opts)
	if res.Postmortems != 1 {
		t.Errorf("built %d postmortems, want the linked one", res.Postmortems)
	}
	if _, err := os.Stat(filepath.Join(opts.OutDir, "incidents", "alias", "index.html")); err != nil {
		t.Error(err)
	}
}

// TestSymlinkedFolderOutsideContent: a linked folder that leads out of the
// content folder is not followed, and the user is told so rather than
// losing its postmortems without a word.
func TestSymlinkedFolderOutsideContent(t *testing.T) {
	opts := smallOptions(t, map[string]string{"good.md": goodPostmortem})
	elsewhere := filepath.Join(filepath.Dir(opts.ContentDir), "elsewhere")
	writeFiles(t, elsewhere, map[string]string{"other.md": strings.Replace(goodPostmortem, "Good", "Other", 1)})
	if err := os.Symlink(elsewhere, filepath.Join(opts.ContentDir, "2025")); err != nil {
		t.Skipf("cannot create a symlink here: %v", err)
	}
	res := mustBuild(t, opts)
	want := filepath.ToSlash(opts.ContentDir) + "/2025: warning: not read: it is a link that leads outside the content folder"
	if !strings.Contains(diagText(res.Diagnostics), want) {
		t.Errorf("diagnostics do not contain %q:\n%s", want, diagText(res.Diagnostics))
	}
	if res.Postmortems != 1 {
		t.Errorf("built %d postmortems, want 1 (the link is not followed)", res.Postmortems)
	}
}

func TestMissingContentFolder(t *testing.T) {
	opts := smallOptions(t, nil)
	opts.ContentDir = filepath.Join(filepath.Dir(opts.ContentDir), "nope")
	_, err := Build(opts)
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "nope") {
		t.Errorf("error %v should say the content folder does not exist", err)
	}
}

func TestToday(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1795474800") // 2026-11-24 00:00 Paris
	got, err := Today(paris)
	if err != nil || !got.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, paris)) {
		t.Errorf("Today = %v, %v", got, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if _, err := Today(paris); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("Today with a bad SOURCE_DATE_EPOCH: %v", err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	got, err = Today(paris)
	if err != nil || got.Hour() != 0 || got.Minute() != 0 || got.Location() != paris {
		t.Errorf("Today = %v, %v; want midnight in Paris", got, err)
	}
}

// TestZeroNow: a library caller that leaves Options.Now zero gets Today,
// as the command line passes it, rather than a "today" in the year 1.
func TestZeroNow(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795474800") // 2026-11-24 00:00 Paris, as exampleOptions
	shared, _ := exampleOutput(t)
	opts := exampleOptions(t, filepath.Join(t.TempDir(), "public"))
	opts.Now = time.Time{}
	mustBuild(t, opts)
	if diff := sameTree(readTree(t, shared), readTree(t, opts.OutDir)); diff != "" {
		t.Errorf("with a zero Now: %s", diff)
	}
	if _, err := Check(opts); err != nil {
		t.Errorf("Check with a zero Now: %v", err)
	}
}
