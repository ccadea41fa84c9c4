package search

import (
	"slices"
	"strings"
)

// Synonyms maps a word (lower case) to the words and phrases that mean the
// same to an engineer searching past incidents.
type Synonyms map[string][]string

// NewSynonyms builds the map from groups of equivalent words or phrases.
// A phrase that holds a word of its own group ("rate limit" beside
// "limit") is not added as a synonym of the others: the word finds it
// already, and phrase lookups of common words are slow.
func NewSynonyms(groups [][]string) Synonyms {
	s := Synonyms{}
	for _, g := range groups {
		words := map[string]bool{}
		for _, w := range g {
			words[strings.ToLower(strings.TrimSpace(w))] = true
		}
		redundant := func(phrase string) bool {
			for _, part := range strings.Fields(phrase) {
				if part != phrase && words[part] {
					return true
				}
			}
			return false
		}
		for _, w := range g {
			w = strings.ToLower(strings.TrimSpace(w))
			for _, o := range g {
				o = strings.ToLower(strings.TrimSpace(o))
				if o != w && o != "" && !redundant(o) {
					s[w] = append(s[w], o)
				}
			}
		}
	}
	return s
}

// Of returns the synonyms of a word or phrase.
func (s Synonyms) Of(w string) []string { return s[strings.ToLower(strings.TrimSpace(w))] }

// DefaultSynonyms are the words incident reports and the people searching
// them use interchangeably, in English and French.
var DefaultSynonyms = [][]string{
	{"db", "database", "bdd", "base de données"},
	{"cert", "certificate", "tls", "ssl", "certificat"},
	{"expired", "expiry", "expiration", "expiré"},
	{"k8s", "kubernetes"},
	{"oom", "out of memory", "memory exhaustion", "mémoire"},
	{"slow", "latency", "lenteur", "latence", "slowness"},
	{"outage", "down", "unavailable", "downtime", "panne", "indisponible", "indisponibilité"},
	{"deploy", "deployment", "release", "rollout", "déploiement"},
	{"config", "configuration", "settings"},
	{"dns", "resolver", "name resolution", "résolution"},
	{"disk", "storage", "volume", "disque"},
	{"cpu", "processor"},
	{"queue", "backlog", "lag", "file d'attente"},
	{"login", "signin", "sign-in", "authentication", "auth", "connexion"},
	{"logout", "logged out", "session", "déconnexion"},
	{"error", "failure", "failed", "erreur", "échec"},
	{"bill", "invoice", "billing", "facture", "facturation"},
	{"payment", "checkout", "paiement", "charge"},
	{"quota", "limit", "rate limit", "throttling"},
	{"cache", "redis", "memcached"},
	{"kafka", "broker", "topic"},
	{"cdn", "edge"},
	{"clock", "time", "ntp", "skew", "horloge"},
	{"duplicate", "duplicated", "twice", "doublon"},
	{"crash", "restart", "crashloop", "oomkilled"},
}

// ForConfig returns the built-in synonyms with the config's groups added.
func ForConfig(groups [][]string) Synonyms {
	return NewSynonyms(append(slices.Clone(DefaultSynonyms), groups...))
}
