package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewCommand(t *testing.T) {
	site(t, map[string]string{"2026/old.md": "---\nid: inc-2026-007\ntitle: Old\nseverity: SEV3\nstarted_at: 2026-01-01 10:00\nresolved_at: 2026-01-01 11:00\nroot_cause: x\n---\n"})

	code, out, errOut := hindsight(t, "new", "--service", "api", "--service", "web", "--at", "2026-11-20 09:15", "Checkout errors after the 14:00 deploy")
	path := strings.TrimSpace(out)
	if code != exitOK || path != filepath.Join("content", "2026", "2026-11-20-checkout-errors-after-the-14-00-deploy.md") {
		t.Fatalf("exit %d, %q, %q", code, out, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"id: inc-2026-008\n", `title: "Checkout errors after the 14:00 deploy"`, "status: draft", "severity: SEV2",
		`services: ["api", "web"]`, "started_at: 2026-11-20T09:15:00Z", "five_whys:", "ishikawa:", "  people: []", "  materials: []",
		"fix, automate, tool, formalize, test, inform", "customer:\n  publish: false", "between 2026-11-21 09:15 and 2026-11-23 09:15", "retrospective:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the new file lacks %q:\n%s", want, text)
		}
	}

	// The same title again: a new file, never the old one replaced.
	code, out, _ = hindsight(t, "new", "--at", "2026-11-20 10:00", "--lang", "fr", "--severity", "sev1", "Checkout errors after the 14:00 deploy")
	second := strings.TrimSpace(out)
	if code != exitOK || !strings.HasSuffix(second, "deploy-2.md") {
		t.Fatalf("second: exit %d, %q", code, out)
	}
	if b2, _ := os.ReadFile(path); string(b2) != text {
		t.Error("the first file was changed")
	}
	if b, _ := os.ReadFile(second); !strings.Contains(string(b), "id: inc-2026-009") || !strings.Contains(string(b), "language: fr") ||
		!strings.Contains(string(b), "severity: SEV1") || !strings.Contains(string(b), "## Enseignements") {
		t.Errorf("second file:\n%s", b)
	}

	// What new writes passes check, with no error.
	if code, out, errOut := hindsight(t, "check"); code != exitOK {
		t.Errorf("check after new: exit %d\n%s\n%s", code, out, errOut)
	}

	for args, want := range map[string]string{
		"new":                   "new needs a title",
		"new --severity SEV9 T": `--severity "SEV9" is not on the scale`,
		"new --lang de T":       `--lang "de"`,
		"new --at yesterday T":  `--at "yesterday"`,
	} {
		code, _, errOut := hindsight(t, strings.Fields(args)...)
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, %q, want %q", args, code, errOut, want)
		}
	}
}

// TestNewWithoutContent: new starts a knowledge base from nothing.
func TestNewWithoutContent(t *testing.T) {
	site(t, nil)
	os.RemoveAll("content")
	code, out, errOut := hindsight(t, "new", "--at", "2025-03-01 08:00", "First")
	if code != exitOK || strings.TrimSpace(out) != filepath.Join("content", "2025", "2025-03-01-first.md") {
		t.Fatalf("exit %d, %q, %q", code, out, errOut)
	}
	if b, _ := os.ReadFile(strings.TrimSpace(out)); !strings.Contains(string(b), "id: inc-2025-001") {
		t.Errorf("%s", b)
	}
}
