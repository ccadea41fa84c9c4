package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/htmldiff"
)

// liveSite is the example knowledge base copied into a temporary folder and
// served as `hindsight serve` does: watched, rebuilt, live-reloaded.
type liveSite struct {
	dir, content, out string
	srv               *httptest.Server
	lv                *live
}

// copyTree copies the files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func startLive(t *testing.T) *liveSite {
	t.Helper()
	dir := t.TempDir()
	copyTree(t, "../../content", filepath.Join(dir, "content"))
	for _, f := range []string{"hindsight.yaml", "deployments.csv"} {
		b, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	s := &liveSite{dir: dir, content: filepath.Join(dir, "content"), out: filepath.Join(dir, "public")}
	options := func() (build.Options, error) {
		cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
		if err != nil {
			return build.Options{}, err
		}
		return build.Options{ContentDir: s.content, OutDir: s.out, Config: cfg, Drafts: true,
			Now: time.Date(2026, 11, 24, 0, 0, 0, 0, cfg.Location)}, nil
	}
	opts, err := options()
	if err != nil {
		t.Fatal(err)
	}
	s.lv = newLive(testLog{t})
	opts.CommitLock = &s.lv.swap
	ss := build.NewSession(opts)
	if _, err := ss.Build(); err != nil {
		t.Fatal(err)
	}
	api := openSearchAPI(s.content, filepath.Join(dir, ".cache"), opts.Config, true, io.Discard)
	api.refreshed = func() { s.lv.publish(liveEvent{name: "search"}) }
	<-api.ready
	stop := make(chan struct{})
	if err := s.lv.watch(s.content, filepath.Join(dir, "hindsight.yaml"), "", dir, stop); err != nil {
		t.Fatal(err)
	}
	looped := make(chan struct{})
	go func() { s.lv.rebuildLoop(ss, options, api.refresh, stop); close(looped) }()
	s.srv = httptest.NewServer(s.lv.handler(s.out, api))
	t.Cleanup(func() {
		close(stop)
		<-looped // a rebuild under way ends before the folder goes
		s.lv.shutdown()
		s.srv.Close()
		api.Close()
	})
	return s
}

// events connects to the live events and returns a channel of event names
// (with their data after a space).
func (s *liveSite) events(t *testing.T) <-chan string {
	t.Helper()
	resp, err := http.Get(s.srv.URL + "/_hindsight/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	c := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				c <- name + " " + strings.TrimPrefix(line, "data: ")
			}
		}
		close(c)
	}()
	return c
}

func waitEvent(t *testing.T, c <-chan string, name string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-c:
			if !ok {
				t.Fatalf("the event stream ended before %q", name)
			}
			if strings.HasPrefix(e, name+" ") {
				return e
			}
		case <-timeout:
			t.Fatalf("no %q event within 10 s", name)
		}
	}
}

// TestServeRebuildsAndReports edits, breaks and fixes a postmortem while
// serve runs: each change is rebuilt and announced, a broken file is
// reported with file:line while the last good site stays served, and the
// reload script is in the pages served, never in the output.
func TestServeRebuildsAndReports(t *testing.T) {
	s := startLive(t)
	ev := s.events(t)
	waitEvent(t, ev, "hello")

	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// An atomic save, as editors do: a temp file renamed over the original.
	tmp := file + ".tmp"
	os.WriteFile(tmp, []byte(strings.Replace(string(b), "title: Expired TLS certificate", "title: Renewed too late, TLS certificate", 1)), 0o644)
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ev, "reload")
	_, page := get(t, s.srv.URL+"/incidents/inc-2025-001/")
	if !strings.Contains(page, "Renewed too late") {
		t.Error("the edited title is not on the page after the reload event")
	}
	if !strings.Contains(page, `<script src="/_hindsight/live.js" data-page="`) {
		t.Error("the served page lacks the live script")
	}
	if out, _ := os.ReadFile(filepath.Join(s.out, "incidents", "inc-2025-001", "index.html")); strings.Contains(string(out), "_hindsight") {
		t.Error("the live script was written into the build output")
	}

	// A new folder with a broken file: reported, and the site still served.
	os.MkdirAll(filepath.Join(s.content, "2027"), 0o755)
	broken := filepath.Join(s.content, "2027", "broken.md")
	os.WriteFile(broken, []byte("---\ntitle: Broken\nseverity: SEV9\nstarted_at: 2027-01-01 10:00\n---\n"), 0o644)
	p := waitEvent(t, ev, "problem")
	if !strings.Contains(p, "2027/broken.md:3") {
		t.Errorf("the problem does not name the file and line: %s", p)
	}
	if code, page := get(t, s.srv.URL+"/incidents/inc-2025-001/"); code != 200 || !strings.Contains(page, "Renewed too late") {
		t.Errorf("the last good site is not served while the content is broken (%d)", code)
	}
	// A page opened now hears about the problem at once.
	late := s.events(t)
	waitEvent(t, late, "problem")

	// Fixed: rebuilt and reloaded.
	os.WriteFile(broken, []byte("---\ntitle: Fixed\nseverity: SEV3\nstarted_at: 2027-01-01 10:00\n---\n"), 0o644)
	waitEvent(t, ev, "reload")
	if code, _ := get(t, s.srv.URL+"/incidents/broken/"); code != 200 {
		t.Errorf("the fixed postmortem's page: %d", code)
	}

	// The search API took the fix, and says so.
	waitEvent(t, ev, "search")

	// Editor litter is not a change. (A "search" event may still come
	// from the edits above: the API takes them one at a time.)
	os.WriteFile(filepath.Join(s.content, "2025", ".notes.md.swp"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(s.content, "2025", "notes.md~"), []byte("x"), 0o644)
	quiet := time.After(600 * time.Millisecond)
	for done := false; !done; {
		select {
		case e := <-ev:
			if !strings.HasPrefix(e, "search ") {
				t.Errorf("editor files caused %q", e)
			}
		case <-quiet:
			done = true
		}
	}
}

// testLog writes to the test's log, shown when it fails.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// TestServeUnderLoad sends pages and searches from several clients at once
// for a few seconds while a postmortem keeps changing (each change rebuilds
// the site and reopens the search index): no request may fail. Under
// `make test` it runs with the race detector.
func TestServeUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load test")
	}
	s := startLive(t)
	ev := s.events(t)
	waitEvent(t, ev, "hello")
	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	orig, _ := os.ReadFile(file)

	stop := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	requests := 0
	paths := []string{"/", "/incidents/", "/incidents/inc-2025-001/", "/metrics/", "/search/index.js",
		"/api/search?q=certificate", "/api/search?q=dns+timeout&severity=SEV1", "/customer/", "/css/hindsight.css"}
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 6 {
		wg.Go(func() {
			for i := w; time.Now().Before(stop); i++ {
				p := paths[i%len(paths)]
				resp, err := client.Get(s.srv.URL + p)
				mu.Lock()
				requests++
				if err != nil {
					failures = append(failures, p+": "+err.Error())
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failures = append(failures, fmt.Sprintf("%s: %d", p, resp.StatusCode))
					}
				}
				mu.Unlock()
			}
		})
	}
	edits := 0
	for time.Now().Before(stop) {
		edits++
		os.WriteFile(file, []byte(strings.Replace(string(orig), "title: Expired TLS certificate", fmt.Sprintf("title: Edit %d of the TLS certificate", edits), 1)), 0o644)
		time.Sleep(250 * time.Millisecond)
	}
	wg.Wait()
	reloads := 0
	for len(ev) > 0 {
		if strings.HasPrefix(<-ev, "reload") {
			reloads++
		}
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed, for example %v", len(failures), requests, failures[:min(5, len(failures))])
	}
	if reloads == 0 {
		t.Error("no rebuild happened during the load")
	}
	t.Logf("%d requests, %d edits, %d rebuilds announced", requests, edits, reloads)
}

// TestServeAnswersFromMemory checks how serve follows an edit of the
// content: the pages are served from memory at once, the output folder is
// written once the changes pause, a removed postmortem's page is gone at
// once, and a config change rebuilds everything.
func TestServeAnswersFromMemory(t *testing.T) {
	s := startLive(t)
	ev := s.events(t)
	waitEvent(t, ev, "hello")
	onDisk := func(rel string) string {
		b, _ := os.ReadFile(filepath.Join(s.out, filepath.FromSlash(rel)))
		return string(b)
	}
	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, []byte(strings.Replace(string(b), "title: Expired TLS certificate", "title: Memory first", 1)), 0o644)
	waitEvent(t, ev, "reload")
	for _, p := range []string{"/incidents/inc-2025-001/", "/incidents/", "/", "/services/tag-collector/", "/tags/tls/"} {
		if code, page := get(t, s.srv.URL+p); code != 200 || !strings.Contains(page, "Memory first") {
			t.Errorf("%s (%d) does not show the edit after the reload event", p, code)
		}
	}
	if strings.Contains(onDisk("incidents/inc-2025-001/index.html"), "Memory first") {
		t.Error("the output folder was written before the changes paused")
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(onDisk("incidents/inc-2025-001/index.html"), "Memory first") || s.lv.mem.Load() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the output folder was not written within 20 s of the edit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, page := get(t, s.srv.URL+"/incidents/inc-2025-001/"); code != 200 || !strings.Contains(page, "Memory first") || !strings.Contains(page, `<script src="/_hindsight/live.js"`) {
		t.Errorf("from the output folder: %d", code)
	}

	// A removed postmortem's page is gone at once, though still on disk.
	os.Remove(file)
	waitEvent(t, ev, "reload")
	if code, _ := get(t, s.srv.URL+"/incidents/inc-2025-001/"); code != 404 {
		t.Errorf("a removed postmortem's page: %d, want 404", code)
	}
	if code, _ := get(t, s.srv.URL+"/incidents"); code != 200 {
		t.Errorf("/incidents (redirected to the folder): %d", code)
	}

	// A config change: everything is built again, into the output folder.
	cfgFile := filepath.Join(s.dir, "hindsight.yaml")
	cfg, _ := os.ReadFile(cfgFile)
	re := regexp.MustCompile(`(?m)^title: .*$`)
	os.WriteFile(cfgFile, re.ReplaceAll(cfg, []byte("title: Renamed knowledge base")), 0o644)
	waitEvent(t, ev, "reload")
	if s.lv.mem.Load() != nil {
		t.Error("after a config change the site is still served from memory")
	}
	if !strings.Contains(onDisk("index.html"), "Renamed knowledge base") {
		t.Error("the config change is not in the output folder")
	}
}

// TestServePatchesOpenPages: after an edit to the content, a page asks
// what changed since the version it shows (its token) and gets the
// elements to replace, which turn the page it has into the page served
// now; after a config change it is told to reload.
func TestServePatchesOpenPages(t *testing.T) {
	s := startLive(t)
	ev := s.events(t)
	waitEvent(t, ev, "hello")
	token := regexp.MustCompile(`<script src="/_hindsight/live.js" data-page="([0-9]+)"></script>`)
	open := func(path string) (page []byte, tok string) {
		t.Helper()
		code, body := get(t, s.srv.URL+path)
		m := token.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("%s: %d, token %v", path, code, m)
		}
		return []byte(strings.Replace(body, m[0], "", 1)), m[1]
	}
	pages := []string{"/incidents/", "/services/tag-collector/", "/tags/tls/", "/incidents/inc-2025-001/", "/"}
	before := map[string][]byte{}
	tokens := map[string]string{}
	for _, p := range pages {
		before[p], tokens[p] = open(p)
	}
	file := filepath.Join(s.content, "2025", "2025-03-13-collect-tls-certificate-expired.md")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, []byte(strings.Replace(string(b), "title: Expired TLS certificate", "title: Patched <in> place", 1)), 0o644)
	if e := waitEvent(t, ev, "reload"); e != "reload content" {
		t.Fatalf("event %q after a content edit, want reload content", e)
	}
	for _, p := range pages {
		var reply patchReply
		_, body := get(t, s.srv.URL+"/_hindsight/patch?page="+tokens[p])
		if err := json.Unmarshal([]byte(body), &reply); err != nil {
			t.Fatal(err)
		}
		if reply.Reload || len(reply.Patches) == 0 || reply.Page == "" {
			t.Errorf("%s: reload %v, %d patches, token %q; want patches", p, reply.Reload, len(reply.Patches), reply.Page)
			continue
		}
		after, _ := open(p)
		got, err := htmldiff.Apply(before[p], reply.Patches)
		if err != nil || !bytes.Equal(got, after) {
			t.Errorf("%s: the patches do not give the page served now (%v)", p, err)
		}
		if !strings.Contains(string(got), "Patched &lt;in&gt; place") {
			t.Errorf("%s: the patched page lacks the new title", p)
		}
		// The new token names the page as patched: nothing more to do.
		var again patchReply
		_, body = get(t, s.srv.URL+"/_hindsight/patch?page="+reply.Page)
		json.Unmarshal([]byte(body), &again)
		if again.Reload || len(again.Patches) != 0 {
			t.Errorf("%s: asked again, reload %v and %d patches, want none", p, again.Reload, len(again.Patches))
		}
	}
	var unknown patchReply
	_, body := get(t, s.srv.URL+"/_hindsight/patch?page=nope")
	json.Unmarshal([]byte(body), &unknown)
	if !unknown.Reload {
		t.Error("a forgotten page is not told to reload")
	}
	cfg, _ := os.ReadFile(filepath.Join(s.dir, "hindsight.yaml"))
	os.WriteFile(filepath.Join(s.dir, "hindsight.yaml"), append(cfg, "\n# changed\n"...), 0o644)
	if e := waitEvent(t, ev, "reload"); e != "reload full" {
		t.Errorf("event %q after a config change, want reload full", e)
	}
}

// TestCollectIfDue: the idle collection runs once the heap has grown more
// than half the way to the next collection's goal, and not before.
func TestCollectIfDue(t *testing.T) {
	numGC := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumGC
	}
	runtime.GC()
	before := numGC()
	collectIfDue()
	if numGC() != before {
		t.Fatal("collected right after a collection")
	}
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	grow := (s[0].Value.Uint64() - s[1].Value.Uint64()) * 6 / 10
	var keep [][]byte
	for n := uint64(0); n < grow; n += 64 << 10 {
		keep = append(keep, make([]byte, 64<<10))
	}
	if numGC() != before {
		t.Skip("a collection came by itself while the heap grew")
	}
	collectIfDue()
	if numGC() == before {
		t.Errorf("no collection with the heap grown by %d bytes, 60%% of the way to the goal", grow)
	}
	runtime.KeepAlive(keep)
}

// TestWritePause: the pause before serve writes the output folder doubles
// after each write an edit stopped, up to its bound, and is back to a
// second once a write ends.
func TestWritePause(t *testing.T) {
	var w writePause
	want := []time.Duration{writeDelay, 2 * writeDelay, 4 * writeDelay, maxWriteDelay, maxWriteDelay}
	for i, d := range want {
		if got := w.get(); got != d {
			t.Fatalf("after %d stopped writes: %s, want %s", i, got, d)
		}
		w.ended(build.ErrStopped)
	}
	w.ended(errors.New("disk full")) // neither stopped nor done: no change
	if w.get() != maxWriteDelay {
		t.Errorf("after a failed write: %s", w.get())
	}
	w.ended(nil)
	if w.get() != writeDelay {
		t.Errorf("after a write that ended: %s, want %s", w.get(), writeDelay)
	}
}
