package render

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
)

// feedSize is how many postmortems the Atom feed carries.
const feedSize = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title    string      `xml:"title"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Link     atomLink    `xml:"link"`
	Category []atomCat   `xml:"category"`
	Summary  atomSummary `xml:"summary"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

type atomSummary struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// updated is when a postmortem last changed, as far as its facts say.
func updated(p *postmortem.Postmortem) time.Time {
	for _, t := range []time.Time{p.ResolvedAt, p.MitigatedAt, p.DetectedAt, p.StartedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return p.Date()
}

// feed writes feed.xml: the newest published postmortems.
func (r *renderer) feed() error {
	s := r.site
	base := s.Config.BaseURL
	feedID := base
	if !strings.Contains(base, "://") {
		feedID = "urn:hindsight:feed"
	}
	f := atomFeed{Title: s.Config.Title, ID: feedID, Links: []atomLink{{Href: base + "feed.xml", Rel: "self"}, {Href: base}}}
	var newest time.Time
	for _, p := range s.Incidents {
		if p.Draft() {
			continue
		}
		if len(f.Entries) == feedSize {
			break
		}
		u := updated(p)
		if u.After(newest) {
			newest = u
		}
		link := base + "incidents/" + p.ID + "/"
		id := link
		if !strings.Contains(base, "://") { // Atom ids must be absolute IRIs
			id = "urn:hindsight:incident:" + p.ID
		}
		e := atomEntry{Title: p.Title, ID: id, Updated: atomTime(u), Link: atomLink{Href: link},
			Summary: atomSummary{Type: "text", Text: summary(p)}}
		if p.Severity != "" {
			e.Category = append(e.Category, atomCat{Term: p.Severity})
		}
		for _, sv := range p.Services {
			e.Category = append(e.Category, atomCat{Term: sv})
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = atomTime(newest)
	return r.writeXML("feed.xml", f)
}

func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func summary(p *postmortem.Postmortem) string {
	var b strings.Builder
	if p.Severity != "" {
		b.WriteString(p.Severity + " · ")
	}
	if len(p.Services) > 0 {
		b.WriteString(strings.Join(p.Services, ", ") + ". ")
	}
	b.WriteString(p.RootCause)
	return strings.TrimSpace(b.String())
}

type urlSet struct {
	XMLName xml.Name  `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []siteURL `xml:"url"`
}

type siteURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap writes sitemap.xml with every page's canonical (pretty) URL.
func (r *renderer) sitemap() error {
	s := r.site
	base := s.Config.BaseURL
	set := urlSet{URLs: []siteURL{{Loc: base}, {Loc: base + "incidents/"}, {Loc: base + "services/"}, {Loc: base + "tags/"}}}
	for _, p := range s.Incidents {
		u := siteURL{Loc: base + "incidents/" + p.ID + "/"}
		if t := updated(p); !t.IsZero() {
			u.LastMod = t.In(s.Config.Location).Format("2006-01-02")
		}
		set.URLs = append(set.URLs, u)
	}
	for _, sv := range s.Services {
		set.URLs = append(set.URLs, siteURL{Loc: base + "services/" + sv.Slug + "/"})
	}
	for _, g := range s.Tags {
		set.URLs = append(set.URLs, siteURL{Loc: base + "tags/" + g.Slug + "/"})
	}
	return r.writeXML("sitemap.xml", set)
}

func (r *renderer) writeXML(name string, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return r.write(name, buf.Bytes())
}
