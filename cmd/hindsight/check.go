package main

import (
	"fmt"
	"io"

	"github.com/hindsight-sre/hindsight/generator/build"
)

const checkUsage = `Usage: hindsight check [--content DIR] [--config FILE] [--deployments FILE] [--drafts=false] [--out DIR]

Reads every postmortem and the theme and reports every problem as
path:line: message, without writing anything — including customer text that
looks internal (private IP addresses, internal host names, ticket keys, e-mail
addresses, the config's customer.deny_patterns) and blame language in the
analysis ("human error", "should have", "faute de"…, a participant's name in
the root cause), since postmortems are blameless. Exits 1 when there are errors,
0 when there are only warnings or none.
`

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", checkUsage, args, stdout, stderr)
	var f siteFlags
	f.register(fs, false)
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options(fs, stderr)
	if err != nil {
		return err
	}
	res, err := build.Check(opts)
	report(res.Diagnostics, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checked %s: no errors, %s\n", plural(res.Postmortems, "postmortem", "postmortems"),
		plural(res.Diagnostics.Warnings(), "warning", "warnings"))
	return nil
}
