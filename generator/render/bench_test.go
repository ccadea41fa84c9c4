package render

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/site"
	"github.com/hindsight-sre/hindsight/generator/synth"
	"github.com/hindsight-sre/hindsight/themes"
)

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// BenchmarkIncidentPage renders incident pages of a synthetic knowledge base
// (every field filled), the page a large build renders most.
func BenchmarkIncidentPage(b *testing.B) {
	dir := b.TempDir()
	if err := synth.Generate(dir, synth.Options{Postmortems: 300}); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "hindsight.yaml"), true)
	if err != nil {
		b.Fatal(err)
	}
	s, diags := site.Load(os.DirFS(filepath.Join(dir, "content")), cfg, site.Options{Drafts: true, Now: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if s == nil {
		b.Fatal(diags)
	}
	r, err := newRenderer(s, discard{}, Options{Theme: themes.Default}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := r.renderRows(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		inc := s.Incidents[i%len(s.Incidents)]
		if err := r.page("incident.html", &Page{Kind: "incident", Title: inc.Title, Path: "incidents/" + inc.ID + "/index.html", Incident: inc}); err != nil {
			b.Fatal(err)
		}
	}
}
