package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dnsPostmortem = `---
id: dns-1
title: Resolver timeouts on the API
severity: SEV2
services: [api]
started_at: 2026-01-01 10:00
resolved_at: 2026-01-01 11:00
root_cause: The DNS resolver dropped queries under load.
---
`

func TestSearchCommand(t *testing.T) {
	dir := site(t, map[string]string{"dns.md": dnsPostmortem, "good.md": goodPostmortem})

	code, out, errOut := hindsight(t, "search", "dns timeout")
	if code != exitOK || !strings.Contains(out, "id dns-1 · matched in title") || !strings.Contains(out, "Resolver **timeouts** on the API") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "search index: 2 postmortems indexed") {
		t.Errorf("first search should say it indexed: %q", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".hindsight", "search", "manifest.json")); err != nil {
		t.Errorf("the index is not beside the content: %v", err)
	}

	// The second search reads nothing again and says nothing about it.
	code, out, errOut = hindsight(t, "search", "--json", "--limit", "1", "root_cause:resolver")
	var res struct {
		Total uint64
		Hits  []struct{ ID, Field, Snippet string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitOK || errOut != "" {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "dns-1" || res.Hits[0].Field != "root_cause" || !strings.Contains(res.Hits[0].Snippet, "<mark>resolver</mark>") {
		t.Errorf("json: %+v", res)
	}

	code, out, _ = hindsight(t, "search", "nothing-like-this")
	if code != exitOK || !strings.Contains(out, "no postmortem matches") {
		t.Errorf("no match: exit %d, %q", code, out)
	}

	for args, want := range map[string]string{
		"search":                               "search needs a query",
		"search --limit 0 dns":                 "--limit must be between 1 and 100",
		`search "unclosed`:                     "unbalanced quote",
		"search colour:red":                    `unknown field "colour"`,
		"search " + strings.Repeat("x", 10000): "the limit is 500",
	} {
		code, _, errOut := hindsight(t, splitArgs(args)...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%.40s: exit %d, stderr %q, want %q", args, code, errOut, want)
		}
	}
}

// splitArgs splits on spaces, keeping a leading quote in its word.
func splitArgs(s string) []string { return strings.Fields(s) }

// TestSearchConfigSynonyms: the config's synonym groups are used.
func TestSearchConfigSynonyms(t *testing.T) {
	dir := site(t, map[string]string{"dns.md": dnsPostmortem})
	if err := os.WriteFile(filepath.Join(dir, "hindsight.yaml"), []byte("search:\n  synonyms: [[nameserver, resolver]]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := hindsight(t, "search", "nameserver")
	if code != exitOK || !strings.Contains(out, "id dns-1") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
