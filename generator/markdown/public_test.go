package markdown

import (
	"regexp"
	"strings"
	"testing"
)

func TestPublic(t *testing.T) {
	for in, want := range map[string]string{
		"Hello <b>bold</b>":                   "<p>Hello &lt;b&gt;bold&lt;/b&gt;</p>\n",
		"<div onclick=x>\nhi\n</div>":         "<p>&lt;div onclick=x&gt;\nhi\n&lt;/div&gt;</p>\n",
		"[x](javascript:alert(1))":            "<p>x</p>\n",
		"[x](/internal/path)":                 "<p>x</p>\n",
		"[x](https://a.example/?a=1&b=2)":     `<p><a href="https://a.example/?a=1&amp;b=2" rel="nofollow noopener noreferrer">x</a></p>` + "\n",
		"![chart](https://cdn.example/p.png)": `<p><a href="https://cdn.example/p.png" rel="nofollow noopener noreferrer">chart</a></p>` + "\n",
		"<support@example.com>":               `<p><a href="mailto:support@example.com" rel="nofollow noopener noreferrer">support@example.com</a></p>` + "\n",
		"see https://status.example.com":      `<p>see <a href="https://status.example.com" rel="nofollow noopener noreferrer">https://status.example.com</a></p>` + "\n",
		"[d](data:text/html,x) [f](ftp://x)":  "<p>d f</p>\n",
		"":                                    "",
	} {
		if got := string(Public(in)); got != want {
			t.Errorf("Public(%q) =\n  %q\nwant\n  %q", in, got, want)
		}
	}
}

var (
	liveTag  = regexp.MustCompile(`(?i)<(script|iframe|img|object|embed|style|svg|form|input|base|meta|link)[\s>/]`)
	liveHref = regexp.MustCompile(`(?i)<a href="([^"]*)"`)
	onAttr   = regexp.MustCompile(`(?i)<[a-z]+[^>]*\son[a-z]+=`)
)

// FuzzPublic: whatever the text, customer HTML has no element but plain
// formatting and links, and every link is http, https or mailto.
func FuzzPublic(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", "[x](javascript:y)", "![i](https://x/y.png)", "<a href='x'>y</a>",
		"*a* **b** `c`\n\n| a | b |\n|---|---|\n| 1 | 2 |", "<img src=x onerror=y>", "www.example.com", "[a](<javascript:b>)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(Public(s))
		if m := liveTag.FindString(out); m != "" {
			t.Fatalf("Public(%q) has %q:\n%s", s, m, out)
		}
		if onAttr.MatchString(out) {
			t.Fatalf("Public(%q) has an event handler:\n%s", s, out)
		}
		for _, m := range liveHref.FindAllStringSubmatch(out, -1) {
			u := strings.ToLower(m[1])
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "mailto:") {
				t.Fatalf("Public(%q) links to %q", s, m[1])
			}
		}
	})
}
