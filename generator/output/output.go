// Package output owns writing a built site: every file goes through a Writer
// that refuses any name that is not a plain relative path (no "..", no
// absolute path, no NUL), a build is written into a fresh folder beside the
// output and swapped into place only when it is complete, so a failed build
// leaves the previous site untouched.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Writer receives the files of a site. Names are slash-separated and relative.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Marker is the file every output folder gets, so a later build knows it may
// replace the folder.
const Marker = ".hindsight-output"

// checkName refuses names that could leave the output folder.
func checkName(name string) error {
	if name == "" || name == "." || strings.ContainsRune(name, 0) || strings.Contains(name, `\`) || !fs.ValidPath(name) {
		return fmt.Errorf("refusing to write %q: not a plain relative path inside the output", name)
	}
	return nil
}

// Staging is a temporary output folder beside the final one.
//
// It writes with plain file calls rather than os.Root, which costs several
// system calls per path component: names are checked to be local paths
// without "..", and the folder is created fresh by NewStaging, so it holds no
// links that could lead out of it.
type Staging struct {
	final string
	dir   string
	mu    sync.Mutex
	dirs  map[string]bool
}

// NewStaging prepares a temporary folder beside out. It refuses an out that
// exists, is not empty, and was not written by Hindsight, so a mistyped --out
// never replaces someone's files.
func NewStaging(out string) (*Staging, error) {
	out = filepath.Clean(out)
	if err := CheckReplaceable(out); err != nil {
		return nil, err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the output's parent folder: %w", err)
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("cannot create a temporary output folder: %w", err)
	}
	s := &Staging{final: out, dir: dir, dirs: map[string]bool{".": true}}
	if err := s.WriteFile(Marker, []byte("This folder is written by hindsight build and replaced by each build.\n")); err != nil {
		s.Abort()
		return nil, err
	}
	return s, nil
}

// CheckReplaceable returns an error when out holds files Hindsight did not write.
func CheckReplaceable(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot use output folder %q: %w", out, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
		return fmt.Errorf("refusing to replace %q: it is not empty and was not written by hindsight (no %s file); remove it or choose another --out", out, Marker)
	}
	return nil
}

// WriteFile writes one file, creating its folders.
func (s *Staging) WriteFile(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := s.mkdir(path.Dir(name)); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, filepath.FromSlash(name)), data, 0o644)
}

// mkdir creates a folder of the staging folder and those above it that
// were not created yet. It knows which were, so each is one system call
// (os.MkdirAll would look at the folder and its parent first).
func (s *Staging) mkdir(dir string) error {
	if s.known(dir) {
		return nil
	}
	if err := s.mkdir(path.Dir(dir)); err != nil {
		return err
	}
	full := filepath.Join(s.dir, filepath.FromSlash(dir))
	if err := os.Mkdir(full, 0o755); err != nil {
		// Another page of the folder may have created it meanwhile.
		if st, serr := os.Stat(full); serr != nil || !st.IsDir() {
			return fmt.Errorf("cannot create %q: %w", dir, err)
		}
	}
	s.mu.Lock()
	s.dirs[dir] = true
	s.mu.Unlock()
	return nil
}

func (s *Staging) known(dir string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirs[dir]
}

// Commit swaps the staged folder into place and removes the previous output.
func (s *Staging) Commit() error {
	remove, err := s.Swap()
	if err != nil {
		return err
	}
	return remove()
}

// Swap puts the staged folder in place of the output, the previous one
// moved aside, and returns the removal of the previous one. Between the
// two the output is complete: removing ten thousand pages takes a while,
// which `hindsight serve` does not make its requests wait for.
func (s *Staging) Swap() (remove func() error, err error) {
	old := ""
	if _, err := os.Lstat(s.final); err == nil {
		old = s.dir + ".old"
		if err := os.Rename(s.final, old); err != nil {
			os.RemoveAll(s.dir)
			return nil, fmt.Errorf("cannot move the previous output aside: %w", err)
		}
	}
	if err := os.Rename(s.dir, s.final); err != nil {
		if old != "" {
			os.Rename(old, s.final)
		}
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("cannot move the new output into place: %w", err)
	}
	return func() error {
		if old != "" {
			return removeAll(old)
		}
		return nil
	}, nil
}

// removeAll removes a previous output folder, spreading the folders of its
// largest sub-folders over every core: a knowledge base of ten thousand
// incidents has ten thousand folders under incidents/.
func removeAll(dir string) error {
	var work []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		return os.RemoveAll(dir)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.IsDir() {
			work = append(work, p)
			continue
		}
		sub, err := os.ReadDir(p)
		if err != nil {
			work = append(work, p)
			continue
		}
		for _, f := range sub {
			work = append(work, filepath.Join(p, f.Name()))
		}
	}
	var (
		wg   sync.WaitGroup
		next atomic.Int64
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(work); i = int(next.Add(1) - 1) {
				os.RemoveAll(work[i]) // what fails here, the final RemoveAll reports
			}
		})
	}
	wg.Wait()
	return os.RemoveAll(dir)
}

// Abort removes the staged folder, leaving the previous output as it was.
func (s *Staging) Abort() {
	os.RemoveAll(s.dir)
}

// Memory is a Writer that keeps files in memory, for tests and check runs.
type Memory struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// NewMemory returns an empty in-memory site.
func NewMemory() *Memory { return &Memory{Files: map[string][]byte{}} }

// WriteFile stores one file.
func (m *Memory) WriteFile(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.Files[name]; dup {
		return fmt.Errorf("%q written twice", name)
	}
	m.Files[name] = bytes.Clone(data)
	return nil
}

// Names lists the stored files, sorted.
func (m *Memory) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
