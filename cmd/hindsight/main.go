// Command hindsight builds a static website from a folder of postmortems.
//
// Usage:
//
//	hindsight build   [--content DIR] [--out DIR] [--config FILE] [--drafts=false]
//	hindsight check   [--content DIR] [--config FILE]
//	hindsight serve   [--content DIR] [--out DIR] [--config FILE] [--addr 127.0.0.1:1313]
//	hindsight stats   [--content DIR] [--config FILE] [--deployments FILE] [--since DATE] [--until DATE] [--service NAME] [--json]
//	hindsight search  [--content DIR] [--config FILE] [--json] [--limit N] QUERY
//	hindsight new     [--service S]... [--severity SEV2] [--lang fr] [--at TIME] "Title"
//	hindsight version
//
// Run "hindsight help" or "hindsight COMMAND --help" for details. The exit
// status is 0 on success, 1 when the content has errors, 2 on usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/hindsight-sre/hindsight/generator/diag"
)

// Exit statuses.
const (
	exitOK      = 0
	exitContent = 1
	exitUsage   = 2
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const overview = `Hindsight turns a folder of postmortems (Markdown with front matter) into a
fast, searchable static website: incident pages, per-service history, tags,
an Atom feed and a sitemap.

Usage:
  hindsight <command> [flags]

Commands:
  build     build the site from --content into --out
  check     check the content and report every problem, writing nothing
  serve     build the site and serve it on http://127.0.0.1:1313
  stats     print incidents, MTTD/MTTM/MTTR, change failure rate and SLOs
  search    find past incidents: hindsight search "dns timeout"
  new       start a postmortem: hindsight new --service api "Title"
  version   print the version

Run "hindsight <command> --help" for a command's flags.
Exit status: 0 success, 1 content errors, 2 usage errors.
Documentation: README.md and docs/ in the Hindsight repository.
`

// memoryLimit is the soft heap limit the Go runtime keeps to unless
// GOMEMLIMIT says otherwise: the garbage collector works harder as the heap
// nears it, which keeps a 10,000-postmortem build under 500 MB, and reading
// the content lets garbage build up to it before collecting (see build.Load).
// At 440 MiB that build peaks at 464 MB of RSS and takes 0.3-0.5 s less
// than at 400 MiB (423 MB).
const memoryLimit = 440 << 20

// serveMemoryLimit is serve's: it keeps the site in memory between builds
// (and the search index open), and at 400 MiB a 10,000-postmortem site would
// leave the collector too little room (its first build took 10.6 s instead
// of 7.5 s, for 520 MB of RSS instead of 800).
const serveMemoryLimit = 768 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		limit := int64(memoryLimit)
		if len(os.Args) > 1 && os.Args[1] == "serve" {
			limit = serveMemoryLimit
		}
		debug.SetMemoryLimit(limit)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, overview)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "build":
		err = runBuild(rest, stdout, stderr)
	case "check":
		err = runCheck(rest, stdout, stderr)
	case "serve":
		err = runServe(rest, stdout, stderr)
	case "stats":
		err = runStats(rest, stdout, stderr)
	case "search":
		err = runSearch(rest, stdout, stderr)
	case "new":
		err = runNew(rest, stdout, stderr)
	case "version", "--version", "-version":
		err = runVersion(rest, stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, overview)
		return exitOK
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	var (
		ue     usageError
		failed *diag.Failed
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "hindsight: %s\nRun 'hindsight help' for usage.\n", ue.msg)
		return exitUsage
	case errors.As(err, &failed):
		fmt.Fprintf(stderr, "hindsight: %v; nothing was written\n", err)
		return exitContent
	default:
		fmt.Fprintf(stderr, "hindsight: %v\n", err)
		return exitContent
	}
}
