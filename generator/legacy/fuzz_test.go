package legacy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/generator/markdown"
)

// wantFields are the field names Infer asks want about.
var wantFields = []string{
	"title", "severity", "services", "tags", "status", "started_at", "detected_at", "mitigated_at",
	"resolved_at", "timeline", "root_cause", "contributing_factors", "five_whys", "actions",
}

// FuzzInfer checks that Infer never panics, whatever the input, that the
// times it sets are never before StartedAt, and that the document it leaves
// still renders.
func FuzzInfer(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, filepath.Base(file), uint16(0xffff))
		f.Add(src, filepath.Base(file), uint16(0x5555))
	}
	for _, s := range []string{
		"", "#", "## Timeline", "## Timeline\n\n| a |\n|---|\n| 14:02 |\n", "## Actions\n\n- [x]\n- (owner: )\n- [\n",
		"Date: 2024-02-30\nStarted: 25:00\n", "## Root cause\n\n---\n", "- 23:59 a\n- 00:01 b\n",
		"## 5 whys\n\n|\n|-|\n", "Services: , ;\nTags: #\n", "## Stats\n\nDuration: 999999 days\n",
		"## Actions\n\n- )\n- ]\n- (\n- a (b\n- [x] (owner: )\n- — @\n- x — \n- DONE:\n- ✅\n- a [b] (c) [d]\n",
		"## Timeline\n\n| Date | Time |\n|---|---|\n| 2024-11-02 |\n| | 10:00 |\n| 2024-11-02 | 25:00 | x |\n",
		"> Date: 2024-11-02\n> Started: 10:00\n\n## Timeline\n\n- Nov 2\n  - 23:00 x\n- 01:00 y\n",
		"| Date | Severity |\n|---|---|\n| 2024-11-02 | SEV1 |\n\n| Metric | Value |\n|---|---|\n| TTD | 1:30 |\n",
	} {
		f.Add([]byte(s), "2024-11-02 x.md", uint16(0xffff))
	}
	f.Fuzz(func(t *testing.T, src []byte, name string, mask uint16) {
		doc := markdown.Parse(src)
		want := func(field string) bool {
			for i, f := range wantFields {
				if f == field {
					return mask&(1<<i) != 0
				}
			}
			return true
		}
		r := Infer(doc, src, name, paris, want)
		if !r.StartedAt.IsZero() {
			for _, at := range []struct {
				name string
				t    time.Time
			}{{"detected", r.DetectedAt}, {"mitigated", r.MitigatedAt}, {"resolved", r.ResolvedAt}} {
				if !at.t.IsZero() && at.t.Before(r.StartedAt) {
					t.Errorf("%s_at %v is before started_at %v", at.name, at.t, r.StartedAt)
				}
			}
		}
		var b bytes.Buffer
		if err := markdown.Render(&b, src, doc); err != nil {
			t.Fatalf("render after removals: %v", err)
		}
	})
}
