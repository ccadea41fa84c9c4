package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/output"
	"github.com/hindsight-sre/hindsight/generator/search"
)

const serveUsage = `Usage: hindsight serve [--content DIR] [--out DIR] [--config FILE] [--deployments FILE] [--addr 127.0.0.1:1313]

Builds the site like "hindsight build", then serves --out over HTTP until
interrupted (Ctrl-C). It listens on the loopback interface unless --addr says
otherwise (for example --addr 0.0.0.0:1313 to share it on your network).

While it runs it watches the content folder, the config file, the
deployments file and the theme overrides beside the config (layouts/,
static/, i18n/, shared/, customer/), rebuilds after each burst of changes
and updates the open pages. After an edit to the content it rereads only
the files that changed and serves the site from memory, each page rendered
when first asked for; --out is written once the edits pause for a second.
The open pages then replace only the elements that changed, in place.
A change of the config, the theme or the deployments file rebuilds
everything into --out, and the open pages reload. When a change breaks the
build, it keeps serving the last good site and shows the file:line
diagnostics over the page until the file is fixed. --watch=false turns
this off. The live script is added to the pages serve answers, never
written into --out.

The search page then asks the server's search at /api/search?q=QUERY&limit=N,
with facets and highlights: the bleve index of "hindsight search", kept in
.hindsight/ beside the content and updated with each change. On any static
host it uses the index built into the site instead. Queries are limited to
500 characters, answers to 50 results.
`

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveUsage, args, stdout, stderr)
	var f siteFlags
	f.register(fs, true)
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	watch := fs.Bool("watch", true, "rebuild when the content, config or theme changes, and update open pages")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options(fs, stderr)
	if err != nil {
		return err
	}
	lv := newLive(stderr)
	opts.CommitLock = &lv.swap
	ss := build.NewSession(opts)
	res, err := ss.Build()
	report(res.Diagnostics, stderr)
	if err != nil {
		// With a previous output, serve it and show the problem over it;
		// without one there is nothing to serve.
		if _, serr := os.Stat(filepath.Join(opts.OutDir, output.Marker)); serr != nil || !*watch {
			return err
		}
		lv.built(res, err, "", "")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot listen on %s: the port is already in use; stop the other server or pass --addr 127.0.0.1:PORT", *addr)
		}
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	api := openSearchAPI(opts.ContentDir, search.CacheDir(opts.ContentDir), opts.Config, opts.Drafts, stderr)
	defer api.Close()
	api.refreshed = func() { lv.publish(liveEvent{name: "search"}) }
	srv := &http.Server{Handler: lv.handler(opts.OutDir, api), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "built %d pages; serving %s at http://%s/ (Ctrl-C to stop)\n", res.Pages, opts.OutDir, ln.Addr())

	// On the way out the rebuild loop is told to stop and waited for: it
	// stops the write under way and removes the staging folders of the
	// writes it stopped.
	stopWatch, loopDone := make(chan struct{}), make(chan struct{})
	looping := false
	defer func() {
		close(stopWatch)
		if looping {
			<-loopDone
		}
	}()
	if *watch {
		if err := lv.watch(opts.ContentDir, f.config, opts.Deployments, opts.Config.Dir, stopWatch); err != nil {
			fmt.Fprintf(stderr, "hindsight: %v; serving without rebuilding on changes\n", err)
		} else {
			fmt.Fprintln(stdout, "watching the content, config and theme for changes")
			looping = true
			go func() {
				defer close(loopDone)
				lv.rebuildLoop(ss, func() (build.Options, error) { return f.options(fs, io.Discard) }, api.refresh, stopWatch)
			}()
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	lv.shutdown()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// staticHandler serves the files under dir, and 404.html for missing pages.
func staticHandler(dir string) http.Handler {
	root := os.DirFS(dir)
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if _, err := os.Stat(dir + "/" + name); err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if b, err := os.ReadFile(dir + "/404.html"); err == nil {
				w.Write(b)
			}
			return
		}
		files.ServeHTTP(w, r)
	})
}
