package markdown

import (
	"strings"
	"testing"
)

func TestAutolinks(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"see https://status.example.com/x for more", `see <a href="https://status.example.com/x">https://status.example.com/x</a> for more`},
		{"www.example.com is up", `<a href="http://www.example.com">www.example.com</a> is up`},
		{"(https://paren.example.com/a)", `(<a href="https://paren.example.com/a">https://paren.example.com/a</a>)`},
		{"*https://em.example.com*", `<em><a href="https://em.example.com">https://em.example.com</a></em>`},
		{"foohttp://not.a.link", "foohttp://not.a.link"},
		{"hello world, fine", "hello world, fine"},
		{"write to <oncall@example.com>", `write to <a href="mailto:oncall@example.com">oncall@example.com</a>`},
		{"javascript:alert(1)", "javascript:alert(1)"},
	} {
		got := strings.TrimSpace(string(HTML([]byte(c.in))))
		got = strings.TrimSuffix(strings.TrimPrefix(got, "<p>"), "</p>")
		if got != c.want {
			t.Errorf("%q\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestInert(t *testing.T) {
	out := string(HTML([]byte("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [data](data:text/html,x)")))
	for _, bad := range []string{"<script", "onerror", "javascript:", "data:text"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q:\n%s", bad, out)
		}
	}
}

func TestReservedIDs(t *testing.T) {
	src := []byte("## Facts\n\n## Facts\n\n## Timeline")
	var b strings.Builder
	if err := Render(&b, src, Parse(src)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`id="facts-1"`, `id="facts-2"`, `id="timeline"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in %s", want, out)
		}
	}
}
