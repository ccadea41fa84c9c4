// Package postmortem owns the postmortem: its typed fields (facts, analysis,
// actions, communication, retrospective), reading one from a file's front
// matter and body, and the checks that concern a single file. Fields the front
// matter leaves empty are inferred from the Markdown body (package legacy);
// front matter always wins.
package postmortem

import (
	"html/template"
	"slices"
	"time"
)

// Statuses of a postmortem.
const (
	StatusDraft     = "draft"
	StatusReview    = "review"
	StatusPublished = "published"
)

// Statuses lists the valid postmortem statuses.
var Statuses = []string{StatusDraft, StatusReview, StatusPublished}

// ActionTypes lists the kinds of action, as the postmortem practice names them.
var ActionTypes = []string{"fix", "automate", "tool", "formalize", "test", "inform"}

// ActionStatuses lists the states of an action.
var ActionStatuses = []string{"open", "done", "wontfix"}

// IshikawaCategories are the usual fishbone categories, in drawing order.
var IshikawaCategories = []string{"people", "process", "tools", "environment", "measurement", "materials"}

// Postmortem is one incident's postmortem.
type Postmortem struct {
	Path     string // path of the source file, as shown in messages
	ID       string
	Title    string
	Status   string
	Severity string // normalised to the configured scale, upper case
	Services []string
	Tags     []string
	Language string

	// Facts.
	StartedAt     time.Time
	DetectedAt    time.Time
	MitigatedAt   time.Time
	ResolvedAt    time.Time
	Timeline      []Event
	ChangeInduced bool
	Trigger       string

	// Durations stated in the text of postmortems without timestamps.
	StatedDetect, StatedMitigate, StatedResolve time.Duration

	// Analysis.
	RootCause           string // Markdown
	ContributingFactors []string
	FiveWhys            []string
	Ishikawa            []Category

	Actions       []Action
	Customer      Customer
	Retrospective Retrospective

	Body     template.HTML // the rendered Markdown body, less what became fields
	Inferred bool          // the file has no front matter: every field was inferred

	// Lines maps top-level field names ("status", "root_cause") to the line of
	// the file they were written on, for messages about them.
	Lines map[string]int
}

// Line returns the line a field was written on, or 1.
func (p *Postmortem) Line(field string) int {
	if l, ok := p.Lines[field]; ok {
		return l
	}
	return 1
}

// Event is one timeline entry.
type Event struct {
	At    time.Time
	Event string
}

// Category is one bone of the Ishikawa diagram.
type Category struct {
	Name   string
	Causes []string
}

// Action is a follow-up action.
type Action struct {
	Title  string
	Type   string
	Owner  string
	Due    time.Time
	Status string
	Link   string
	Line   int // line of the file the action was written on
}

// Overdue reports whether the action is open past its due date at now.
func (a Action) Overdue(now time.Time) bool {
	return a.Status == "open" && !a.Due.IsZero() && a.Due.Before(now)
}

// Customer is the communication meant for customers.
type Customer struct {
	Publish bool
	Title   string
	Summary string // Markdown
	Impact  string // Markdown
}

// Retrospective is the blameless review meeting.
type Retrospective struct {
	Date         time.Time
	Facilitator  string
	Participants []string
}

// Held reports whether a retrospective is recorded.
func (r Retrospective) Held() bool { return !r.Date.IsZero() }

// Draft reports whether the postmortem is not yet published.
func (p *Postmortem) Draft() bool { return p.Status != StatusPublished }

// Ongoing reports whether the incident has no resolution time.
func (p *Postmortem) Ongoing() bool { return p.ResolvedAt.IsZero() && p.StatedResolve == 0 }

// TimeToDetect is detected_at − started_at, or the duration stated in the text.
func (p *Postmortem) TimeToDetect() time.Duration {
	return since(p.StartedAt, p.DetectedAt, p.StatedDetect)
}

// TimeToMitigate is mitigated_at − started_at, or the duration stated in the text.
func (p *Postmortem) TimeToMitigate() time.Duration {
	return since(p.StartedAt, p.MitigatedAt, p.StatedMitigate)
}

// TimeToResolve is resolved_at − started_at, or the duration stated in the text.
func (p *Postmortem) TimeToResolve() time.Duration {
	return since(p.StartedAt, p.ResolvedAt, p.StatedResolve)
}

func since(start, end time.Time, stated time.Duration) time.Duration {
	if !start.IsZero() && !end.IsZero() {
		return end.Sub(start)
	}
	return stated
}

// RetroKnown reports whether both the resolution and the retrospective are
// dated, so RetroDelay means something.
func (p *Postmortem) RetroKnown() bool { return !p.ResolvedAt.IsZero() && p.Retrospective.Held() }

// RetroDelay is the time from resolution to the retrospective (see RetroKnown).
func (p *Postmortem) RetroDelay() time.Duration {
	if !p.RetroKnown() {
		return 0
	}
	return p.Retrospective.Date.Sub(p.ResolvedAt)
}

// RetroOnTime reports whether the retrospective was held within 72 hours of
// resolution.
func (p *Postmortem) RetroOnTime() bool { return p.RetroKnown() && p.RetroDelay() <= 72*time.Hour }

// HasService reports whether the incident affected the named service.
func (p *Postmortem) HasService(name string) bool { return slices.Contains(p.Services, name) }

// Date is the moment the incident is filed under: impact start, else the
// first timeline event, else detection or resolution.
func (p *Postmortem) Date() time.Time {
	// One test after another, not a loop over a slice of the four times:
	// sorting and the metrics call this millions of times.
	switch {
	case !p.StartedAt.IsZero():
		return p.StartedAt
	case !p.DetectedAt.IsZero():
		return p.DetectedAt
	case !p.MitigatedAt.IsZero():
		return p.MitigatedAt
	case !p.ResolvedAt.IsZero():
		return p.ResolvedAt
	}
	if len(p.Timeline) > 0 {
		return p.Timeline[0].At
	}
	return time.Time{}
}
