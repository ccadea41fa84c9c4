package render

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Overlay returns the theme as a site sees it: a file at the same relative
// path under the site folder (layouts/, static/ or i18n/) replaces the
// theme's. site may be nil.
func Overlay(theme, site fs.FS) fs.FS {
	if site == nil {
		return theme
	}
	return overlay{upper: site, lower: theme}
}

type overlay struct{ upper, lower fs.FS }

var overridable = []string{"layouts", "static", "i18n", "customer"}

func (o overlay) Open(name string) (fs.File, error) {
	top, _, _ := strings.Cut(name, "/")
	if slices.Contains(overridable, top) {
		if f, err := o.upper.Open(name); err == nil {
			if st, err := f.Stat(); err == nil && !st.IsDir() {
				return f, nil
			}
			f.Close()
		}
	}
	return o.lower.Open(name)
}

// files lists the regular files under dir in both layers, sorted, once each.
func files(fsys fs.FS, dir string) ([]string, error) {
	layers := []fs.FS{fsys}
	if o, ok := fsys.(overlay); ok {
		layers = []fs.FS{o.lower, o.upper}
	}
	seen := map[string]bool{}
	for _, l := range layers {
		err := fs.WalkDir(l, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == dir {
					return fs.SkipDir
				}
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				seen[p] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// pageLayouts are the page templates a theme provides; each defines "main"
// (and may define "title") inside layouts/base.html.
var pageLayouts = []string{"home.html", "incidents.html", "incident.html", "services.html", "service.html",
	"tags.html", "tag.html", "metrics.html", "communications.html", "actions.html", "retrospectives.html", "search.html", "404.html"}

// templates parses every page layout (names, under dir) with dir's
// base.html and partials/, and the partials both sites share (shared/).
func templates(fsys fs.FS, dir string, names []string, tr map[string]string, funcs template.FuncMap) (map[string]*template.Template, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return "", fmt.Errorf("cannot read theme file %q: %w", name, err)
		}
		return foldT(string(b), tr), nil
	}
	common := template.New("base.html").Funcs(funcs)
	src, err := read(dir + "/base.html")
	if err != nil {
		return nil, err
	}
	if _, err := common.Parse(src); err != nil {
		return nil, fmt.Errorf("%s/base.html: %w", dir, err)
	}
	partials, err := files(fsys, dir+"/partials")
	if err != nil {
		return nil, err
	}
	shared, err := files(fsys, "shared")
	if err != nil {
		return nil, err
	}
	partials = append(partials, shared...)
	for _, p := range partials {
		src, err := read(p)
		if err != nil {
			return nil, err
		}
		if _, err := common.New(path.Base(p)).Parse(src); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		src, err := read(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		t, err := common.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.New(name).Parse(src); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, name, err)
		}
		out[name] = t
	}
	return out, nil
}

// staticT matches {{T "key"}} with a literal key.
var staticT = regexp.MustCompile(`\{\{-?\s*T\s+"([A-Za-z0-9_.-]+)"\s*-?\}\}`)

// foldT replaces each {{T "key"}} whose key is a literal with the translated
// text, escaped for HTML, once when the layouts are loaded: translations do
// not change during a build, and pages are rendered by the thousand. Calls
// with a computed key, {{T (print "status_" .)}}, stay calls. Keys without a
// translation are left to T, which shows the key.
func foldT(src string, tr map[string]string) string {
	return staticT.ReplaceAllStringFunc(src, func(m string) string {
		key := staticT.FindStringSubmatch(m)[1]
		if s, ok := tr[key]; ok {
			return html.EscapeString(s)
		}
		return m
	})
}

// translations reads i18n/<lang>.yaml, falling back to English for missing keys.
func translations(fsys fs.FS, lang string) (map[string]string, error) {
	load := func(l string) (map[string]string, error) {
		b, err := fs.ReadFile(fsys, "i18n/"+l+".yaml")
		if err != nil {
			return nil, fmt.Errorf("cannot read translations: %w", err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n/%s.yaml: %w", l, err)
		}
		return m, nil
	}
	en, err := load("en")
	if err != nil || lang == "en" {
		return en, err
	}
	m, err := load(lang)
	if err != nil {
		return nil, err
	}
	for k, v := range en {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m, nil
}
