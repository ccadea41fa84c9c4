// Package diag owns the diagnostics Hindsight reports about content: errors that
// fail a build and warnings that do not, each tied to a file and line and printed
// as "path:line: message" so editors and terminals can jump to them.
package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Level says whether a diagnostic fails the build.
type Level int

const (
	// Error fails the build.
	Error Level = iota
	// Warning is reported but does not fail the build.
	Warning
)

// Diagnostic is one problem found in one file.
type Diagnostic struct {
	Path    string // file path as the user knows it (relative to where hindsight runs)
	Line    int    // 1-based; 0 when the problem concerns the whole file
	Level   Level
	Message string
}

// String formats the diagnostic as "path:line: message" (warnings say so).
func (d Diagnostic) String() string {
	loc := d.Path
	if d.Line > 0 {
		loc = fmt.Sprintf("%s:%d", d.Path, d.Line)
	}
	if d.Level == Warning {
		return loc + ": warning: " + d.Message
	}
	return loc + ": " + d.Message
}

// List collects diagnostics.
type List []Diagnostic

// Errorf adds an error.
func (l *List) Errorf(path string, line int, format string, args ...any) {
	*l = append(*l, Diagnostic{Path: path, Line: line, Level: Error, Message: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning.
func (l *List) Warnf(path string, line int, format string, args ...any) {
	*l = append(*l, Diagnostic{Path: path, Line: line, Level: Warning, Message: fmt.Sprintf(format, args...)})
}

// Errors counts the errors.
func (l List) Errors() int { return l.count(Error) }

// Warnings counts the warnings.
func (l List) Warnings() int { return l.count(Warning) }

func (l List) count(level Level) int {
	n := 0
	for _, d := range l {
		if d.Level == level {
			n++
		}
	}
	return n
}

// Sort orders diagnostics by path, then line, errors before warnings, so output
// is stable whatever order files were read in.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Level, b.Level), cmp.Compare(a.Message, b.Message))
	})
}

// Err returns the list as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if l.Errors() == 0 {
		return nil
	}
	return &Failed{List: l}
}

// Failed is the error returned when content has errors; it carries every diagnostic.
type Failed struct{ List List }

func (f *Failed) Error() string {
	n := f.List.Errors()
	if n == 1 {
		return "1 error in content"
	}
	return fmt.Sprintf("%d errors in content", n)
}
