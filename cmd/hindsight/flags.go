package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
)

// siteFlags are the flags shared by the commands that read a site.
type siteFlags struct {
	content string
	out     string
	config  string
	drafts  bool
	deploys string
}

// newFlagSet makes a flag set whose --help prints the command's own text:
// to stdout when asked for (so it can be paged), to stderr after a mistake.
func newFlagSet(name, usage string, args []string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(stdout)
		}
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// register adds the shared flags; withOut says whether the command writes
// the output folder.
func (f *siteFlags) register(fs *flag.FlagSet, withOut bool) {
	f.registerInput(fs)
	usage := "output folder; replaced as a whole by each successful build"
	if !withOut {
		usage = "accepted so check takes the same flags as build; check writes nothing"
	}
	fs.StringVar(&f.out, "out", "public", usage)
	fs.StringVar(&f.deploys, "deployments", "", "deployments CSV (date,service,count) for the change failure rate; overrides metrics.deployments in the config")
}

// registerInput adds the flags that say which site to read.
func (f *siteFlags) registerInput(fs *flag.FlagSet) {
	fs.StringVar(&f.content, "content", "content", "folder of postmortems (Markdown files)")
	fs.StringVar(&f.config, "config", "hindsight.yaml", "site configuration file (optional when it is the default)")
	fs.BoolVar(&f.drafts, "drafts", true, "build postmortems in draft and review status, marked as such")
}

// parse parses args, refusing stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s takes no arguments, got %q", fs.Name(), strings.Join(fs.Args(), " "))}
	}
	return nil
}

// options loads the config and prepares build options.
func (f *siteFlags) options(fs *flag.FlagSet, stderr io.Writer) (build.Options, error) {
	explicit := false
	fs.Visit(func(fl *flag.Flag) { explicit = explicit || fl.Name == "config" })
	cfg, err := config.Load(f.config, explicit)
	if err != nil {
		return build.Options{}, err
	}
	now, err := build.Today(cfg.Location)
	if err != nil {
		return build.Options{}, usageError{err.Error()}
	}
	opts := build.Options{ContentDir: f.content, OutDir: f.out, Config: cfg, Drafts: f.drafts, Now: now, Deployments: f.deploys}
	if isTerminal(stderr) {
		opts.Progress = progressPrinter(stderr)
	}
	return opts, nil
}

// report prints diagnostics, one per line, to stderr.
func report(diags diag.List, stderr io.Writer) {
	for _, d := range diags {
		fmt.Fprintln(stderr, d.String())
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter shows "reading 1200/10000" on one terminal line for long
// builds and clears it when a stage ends.
func progressPrinter(w io.Writer) func(stage string, done, total int) {
	var last time.Time
	return func(stage string, done, total int) {
		if total < 500 {
			return
		}
		if done == total {
			fmt.Fprint(w, "\r\033[K")
			return
		}
		if time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "\r\033[K%s %d/%d", stage, done, total)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
