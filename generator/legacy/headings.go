package legacy

import "strings"

// kind is what a heading announces.
type kind int

const (
	kNone kind = iota
	kTimeline
	kRootCause
	kWeakRootCause // "What went wrong": a root cause unless a "Root cause" section exists or it sits under "Lessons learned"
	kContributing
	kFiveWhys
	kActions
	kStats   // durations and other figures, read line by line like text outside sections
	kLessons // not a field; only marks the sub-sections under it
	kinds
)

// headingKinds maps normalized heading texts (see normKey) to kinds.
var headingKinds = map[string]kind{}

func init() {
	for k, names := range map[kind]string{
		kTimeline: "timeline|incident timeline|detailed timeline|timeline of events|timeline of the incident|" +
			"chronology|incident chronology|sequence of events|events|" +
			"chronologie|chronologie de l incident|chronologie detaillee|chronologie des evenements|" +
			"deroule|deroulement|deroule de l incident|deroulement de l incident",
		kRootCause: "root cause|root causes|root cause analysis|rca|cause|causes|" +
			"cause racine|causes racines|cause principale|causes principales|cause profonde|causes profondes|" +
			"analyse de la cause racine|analyse des causes",
		kWeakRootCause: "what went wrong|why it happened|why did it happen|what happened and why|trigger and root cause|" +
			"pourquoi c est arrive|ce qui n a pas fonctionne",
		kContributing: "contributing factors|contributing factor|contributing causes|contributing cause|contributors|" +
			"facteurs contributifs|facteur contributif|facteurs aggravants|causes contributives",
		kFiveWhys: "five whys|5 whys|the five whys|the 5 whys|5 why|five why|5 whys analysis|" +
			"5 pourquoi|cinq pourquoi|les 5 pourquoi|les cinq pourquoi|methode des 5 pourquoi",
		kActions: "action items|action item|actions|follow up actions|follow up action items|follow ups|follow up|followups|" +
			"remediation|remediations|remediation items|remediation actions|corrective actions|corrective and preventive actions|" +
			"preventive actions|next steps|action plan|todo|to do|" +
			"actions correctives|actions preventives|actions correctives et preventives|plan d action|plan d actions|" +
			"mesures correctives|suites a donner|prochaines etapes|actions de suivi",
		kStats: "stats|statistics|metrics|key metrics|incident metrics|key figures|key numbers|numbers|durations|" +
			"chiffres|chiffres cles|indicateurs|metriques|durees",
		kLessons: "lessons learned|lessons learnt|lessons|learnings|retrospective|what went well and what did not|" +
			"lecons apprises|enseignements|retour d experience|retex",
	} {
		for n := range strings.SplitSeq(names, "|") {
			headingKinds[n] = k
		}
	}
}

// headingKind returns what a heading's text announces: "3. Root Cause:",
// "🔥 Timeline (UTC)" and "Chronologie" are all recognized.
func headingKind(text string) kind {
	key := normKey(text)
	for {
		if k, ok := headingKinds[key]; ok {
			return k
		}
		// Drop a leading number ("3 root cause") and try again.
		first, rest, ok := strings.Cut(key, " ")
		if !ok || strings.Trim(first, "0123456789") != "" {
			return kNone
		}
		key = rest
	}
}
