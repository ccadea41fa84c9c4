package output

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// tree reads every file under dir, by slash-separated relative name.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// build stages files into out and commits them.
func build(t *testing.T, out string, files map[string]string) {
	t.Helper()
	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := s.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
}

// siblings lists the entries beside out other than out itself: temporary
// folders a build must not leave behind.
func siblings(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != filepath.Base(out) {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestStagingCommitReplacesTheOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	build(t, out, map[string]string{
		"index.html":                "v1",
		"incidents/old/index.html":  "old incident",
		"static/style.css":          "body{}",
		"deep/a/b/c/d/e/f/file.txt": "deep",
	})
	got := tree(t, out)
	if got["index.html"] != "v1" || got["deep/a/b/c/d/e/f/file.txt"] != "deep" || got[Marker] == "" {
		t.Fatalf("first build: %v", got)
	}

	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"index.html": "v2", "incidents/new/index.html": "new incident"} {
		if err := s.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	// Until Commit, the previous output is what is served.
	if got := tree(t, out); got["index.html"] != "v1" || got["incidents/new/index.html"] != "" {
		t.Errorf("staged files leaked into the output before Commit: %v", got)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	got = tree(t, out)
	want := []string{Marker, "incidents/new/index.html", "index.html"}
	if names := slices.Sorted(func(yield func(string) bool) {
		for n := range got {
			if !yield(n) {
				return
			}
		}
	}); !slices.Equal(names, want) {
		t.Errorf("after the second build: %q, want %q (previous files gone)", names, want)
	}
	if got["index.html"] != "v2" || got["incidents/new/index.html"] != "new incident" {
		t.Errorf("contents = %v", got)
	}
	if left := siblings(t, out); len(left) != 0 {
		t.Errorf("the build left %q beside the output", left)
	}
}

func TestStagingAbortLeavesThePreviousOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	build(t, out, map[string]string{"index.html": "v1", "incidents/a/index.html": "a"})
	before := tree(t, out)

	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("index.html", []byte("half-built")); err != nil {
		t.Fatal(err)
	}
	s.Abort()

	after := tree(t, out)
	if len(after) != len(before) {
		t.Errorf("files after Abort: %v, want %v", after, before)
	}
	for name, data := range before {
		if !bytes.Equal([]byte(after[name]), []byte(data)) {
			t.Errorf("%s changed: %q, want %q", name, after[name], data)
		}
	}
	if left := siblings(t, out); len(left) != 0 {
		t.Errorf("Abort left %q beside the output", left)
	}
}

func TestStagingIntoNewFolders(t *testing.T) {
	// --out may name a folder whose parents do not exist yet.
	out := filepath.Join(t.TempDir(), "a", "b", "public")
	build(t, out, map[string]string{"index.html": "x"})
	if tree(t, out)["index.html"] != "x" {
		t.Error("not built")
	}
}

func TestStagingAcceptsAnEmptyFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	build(t, out, map[string]string{"index.html": "x"})
	if tree(t, out)["index.html"] != "x" {
		t.Error("not built")
	}
}

func TestStagingRefusesAForeignFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "docs")
	if err := os.MkdirAll(filepath.Join(out, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "thesis.tex"), []byte("years of work"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := NewStaging(out)
	if err == nil {
		t.Fatal("NewStaging accepted a folder of someone else's files")
	}
	for _, part := range []string{out, "not empty", "not written by hindsight", Marker, "remove it or choose another --out"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q does not say %q", err, part)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "thesis.tex")); string(b) != "years of work" {
		t.Error("the folder's files were touched")
	}
	if left := siblings(t, out); len(left) != 0 {
		t.Errorf("a refused build left %q beside the output", left)
	}
	// A folder with only sub-folders is not empty either.
	only := filepath.Join(t.TempDir(), "out")
	if err := os.MkdirAll(filepath.Join(only, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStaging(only); err == nil {
		t.Error("NewStaging accepted a folder holding a folder")
	}
	// Nor is --out naming a file.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStaging(file); err == nil || !strings.Contains(err.Error(), "cannot use output folder") {
		t.Errorf("--out naming a file: err = %v", err)
	}
}

var unsafeNames = []string{"../x", "a/../../x", "/etc/passwd", `a\b`, `..\x`, "a\x00b", "", ".", "a/./b", "a//b", "a/"}

func TestStagingRefusesUnsafeNames(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	for _, name := range unsafeNames {
		err := s.WriteFile(name, []byte("pwned"))
		if err == nil || !strings.Contains(err.Error(), "not a plain relative path") {
			t.Errorf("WriteFile(%q): err = %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "x")); err == nil {
		t.Error("a file was written outside the output")
	}
}

func TestMemory(t *testing.T) {
	m := NewMemory()
	for _, name := range unsafeNames {
		if err := m.WriteFile(name, []byte("x")); err == nil {
			t.Errorf("Memory.WriteFile(%q) accepted", name)
		}
	}
	data := []byte("v1")
	if err := m.WriteFile("b/index.html", data); err != nil {
		t.Fatal(err)
	}
	data[1] = '2' // the caller may reuse its buffer
	if err := m.WriteFile("a.css", nil); err != nil {
		t.Fatal(err)
	}
	err := m.WriteFile("b/index.html", []byte("again"))
	if err == nil || !strings.Contains(err.Error(), `"b/index.html" written twice`) {
		t.Errorf("second write: err = %v", err)
	}
	if string(m.Files["b/index.html"]) != "v1" {
		t.Errorf("file = %q, want the first write, unchanged", m.Files["b/index.html"])
	}
	if names := m.Names(); !slices.Equal(names, []string{"a.css", "b/index.html"}) {
		t.Errorf("Names = %q", names)
	}
}

// TestStagingConcurrentFolders writes files from several goroutines into
// folders none of them created yet, nested and shared, and a file twice
// (the second write replaces the first, as a rewritten page does).
func TestStagingConcurrentFolders(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{Marker: "This folder is written by hindsight build and replaced by each build.\n"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				name := fmt.Sprintf("incidents/%d/deep/%d/index.html", i%5, g)
				if err := s.WriteFile(name, []byte(strings.Repeat("x", 100000))); err != nil {
					t.Error(err)
				}
				if err := s.WriteFile(name, []byte(name)); err != nil {
					t.Error(err)
				}
			}
		})
		for i := range 5 {
			want[fmt.Sprintf("incidents/%d/deep/%d/index.html", i, g)] = fmt.Sprintf("incidents/%d/deep/%d/index.html", i, g)
		}
	}
	wg.Wait()
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); !maps.Equal(got, want) {
		t.Errorf("output has %d files, want %d: %v", len(got), len(want), got)
	}
	if st, err := os.Stat(filepath.Join(out, "incidents/0/deep/0/index.html")); err != nil || st.Mode().Perm()&0o600 != 0o600 {
		t.Errorf("file mode: %v, %v", st, err)
	}
}

// TestStagingSwap: once Swap returns, the output is the new one, whole;
// the previous one is beside it until the removal Swap returns is called.
func TestStagingSwap(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	build(t, out, map[string]string{"index.html": "v1", "incidents/a/index.html": "a"})
	s, err := NewStaging(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("index.html", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	remove, err := s.Swap()
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, out); got["index.html"] != "v2" || got["incidents/a/index.html"] != "" || len(got) != 2 {
		t.Errorf("after Swap the output is %v", got)
	}
	if left := siblings(t, out); len(left) != 1 {
		t.Errorf("after Swap, beside the output: %q; want the previous output", left)
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if left := siblings(t, out); len(left) != 0 {
		t.Errorf("after the removal, beside the output: %q", left)
	}
}
