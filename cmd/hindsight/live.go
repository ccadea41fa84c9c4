package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/render"
)

// live is what `hindsight serve` adds to a built site: it rebuilds when the
// sources change, tells open pages to reload (server-sent events), and while
// the content has errors keeps serving the last good site with an overlay
// that lists them. Its script is injected into the HTML it serves, never
// written into the build output.
type live struct {
	// swap is held for reading while a request is answered, and for
	// writing while a rebuild puts the new output in place.
	swap sync.RWMutex

	mu      sync.Mutex
	version int      // successful builds so far
	problem []string // the diagnostics of the last build, when it failed
	subs    map[chan liveEvent]bool

	rebuilds chan struct{} // a pending change; capacity 1
	// full is set when a pending change is not to the content alone (the
	// config, the theme or the deployments): the site is built afresh.
	full atomic.Bool
	// changes are the content files changed since the last rebuild, by
	// path in the content folder; rescan is set when the watcher cannot
	// tell which (a folder moved, events lost): the folder is listed again.
	cmu     sync.Mutex
	changes map[string]bool
	rescan  bool
	// mem, when set, is the site as last prepared, served from memory
	// until the output folder holds it too.
	mem atomic.Pointer[render.Lazy]
	// served are the pages answered lately, for the patches that bring
	// them up to date after an edit (see patch).
	served servedPages
	log    io.Writer
	done   chan struct{} // closed by shutdown: the event streams end
	once   sync.Once
}

// shutdown ends the open event streams, so that the server can stop
// (a stream is a request that never ends by itself).
func (l *live) shutdown() { l.once.Do(func() { close(l.done) }) }

// liveEvent is one server-sent event.
type liveEvent struct {
	name string // "reload", "problem", "search" (the search API has the latest content) or "ok"
	data string
}

func newLive(log io.Writer) *live {
	return &live{subs: map[chan liveEvent]bool{}, rebuilds: make(chan struct{}, 1), log: log, version: 1, done: make(chan struct{})}
}

// publish sends an event to every open page.
func (l *live) publish(e liveEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.subs {
		select {
		case c <- e:
		default: // a page that does not read is skipped, not waited for
		}
	}
}

// built records the outcome of a rebuild, logs what (on success) and
// tells the pages: "content" when only the content changed, which an
// open page can take as patches (see patch); "full" otherwise, which
// makes it reload.
func (l *live) built(res build.Result, err error, what, kind string) {
	if err == nil {
		l.mu.Lock()
		l.version++
		l.problem = nil
		l.mu.Unlock()
		fmt.Fprintln(l.log, what)
		l.publish(liveEvent{name: "reload", data: kind})
		return
	}
	var lines []string
	for _, d := range res.Diagnostics {
		if d.Level == diag.Error {
			lines = append(lines, d.String())
		}
	}
	if len(lines) == 0 {
		lines = []string{err.Error()}
	}
	l.mu.Lock()
	l.problem = lines
	l.mu.Unlock()
	fmt.Fprintf(l.log, "build failed; still serving the last good site:\n  %s\n", strings.Join(lines, "\n  "))
	b, _ := json.Marshal(lines)
	l.publish(liveEvent{name: "problem", data: string(b)})
}

// events streams server-sent events to one page: the current problem
// first, if any, then each rebuild.
func (l *live) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	c := make(chan liveEvent, 8)
	l.mu.Lock()
	l.subs[c] = true
	problem := l.problem
	version := l.version
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.subs, c)
		l.mu.Unlock()
	}()
	fmt.Fprintf(w, "event: hello\ndata: %d\n\n", version)
	if problem != nil {
		b, _ := json.Marshal(problem)
		fmt.Fprintf(w, "event: problem\ndata: %s\n\n", b)
	}
	fl.Flush()
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		case e := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
			fl.Flush()
		case <-ping.C:
			io.WriteString(w, ": ping\n\n")
			fl.Flush()
		}
	}
}

// liveScript brings the page up to date after a rebuild, and shows the
// build's problems over it meanwhile. After a change to the content alone
// it asks serve for the elements that changed and replaces them (see
// patch), checking first that each is the element serve means (its name
// and a hash of its text, htmldiff.TextHash); in any other case, or when
// a patch does not fit, it reloads. Page scripts hear "hindsight:patched"
// on the document after a patch, and "hindsight:search" once the search
// API has indexed the change (the search page asks again).
const liveScript = `(function () {
  'use strict';
  var page = document.currentScript && document.currentScript.getAttribute('data-page');
  var busy = false, again = false;
  function hash(s) { // htmldiff.TextHash: FNV-1a over UTF-16 code units
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  }
  function apply(patches) {
    var found = [];
    for (var i = 0; i < patches.length; i++) {
      var p = patches[i], el = document.documentElement;
      for (var j = 0; el && j < p.at.length; j++) el = el.children[p.at[j]];
      if (!el || el.localName !== p.tag || hash(el.textContent) !== p.text) return false;
      found.push(el);
    }
    found.forEach(function (el, i) { el.outerHTML = patches[i].html; });
    return true;
  }
  function update() {
    if (!page) { location.reload(); return; }
    if (busy) { again = true; return; }
    busy = true;
    fetch('/_hindsight/patch?page=' + encodeURIComponent(page), {cache: 'no-store'})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.reload || !apply(d.patches || [])) { location.reload(); return; }
        page = d.page;
        document.documentElement.setAttribute('data-hindsight-page', page); // up to date as of this token
        if (d.patches && d.patches.length) document.dispatchEvent(new CustomEvent('hindsight:patched'));
        busy = false;
        if (again) { again = false; update(); }
      })
      .catch(function () { location.reload(); });
  }
  var box = null;
  function show(lines) {
    if (!box) {
      box = document.createElement('div');
      box.id = 'hindsight-problems';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;' +
        'background:#2b0b0b;color:#ffe4e1;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:1rem 1.2rem;' +
        'border-top:4px solid #e5484d;white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'hindsight build failed; this is the last good version of the page.\n\n' + lines.join('\n') +
      '\n\nFix the file: the page reloads by itself.';
  }
  var es = new EventSource('/_hindsight/events');
  var seen = null;
  es.addEventListener('hello', function (e) {
    if (seen !== null && e.data !== seen) location.reload(); // rebuilt while disconnected
    seen = e.data;
  });
  es.addEventListener('reload', function (e) {
    if (box) { box.remove(); box = null; }
    if (e.data === 'content') update(); else location.reload();
  });
  es.addEventListener('problem', function (e) { show(JSON.parse(e.data)); });
  es.addEventListener('search', function () { document.dispatchEvent(new CustomEvent('hindsight:search')); });
})();
`

// liveTag is inserted before </body> of every HTML page serve answers;
// liveTagPage when serve remembers the page under a token.
const (
	liveTag     = `<script src="/_hindsight/live.js"></script>`
	liveTagPage = `<script src="/_hindsight/live.js" data-page="%s"></script>`
)

// handler serves the site with the live script, the events and the search
// API, each file under the read lock.
func (l *live) handler(dir string, api http.Handler) http.Handler {
	files := withSearchAPI(staticHandler(dir), dir, api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_hindsight/events":
			l.events(w, r)
			return
		case "/_hindsight/live.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			io.WriteString(w, liveScript)
			return
		case "/_hindsight/patch":
			l.patch(w, r, dir)
			return
		}
		l.swap.RLock()
		defer l.swap.RUnlock()
		if lazy := l.mem.Load(); lazy != nil && l.serveMemory(w, r, lazy) {
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err == nil && info.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				files.ServeHTTP(w, r) // the file server redirects to the folder
				return
			}
			name = path.Join(name, "index.html")
		}
		if strings.HasSuffix(name, ".html") && r.Method == http.MethodGet {
			if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err == nil {
				l.answer(w, r, http.StatusOK, name, b)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

// serveMemory answers a request from the site as last prepared, rendering
// the page if it is the first time it is asked for, and reports whether it
// did: the search API and the search index files are left to the output
// folder.
func (l *live) serveMemory(w http.ResponseWriter, r *http.Request, lazy *render.Lazy) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if r.URL.Path == "/api/search" || searchIndexFile(name) {
		return false
	}
	if name == "." || name == "" {
		name = "index.html"
	} else if strings.HasSuffix(r.URL.Path, "/") {
		name += "/index.html"
	}
	b, ok, err := lazy.File(name)
	if !ok && !strings.HasSuffix(name, "index.html") {
		if _, dir, _ := lazy.File(name + "/index.html"); dir {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return true
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusNotFound
		name = "404.html"
		b, _, err = lazy.File(name)
	}
	if err != nil {
		http.Error(w, fmt.Sprintf("rendering %s: %v", name, err), http.StatusInternalServerError)
		return true
	}
	l.answer(w, r, status, name, b)
	return true
}

// answer answers with b, the file name of the site, not to be cached;
// a page gets the live script before its </body>, with the token under
// which serve remembers it (see patch). It is written in pieces: a list
// page of a large knowledge base weighs megabytes.
func (l *live) answer(w http.ResponseWriter, r *http.Request, status int, name string, b []byte) {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(b)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	head, tail := b, []byte(nil)
	tag := ""
	if i := bytes.LastIndex(b, []byte("</body>")); i >= 0 && strings.HasSuffix(name, ".html") {
		head, tail, tag = b[:i], b[i:], liveTag
		if status == http.StatusOK && r.Method == http.MethodGet {
			tag = fmt.Sprintf(liveTagPage, l.served.add(name, b))
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+len(tag)))
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		w.Write(head)
		io.WriteString(w, tag)
		w.Write(tail)
	}
}

// searchIndexFile reports whether name (a path under the output) is a file
// of a static search index, which builds write but render.Lazy does not
// hold.
func searchIndexFile(name string) bool {
	name = strings.TrimPrefix(name, render.CustomerDir)
	return strings.HasPrefix(name, "search/") && name != "search/index.html"
}

// watchDirs are the folders under the config's folder whose files are part
// of the site (the theme overrides); the config's folder itself is watched
// for the config file only, since the output often lives there too.
var watchDirs = []string{"layouts", "static", "i18n", "shared", "customer"}

// watch watches the content folder (recursively), the config file, the
// deployments file and the theme overrides, and queues a rebuild after each
// burst of changes.
func (l *live) watch(content, configFile, deployments, siteDir string, stop <-chan struct{}) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("cannot watch for changes: %w", err)
	}
	files := map[string]bool{} // single files watched through their folder
	dirs := map[string]bool{}  // the folders watched, by absolute path
	addTree := func(root string) {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if ignored(d.Name()) && p != root {
					return filepath.SkipDir
				}
				w.Add(p)
				abs, _ := filepath.Abs(p)
				dirs[abs] = true
			}
			return nil
		})
	}
	addTree(content)
	for _, d := range watchDirs {
		if info, err := os.Stat(filepath.Join(siteDir, d)); err == nil && info.IsDir() {
			addTree(filepath.Join(siteDir, d))
		}
	}
	for _, f := range []string{configFile, deployments} {
		if f == "" {
			continue
		}
		abs, _ := filepath.Abs(f)
		files[abs] = true
		w.Add(filepath.Dir(abs))
	}
	trees := []string{content}
	for _, d := range watchDirs {
		trees = append(trees, filepath.Join(siteDir, d))
	}
	// relevant reports whether a change to name matters, and whether it is
	// to the content alone.
	contentAbs, _ := filepath.Abs(content)
	under := func(abs, dir string) bool {
		return abs == dir || strings.HasPrefix(abs, dir+string(filepath.Separator))
	}
	relevant := func(name string) (matters, contentOnly bool) {
		if ignored(filepath.Base(name)) {
			return false, false
		}
		abs, _ := filepath.Abs(name)
		if files[abs] {
			return true, false
		}
		for _, t := range trees {
			if at, _ := filepath.Abs(t); under(abs, at) {
				return true, under(abs, contentAbs)
			}
		}
		return false, false
	}
	go func() {
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-stop:
				return
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				fmt.Fprintf(l.log, "watching for changes: %v\n", err)
				l.changed("", true) // events may have been lost
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				matters, contentOnly := relevant(ev.Name)
				if !matters {
					continue
				}
				if !contentOnly {
					l.full.Store(true)
				}
				isDir := false
				if ev.Has(fsnotify.Create) {
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						addTree(ev.Name) // a new folder, and what was moved in with it
						isDir = true
					}
				}
				if contentOnly {
					abs, _ := filepath.Abs(ev.Name)
					rel, _ := filepath.Rel(contentAbs, abs)
					// A folder created, removed or moved: which files
					// changed is not known.
					gone := ev.Has(fsnotify.Remove|fsnotify.Rename) && dirs[abs]
					if gone {
						delete(dirs, abs)
					}
					if isDir || gone {
						l.changed("", true)
					} else if strings.EqualFold(filepath.Ext(rel), ".md") {
						l.changed(filepath.ToSlash(rel), false)
					}
				}
				// Editors save in bursts (temp file, rename, chmod): one
				// rebuild after the burst.
				if timer == nil {
					timer = time.NewTimer(debounce)
				} else {
					timer.Reset(debounce)
				}
				fire = timer.C
			case <-fire:
				fire = nil
				select {
				case l.rebuilds <- struct{}{}:
				default: // one is already queued
				}
			}
		}
	}()
	return nil
}

// changed records a change to a content file (a path in the content
// folder), or that which files changed is not known.
func (l *live) changed(rel string, unknown bool) {
	l.cmu.Lock()
	defer l.cmu.Unlock()
	if unknown {
		l.rescan = true
		return
	}
	if l.changes == nil {
		l.changes = map[string]bool{}
	}
	l.changes[rel] = true
}

// takeChanges returns the content files changed since it was last called,
// or nil when the content folder must be listed again.
func (l *live) takeChanges() []string {
	l.cmu.Lock()
	defer l.cmu.Unlock()
	var out []string
	if !l.rescan {
		out = slices.Sorted(maps.Keys(l.changes))
		if out == nil {
			out = []string{}
		}
	}
	l.changes, l.rescan = nil, false
	return out
}

// debounce is how long the watcher waits for a burst of changes to end.
const debounce = 15 * time.Millisecond

// ignored reports whether a file or folder name is an editor's or a tool's
// own: hidden files, backups, swap and lock files.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp") ||
		name == "4913" // vim's test file
}

// rebuildLoop rebuilds once per queued change until stop. A change to the
// content alone is prepared by the session, which rereads only the files
// that changed, and served from memory at once: the open pages reload
// without waiting for the whole site to be written. The output folder is
// written once the changes pause (see writePause). Any other change (config,
// theme, deployments) starts a new session with the options read afresh,
// and a full build.
func (l *live) rebuildLoop(ss *build.Session, options func() (build.Options, error), after func(changed []string), stop <-chan struct{}) {
	var (
		cancel chan struct{} // closed to stop the pending write
		ended  chan struct{} // closed when the last write has ended
		idle   *time.Timer   // collects garbage once the edits pause
		pause  writePause
	)
	// stopWrite tells the pending write to stop, without waiting: a write
	// under way ends at its next file, or after the search index it is
	// building, and the next write starts only once it has ended.
	stopWrite := func() {
		if cancel != nil {
			close(cancel)
			cancel = nil
		}
	}
	defer func() {
		if idle != nil {
			idle.Stop()
		}
		stopWrite()
		if ended != nil {
			<-ended
		}
		ss.RemoveStopped()
	}()
	day := today(ss)
	for {
		select {
		case <-stop:
			return
		case <-l.rebuilds:
		}
		if idle != nil {
			idle.Stop()
		}
		stopWrite()
		start := time.Now()
		changed := l.takeChanges()
		// A new day moves overdue actions and the last 90 days: the
		// session's "today" is no longer right.
		full := l.full.Swap(false) || !today(ss).Equal(day)
		if full {
			if ended != nil {
				<-ended // the full build replaces the output folder too
			}
			ss.RemoveStopped()
			opts, err := options()
			var res build.Result
			if err == nil {
				opts.CommitLock = &l.swap
				ss = build.NewSession(opts)
				day = today(ss)
				if res, err = ss.Build(); err == nil {
					l.mem.Store(nil)
				}
			}
			l.built(res, err, fmt.Sprintf("rebuilt %d pages in %s", res.Pages, time.Since(start).Round(time.Millisecond)), "full")
			if err == nil && after != nil {
				after(nil)
			}
			continue
		}
		p, res, err := ss.PrepareChanged(changed)
		var lazy *render.Lazy
		if err == nil {
			lazy, err = p.Lazy()
		}
		if err != nil {
			l.built(res, err, "", "")
			continue
		}
		l.mem.Store(lazy)
		l.built(res, nil, fmt.Sprintf("reloaded %s in %s (%s read); pages render as they are asked for",
			plural(res.Postmortems, "postmortem", "postmortems"), time.Since(start).Round(time.Millisecond), plural(ss.FilesRead(), "file", "files")), "content")
		if after != nil {
			after(changed)
		}
		idle = time.AfterFunc(idleCollect, collectIfDue)
		prev := ended
		cancel, ended = make(chan struct{}), make(chan struct{})
		go func(cancel, ended, prev chan struct{}) {
			defer close(ended)
			if prev != nil {
				defer func() { <-prev }() // one write at a time, in order
			}
			select {
			case <-cancel:
				return
			case <-time.After(pause.get()):
			}
			if prev != nil {
				<-prev
			}
			start := time.Now()
			res, err := p.Write(cancel)
			pause.ended(err)
			if err == nil {
				l.mem.CompareAndSwap(lazy, nil)
				fmt.Fprintf(l.log, "wrote %d pages to the output folder in %s\n", res.Pages, time.Since(start).Round(time.Millisecond))
			} else if !errors.Is(err, build.ErrStopped) {
				fmt.Fprintf(l.log, "writing the output folder: %v; serving the site from memory\n", err)
			}
		}(cancel, ended, prev)
	}
}

// today is the day as the session's config reckons it (see build.Today).
func today(ss *build.Session) time.Time {
	t, _ := build.Today(ss.Options().Config.Location)
	return t
}

// idleCollect is how long after an edit, with no edit since, the garbage
// collector runs if it is due soon (collectIfDue): by then the open pages
// have fetched their updates and the search index has taken the edit.
// Otherwise the collection that each few edits make due would often come
// while the next edit is being prepared and served, and slow it: on the
// 10,000-postmortem corpus a collection marks some 200-350 MB and takes
// 70-140 ms, with one of the two cores and stalls of up to 20 ms.
const idleCollect = 150 * time.Millisecond

// collectIfDue runs a garbage collection when the heap has grown more than
// half the way from what the last one kept to the next one's goal.
func collectIfDue() {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return // not in this runtime
		}
	}
	goal, live, now := s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	if goal > live && now > live && now-live > (goal-live)/2 {
		runtime.GC()
	}
}

// writeDelay is how long the changes must pause before the output folder
// is written: a large knowledge base takes seconds to write, and each new
// change stops the write under way.
const writeDelay = time.Second

// maxWriteDelay bounds writePause's wait.
const maxWriteDelay = 8 * time.Second

// writePause is how long the changes must pause before the output folder
// is written: writeDelay, twice as long after each write an edit stopped,
// up to maxWriteDelay, and writeDelay again once a write ends. An author
// who saves every few seconds would otherwise have most saves land on a
// write (seconds of both cores, on 10,000 postmortems), which an edit
// stops but which slows it: the first edit after such a pause took 96-141
// ms against 77-121 ms without the write, in Chromium.
type writePause struct {
	d atomic.Int64 // nanoseconds; 0 is writeDelay
}

// get is the pause before the next write.
func (w *writePause) get() time.Duration {
	if d := time.Duration(w.d.Load()); d > 0 {
		return d
	}
	return writeDelay
}

// ended takes what a write returned.
func (w *writePause) ended(err error) {
	switch {
	case errors.Is(err, build.ErrStopped):
		w.d.Store(int64(min(2*w.get(), maxWriteDelay)))
	case err == nil:
		w.d.Store(0)
	}
}
