package legacy

import (
	"strings"
	"unicode"
)

// field is what a labelled line ("Severity: SEV2") gives.
type field int

const (
	fNone field = iota
	fTitle
	fDate
	fSeverity
	fServices
	fTags
	fStatus
	fStart
	fDetect
	fMitigate
	fResolve
)

// label is how a labelled line's value is read: times are moments
// ("Detected: 14:07"), durations are lengths ("Time to detect: 5 min").
type label struct {
	field            field
	times, durations bool
}

// labels maps normalized labels (see normKey) to what they give.
var labels = map[string]label{}

func init() {
	add := func(l label, names string) {
		for n := range strings.SplitSeq(names, "|") {
			labels[n] = l
		}
	}
	add(label{field: fTitle}, "title|titre|incident title")
	add(label{field: fDate}, "date|incident date|date of incident|day|date de l incident|date de incident|jour")
	add(label{field: fSeverity}, "severity|sev|severity level|incident severity|priority|severite|gravite|niveau de gravite|priorite|criticite")
	add(label{field: fServices}, "services|service|affected services|services affected|impacted services|affected service|"+
		"systems|affected systems|systems affected|components|affected components|"+
		"services impactes|service impacte|services concernes|services affectes|systemes impactes|composants|composants impactes")
	add(label{field: fTags}, "tags|tag|labels|keywords|categories|etiquettes|mots cles")
	add(label{field: fStatus}, "status|statut|postmortem status|post mortem status|document status|etat|etat du document")

	moment := label{times: true}
	add(with(moment, fStart), "started|start|start time|started at|impact start|impact started|impact began|incident start|"+
		"incident started|began|debut|debut de l impact|debut de l incident|heure de debut|demarrage")
	add(with(moment, fDetect), "detected|detected at|detection at|time detected|alerted|alerted at|first alert|"+
		"detecte|detecte a|heure de detection")
	add(with(moment, fMitigate), "mitigated|mitigated at|time mitigated|impact end|impact ended|impact stopped|"+
		"mitige|attenue|fin de l impact|fin d impact|heure de mitigation")
	add(with(moment, fResolve), "resolved|resolved at|time resolved|end|ended|end time|closed|closed at|recovered|recovered at|"+
		"fin|resolu|retabli|heure de fin|heure de resolution|fin de l incident")

	either := label{times: true, durations: true}
	add(with(either, fDetect), "detection|detection time")
	add(with(either, fMitigate), "mitigation|mitigation time|attenuation")
	add(with(either, fResolve), "resolution|resolution time|recovery|recovery time|retablissement")

	length := label{durations: true}
	add(with(length, fDetect), "time to detect|time to detection|time to detect ttd|ttd|mttd|"+
		"temps de detection|delai de detection|duree de detection")
	add(with(length, fMitigate), "time to mitigate|time to mitigation|ttm|mttm|"+
		"temps de mitigation|temps d attenuation|delai de mitigation|duree de mitigation")
	add(with(length, fResolve), "time to resolve|time to resolution|time to recover|time to recovery|ttr|mttr|"+
		"total duration|duration|impact duration|outage duration|incident duration|downtime|total downtime|"+
		"duree|duree totale|duree de l incident|duree d impact|duree de l impact|duree de l interruption|"+
		"temps de resolution|temps de retablissement|delai de resolution")
}

func with(l label, f field) label { l.field = f; return l }

// cutLabel splits "Label: value" into a known label and its value.
func cutLabel(text string) (l label, value string, ok bool) {
	i := strings.IndexByte(text, ':')
	if i <= 0 || i > 60 {
		return label{}, "", false
	}
	l, ok = labels[normKey(text[:i])]
	return l, strings.TrimSpace(text[i+1:]), ok
}

// postmortem statuses as teams write them.
var statuses = map[string]string{
	"draft": "draft", "brouillon": "draft", "wip": "draft", "work in progress": "draft",
	"review": "review", "in review": "review", "under review": "review", "ready for review": "review", "en revue": "review", "en relecture": "review", "relecture": "review",
	"published": "published", "final": "published", "publie": "published", "publiee": "published", "valide": "published", "validee": "published",
}

// splitList splits "billing, public-api and auth" into items; "#dns #tls"
// is split on spaces.
func splitList(v string) []string {
	f := func(r rune) bool { return r == ',' || r == ';' || r == '|' }
	var out []string
	for _, part := range strings.FieldsFunc(v, f) {
		for _, sep := range []string{" and ", " & ", " et "} {
			part = strings.ReplaceAll(part, sep, ",")
		}
		for item := range strings.SplitSeq(part, ",") {
			words := strings.Fields(item)
			if len(words) > 1 && strings.HasPrefix(words[0], "#") {
				for _, w := range words {
					out = appendItem(out, w)
				}
				continue
			}
			out = appendItem(out, item)
		}
	}
	return out
}

func appendItem(out []string, s string) []string {
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '#' || r == '.' || r == '"' || r == '\'' || r == '`'
	})
	switch strings.ToLower(s) {
	case "", "none", "n/a", "na", "-", "—", "aucun", "aucune":
		return out
	}
	return append(out, s)
}

// cutSeverity reads "SEV2", "Sev 2" or "P1" and returns it upper-cased with
// what follows it ("(major)").
func cutSeverity(v string) (sev, rest string) {
	head := v
	if i := strings.IndexAny(v, "(,;[—–"); i >= 0 {
		head, rest = v[:i], v[i:]
	}
	if i := strings.Index(head, " - "); i >= 0 {
		head, rest = head[:i], head[i:]+rest
	}
	head = strings.TrimSpace(head)
	if head == "" || len(head) > 20 || len(strings.Fields(head)) > 2 {
		return "", v
	}
	return strings.ToUpper(head), rest
}
