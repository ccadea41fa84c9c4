package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hindsight runs one command line and returns its exit status and output.
func hindsight(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const goodPostmortem = `---
title: Good
severity: SEV2
started_at: 2026-01-01 10:00
resolved_at: 2026-01-01 11:00
root_cause: a cause
---
`

const draftPostmortem = `---
title: Draft
status: draft
severity: SEV3
started_at: 2026-02-01 10:00
---
`

// badPostmortem has an error on line 3.
const badPostmortem = `---
title: Bad
severity: SEV9
started_at: 2026-01-01 10:00
---
`

// site makes a folder holding content/ with the given files, and makes it
// the working folder, with "today" fixed.
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, "content", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	t.Setenv("SOURCE_DATE_EPOCH", "1795474800") // 2026-11-24 00:00 in Paris
	return dir
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		cmd   string
		flags []string
	}{
		{"build", []string{"content", "out", "config", "drafts"}},
		{"check", []string{"content", "config", "drafts"}},
		{"serve", []string{"content", "out", "config", "addr"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			code, stdout, stderr := hindsight(t, tc.cmd, "--help")
			if code != exitOK {
				t.Errorf("%s --help exits %d, want 0", tc.cmd, code)
			}
			help := stdout + stderr
			if !strings.Contains(help, "Usage: hindsight "+tc.cmd) {
				t.Errorf("%s --help does not start with its usage:\n%s", tc.cmd, help)
			}
			for _, f := range tc.flags {
				// In the usage line, and described in the flag list.
				if !strings.Contains(help, "[--"+f) {
					t.Errorf("%s --help: the usage line does not show --%s", tc.cmd, f)
				}
				if !regexp.MustCompile(`(?m)^\s+-` + f + `\b.*\n\s+\S`).MatchString(help) {
					t.Errorf("%s --help does not describe -%s:\n%s", tc.cmd, f, help)
				}
			}
		})
	}
	code, stdout, _ := hindsight(t, "help")
	if code != exitOK || !strings.Contains(stdout, "build") || !strings.Contains(stdout, "check") {
		t.Errorf("help: exit %d, output %q", code, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"build", "--frob"}, "-frob"},
		{[]string{"check", "--drafts=perhaps"}, "drafts"},
		{[]string{"build", "content"}, "takes no arguments"},
		{[]string{"version", "extra"}, "version takes no arguments"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			dir := site(t, nil)
			code, stdout, stderr := hindsight(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if got := entries(t, dir); len(got) != 0 {
				t.Errorf("files written: %v", got)
			}
		})
	}
}

func TestBuildBrokenContent(t *testing.T) {
	dir := site(t, map[string]string{"good.md": goodPostmortem, "2026/bad.md": badPostmortem})
	code, stdout, stderr := hindsight(t, "build", "--content", "content", "--out", "public")
	if code != exitContent {
		t.Errorf("exit %d, want %d", code, exitContent)
	}
	if !regexp.MustCompile(`(?m)^content/2026/bad\.md:3: .*SEV9`).MatchString(stderr) {
		t.Errorf("stderr does not report content/2026/bad.md:3: …:\n%s", stderr)
	}
	if !strings.Contains(stderr, "nothing was written") {
		t.Errorf("stderr does not say nothing was written:\n%s", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %v, want only content", got)
	}
}

var summary = regexp.MustCompile(`^built \d+ pages from 2 postmortems into public in [0-9.]+(ms|s|µs) \((\d+) warnings?\)\n$`)

func TestBuildGoodContent(t *testing.T) {
	dir := site(t, map[string]string{"good.md": goodPostmortem, "draft.md": draftPostmortem})
	code, stdout, stderr := hindsight(t, "build")
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if !summary.MatchString(stdout) {
		t.Errorf("stdout %q is not a one-line summary with pages, postmortems, time and warnings", stdout)
	}
	for _, f := range []string{"index.html", "incidents/good/index.html", "incidents/draft/index.html", "feed.xml"} {
		if _, err := os.Stat(filepath.Join(dir, "public", filepath.FromSlash(f))); err != nil {
			t.Error(err)
		}
	}

	// --drafts=false leaves the draft out.
	code, stdout, stderr = hindsight(t, "build", "--drafts=false")
	if code != exitOK || !strings.Contains(stdout, "from 1 postmortem ") {
		t.Errorf("build --drafts=false: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "incidents", "draft")); !os.IsNotExist(err) {
		t.Errorf("the draft was built with --drafts=false: %v", err)
	}

	// --timings adds a line per stage, in order, after the summary.
	code, stdout, stderr = hindsight(t, "build", "--timings")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	stage := regexp.MustCompile(`^  ([a-z ]+): +[0-9]+\.[0-9]{3} s$`)
	var names []string
	for _, l := range lines[1:] {
		if m := stage.FindStringSubmatch(l); m != nil {
			names = append(names, m[1])
		}
	}
	if code != exitOK || !summary.MatchString(lines[0]+"\n") || strings.Join(names, ", ") != "reading, checks and metrics, pages, search indexes, swapping in" {
		t.Errorf("build --timings: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestCheckWritesNothing(t *testing.T) {
	dir := site(t, map[string]string{"good.md": goodPostmortem})
	code, stdout, stderr := hindsight(t, "check", "--out", "public")
	if code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "checked 1 postmortem: no errors") {
		t.Errorf("stdout %q", stdout)
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "content" {
		t.Errorf("check wrote files: %v", got)
	}

	site(t, map[string]string{"bad.md": badPostmortem})
	code, _, stderr = hindsight(t, "check")
	if code != exitContent || !strings.Contains(stderr, "content/bad.md:3: ") {
		t.Errorf("check of a broken file: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, stdout, _ := hindsight(t, arg)
		if code != exitOK || !strings.HasPrefix(stdout, "hindsight ") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("%s: exit %d, stdout %q", arg, code, stdout)
		}
	}
}

func TestConfigFile(t *testing.T) {
	// No hindsight.yaml and no --config: the defaults are fine.
	dir := site(t, map[string]string{"good.md": goodPostmortem})
	if code, _, stderr := hindsight(t, "build"); code != exitOK {
		t.Errorf("build without hindsight.yaml: exit %d, stderr:\n%s", code, stderr)
	}

	// An explicit --config that does not exist is an error that says so.
	code, stdout, stderr := hindsight(t, "build", "--config", "site.yaml", "--out", "other")
	if code != exitContent {
		t.Errorf("missing --config file: exit %d, want %d", code, exitContent)
	}
	if !strings.Contains(stderr, `"site.yaml"`) || !strings.Contains(stderr, "does not exist") {
		t.Errorf("stderr %q should say site.yaml does not exist", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "other")); !os.IsNotExist(err) {
		t.Errorf("output written with a missing config: %v", err)
	}

	// A config with a mistake points at its line.
	if err := os.WriteFile("hindsight.yaml", []byte("title: T\ntimezone: Mars/Olympus\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = hindsight(t, "check")
	if code != exitContent || !strings.Contains(stderr, "hindsight.yaml:2: ") {
		t.Errorf("bad timezone: exit %d, stderr %q", code, stderr)
	}
}

func TestOutputFolderRefused(t *testing.T) {
	dir := site(t, map[string]string{"good.md": goodPostmortem})
	if err := os.MkdirAll(filepath.Join(dir, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "docs", "mine.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"content", ".", "docs"} {
		code, _, stderr := hindsight(t, "build", "--out", out)
		if code == exitOK || stderr == "" {
			t.Errorf("build --out %s: exit %d, stderr %q", out, code, stderr)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "docs", "mine.txt")); err != nil || string(b) != "mine" {
		t.Errorf("docs/mine.txt: %q, %v", b, err)
	}
}
