package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/diag"
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
	log      io.Writer
	done     chan struct{} // closed by shutdown: the event streams end
	once     sync.Once
}

// shutdown ends the open event streams, so that the server can stop
// (a stream is a request that never ends by itself).
func (l *live) shutdown() { l.once.Do(func() { close(l.done) }) }

// liveEvent is one server-sent event.
type liveEvent struct {
	name string // "reload", "problem" or "ok"
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

// built records the outcome of a rebuild and tells the pages.
func (l *live) built(res build.Result, err error, took time.Duration) {
	if err == nil {
		l.mu.Lock()
		l.version++
		l.problem = nil
		l.mu.Unlock()
		fmt.Fprintf(l.log, "rebuilt %d pages in %s\n", res.Pages, took.Round(time.Millisecond))
		l.publish(liveEvent{name: "reload"})
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

// liveScript reloads the page after a rebuild and shows the build's
// problems over it meanwhile.
const liveScript = `(function () {
  'use strict';
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
  es.addEventListener('reload', function () { location.reload(); });
  es.addEventListener('problem', function (e) { show(JSON.parse(e.data)); });
})();
`

// liveTag is inserted before </body> of every HTML page serve answers.
const liveTag = `<script src="/_hindsight/live.js"></script>`

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
		}
		l.swap.RLock()
		defer l.swap.RUnlock()
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		file := filepath.Join(dir, filepath.FromSlash(name))
		if info, err := os.Stat(file); err == nil && info.IsDir() {
			if !strings.HasSuffix(r.URL.Path, "/") {
				files.ServeHTTP(w, r) // the file server redirects to the folder
				return
			}
			file = filepath.Join(file, "index.html")
		}
		if strings.HasSuffix(file, ".html") && r.Method == http.MethodGet {
			if b, err := os.ReadFile(file); err == nil {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				if i := bytes.LastIndex(b, []byte("</body>")); i >= 0 {
					b = append(b[:i:i], append([]byte(liveTag), b[i:]...)...)
				}
				w.Write(b)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
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
	addTree := func(root string) {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if ignored(d.Name()) && p != root {
					return filepath.SkipDir
				}
				w.Add(p)
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
	relevant := func(name string) bool {
		if ignored(filepath.Base(name)) {
			return false
		}
		abs, _ := filepath.Abs(name)
		if files[abs] {
			return true
		}
		for _, t := range trees {
			if at, _ := filepath.Abs(t); abs == at || strings.HasPrefix(abs, at+string(filepath.Separator)) {
				return true
			}
		}
		return false
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
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if !relevant(ev.Name) {
					continue
				}
				if ev.Has(fsnotify.Create) {
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						addTree(ev.Name) // a new folder, and what was moved in with it
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

// debounce is how long the watcher waits for a burst of changes to end.
const debounce = 100 * time.Millisecond

// ignored reports whether a file or folder name is an editor's or a tool's
// own: hidden files, backups, swap and lock files.
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#") ||
		strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp") ||
		name == "4913" // vim's test file
}

// rebuildLoop rebuilds once per queued change until stop, with options
// read afresh each time (the config may have changed).
func (l *live) rebuildLoop(options func() (build.Options, error), after func(), stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-l.rebuilds:
		}
		start := time.Now()
		opts, err := options()
		var res build.Result
		if err == nil {
			opts.CommitLock = &l.swap
			res, err = build.Build(opts)
		}
		l.built(res, err, time.Since(start))
		if err == nil && after != nil {
			after()
		}
	}
}
