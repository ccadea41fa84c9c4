package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/hindsight-sre/hindsight/generator/build"
	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
	sitepkg "github.com/hindsight-sre/hindsight/generator/site"
)

const newUsage = `Usage: hindsight new [--service S]... [--severity SEV2] [--lang fr] [--at TIME] "Title"

Writes a new draft postmortem, content/YYYY/YYYY-MM-DD-slug.md, with the next
free id (inc-YYYY-NNN) and every section of a postmortem to fill in: facts and
timeline; analysis with five whys and the Ishikawa categories; actions typed
fix, automate, tool, formalize, test or inform; the customer communication;
and the retrospective, with the 24–72 h window after the incident in which to
hold it. It never replaces a file: when the name is taken it adds -2, -3…
It prints the path of the file it wrote.

--at is when the impact started (RFC 3339 or "2006-01-02 15:04" in the
config's time zone); default now.
`

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, strings.TrimSpace(v)); return nil }

func runNew(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("new", newUsage, args, stdout, stderr)
	var (
		content, cfgPath, severity, lang, at string
		services                             stringList
	)
	fs.StringVar(&content, "content", "content", "folder of postmortems")
	fs.StringVar(&cfgPath, "config", "hindsight.yaml", "site configuration file (optional when it is the default)")
	fs.Var(&services, "service", "an affected service (repeat for several)")
	fs.StringVar(&severity, "severity", "", "severity, on the config's scale (default: the second most severe, SEV2)")
	fs.StringVar(&lang, "lang", "", "language of the postmortem, en or fr (default: the config's)")
	fs.StringVar(&at, "at", "", "when the impact started (default: now)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{err.Error()}
	}
	title := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if title == "" {
		return usageError{`new needs a title, like: hindsight new --service api "Checkout errors after the 14:00 deploy"`}
	}
	explicit := false
	fs.Visit(func(fl *flag.Flag) { explicit = explicit || fl.Name == "config" })
	cfg, err := config.Load(cfgPath, explicit)
	if err != nil {
		return err
	}
	if severity == "" {
		severity = cfg.Severities[min(1, len(cfg.Severities)-1)]
	}
	severity = strings.ToUpper(strings.TrimSpace(severity))
	if !contains(cfg.Severities, severity) {
		return usageError{fmt.Sprintf("--severity %q is not on the scale %s", severity, strings.Join(cfg.Severities, ", "))}
	}
	if lang == "" {
		lang = cfg.Language
	}
	if lang != "en" && lang != "fr" {
		return usageError{fmt.Sprintf("--lang %q: use en or fr", lang)}
	}
	start := time.Now().In(cfg.Location).Truncate(time.Minute)
	if at != "" {
		t, err := postmortem.ParseTime(at, cfg.Location, false)
		if err != nil {
			return usageError{fmt.Sprintf("--at %q: write a time like 2026-03-14T09:12:00+01:00 or \"2026-03-14 09:12\"", at)}
		}
		start = t.In(cfg.Location)
	}
	for _, s := range services {
		if s == "" {
			return usageError{"--service needs a name"}
		}
		if len(cfg.Services) > 0 {
			if _, ok := cfg.Service(s); !ok {
				fmt.Fprintf(stderr, "warning: service %q is not in the catalog of %s\n", s, cfgPath)
			}
		}
	}

	id, err := nextID(content, cfg, start.Year())
	if err != nil {
		return err
	}
	slug := postmortem.Slug(title)
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	if slug == "" {
		slug = "incident"
	}
	dir := filepath.Join(content, strconv.Itoa(start.Year()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	text, err := newPostmortem(newData{ID: id, Title: title, Severity: severity, Services: services, Lang: lang,
		Start: start, RetroFrom: start.Add(24 * time.Hour), RetroTo: start.Add(72 * time.Hour)})
	if err != nil {
		return err
	}
	base := start.Format("2006-01-02") + "-" + slug
	for n := 1; ; n++ {
		name := base + ".md"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.md", base, n)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintln(stdout, path)
		return nil
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var incID = regexp.MustCompile(`^inc-(\d{4})-(\d+)$`)

// nextID is the next inc-YEAR-NNN id not used in the content folder.
func nextID(content string, cfg *config.Config, year int) (string, error) {
	highest := 0
	if _, err := os.Stat(content); err == nil {
		s, _, err := build.Load(build.Options{ContentDir: content, Config: cfg, Drafts: true, Now: time.Now()})
		if err != nil {
			return "", err
		}
		var ids []string
		if s != nil {
			for id := range s.ByID {
				ids = append(ids, id)
			}
		} else {
			// The content has errors: read the ids the files declare, so a
			// broken file does not make us reuse its id.
			root := os.DirFS(content)
			files, _, _ := sitepkg.Files(root)
			for _, f := range files {
				b, err := fs.ReadFile(root, f)
				if err != nil {
					continue
				}
				if m := regexp.MustCompile(`(?m)^id:\s*"?([^"\s]+)`).FindSubmatch(b); m != nil {
					ids = append(ids, string(m[1]))
				}
			}
		}
		for _, id := range ids {
			if m := incID.FindStringSubmatch(id); m != nil && m[1] == strconv.Itoa(year) {
				if n, _ := strconv.Atoi(m[2]); n > highest {
					highest = n
				}
			}
		}
	}
	return fmt.Sprintf("inc-%d-%03d", year, highest+1), nil
}

type newData struct {
	ID, Title, Severity, Lang string
	Services                  []string
	Start, RetroFrom, RetroTo time.Time
}

func newPostmortem(d newData) (string, error) {
	src := newTemplateEN
	if d.Lang == "fr" {
		src = newTemplateFR
	}
	t, err := template.New("new").Funcs(template.FuncMap{
		"q":    strconv.Quote,
		"time": func(t time.Time) string { return t.Format(time.RFC3339) },
		"day":  func(t time.Time) string { return t.Format("2006-01-02 15:04") },
		"date": func(t time.Time) string { return t.AddDate(0, 0, 14).Format("2006-01-02") },
		"list": func(l []string) string {
			q := make([]string, len(l))
			for i, s := range l {
				q[i] = strconv.Quote(s)
			}
			return "[" + strings.Join(q, ", ") + "]"
		},
	}).Parse(src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

const newTemplateEN = `---
# A blameless postmortem: causes, not culprits. Fill in what you know now;
# "hindsight check" tells you what is still missing.
id: {{.ID}}
title: {{q .Title}}
status: draft                 # draft → review → published
severity: {{.Severity}}
services: {{list .Services}}
tags: []
language: en

# Facts: when the impact started, was detected, mitigated and resolved.
started_at: {{time .Start}}
detected_at:
mitigated_at:
resolved_at:
change_induced: false         # true when a change (deploy, config, migration) triggered it
trigger: ""                   # e.g. deploy, config change, traffic spike, dependency
timeline:
  - at: {{time .Start}}
    event: Impact starts.

# Analysis: what happened and why, without blame.
root_cause: ""
contributing_factors: []
five_whys:
  - Why …? Because …
ishikawa:                     # causes by category; leave out what does not apply
  people: []
  process: []
  tools: []
  environment: []
  measurement: []
  materials: []

# Actions: each with a type (fix, automate, tool, formalize, test, inform),
# an owner and a due date, like:
#   - title: Alert on certificate expiry 30 days ahead
#     type: automate
#     owner: Jane Doe
#     due: {{date .RetroTo}}
#     status: open            # open, done or wontfix
actions: []

# Communication: what customers are told. It reaches the customer site only
# when the postmortem is published and publish is true.
customer:
  publish: false
  title: ""
  summary: ""
  impact: ""

# Retrospective: hold it 24 to 72 hours after the incident,
# between {{day .RetroFrom}} and {{day .RetroTo}}.
retrospective:
  date:
  facilitator: ""
  participants: []
---

## Summary

What happened, in a few sentences.

## Lessons learned

What went well, what went wrong, where we got lucky.
`

const newTemplateFR = `---
# Un postmortem sans reproche : des causes, pas des coupables. Remplissez ce
# que vous savez ; « hindsight check » dit ce qui manque encore.
id: {{.ID}}
title: {{q .Title}}
status: draft                 # draft → review → published
severity: {{.Severity}}
services: {{list .Services}}
tags: []
language: fr

# Faits : début de l'impact, détection, atténuation, résolution.
started_at: {{time .Start}}
detected_at:
mitigated_at:
resolved_at:
change_induced: false         # true quand un changement (déploiement, configuration, migration) l'a déclenché
trigger: ""                   # par ex. déploiement, changement de configuration, pic de trafic, dépendance
timeline:
  - at: {{time .Start}}
    event: Début de l'impact.

# Analyse : ce qui s'est passé et pourquoi, sans chercher de coupable.
root_cause: ""
contributing_factors: []
five_whys:
  - Pourquoi … ? Parce que …
ishikawa:                     # causes par catégorie ; omettez celles qui ne s'appliquent pas
  people: []
  process: []
  tools: []
  environment: []
  measurement: []
  materials: []

# Actions : chacune avec un type (fix, automate, tool, formalize, test, inform),
# un responsable et une échéance, par exemple :
#   - title: Alerter 30 jours avant l'expiration des certificats
#     type: automate
#     owner: Jeanne Dupont
#     due: {{date .RetroTo}}
#     status: open            # open, done ou wontfix
actions: []

# Communication : ce qui est dit aux clients. Elle paraît sur le site client
# seulement quand le postmortem est publié et que publish vaut true.
customer:
  publish: false
  title: ""
  summary: ""
  impact: ""

# Rétrospective : à tenir 24 à 72 heures après l'incident,
# entre le {{day .RetroFrom}} et le {{day .RetroTo}}.
retrospective:
  date:
  facilitator: ""
  participants: []
---

## Résumé

Ce qui s'est passé, en quelques phrases.

## Enseignements

Ce qui a bien marché, ce qui a mal marché, où nous avons eu de la chance.
`
