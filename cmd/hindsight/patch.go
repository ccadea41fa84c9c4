package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/hindsight-sre/hindsight/generator/htmldiff"
)

// After an edit to the content, an open page does not reload: it asks
// serve what changed since the version it shows, and replaces those
// elements only (generator/htmldiff). A browser takes seconds to load the
// incidents index of a large knowledge base, and a small part of that to
// replace a row. serve remembers, by token, the bytes of each page it
// answered lately; the token is in the page's live script tag.

// Limits of what servedPages remembers: pages beyond are forgotten oldest
// first, and reload when their content changes.
const (
	maxServedPages = 32
	maxServedBytes = 96 << 20
)

// servedPages are the HTML pages serve answered lately, by token.
type servedPages struct {
	mu    sync.Mutex
	next  int
	bytes int
	pages map[string]servedPage
	order []string // tokens, oldest first
}

type servedPage struct {
	name string // the file under the output
	b    []byte // as answered, without the live script
}

// add remembers a page answered with b and returns its token.
func (s *servedPages) add(name string, b []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pages == nil {
		s.pages = map[string]servedPage{}
	}
	s.next++
	tok := strconv.Itoa(s.next)
	s.pages[tok] = servedPage{name, b}
	s.order = append(s.order, tok)
	s.bytes += len(b)
	for len(s.order) > 1 && (len(s.order) > maxServedPages || s.bytes > maxServedBytes) {
		s.bytes -= len(s.pages[s.order[0]].b)
		delete(s.pages, s.order[0])
		s.order = s.order[1:]
	}
	return tok
}

// get returns the page of a token, if it is still remembered.
func (s *servedPages) get(tok string) (servedPage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pages[tok]
	return p, ok
}

// patchReply is what an open page gets when it asks what changed.
type patchReply struct {
	Reload  bool             `json:"reload,omitempty"` // reload instead
	Page    string           `json:"page,omitempty"`   // the page's token once patched
	Patches []htmldiff.Patch `json:"patches"`
}

// patch answers an open page that asks what changed since the version
// its token names: the elements to replace, or to reload when the page is
// forgotten, gone, or changed in a way a patch cannot carry (a script, a
// form whose state its scripts keep, the page's frame), or changed so much
// that reloading costs no more.
func (l *live) patch(w http.ResponseWriter, r *http.Request, dir string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	reply := patchReply{Reload: true}
	defer func() { json.NewEncoder(w).Encode(reply) }()
	old, ok := l.served.get(r.URL.Query().Get("page"))
	if !ok {
		return
	}
	cur, ok := l.current(dir, old.name)
	if !ok {
		return
	}
	patches, ok := htmldiff.Diff(old.b, cur)
	if !ok {
		return
	}
	size := 0
	for _, p := range patches {
		size += len(p.HTML)
		frag := old.b[p.Old[0]:p.Old[1]]
		if strings.Contains(p.HTML, "<form") || strings.Contains(p.HTML, "<input") || strings.Contains(p.HTML, "<select") ||
			strings.Contains(string(frag), "<form") || strings.Contains(string(frag), "<input") || strings.Contains(string(frag), "<select") {
			return
		}
	}
	if size > len(cur)/2 {
		return
	}
	reply = patchReply{Page: l.served.add(old.name, cur), Patches: patches}
}

// current returns the page named name (a file under the output) as a
// request for it is answered now: from memory when the site is held
// there, else from the output folder.
func (l *live) current(dir, name string) ([]byte, bool) {
	l.swap.RLock()
	defer l.swap.RUnlock()
	if lazy := l.mem.Load(); lazy != nil {
		b, ok, err := lazy.File(name)
		return b, ok && err == nil
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	return b, err == nil
}
