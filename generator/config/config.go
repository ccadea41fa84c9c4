// Package config owns the site configuration, hindsight.yaml: the site's title,
// base URL, language and time zone, the severity scale, front-matter field
// aliases, the service catalog, the metrics settings and the customer site's
// settings. Load reads it; Default is what a site without a config file gets.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
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

	Customer Customer // the customer site (see docs/configuration.md)

	// Synonyms are groups of words (or phrases) search treats as one, added
	// to the built-in groups (see docs/search.md).
	Synonyms [][]string

	// BlamePhrases are blame phrases check warns about in the analysis, by
	// language ("en", "fr"), added to the built-in ones.
	BlamePhrases map[string][]string
}

// Customer holds the settings of the customer-facing site.
type Customer struct {
	Title   string // the customer site's title; the site title when unset
	BaseURL string // absolute URL of the customer site, ending in "/"; BaseURL + "customer/" when unset
	// SeverityLabels name each severity for customers ("SEV1" → "Major outage").
	SeverityLabels map[string]string
	// RequiredSeverities are the severities whose published postmortems need
	// a customer communication; without one they are listed as pending.
	RequiredSeverities []string
	// InternalDomains are domain suffixes of internal host names; customer
	// text that names such a host is reported by check.
	InternalDomains []string
	// DenyPatterns name the regular expressions customer text is checked
	// against (see DefaultDenyPatterns); InternalDomains adds "internal_host".
	DenyPatterns map[string]string
	// Allow lists words that match a deny pattern but are fine ("UTF-8").
	Allow []string
}

// DefaultSeverityLabels name the default severities for customers.
var DefaultSeverityLabels = map[string]string{
	"SEV1": "Major outage",
	"SEV2": "Partial outage",
	"SEV3": "Degraded performance",
	"SEV4": "Minor issue",
}

// DefaultDenyPatterns are the patterns of text that looks internal, which
// check reports in customer communications.
var DefaultDenyPatterns = map[string]string{
	// RFC 1918 and RFC 6598 IPv4 addresses, loopback, IPv6 unique local.
	"private_ip": `\b(?:10(?:\.\d{1,3}){3}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}|192\.168(?:\.\d{1,3}){2}|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])(?:\.\d{1,3}){2}|127(?:\.\d{1,3}){3})\b|\b[fF][cdCD][0-9a-fA-F]{2}:[0-9a-fA-F:]+`,
	// Issue-tracker keys such as OPS-1234.
	"ticket": `\b[A-Z][A-Z0-9_]{1,9}-[0-9]+\b`,
	// E-mail addresses.
	"email": `\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b`,
}

// DefaultInternalDomains are the private-use top-level domains.
var DefaultInternalDomains = []string{"internal", "local", "lan", "corp", "intranet", "home.arpa"}

// DefaultAllow are common words that look like ticket keys.
var DefaultAllow = []string{"UTF-8", "UTF-16", "ISO-8601", "SHA-1", "SHA-256", "SHA-512", "HTTP-2", "TLS-1", "COVID-19", "P-256"}

// Service is one entry of the service catalog.
type Service struct {
	Name        string  // the name postmortems use in `services:`
	Title       string  // display name; Name when empty
	Description string  // one line
	Team        string  // owning team
	Tier        int     // 1 is most critical; 0 when unset
	SLO         float64 // availability objective in percent; 0 when unset
	SLA         float64 // contractual availability in percent; 0 when unset
	Public      bool    // shown on the customer site (public: false hides it)
	PublicName  string  // the name customers see; DisplayName when empty
}

// DisplayName is the service's title, or its name.
func (s Service) DisplayName() string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}

// CustomerName is the name customers see.
func (s Service) CustomerName() string {
	if s.PublicName != "" {
		return s.PublicName
	}
	return s.DisplayName()
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
		Customer: Customer{
			SeverityLabels:     cloneMap(DefaultSeverityLabels),
			RequiredSeverities: DefaultSeverities[:2:2],
			InternalDomains:    slices.Clone(DefaultInternalDomains),
			DenyPatterns:       cloneMap(DefaultDenyPatterns),
			Allow:              slices.Clone(DefaultAllow),
		},
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
	Customer   customerFile           `yaml:"customer"`
	Search     searchFile             `yaml:"search"`
	Blameless  blamelessFile          `yaml:"blameless"`
}

type blamelessFile struct {
	Phrases map[string][]string `yaml:"phrases"`
}

type searchFile struct {
	Synonyms [][]string `yaml:"synonyms"`
}

type customerFile struct {
	Title              string            `yaml:"title"`
	BaseURL            string            `yaml:"base_url"`
	SeverityLabels     map[string]string `yaml:"severity_labels"`
	RequiredSeverities []string          `yaml:"required_severities"`
	InternalDomains    []string          `yaml:"internal_domains"`
	DenyPatterns       map[string]string `yaml:"deny_patterns"`
	Allow              []string          `yaml:"allow"`
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
	Public      *bool   `yaml:"public"`
	PublicName  string  `yaml:"public_name"`
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
			Team: s.Team, Tier: s.Tier, SLO: s.SLO, SLA: s.SLA, Public: s.Public == nil || *s.Public, PublicName: strings.TrimSpace(s.PublicName)})
	}
	slices.SortFunc(c.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	if err := c.parseMetrics(path, data, f.Metrics); err != nil {
		return nil, err
	}
	if err := c.parseCustomer(path, data, f.Customer); err != nil {
		return nil, err
	}
	for _, g := range f.Search.Synonyms {
		n := 0
		for _, w := range g {
			if strings.TrimSpace(w) != "" {
				n++
			}
		}
		if n < 2 {
			return nil, &Error{path, keyLine(data, "synonyms", keyLine(data, "search", 0)), fmt.Sprintf("search.synonyms: each group needs two words or more, like [db, database]; got %q", g)}
		}
		c.Synonyms = append(c.Synonyms, g)
	}
	for lang, list := range f.Blameless.Phrases {
		if lang != "en" && lang != "fr" {
			return nil, &Error{path, keyLine(data, lang, keyLine(data, "blameless", 0)), fmt.Sprintf("blameless.phrases: %q is not a language; use en or fr", lang)}
		}
		if c.BlamePhrases == nil {
			c.BlamePhrases = map[string][]string{}
		}
		c.BlamePhrases[lang] = list
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
			line := cmp.Or(keyLine(data, key, weights), weights) // a {flow: map} has its keys on its own line
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

// parseCustomer checks and sets the customer site's settings.
func (c *Config) parseCustomer(path string, data []byte, f customerFile) error {
	block := keyLine(data, "customer", 0)
	cu := &c.Customer
	cu.Title = strings.TrimSpace(f.Title)
	if f.BaseURL != "" {
		u, err := url.Parse(f.BaseURL)
		if err != nil || !validBase(u) {
			return &Error{path, keyLine(data, "base_url", block), fmt.Sprintf("customer.base_url %q must be an http(s) URL like https://status.example.com/", f.BaseURL)}
		}
		cu.BaseURL = strings.TrimSuffix(f.BaseURL, "/") + "/"
	}
	// Labels default to the defaults' names for the default scale, else to
	// the severity itself.
	labels := map[string]string{}
	for _, sev := range c.Severities {
		if l, ok := DefaultSeverityLabels[sev]; ok {
			labels[sev] = l
		}
	}
	if f.SeverityLabels != nil {
		at := keyLine(data, "severity_labels", block)
		for _, key := range slices.Sorted(maps.Keys(f.SeverityLabels)) {
			sev := strings.ToUpper(strings.TrimSpace(key))
			if !slices.Contains(c.Severities, sev) {
				return &Error{path, cmp.Or(keyLine(data, key, at), at), fmt.Sprintf("customer.severity_labels: %q is not on the severity scale %s", key, strings.Join(c.Severities, ", "))}
			}
			if l := strings.TrimSpace(f.SeverityLabels[key]); l != "" {
				labels[sev] = l
			}
		}
	}
	cu.SeverityLabels = labels
	cu.RequiredSeverities = c.Severities[:min(2, len(c.Severities)):min(2, len(c.Severities))]
	if f.RequiredSeverities != nil {
		cu.RequiredSeverities = nil
		for _, s := range f.RequiredSeverities {
			sev := strings.ToUpper(strings.TrimSpace(s))
			if !slices.Contains(c.Severities, sev) {
				return &Error{path, keyLine(data, "required_severities", block), fmt.Sprintf("customer.required_severities: %q is not on the severity scale %s", s, strings.Join(c.Severities, ", "))}
			}
			cu.RequiredSeverities = append(cu.RequiredSeverities, sev)
		}
	}
	if f.InternalDomains != nil {
		cu.InternalDomains = nil
		for _, d := range f.InternalDomains {
			d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "."))
			if d == "" || strings.ContainsAny(d, " /\\*") {
				return &Error{path, keyLine(data, "internal_domains", block), fmt.Sprintf("customer.internal_domains: %q is not a domain; write names like corp.example.com", d)}
			}
			cu.InternalDomains = append(cu.InternalDomains, d)
		}
	}
	if f.DenyPatterns != nil {
		at := keyLine(data, "deny_patterns", block)
		for _, name := range slices.Sorted(maps.Keys(f.DenyPatterns)) {
			pat := f.DenyPatterns[name]
			if pat == "" {
				delete(cu.DenyPatterns, name) // "" turns a default off
				continue
			}
			if _, err := regexp.Compile(pat); err != nil {
				return &Error{path, cmp.Or(keyLine(data, name, at), at), fmt.Sprintf("customer.deny_patterns: %q is not a valid regular expression (Go RE2 syntax): %v", name, err)}
			}
			cu.DenyPatterns[name] = pat
		}
	}
	if f.Allow != nil {
		cu.Allow = f.Allow
	}
	return nil
}

// CustomerBaseURL is the customer site's base URL: customer.base_url, else
// the site's base URL followed by customer/.
func (c *Config) CustomerBaseURL() string {
	if c.Customer.BaseURL != "" {
		return c.Customer.BaseURL
	}
	return c.BaseURL + "customer/"
}

// CustomerTitle is the customer site's title.
func (c *Config) CustomerTitle() string {
	if c.Customer.Title != "" {
		return c.Customer.Title
	}
	return c.Title
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
