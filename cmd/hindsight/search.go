package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/search"
)

const searchUsage = `Usage: hindsight search [--content DIR] [--config FILE] [--json] [--limit N] QUERY

Answers "have we seen this before?": the postmortems that best match QUERY,
best first, with their date, severity, services, the field that matched and a
highlighted snippet. Words are looked for in every text field (title, root
cause, customer summary, contributing factors, whys, Ishikawa causes,
actions, timeline, trigger, body) with stemming in the postmortem's language
(English or French), common SRE synonyms (db/database, cert/tls, oom/out of
memory…, plus search.synonyms in the config) and one typo allowed in words
of five letters or more. A match in the title or root cause ranks above one
in the body.

The index lives in .hindsight/ beside the content folder (add it to
.gitignore); each search first brings it up to date, reading only the files
added, changed or removed since the last one.

Query syntax (bleve's query string):
  dns timeout              either word, best matches first
  +dns +timeout            both words
  "connection pool"        a phrase
  cert*                    a prefix
  root_cause:dns           a word in one field
  services:payments        a service; also severity:SEV1, status:published,
                           tags:NAME, action_types:fix, trigger:deploy, id:ID
  -status:draft            leave out drafts
  year:2025  year:>=2024   a year, or a range
  date:>"2025-06-01"       a date range
Text fields: title root_cause summary factors whys ishikawa trigger_text
actions timeline body.
`

func runSearch(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", searchUsage, args, stdout, stderr)
	var (
		content, cfgPath, cache string
		asJSON                  bool
		limit                   int
	)
	fs.StringVar(&content, "content", "content", "folder of postmortems (Markdown files)")
	fs.StringVar(&cfgPath, "config", "hindsight.yaml", "site configuration file (optional when it is the default)")
	fs.StringVar(&cache, "cache", "", "folder for the search index (default: .hindsight beside --content)")
	fs.BoolVar(&asJSON, "json", false, "print the results as JSON")
	fs.IntVar(&limit, "limit", 10, fmt.Sprintf("how many results to show, 1 to %d", search.MaxLimit))
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return usageError{`search needs a query, like: hindsight search "dns timeout"`}
	}
	if limit < 1 || limit > search.MaxLimit {
		return usageError{fmt.Sprintf("--limit must be between 1 and %d, got %d", search.MaxLimit, limit)}
	}
	if _, err := search.Parse(q, nil, nil); err != nil { // a bad query needs no index
		return usageError{err.Error()}
	}
	explicit := false
	fs.Visit(func(fl *flag.Flag) { explicit = explicit || fl.Name == "config" })
	cfg, err := config.Load(cfgPath, explicit)
	if err != nil {
		return err
	}
	if cache == "" {
		cache = search.CacheDir(content)
	}
	ix, up, err := search.Open(cache, content, cfg, search.ForConfig(cfg.Synonyms))
	if err != nil {
		return err
	}
	defer ix.Close()
	report(up.Problems, stderr)
	if up.Indexed > 0 || up.Removed > 0 {
		fmt.Fprintf(stderr, "search index: %s indexed, %d removed, %d unchanged (%s)\n",
			plural(up.Indexed, "postmortem", "postmortems"), up.Removed, up.Unchanged, up.Took.Round(time.Millisecond))
	}
	res, err := ix.Search(q, limit, false)
	if err != nil {
		var qe *search.QueryError
		if errors.As(err, &qe) {
			return usageError{qe.Msg}
		}
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(stdout, res, cfg, isTerminal(stdout))
	return nil
}

func printResults(w io.Writer, res *search.Results, cfg *config.Config, tty bool) {
	if len(res.Hits) == 0 {
		fmt.Fprintf(w, "no postmortem matches %q\n", res.Query)
		return
	}
	fmt.Fprintf(w, "%d of %s for %q (%s)\n", len(res.Hits), plural(int(res.Total), "match", "matches"), res.Query, res.Took.Round(100*time.Microsecond))
	on, off := "**", "**"
	if tty {
		on, off = "\x1b[1m", "\x1b[0m"
	}
	for i, h := range res.Hits {
		date := ""
		if !h.Date.IsZero() {
			date = h.Date.In(cfg.Location).Format("2006-01-02")
		}
		fmt.Fprintf(w, "\n%2d. %s  %s  %s\n", i+1, date, h.Severity, strings.Join(h.Services, ", "))
		fmt.Fprintf(w, "    %s\n", h.Title)
		fmt.Fprintf(w, "    id %s · matched in %s\n", h.ID, h.Field)
		if h.Snippet != "" {
			s := strings.NewReplacer("<mark>", on, "</mark>", off).Replace(h.Snippet)
			fmt.Fprintf(w, "    %s\n", strings.Join(strings.Fields(html.UnescapeString(s)), " "))
		}
	}
}
