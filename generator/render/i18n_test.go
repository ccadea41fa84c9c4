package render

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/hindsight-sre/hindsight/generator/postmortem"
	"github.com/hindsight-sre/hindsight/themes"
)

// TestTranslationsComplete checks that every UI string the default theme
// asks for exists in English and French, so no page shows a raw key.
func TestTranslationsComplete(t *testing.T) {
	keys := map[string]bool{"unit_s": true, "unit_min": true, "unit_h": true, "unit_d": true, "ishikawa_title": true}
	literal := regexp.MustCompile(`T\s+"([a-z0-9_]+)"`)
	layouts, err := files(themes.Default, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	clayouts, err := files(themes.Default, "customer/layouts")
	if err != nil {
		t.Fatal(err)
	}
	layouts = append(layouts, clayouts...)
	for _, name := range layouts {
		b, err := fs.ReadFile(themes.Default, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	// Keys the layouts compute: T (print "status_" .Status) and the like.
	for _, s := range postmortem.Statuses {
		keys["status_"+s] = true
	}
	for _, a := range postmortem.ActionTypes {
		keys["action_"+a] = true
	}
	for _, s := range postmortem.ActionStatuses {
		keys["astatus_"+s] = true
	}
	for _, c := range postmortem.IshikawaCategories {
		keys["ishikawa_"+c] = true
	}
	for _, f := range []string{"service", "severity", "year", "status"} {
		keys["filter_"+f] = true
	}
	for _, st := range []string{"published", "pending", "draft"} {
		keys["comm_state_"+st], keys["comm_state_"+st+"_note"] = true, true
		keys["comm_group_"+st], keys["comm_group_"+st+"_note"] = true, true
	}
	for _, d := range []string{"30", "90"} {
		keys["customer_uptime_"+d+"d"] = true
	}
	keys["customer_operational"] = true // the badges
	for _, lang := range []string{"en", "fr"} {
		b, err := fs.ReadFile(themes.Default, "i18n/"+lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := translations(themes.Default, lang)
		if err != nil {
			t.Fatal(err)
		}
		own := regexp.MustCompile(`(?m)^([a-z0-9_]+):`).FindAllStringSubmatch(string(b), -1)
		have := map[string]bool{}
		for _, m := range own {
			have[m[1]] = true
		}
		for k := range keys {
			if !have[k] || tr[k] == "" {
				t.Errorf("i18n/%s.yaml has no %q", lang, k)
			}
		}
	}
}

func TestInline(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                  "plain",
		"set `max.poll` to 5":    "set <code>max.poll</code> to 5",
		"<b>`x`</b>":             "&lt;b&gt;<code>x</code>&lt;/b&gt;",
		"one ` backtick only":    "one ` backtick only",
		"`a` and `b` and ` left": "<code>a</code> and <code>b</code> and ` left",
	} {
		if got := string(inline(in)); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
}
