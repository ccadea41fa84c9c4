package customer

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// States of a postmortem's customer communication.
const (
	StatePublished = "published" // on the customer site
	StatePending   = "pending"   // published postmortem of a severity that needs one, not approved
	StateDraft     = "draft"     // written or approved, not on the customer site yet
	StateNone      = ""          // no communication, none needed
)

// State is where a postmortem's communication stands.
func State(p *postmortem.Postmortem, cfg *config.Config) string {
	c := p.Customer
	switch {
	case Published(p):
		return StatePublished
	case p.Status == postmortem.StatusPublished && slices.Contains(cfg.Customer.RequiredSeverities, p.Severity):
		return StatePending
	case c.Publish || c.Title != "" || c.Summary != "" || c.Impact != "":
		return StateDraft
	}
	return StateNone
}

// Checker finds customer text that looks internal.
type Checker struct {
	patterns []namedPattern
	allow    []string
}

type namedPattern struct {
	name string
	re   *regexp.Regexp
	// may, when set, is a cheap test that the text can match at all, so
	// that most texts skip the regular expression.
	may func(string) bool
}

// prefilters are the cheap tests of the default patterns, used when a
// pattern of that name is the default one.
var prefilters = map[string]func(string) bool{
	"email":      func(s string) bool { return strings.IndexByte(s, '@') >= 0 },
	"ticket":     func(s string) bool { return digitAfter(s, '-') },
	"private_ip": func(s string) bool { return digitAfter(s, '.') || strings.IndexByte(s, ':') >= 0 },
}

// digitAfter reports whether sep is followed by a digit somewhere in s.
func digitAfter(s string, sep byte) bool {
	for {
		i := strings.IndexByte(s, sep)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if c := s[i+1]; c >= '0' && c <= '9' {
			return true
		}
		s = s[i+1:]
	}
}

// NewChecker compiles the config's deny-list; the config has checked the
// patterns already, so an error here is a bug in a default.
func NewChecker(cfg *config.Config) (*Checker, error) {
	c := &Checker{allow: cfg.Customer.Allow}
	for _, name := range slices.Sorted(maps.Keys(cfg.Customer.DenyPatterns)) {
		re, err := regexp.Compile(cfg.Customer.DenyPatterns[name])
		if err != nil {
			return nil, fmt.Errorf("customer.deny_patterns %q: %w", name, err)
		}
		np := namedPattern{name: name, re: re}
		if cfg.Customer.DenyPatterns[name] == config.DefaultDenyPatterns[name] {
			np.may = prefilters[name]
		}
		c.patterns = append(c.patterns, np)
	}
	if len(cfg.Customer.InternalDomains) > 0 {
		quoted := make([]string, len(cfg.Customer.InternalDomains))
		for i, d := range cfg.Customer.InternalDomains {
			quoted[i] = regexp.QuoteMeta(d)
		}
		re := regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:` + strings.Join(quoted, "|") + `)\b`)
		domains := cfg.Customer.InternalDomains
		c.patterns = append(c.patterns, namedPattern{name: "internal_host", re: re, may: func(s string) bool {
			s = strings.ToLower(s)
			for _, d := range domains {
				if strings.Contains(s, "."+strings.ToLower(d)) {
					return true
				}
			}
			return false
		}})
	}
	return c, nil
}

// Check warns about p's customer text that matches a deny pattern, and
// about an approved communication of a published postmortem without a
// summary.
func (c *Checker) Check(p *postmortem.Postmortem, diags *diag.List) {
	cu := p.Customer
	if Published(p) && strings.TrimSpace(cu.Summary) == "" {
		key := "customer.summary" // written but blank
		if _, ok := p.Lines[key]; !ok {
			key = "customer.publish"
		}
		diags.Warnf(p.Path, p.Line(lineKey(p, key)),
			"customer.publish is true but customer.summary is empty: customers would see no explanation; write a summary")
	}
	for _, f := range []struct{ key, text string }{
		{"customer.title", cu.Title}, {"customer.summary", cu.Summary}, {"customer.impact", cu.Impact},
	} {
		if f.text == "" {
			continue
		}
		for _, pat := range c.patterns {
			if pat.may != nil && !pat.may(f.text) {
				continue
			}
			for _, m := range pat.re.FindAllString(f.text, -1) {
				if slices.ContainsFunc(c.allow, func(a string) bool { return strings.EqualFold(a, m) }) {
					continue
				}
				diags.Warnf(p.Path, p.Line(lineKey(p, f.key)),
					"%s contains %q, which looks internal (%s): customer text is public; remove it, or add it to customer.allow in the config", f.key, m, pat.name)
				break // one message per pattern and field
			}
		}
	}
}

// lineKey is key when its line is known, else the customer block's.
func lineKey(p *postmortem.Postmortem, key string) string {
	if _, ok := p.Lines[key]; ok {
		return key
	}
	return "customer"
}
