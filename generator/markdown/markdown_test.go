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

// FuzzPlain checks that whenever plain renders text itself, goldmark would
// have written the same, with either configuration.
func FuzzPlain(f *testing.F) {
	for _, s := range []string{
		"A default timeout of 27292 ms let slow calls pile up.", `The "retry" policy had no jitter.`, "Émission 'retardée' à 13 h.",
		"see http://x", "www.example.com went down", "HTTPS:x", "a  b", "a\tb", "a\\b", "1. first", "Title\n===", "a &amp; b",
		"R&D", "x <b> y", "a_b_c", "~~no~~", "a|b", "4 spaces", " lead", "trail ", "\u00a0nbsp\u00a0", "a\u2028b", "\xff", "é",
		"ftp:y", "# h", "+ i", "> q", "= e", ".", "!", "a!b", "(www.x.org)", "{#id}", "a: b", "mailto:x@y.z", "x@y.z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := plain(s)
		if !ok {
			return
		}
		if want := convert(md, []byte(s)); h != want {
			t.Fatalf("plain(%q) = %q, goldmark writes %q", s, h, want)
		}
		if want := convert(public, []byte(s)); h != want {
			t.Fatalf("plain(%q) = %q, the public configuration writes %q", s, h, want)
		}
	})
}

func BenchmarkString(b *testing.B) {
	s := "Capacity of rabbitmq was sized for average traffic, not for the peak that followed the schema migration. " +
		"Nothing validated the configuration of rabbitmq before it was pushed to every region."
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			String(s)
		}
	})
	b.Run("goldmark", func(b *testing.B) {
		for b.Loop() {
			convert(md, []byte(s))
		}
	})
}
