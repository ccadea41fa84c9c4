package diag

import (
	"errors"
	"slices"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Path: "content/a.md", Line: 12, Message: "status \"x\" is not valid"}, `content/a.md:12: status "x" is not valid`},
		{Diagnostic{Path: "content/a.md", Line: 3, Level: Warning, Message: "no owner"}, "content/a.md:3: warning: no owner"},
		{Diagnostic{Path: "content/a.md", Message: "internal error"}, "content/a.md: internal error"},
		{Diagnostic{Path: "content/a.md", Level: Warning, Message: "m"}, "content/a.md: warning: m"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestListCountsAndErr(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Error("an empty list is an error")
	}
	l.Warnf("b.md", 2, "owner %q missing", "x")
	if l.Err() != nil || l.Warnings() != 1 || l.Errors() != 0 {
		t.Errorf("warnings only: Err %v, %d warnings, %d errors", l.Err(), l.Warnings(), l.Errors())
	}
	l.Errorf("a.md", 5, "bad %s", "id")
	err := l.Err()
	var f *Failed
	if !errors.As(err, &f) || err.Error() != "1 error in content" || len(f.List) != 2 {
		t.Errorf("Err = %v", err)
	}
	if l[1] != (Diagnostic{Path: "a.md", Line: 5, Level: Error, Message: "bad id"}) {
		t.Errorf("Errorf added %+v", l[1])
	}
	l.Errorf("a.md", 1, "again")
	if got := l.Err().Error(); got != "2 errors in content" {
		t.Errorf("Err = %q", got)
	}
}

func TestSort(t *testing.T) {
	l := List{
		{Path: "b.md", Line: 1, Level: Warning, Message: "w"},
		{Path: "a.md", Line: 10, Level: Error, Message: "z"},
		{Path: "a.md", Line: 2, Level: Warning, Message: "w"},
		{Path: "a.md", Line: 2, Level: Error, Message: "y"},
		{Path: "a.md", Line: 2, Level: Error, Message: "x"},
		{Path: "a.md", Line: 0, Level: Warning, Message: "whole file"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.String())
	}
	want := []string{
		"a.md: warning: whole file",
		"a.md:2: x",
		"a.md:2: y",
		"a.md:2: warning: w",
		"a.md:10: z", // lines compare as numbers, not text
		"b.md:1: warning: w",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted:\n%q\nwant\n%q", got, want)
	}
}
