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
	"strings"
	"syscall"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/search"
)

const serveUsage = `Usage: hindsight serve [--content DIR] [--out DIR] [--config FILE] [--deployments FILE] [--addr 127.0.0.1:1313]

Builds the site like "hindsight build", then serves --out over HTTP until
interrupted (Ctrl-C). It listens on the loopback interface unless --addr says
otherwise (for example --addr 0.0.0.0:1313 to share it on your network).

The search page then asks the server's search (the bleve index of
"hindsight search", kept in .hindsight/ beside the content) at
/api/search?q=QUERY&limit=N, with facets and highlights; on any static host
it uses the index built into the site instead. Queries are limited to 500
characters, answers to 50 results.
`

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", serveUsage, args, stdout, stderr)
	var f siteFlags
	f.register(fs, true)
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options(fs, stderr)
	if err != nil {
		return err
	}
	res, err := build.Build(opts)
	report(res.Diagnostics, stderr)
	if err != nil {
		return err
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
	srv := &http.Server{Handler: withSearchAPI(staticHandler(opts.OutDir), opts.OutDir, api), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "built %d pages; serving %s at http://%s/ (Ctrl-C to stop)\n", res.Pages, opts.OutDir, ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
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
