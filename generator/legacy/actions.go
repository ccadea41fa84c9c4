package legacy

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// detail is what a table column or a nested "Owner: alice" gives an action.
type detail int

const (
	aNone detail = iota
	aTitle
	aOwner
	aDue
	aStatus
	aType
	aTicket
)

// actionLabels maps normalized column headers and labels to details.
var actionLabels = map[string]detail{}

// actionStatuses maps normalized status words to action statuses.
var actionStatuses = map[string]string{}

func init() {
	for d, names := range map[detail]string{
		aTitle: "action|actions|action item|action items|item|task|tasks|title|description|what|todo|to do|" +
			"follow up|remediation|tache|taches|mesure|mesures|intitule|libelle|quoi",
		aOwner:  "owner|owners|assignee|assignees|assigned to|responsable|responsables|who|qui|porteur|pilote|team|equipe",
		aDue:    "due|due date|due by|deadline|echeance|date|by when|target date|target|eta|date cible|when|quand|pour le|date limite",
		aStatus: "status|statut|state|etat|done|progress|avancement",
		aType:   "type|kind|category|categorie",
		aTicket: "ticket|tickets|link|links|jira|issue|issues|lien|liens|tracking|pr|reference|ref|url",
	} {
		for n := range strings.SplitSeq(names, "|") {
			actionLabels[n] = d
		}
	}
	for s, words := range map[string]string{
		"done": "done|fixed|completed|complete|closed|resolved|shipped|merged|deployed|implemented|finished|" +
			"termine|terminee|fait|faite|resolu|resolue|clos|close|cloture|livre|realise|realisee|yes|oui|x|ok",
		"open": "open|todo|to do|in progress|wip|pending|planned|not started|ongoing|started|blocked|backlog|" +
			"en cours|a faire|ouvert|ouverte|prevu|prevue|no|non",
		"wontfix": "wontfix|won t fix|wont fix|will not fix|won t do|cancelled|canceled|abandoned|dropped|rejected|" +
			"not planned|abandonne|abandonnee|annule|annulee",
	} {
		for w := range strings.SplitSeq(words, "|") {
			actionStatuses[w] = s
		}
	}
}

// statusOf reads a status as written ("Done", "✅", "in progress").
func statusOf(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"✅", "✔", "☑"} {
		if strings.HasPrefix(s, p) {
			return "done", true
		}
	}
	st, ok := actionStatuses[normKey(s)]
	return st, ok
}

// groupStatus reads the status of the actions under a heading or a group
// item: "Done", "Open items:", "Completed ✅"; "" for "Short term".
func groupStatus(text string) string {
	if st, ok := statusOf(text); ok {
		return st
	}
	if w := strings.Fields(normKey(text)); len(w) > 0 && len(w[0]) >= 4 {
		st, _ := statusOf(w[0])
		return st
	}
	return ""
}

// connectors may follow a status word: "fixed in #1234", "done on 2024-11-05".
var connectors = map[string]bool{"in": true, "on": true, "by": true, "with": true, "via": true, "le": true, "en": true, "dans": true, "par": true, "avec": true}

// leadingStatus reads a status word at the start of a part ("fixed in #1234").
func leadingStatus(part string) (string, bool) {
	words := strings.Fields(part)
	if len(words) < 2 {
		return "", false
	}
	st, ok := statusOf(words[0])
	if !ok || st != "done" {
		return "", false
	}
	if next := words[1]; connectors[strings.ToLower(next)] || next[0] == '#' || next[0] >= '0' && next[0] <= '9' {
		return st, true
	}
	return "", false
}

// actions reads a section's action items: list items and table rows. A
// sub-heading such as "Done" or "Open" gives the status of the items under it.
func (in *inferer) actions(s *section) []Action {
	var out []Action
	status := ""
	for _, b := range s.blocks {
		switch b := b.(type) {
		case *ast.Heading:
			status = groupStatus(plain(b, in.src))
		case *ast.List:
			out = in.listActions(out, b, status, 0)
		case *extast.Table:
			out = in.tableActions(out, b, status)
		}
	}
	return out
}

func (in *inferer) listActions(out []Action, list *ast.List, status string, depth int) []Action {
	for item := list.FirstChild(); item != nil; item = item.NextSibling() {
		first := item.FirstChild()
		if first == nil || !isText(first) {
			continue
		}
		text := plain(first, in.src)
		a := Action{Line: in.lineOf(item.Pos()), Status: status}
		in.describeAction(&a, text)

		// Details nested under the item ("- Owner: alice"); other nested
		// items are part of the action, or actions of their own under a
		// group item ("- Short term:").
		var more []string
		var lists []*ast.List
		for c := first.NextSibling(); c != nil; c = c.NextSibling() {
			l, ok := c.(*ast.List)
			if !ok {
				more = append(more, blockText(c, in.src, 0))
				continue
			}
			lists = append(lists, l)
			for sub := l.FirstChild(); sub != nil; sub = sub.NextSibling() {
				if t := blockText(sub, in.src, 0); !in.nestedDetail(&a, t) {
					more = append(more, t)
				}
			}
		}
		if strings.HasSuffix(text, ":") && len(lists) > 0 && len(more) > 0 && depth < 3 {
			st := status
			if s := groupStatus(text); s != "" {
				st = s
			}
			for _, l := range lists {
				out = in.listActions(out, l, st, depth+1)
			}
			continue
		}
		if box, ok := first.FirstChild().(*extast.TaskCheckBox); ok {
			a.Status = "open"
			if box.IsChecked {
				a.Status = "done"
			}
		}
		if m := joinNonEmpty(more, "; "); m != "" {
			a.Title = strings.TrimSuffix(a.Title, ":") + ": " + m
		}
		out = in.addAction(out, a)
	}
	return out
}

// nestedDetail applies "Owner: alice" under an action item.
func (in *inferer) nestedDetail(a *Action, text string) bool {
	k, v, ok := strings.Cut(text, ":")
	if !ok {
		return false
	}
	d := actionLabels[normKey(k)]
	return d != aNone && d != aTitle && in.applyDetail(a, d, strings.TrimSpace(v))
}

// tableActions reads a table of actions: columns Action/Item/Task,
// Owner/Assignee/Responsable, Due/Échéance, Status/Statut, Type, Ticket.
func (in *inferer) tableActions(out []Action, t *extast.Table, status string) []Action {
	header, rows := tableRows(t)
	if header == nil {
		return out
	}
	heads := in.cells(header)
	roles := make([]detail, len(heads))
	col := -1
	for i, h := range heads {
		roles[i] = actionLabels[normKey(h)]
		if roles[i] == aTitle && col < 0 {
			col = i
		}
	}
	for i, r := range roles {
		if col >= 0 {
			break
		}
		switch normKey(heads[i]) {
		case "", "no", "n", "nr", "num", "number", "id":
			continue
		}
		if r == aNone {
			col = i
		}
	}
	if col < 0 {
		return out
	}
	for _, r := range rows {
		cells := in.cells(r)
		if col >= len(cells) {
			continue
		}
		a := Action{Line: in.lineOf(r.Pos()), Status: status}
		in.describeAction(&a, cells[col])
		for i, c := range cells {
			if i != col && i < len(roles) && c != "" {
				in.applyDetail(&a, roles[i], c)
			}
		}
		out = in.addAction(out, a)
	}
	return out
}

func (in *inferer) addAction(out []Action, a Action) []Action {
	a.Title = strings.TrimSpace(a.Title)
	if a.Title == "" {
		return out
	}
	if a.Status == "" {
		a.Status = "open"
	}
	if a.Type == "" {
		a.Type = guessType(a.Title)
	}
	return append(out, a)
}

// applyDetail sets one detail of a; it reports whether v was understood.
func (in *inferer) applyDetail(a *Action, d detail, v string) bool {
	switch d {
	case aOwner:
		v = strings.TrimPrefix(strings.TrimSpace(v), "@")
		switch strings.ToLower(v) {
		case "", "-", "—", "?", "tbd", "n/a", "none":
		default:
			a.Owner = v
		}
		return true
	case aDue:
		if t, ok := in.due(v); ok {
			a.Due = t
			return true
		}
	case aStatus:
		if st, ok := statusOf(v); ok {
			a.Status = st
			return true
		}
	case aType:
		if t := normKey(v); typeNames[t] {
			a.Type = t
			return true
		}
	case aTicket:
		a.Title = strings.TrimSpace(a.Title) + " (" + v + ")"
		return true
	}
	return false
}

var typeNames = map[string]bool{"fix": true, "automate": true, "tool": true, "formalize": true, "test": true, "inform": true}

// describeAction reads an action's text: status markers at the start
// ("[x]", "✅", "DONE:"), and owner, due date and status at the end
// ("(owner: alice, due 2024-12-01)", "— @alice", "[alice]", "— Priya Raman",
// "(done)").
// What is left is the title.
func (in *inferer) describeAction(a *Action, text string) {
	t := strings.TrimSpace(text)
	t = in.leadingMarkers(a, t)
	for range 6 {
		t = strings.TrimRight(t, " ")
		if t == "" {
			break
		}
		if last := t[len(t)-1]; last == ')' || last == ']' {
			open := strings.LastIndexByte(t, map[byte]byte{')': '(', ']': '['}[last])
			if open < 0 {
				break
			}
			names := noNames
			if last == ']' {
				names = anyName
			}
			kept, ok := in.actionMeta(a, t[open+1:len(t)-1], names)
			if !ok {
				break
			}
			if kept != "" {
				t = t[:open+1] + kept + t[len(t)-1:]
				break
			}
			t = t[:open]
			continue
		}
		if i := lastSeparator(t); i >= 0 {
			names := noNames
			if strings.HasPrefix(t[i:], " — ") || strings.HasPrefix(t[i:], " – ") {
				names = properName // "— Priya Raman"
			}
			kept, ok := in.actionMeta(a, strings.TrimLeft(t[i:], " —–-,;|"), names)
			if !ok || kept != "" {
				break
			}
			t = t[:i]
			continue
		}
		if i := strings.LastIndexByte(t, ' '); i >= 0 && strings.HasPrefix(t[i+1:], "@") && len(t) > i+2 {
			a.Owner = t[i+2:]
			t = t[:i]
			continue
		}
		break
	}
	a.Title = strings.TrimRight(t, " —–-,;:|")
}

// lastSeparator returns where the last " — ", " - ", ", " or "; " of t is.
func lastSeparator(t string) int {
	i := -1
	for _, sep := range []string{" — ", " – ", " - ", ", ", "; ", " | "} {
		i = max(i, strings.LastIndex(t, sep))
	}
	return i
}

// leadingMarkers reads a status at the start of an action's text.
func (in *inferer) leadingMarkers(a *Action, t string) string {
	for _, p := range []string{"✅", "✔️", "✔", "☑️", "☑"} {
		if strings.HasPrefix(t, p) {
			a.Status = "done"
			return strings.TrimSpace(t[len(p):])
		}
	}
	switch {
	case strings.HasPrefix(t, "[x]"), strings.HasPrefix(t, "[X]"):
		a.Status = "done"
		return strings.TrimSpace(t[3:])
	case strings.HasPrefix(t, "[ ]"):
		a.Status = "open"
		return strings.TrimSpace(t[3:])
	}
	if t != "" && (t[0] == '[' || t[0] == '(') {
		if j := strings.IndexAny(t, "])"); j > 0 {
			if st, ok := statusOf(t[1:j]); ok {
				a.Status = st
				return strings.TrimSpace(t[j+1:])
			}
		}
	}
	if j := strings.IndexAny(t, ":—–"); j > 0 && j < 16 {
		if st, ok := statusOf(t[:j]); ok {
			a.Status = st
			return strings.TrimLeft(t[j:], " :—–")
		}
	}
	return t
}

// actionMeta reads the parts of "owner: alice, due 2024-12-01" into a. It
// returns the parts it did not understand, and whether it understood any.
func (in *inferer) actionMeta(a *Action, s string, names nameRule) (kept string, ok bool) {
	b := *a
	var rest []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		k, v, hasColon := strings.Cut(part, ":")
		d := actionLabels[normKey(k)]
		switch {
		case part == "":
			continue
		case hasColon && d > aTitle && in.applyDetail(&b, d, strings.TrimSpace(v)):
		case strings.HasPrefix(part, "@") && len(part) > 1 && !strings.ContainsAny(part, " \t"):
			b.Owner = part[1:]
		case isStatus(part):
			b.Status, _ = statusOf(part)
		default:
			if t, okDue := in.due(part); okDue {
				b.Due = t
				break
			}
			if names == anyName && nameLike(part) || names == properName && nameLike(part) && capitalized(part) {
				b.Owner = part
				break
			}
			// "fixed in #1234": done, and the reference stays in the title.
			if st, okSt := leadingStatus(part); okSt {
				b.Status = st
				ok = true
			}
			rest = append(rest, part)
			continue
		}
		ok = true
	}
	if ok {
		*a = b
	}
	return strings.Join(rest, ", "), ok
}

func isStatus(s string) bool { _, ok := statusOf(s); return ok }

// nameRule says whether a bare name in an action's trailing part is its
// owner: in brackets ("[alice]") any name is, after a dash ("— Priya Raman")
// only a capitalized one.
type nameRule int

const (
	noNames nameRule = iota
	anyName
	properName
)

// nameLike reports whether s looks like a person or a team ("alice",
// "Jean Dupont", "sre-team") rather than a note.
func nameLike(s string) bool {
	if len(s) > 30 || len(strings.Fields(s)) > 3 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != ' ' && r != '.' && r != '-' && r != '_' {
			return false
		}
	}
	return s != ""
}

// capitalized reports whether every word of s starts with a capital letter.
func capitalized(s string) bool {
	for w := range strings.FieldsSeq(s) {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// duePrefixes may stand before a due date.
var duePrefixes = []string{
	"due by", "due on", "due date", "due", "deadline", "by", "before", "until", "eta", "target",
	"échéance", "echeance", "avant le", "avant", "pour le", "d'ici le", "d’ici le", "d'ici", "d’ici",
}

// due reads a due date: "2024-12-01", "due Dec 1", "échéance : 15 janvier".
// A date without a year is the next one after the incident.
func (in *inferer) due(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, p := range duePrefixes {
		if len(s) > len(p) && strings.EqualFold(s[:len(p)], p) && (s[len(p)] == ' ' || s[len(p)] == ':') {
			s = strings.TrimLeft(s[len(p):], " :")
			break
		}
	}
	st, rest, ok := parseDate(s)
	if !ok || !trivial(rest) {
		return time.Time{}, false
	}
	y := st.year
	if !st.hasYear {
		ref := dayOf(in.res.Date)
		if !ref.known() {
			return time.Time{}, false
		}
		y = ref.year
		if st.month < ref.month || st.month == ref.month && st.day < ref.day {
			y++
		}
	}
	return time.Date(y, st.month, st.day, 0, 0, 0, 0, in.loc), true
}

// typeVerbs are first words that make an action's type obvious.
var typeVerbs = map[string]string{
	"fix": "fix", "repair": "fix", "patch": "fix", "correct": "fix", "hotfix": "fix", "corriger": "fix", "reparer": "fix",
	"automate": "automate", "automatiser": "automate",
	"monitor": "tool", "instrument": "tool", "alert": "tool", "superviser": "tool", "monitorer": "tool", "outiller": "tool", "instrumenter": "tool",
	"document": "formalize", "formalize": "formalize", "formalise": "formalize", "codify": "formalize", "standardize": "formalize",
	"standardise": "formalize", "documenter": "formalize", "formaliser": "formalize",
	"test": "test", "tester": "test", "rehearse": "test",
	"inform": "inform", "communicate": "inform", "notify": "inform", "announce": "inform", "share": "inform", "train": "inform",
	"present": "inform", "informer": "inform", "communiquer": "inform", "former": "inform", "sensibiliser": "inform",
	"prevenir": "inform", "presenter": "inform", "annoncer": "inform", "partager": "inform",
}

// typeGeneric are first words that say nothing by themselves ("Add …"):
// the object decides.
var typeGeneric = map[string]bool{
	"add": true, "create": true, "set": true, "setup": true, "introduce": true, "write": true, "implement": true, "build": true,
	"put": true, "enable": true, "ajouter": true, "creer": true, "mettre": true, "ecrire": true, "rediger": true,
	"implementer": true, "activer": true, "mise": true, "mettre en place": true,
}

// typeObjects are the objects that decide the type after a generic verb.
var typeObjects = map[string]string{
	"alert": "tool", "alerts": "tool", "alerting": "tool", "monitoring": "tool", "monitor": "tool", "dashboard": "tool",
	"dashboards": "tool", "probe": "tool", "probes": "tool", "metric": "tool", "metrics": "tool",
	"alerte": "tool", "alertes": "tool", "supervision": "tool", "sonde": "tool", "sondes": "tool",
	"test": "test", "tests": "test", "testing": "test", "canary": "test", "chaos": "test",
	"runbook": "formalize", "runbooks": "formalize", "playbook": "formalize", "playbooks": "formalize",
	"documentation": "formalize", "doc": "formalize", "docs": "formalize", "procedure": "formalize", "procedures": "formalize",
	"process": "formalize", "checklist": "formalize", "policy": "formalize", "template": "formalize", "processus": "formalize",
	"automation": "automate", "automated": "automate", "automatic": "automate", "automatically": "automate",
	"script": "automate", "cron": "automate", "automatisation": "automate", "automatique": "automate",
}

// guessType returns an action's type when its verb makes it obvious.
func guessType(title string) string {
	words := strings.Fields(normKey(title))
	if len(words) == 0 {
		return ""
	}
	if t, ok := typeVerbs[words[0]]; ok {
		return t
	}
	if !typeGeneric[words[0]] {
		return ""
	}
	for _, w := range words[1:] {
		if t, ok := typeObjects[w]; ok {
			return t
		}
	}
	return ""
}
