package postmortem

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/generator/config"
	"github.com/hindsight-sre/hindsight/generator/diag"
)

// FuzzRead checks that Read never panics (it would recover the panic into an
// "internal error" diagnostic), that it returns nil only with an error, and
// that every diagnostic points at a line of the file, or 0 for the whole file.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"", "---", "---\n---\n", "+++\n+++\n", ";;;\n{}\n;;;\n", "{\n}\n",
		"---\ntitle: [\n---\n", "---\n- a\n---\n", "+++\ntitle = \n+++\n", ";;;\n{\"a\": }\n;;;\n",
		"---\nstarted_at: 2025-03-14\nresolved_at: yesterday\n---\n",
		"---\nactions:\n  - Fix it\n  - {title: x, link: \"javascript:x\", due: 2025-02-30}\n  - [1]\n---\n",
		"---\ntimeline:\n  - {at: 2025-03-14 09:12}\n  - 3\nishikawa: {people: {a: 1}}\n---\n",
		"---\nid: ../x\nstatus: FINAL\nseverity: [1]\ncustomer: 3\nretrospective: {date: x}\n---\n",
		"+++\n[[actions]]\n[[actions]]\ntitle = 1\n[retrospective]\ndate = 2025-03-14T09:12:00\n+++\n",
		"# T\n\nDate: 2024-02-30\nSeverity: SEV9\n\n## Timeline\n\n- 23:59 a\n- 00:01 b\n\n## Action items\n\n- [ ] x (owner: )\n",
		"---\ntitle: x\n---\n<script>alert(1)</script>\n[a](javascript:alert(1))\n",
	} {
		f.Add([]byte(s))
	}
	r := &Reader{Config: config.Default()}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Count(src, []byte("\n")) + 1
		var diags diag.List
		p := r.Read("content/2025-03-14 Fuzz.md", src, &diags)
		for _, d := range diags {
			if strings.Contains(d.Message, "internal error") {
				t.Fatalf("Read panicked: %s", d)
			}
			if d.Line < 0 || d.Line > lines+1 {
				t.Errorf("diagnostic on line %d of a %d-line file: %s", d.Line, lines, d)
			}
		}
		if p == nil && diags.Errors() == 0 {
			t.Fatal("Read returned nil without an error")
		}
	})
}
