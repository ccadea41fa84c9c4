// Package config owns the site configuration, hindsight.yaml: the site's title,
// base URL, language and time zone, the severity scale, front-matter field
// aliases, the service catalog and the metrics settings. Load reads it; Default is what a site without
// a config file gets.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/meta"
	"gopkg.in/yaml.v3"
)

// Config is a site's configuration.
type Config struct {
	Path       string            // the file it was read from; "" for the defaults
	Dir        string            // the folder whose layouts/, static/ and i18n/ override the theme
	Title      string            // site title
	BaseURL    string            // absolute URL the site is served from, ending in "/"
	Language   string            // "en" or "fr": UI language and default postmortem language
	Timezone   string            // IANA name
	Location   *time.Location    // Timezone, loaded
	Severities []string          // most severe first
	Aliases    map[string]string // other front-matter field name → Hindsight field name
	Services   []Service         // the catalog, sorted by name

	// Metrics settings (see docs/metrics.md).
	SLOWindowDays   int                // the SLO window in days, 1 or more
	SeverityWeights map[string]float64 // severity → share of its duration counted as downtime; nil is the defaults
	DeploymentsPath string             // the deployments CSV file; "" when none. Load resolves it against Dir
}

// Service is one entry of the service catalog.
type Service struct {
	Name        string  // the name postmortems use in `services:`
	Title       string  // display name; Name when empty
	Description string  // one line
	Team        string  // owning team
	Tier        int     // 1 is most critical; 0 when unset
	SLO         float64 // availability objective in percent; 0 when unset
	SLA         float64 // contractual availability in percent; 0 when unset
}

// DisplayName is the service's title, or its name.
func (s Service) DisplayName() string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}

// Service finds a service of the catalog by name.
func (c *Config) Service(name string) (Service, bool) {
	i, ok := slices.BinarySearchFunc(c.Services, name, func(s Service, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return Service{}, false
	}
	return c.Services[i], true
}

// DefaultSLOWindowDays is the SLO window when the config sets none.
const DefaultSLOWindowDays = 30

// DefaultSeverities is the severity scale used when the config sets none.
var DefaultSeverities = []string{"SEV1", "SEV2", "SEV3", "SEV4"}

// DefaultAliases map field names common in other postmortem templates onto ours.
var DefaultAliases = map[string]string{
	"start_time":   "started_at",
	"started":      "started_at",
	"impact_start": "started_at",
	"end_time":     "resolved_at",
	"ended_at":     "resolved_at",
	"detected":     "detected_at",
	"mitigated":    "mitigated_at",
	"resolved":     "resolved_at",
	"categories":   "tags",
	"product":      "services",
	"products":     "services",
	"service":      "services",
	"components":   "services",
	"sev":          "severity",
	"priority":     "severity",
	"lang":         "language",
	"rootcause":    "root_cause",
	"action_items": "actions",
	"lessons":      "lessons_learned",
}

// Default returns the configuration of a site without a config file.
func Default() *Config {
	return &Config{
		Dir:        ".",
		Title:      "Postmortems",
		BaseURL:    "/",
		Language:   "en",
		Timezone:   "UTC",
		Location:   time.UTC,
		Severities: slices.Clone(DefaultSeverities),
		Aliases:    cloneMap(DefaultAliases),

		SLOWindowDays: DefaultSLOWindowDays,
	}
}

func cloneMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// file is the YAML shape of hindsight.yaml.
type file struct {
	Title      string                 `yaml:"title"`
	BaseURL    string                 `yaml:"base_url"`
	Language   string                 `yaml:"language"`
	Timezone   string                 `yaml:"timezone"`
	Severities []string               `yaml:"severities"`
	Aliases    map[string]string      `yaml:"aliases"`
	Services   map[string]serviceFile `yaml:"services"`
	Metrics    metricsFile            `yaml:"metrics"`
}

type metricsFile struct {
	SLOWindowDays   *int               `yaml:"slo_window_days"`
	SeverityWeights map[string]float64 `yaml:"severity_weights"`
	Deployments     string             `yaml:"deployments"`
}

type serviceFile struct {
	Title       string  `yaml:"title"`
	Description string  `yaml:"description"`
	Team        string  `yaml:"team"`
	Tier        int     `yaml:"tier"`
	SLO         float64 `yaml:"slo"`
	SLA         float64 `yaml:"sla"`
}

// Error is a problem in the config file, at a line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Load reads the config file at path. When path does not exist and required is
// false, it returns the defaults with Dir set to path's folder.
func Load(path string, required bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !required {
			c := Default()
			c.Dir = filepath.Dir(path)
			return c, nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config file %q does not exist; create it or leave out --config", path)
		}
		return nil, fmt.Errorf("cannot read config: %w", err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.Path = path
	c.Dir = filepath.Dir(path)
	if c.DeploymentsPath != "" && !filepath.IsAbs(c.DeploymentsPath) {
		c.DeploymentsPath = filepath.Join(c.Dir, c.DeploymentsPath)
	}
	return c, nil
}

// Parse reads a config from data; path is used in error messages.
func Parse(path string, data []byte) (*Config, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		e := &Error{Path: path}
		e.Line, e.Msg = meta.YAMLError(data, err)
		if strings.HasPrefix(e.Msg, "field ") && strings.Contains(e.Msg, " not found in type") {
			name := strings.Fields(e.Msg)[1]
			e.Msg = fmt.Sprintf("unknown setting %q; see docs/configuration.md for the settings", name)
		}
		return nil, e
	}
	c := Default()
	lineOf := func(key string) int { return keyLine(data, key, 0) }
	if f.Title != "" {
		c.Title = f.Title
	}
	if f.BaseURL != "" {
		u, err := url.Parse(f.BaseURL)
		if err != nil || !validBase(u) {
			return nil, &Error{path, lineOf("base_url"), fmt.Sprintf("base_url %q must be an http(s) URL like https://postmortems.example.com/", f.BaseURL)}
		}
		c.BaseURL = strings.TrimSuffix(f.BaseURL, "/") + "/"
	}
	if f.Language != "" {
		lang := strings.ToLower(f.Language)
		if lang != "en" && lang != "fr" {
			return nil, &Error{path, lineOf("language"), fmt.Sprintf("language %q is not supported; use en or fr", f.Language)}
		}
		c.Language = lang
	}
	if f.Timezone != "" {
		loc, err := time.LoadLocation(f.Timezone)
		if err != nil {
			return nil, &Error{path, lineOf("timezone"), fmt.Sprintf("unknown timezone %q; use an IANA name like Europe/Paris or UTC", f.Timezone)}
		}
		c.Timezone, c.Location = f.Timezone, loc
	}
	if len(f.Severities) > 0 {
		c.Severities = nil
		for _, s := range f.Severities {
			s = strings.ToUpper(strings.TrimSpace(s))
			if s == "" || slices.Contains(c.Severities, s) {
				return nil, &Error{path, lineOf("severities"), fmt.Sprintf("severities must be distinct non-empty names, got %q", f.Severities)}
			}
			c.Severities = append(c.Severities, s)
		}
	}
	for k, v := range f.Aliases {
		c.Aliases[k] = v
	}
	for name, s := range f.Services {
		if name == "" {
			return nil, &Error{path, lineOf("services"), "a service needs a name"}
		}
		for _, pct := range []float64{s.SLO, s.SLA} {
			if pct < 0 || pct >= 100 {
				return nil, &Error{path, keyLine(data, name, lineOf("services")), fmt.Sprintf("service %q: slo and sla are percentages below 100, like 99.9", name)}
			}
		}
		c.Services = append(c.Services, Service{Name: name, Title: s.Title, Description: s.Description,
			Team: s.Team, Tier: s.Tier, SLO: s.SLO, SLA: s.SLA})
	}
	slices.SortFunc(c.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	if err := c.parseMetrics(path, data, f.Metrics); err != nil {
		return nil, err
	}
	return c, nil
}

// parseMetrics checks and sets the metrics settings; it runs after the
// severity scale is known, since weights are keyed by severity.
func (c *Config) parseMetrics(path string, data []byte, m metricsFile) error {
	block := keyLine(data, "metrics", 0)
	if m.SLOWindowDays != nil {
		if *m.SLOWindowDays < 1 {
			return &Error{path, keyLine(data, "slo_window_days", block), fmt.Sprintf("metrics.slo_window_days must be a number of days, 1 or more, got %d", *m.SLOWindowDays)}
		}
		c.SLOWindowDays = *m.SLOWindowDays
	}
	if m.SeverityWeights != nil {
		weights := keyLine(data, "severity_weights", block)
		c.SeverityWeights = map[string]float64{}
		for _, key := range slices.Sorted(maps.Keys(m.SeverityWeights)) {
			w, sev := m.SeverityWeights[key], strings.ToUpper(strings.TrimSpace(key))
			line := keyLine(data, key, weights)
			if !slices.Contains(c.Severities, sev) {
				return &Error{path, line, fmt.Sprintf("metrics.severity_weights: %q is not on the severity scale %s", key, strings.Join(c.Severities, ", "))}
			}
			if w < 0 || w > 1 {
				return &Error{path, line, fmt.Sprintf("metrics.severity_weights: the weight of %s must be between 0 and 1, got %g", sev, w)}
			}
			c.SeverityWeights[sev] = w
		}
	}
	c.DeploymentsPath = strings.TrimSpace(m.Deployments)
	return nil
}

// validBase reports whether u can be a base_url: an absolute http(s) URL, or
// a path from the root of the server ("/", the default, or "/kb/").
func validBase(u *url.URL) bool {
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Host != ""
	}
	return u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/")
}

// keyLine finds the first line below line after where key is written as a YAML key.
func keyLine(data []byte, key string, after int) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		t := strings.TrimSpace(string(l))
		if i+1 > after && (strings.HasPrefix(t, key+":") || strings.HasPrefix(t, `"`+key+`":`)) {
			return i + 1
		}
	}
	return 0
}
