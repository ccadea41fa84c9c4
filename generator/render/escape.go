package render

import "strings"

// The compiled incident page (compiled.go) writes what html/template would
// write for the default layout, so it escapes values the way html/template's
// escapers do in the places that layout puts them. FuzzEscapers checks each
// of these against html/template itself.

// appendHTML appends s as html/template writes a string in HTML text, in a
// quoted attribute value and in <title>: NUL becomes U+FFFD and " & ' + < >
// become character references.
func appendHTML(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, repl...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// appendURLAttr appends s as html/template writes it into a quoted URL
// attribute (href): a string whose scheme is not http, https or mailto
// becomes "#ZgotmplZ" (unless trusted, as a template.URL is), bytes that
// may not appear in a URL are percent-encoded, and the result is escaped
// for the attribute.
func appendURLAttr(b []byte, s string, trusted bool) []byte {
	if !trusted && !safeScheme(s) {
		return append(b, "#ZgotmplZ"...)
	}
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b = append(b, c)
		case c == '-', c == '.', c == '_', c == '~', c == '!', c == '#', c == '$', c == '*', c == ',',
			c == '/', c == ':', c == ';', c == '=', c == '?', c == '@', c == '[', c == ']':
			b = append(b, c)
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '+':
			b = append(b, "&#43;"...)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, c)
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// safeScheme reports whether s is relative or its scheme is http, https or
// mailto, compared as strings.EqualFold compares.
func safeScheme(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
