package main

import (
	"fmt"
	"io"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
)

const buildUsage = `Usage: hindsight build [--content DIR] [--out DIR] [--config FILE] [--deployments FILE] [--drafts=false] [--timings]

Builds the site from the postmortems in --content into --out: the internal
knowledge base, and under OUT/customer/ the customer site, which holds only
published postmortems with customer.publish: true, and only their customer
block (deploy that folder alone to the public host). Every problem is
reported as path:line: message. Errors stop the build and leave the previous
output untouched; warnings do not. The output folder is written beside itself
and swapped in only when the build succeeds.

Set SOURCE_DATE_EPOCH to fix "today" (used for overdue actions and the last 90
days); otherwise it is the current day in the site's time zone. --timings
prints how long each stage took (reading, checks and metrics, pages, search
indexes, swapping in), to see where the time of a large build goes.
`

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", buildUsage, args, stdout, stderr)
	var f siteFlags
	f.register(fs, true)
	timings := fs.Bool("timings", false, "print how long each stage of the build took")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options(fs, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := build.Build(opts)
	report(res.Diagnostics, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %s from %s into %s in %s (%s)\n",
		plural(res.Pages, "page", "pages"), plural(res.Postmortems, "postmortem", "postmortems"), opts.OutDir,
		time.Since(start).Round(time.Millisecond), plural(res.Diagnostics.Warnings(), "warning", "warnings"))
	if *timings {
		for _, st := range res.Stages {
			fmt.Fprintf(stdout, "  %-20s %7.3f s\n", st.Name+":", st.Took.Seconds())
		}
	}
	return nil
}
