package meta

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// fastYAML decodes the plain block YAML that front matter is nearly always
// written in, about ten times faster than yaml.v3. It returns exactly the
// tree that yaml.v3 and fromYAML build — same kinds, types, values, lines and
// key order — or ok=false as soon as it meets anything outside the subset it
// reads, and decodeYAML then falls back to yaml.v3. It never reports an
// error: invalid YAML is outside the subset, and yaml.v3 words the error.
//
// The subset:
//
//   - a block mapping at the root, with plain keys of ASCII letters and
//     digits, non-ASCII characters, spaces and _ - . that do not start with -
//     or . and are followed by ": ", or by ":" at the end of the line;
//     duplicate keys are kept, as yaml.v3 keeps them;
//   - block mappings and sequences nested by indentation, "- key: value" items,
//     and sequences indented as far as the key that holds them;
//   - plain scalars on one line, typed as yaml.v3's resolve types them (null,
//     bool, int, float, timestamp, else string);
//   - single- and double-quoted scalars on one line, with their escapes;
//   - flow sequences of such scalars on one line, as in [a, "b", 'c'];
//   - literal and folded block scalars (|, |-, |+, >, >-, >+) without an
//     indentation indicator;
//   - blank lines and # comments.
//
// Outside it are, among others: tabs, carriage returns and other line breaks,
// control characters, anchors, aliases, tags, flow mappings, nested flow
// sequences, complex and quoted keys, document markers, directives, plain or
// quoted scalars spanning lines, and a scalar on the line below its key.
// FuzzFastYAML checks that the fast path agrees with yaml.v3 wherever it
// returns ok.
func fastYAML(data []byte) (*Node, bool) {
	if !fastText(data) {
		return nil, false
	}
	p := &fastParser{lines: strings.Split(string(data), "\n")}
	if !p.next() {
		return nil, false
	}
	n, ok := p.mapping(p.col, 1)
	if !ok || p.next() || p.nodes >= maxNodes {
		return nil, false
	}
	return n, true
}

// fastText reports whether data is valid UTF-8 that yaml.v3 would read
// without error, broken into lines by "\n" only, and free of tabs and
// byte-order marks, which the fast path does not handle.
func fastText(data []byte) bool {
	for i := 0; i < len(data); i++ {
		c := data[i]
		if ' ' <= c && c < 0x7f || c == '\n' {
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1, // invalid UTF-8
			r < 0xa0,                 // C1 controls, and NEL, a line break
			r == 0x2028, r == 0x2029, // line and paragraph separators
			r == 0xfeff,              // byte-order mark
			r == 0xfffe, r == 0xffff: // non-characters yaml.v3 rejects
			return false
		}
		i += size - 1
	}
	return true
}

// fastParser reads front matter line by line. Columns are byte offsets,
// which is exact for the spaces that indent YAML.
type fastParser struct {
	lines []string // the front matter split at "\n": all but the last line end with a line break
	i     int      // the line being read, from 0
	col   int      // where reading resumes in lines[i]
	nodes int      // how many nodes have been made

	// To allocate less, nodes are cut from blocks, and the keys, values and
	// items of the collections being read are stacked here, innermost last,
	// until each collection is complete and they can be copied out.
	free []Node
	keys []string
	vals []*Node
}

func (p *fastParser) node(kind Kind, typ, value string, line int) *Node {
	if len(p.free) == 0 { // front matter has about one node a line: two blocks are usually enough
		p.free = make([]Node, len(p.lines)/2+16)
	}
	n := &p.free[0]
	p.free = p.free[1:]
	p.nodes++
	*n = Node{Kind: kind, Type: typ, Value: value, Line: line}
	return n
}

// next moves to the next token, past spaces, comments and line breaks, and
// reports whether there is one.
func (p *fastParser) next() bool {
	for ; p.i < len(p.lines); p.i, p.col = p.i+1, 0 {
		l := p.lines[p.i]
		p.col = skipSpaces(l, p.col)
		if p.col < len(l) && l[p.col] != '#' {
			return true
		}
	}
	return false
}

// nextLine moves to the start of the line below, after checking that the
// current one holds nothing more than spaces and a comment from i on.
func (p *fastParser) nextLine(i int) bool {
	l := p.lines[p.i]
	if i < len(l) && l[i] != ' ' {
		return false
	}
	if i = skipSpaces(l, i); i < len(l) && l[i] != '#' {
		return false
	}
	p.i, p.col = p.i+1, 0
	return true
}

// dash reports whether a block sequence entry ("- ", or "-" ending the line) is at p.col.
func (p *fastParser) dash() bool {
	l := p.lines[p.i]
	return l[p.col] == '-' && (p.col+1 == len(l) || l[p.col+1] == ' ')
}

// mapping reads the block mapping whose first key is at p.col.
func (p *fastParser) mapping(col, depth int) (*Node, bool) {
	if depth >= maxDepth {
		return nil, false
	}
	n := p.node(Map, "", "", p.i+1)
	keys, vals := len(p.keys), len(p.vals)
	for {
		key, end, ok := p.key()
		if !ok {
			return nil, false
		}
		line := p.i + 1
		var v *Node
		if p.nextLine(end) { // the value is below the key, or there is none
			v, ok = p.below(col, line, depth+1, true)
		} else {
			p.col = skipSpaces(p.lines[p.i], end)
			v, ok = p.inline(col, depth+1)
		}
		if !ok {
			return nil, false
		}
		p.keys = append(p.keys, key)
		p.vals = append(p.vals, v)
		if !p.next() || p.col < col {
			n.Keys = slices.Clone(p.keys[keys:])
			p.keys = p.keys[:keys]
			n.Values = p.pop(vals)
			return n, true
		}
		if p.col > col {
			return nil, false
		}
	}
}

// pop removes the values stacked since from and returns them.
func (p *fastParser) pop(from int) []*Node {
	vals := slices.Clone(p.vals[from:])
	p.vals = p.vals[:from]
	return vals
}

// key reads the plain key at p.col and returns it with the offset after its colon.
func (p *fastParser) key() (string, int, bool) {
	l := p.lines[p.i]
	start, end := p.col, p.col
	for end < len(l) && isKeyByte(l[end]) {
		end++
	}
	switch c := l[start]; {
	case end == start, end-start > 1000, // yaml.v3 looks at most 1024 characters ahead for the colon
		c == '-', c == '.',
		end == len(l), l[end] != ':',
		end+1 < len(l) && l[end+1] != ' ':
		return "", 0, false
	}
	return strings.TrimRight(l[start:end], " "), end + 1, true
}

func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == ' ' || c >= utf8.RuneSelf
}

// below reads a value written on the lines below its key or dash, on line,
// in a block indented by parent: a nested mapping or sequence, else null.
// A sequence may be indented as far as its parent when it is a key's value
// (atParent).
func (p *fastParser) below(parent, line, depth int, atParent bool) (*Node, bool) {
	if !p.next() || p.col < parent || p.col == parent && !(atParent && p.dash()) {
		return p.node(Null, "", "", line), true
	}
	if p.dash() {
		return p.sequence(p.col, depth)
	}
	return p.mapping(p.col, depth)
}

// sequence reads the block sequence whose first dash is at p.col.
func (p *fastParser) sequence(col, depth int) (*Node, bool) {
	if depth >= maxDepth {
		return nil, false
	}
	n := p.node(List, "", "", p.i+1)
	items := len(p.vals)
	for {
		line := p.i + 1
		var item *Node
		var ok bool
		if p.nextLine(p.col + 1) { // past the dash
			item, ok = p.below(col, line, depth+1, false)
		} else {
			p.col = skipSpaces(p.lines[p.i], p.col+1)
			item, ok = p.item(col, depth+1)
		}
		if !ok {
			return nil, false
		}
		p.vals = append(p.vals, item)
		more := p.next()
		if more && p.col > col {
			return nil, false
		}
		if !more || p.col < col || !p.dash() { // the end, or the next key of the mapping that holds the sequence
			n.Items = p.pop(items)
			return n, true
		}
	}
}

// item reads the sequence item at p.col, on the line of its dash, in a
// sequence indented by parent: a sequence, a mapping, or what inline reads.
func (p *fastParser) item(parent, depth int) (*Node, bool) {
	if p.dash() {
		return p.sequence(p.col, depth)
	}
	if _, _, ok := p.key(); ok {
		return p.mapping(p.col, depth)
	}
	return p.inline(parent, depth)
}

// inline reads the value that starts at p.col, on the line of its key or
// dash, in a block indented by parent: a scalar or a flow sequence.
func (p *fastParser) inline(parent, depth int) (*Node, bool) {
	l, line := p.lines[p.i], p.i+1
	var n *Node
	var end int
	var ok bool
	switch l[p.col] {
	case '|', '>':
		return p.blockScalar(parent)
	case '[':
		n, end, ok = p.flow(depth)
	default:
		n, end, ok = p.scalar(l, p.col, line, false)
	}
	if !ok || !p.nextLine(end) {
		return nil, false
	}
	return n, true
}

// flow reads the flow sequence of scalars at p.col, which must end on its line,
// and returns it with the offset after its closing bracket.
func (p *fastParser) flow(depth int) (*Node, int, bool) {
	if depth >= maxDepth {
		return nil, 0, false
	}
	l, line := p.lines[p.i], p.i+1
	n := p.node(List, "", "", line)
	i := skipSpaces(l, p.col+1)
	if i < len(l) && l[i] == ']' {
		return n, i + 1, true
	}
	items := len(p.vals)
	for {
		item, end, ok := p.scalar(l, i, line, true)
		if !ok {
			return nil, 0, false
		}
		p.vals = append(p.vals, item)
		switch i = skipSpaces(l, end); {
		case i == len(l):
			return nil, 0, false
		case l[i] == ']':
			n.Items = p.pop(items)
			return n, i + 1, true
		case l[i] != ',':
			return nil, 0, false
		}
		i = skipSpaces(l, i+1)
	}
}

// scalar reads the quoted or plain scalar at l[i], on line, and returns it
// with the offset after it. In a flow sequence a plain scalar ends before a
// comma or the closing bracket, elsewhere before a comment or at the end of
// the line.
func (p *fastParser) scalar(l string, i, line int, flow bool) (*Node, int, bool) {
	if i == len(l) {
		return nil, 0, false
	}
	var v string
	var end int
	var ok bool
	switch l[i] {
	case '\'':
		v, end, ok = singleQuoted(l, i)
	case '"':
		v, end, ok = doubleQuoted(l, i)
	default:
		if end, ok = plainEnd(l, i, flow); ok {
			v = strings.TrimRight(l[i:end], " ")
			return p.plain(v, line), i + len(v), true
		}
	}
	if !ok {
		return nil, 0, false
	}
	return p.node(Scalar, TypeString, v, line), end, true
}

// plainEnd returns where the plain scalar that starts at l[i] ends, or false
// when it would not start there or would go on as something the fast path
// does not read: a mapping value (": "), or in a flow sequence a flow
// mapping, a nested sequence, a complex key or a comment.
func plainEnd(l string, i int, flow bool) (int, bool) {
	switch l[i] {
	case '-':
		if i+1 == len(l) || l[i+1] == ' ' {
			return 0, false
		}
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return 0, false
	}
	for j := i; j < len(l); j++ {
		c := l[j]
		if flow {
			switch c {
			case ',', ']':
				return j, true
			case ':', '?', '#', '[', '{', '}':
				return 0, false
			}
			continue
		}
		switch {
		case c == '#' && l[j-1] == ' ':
			return j, true
		case c == ':' && (j+1 == len(l) || l[j+1] == ' '):
			return 0, false
		}
	}
	return len(l), !flow
}

// singleQuoted reads the single-quoted scalar that starts at l[i] and ends on
// its line, and returns its value and the offset after it.
func singleQuoted(l string, i int) (string, int, bool) {
	var b strings.Builder
	rest := l[i+1:]
	for {
		k := strings.IndexByte(rest, '\'')
		if k < 0 {
			return "", 0, false
		}
		if k+1 < len(rest) && rest[k+1] == '\'' { // '' is an escaped quote
			b.WriteString(rest[:k+1])
			rest = rest[k+2:]
			continue
		}
		end := len(l) - len(rest) + k + 1
		if b.Len() == 0 {
			return rest[:k], end, true
		}
		b.WriteString(rest[:k])
		return b.String(), end, true
	}
}

// doubleQuoted reads the double-quoted scalar that starts at l[i] and ends on
// its line, and returns its value and the offset after it. It knows the
// escapes yaml.v3 knows, and no other (not \/).
func doubleQuoted(l string, i int) (string, int, bool) {
	rest := l[i+1:]
	end := strings.IndexByte(rest, '"')
	if end >= 0 && strings.IndexByte(rest[:end], '\\') < 0 {
		return rest[:end], i + 1 + end + 1, true
	}
	var b []byte
	for j := i + 1; ; {
		k := strings.IndexAny(l[j:], `"\`)
		if k < 0 {
			return "", 0, false
		}
		b, j = append(b, l[j:j+k]...), j+k
		if l[j] == '"' {
			return string(b), j + 1, true
		}
		if j+1 == len(l) { // an escaped line break
			return "", 0, false
		}
		e := l[j+1]
		j += 2
		if r, ok := doubleQuoteEscapes[e]; ok {
			b = utf8.AppendRune(b, r)
			continue
		}
		digits := hexEscapes[e]
		if digits == 0 || j+digits > len(l) {
			return "", 0, false
		}
		r, err := strconv.ParseUint(l[j:j+digits], 16, 32)
		if err != nil || !utf8.ValidRune(rune(r)) {
			return "", 0, false
		}
		b = utf8.AppendRune(b, rune(r))
		j += digits
	}
}

// doubleQuoteEscapes are the one-character escapes of double-quoted scalars.
var doubleQuoteEscapes = map[byte]rune{
	'0': 0, 'a': '\a', 'b': '\b', 't': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r',
	'e': 0x1b, ' ': ' ', '"': '"', '\'': '\'', '\\': '\\',
	'N': 0x85, '_': 0xa0, 'L': 0x2028, 'P': 0x2029,
}

// hexEscapes are the escapes of double-quoted scalars followed by a code
// point in hexadecimal, with the number of its digits.
var hexEscapes = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// blockScalar reads the literal (|) or folded (>) scalar whose header is at
// p.col, in a block indented by parent, and leaves p on the first line after it.
func (p *fastParser) blockScalar(parent int) (*Node, bool) {
	header, line := p.lines[p.i][p.col:], p.i+1
	literal := header[0] == '|'
	var chomp byte // '-' strips the final line break, '+' keeps the trailing blank lines
	end := p.col + 1
	if len(header) > 1 && (header[1] == '-' || header[1] == '+') {
		chomp = header[1]
		end++
	}
	if !p.nextLine(end) {
		return nil, false
	}

	// The content is indented as far as its first non-blank line, at least
	// one more than parent, and no less than the blank lines before it.
	indent := parent + 1
	for _, l := range p.lines[p.i:] {
		sp := skipSpaces(l, 0)
		indent = max(indent, sp)
		if sp < len(l) {
			break
		}
	}

	var b strings.Builder
	breaks := 0           // blank lines since the last content line
	lineBreak := false    // whether the last content line ended with a line break
	leadingSpace := false // whether the last content line started with a space
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		sp := skipSpaces(l, 0)
		if sp == len(l) && len(l) <= indent { // a blank line
			if p.i < len(p.lines)-1 {
				breaks++
			}
			continue
		}
		if sp < indent { // the first line after the scalar
			break
		}
		text := l[indent:]
		switch {
		case !literal && lineBreak && !leadingSpace && text[0] != ' ':
			if breaks == 0 { // folded lines are joined by a space
				b.WriteByte(' ')
			}
		case lineBreak:
			b.WriteByte('\n')
		}
		writeBreaks(&b, breaks)
		b.WriteString(text)
		breaks, leadingSpace, lineBreak = 0, text[0] == ' ', p.i < len(p.lines)-1
	}
	if chomp != '-' && lineBreak {
		b.WriteByte('\n')
	}
	if chomp == '+' {
		writeBreaks(&b, breaks)
	}
	p.col = 0
	return p.node(Scalar, TypeString, b.String(), line), true
}

func writeBreaks(b *strings.Builder, n int) {
	for range n {
		b.WriteByte('\n')
	}
}

// plain returns the node of the plain scalar s, typed as yaml.v3 types it.
func (p *fastParser) plain(s string, line int) *Node {
	switch s {
	case "~", "null", "Null", "NULL":
		return p.node(Null, "", s, line)
	case "true", "True", "TRUE":
		return p.node(Scalar, TypeBool, "true", line)
	case "false", "False", "FALSE":
		return p.node(Scalar, TypeBool, "false", line)
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
		"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return p.node(Scalar, TypeFloat, s, line)
	}
	return p.node(Scalar, plainType(s), s, line)
}

// plainType types a plain scalar that is not one of yaml.v3's named values
// (null, true, .inf, …): yaml.v3 tries a float when it starts with a dot,
// and a timestamp, an int and a float when it starts with a digit or a sign.
func plainType(s string) string {
	switch c := s[0]; {
	case c == '.':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return TypeFloat
		}
	case c == '+', c == '-', '0' <= c && c <= '9':
		if isTimestamp(s) {
			return TypeTime
		}
		s = strings.ReplaceAll(s, "_", "")
		if _, err := strconv.ParseInt(s, 0, 64); err == nil {
			return TypeInt
		}
		if _, err := strconv.ParseUint(s, 0, 64); err == nil {
			return TypeInt
		}
		if yamlFloat.MatchString(s) {
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return TypeFloat
			}
		}
		// yaml.v3 also takes a sign after the 0b and 0o prefixes: 0b-101, 0o+17.
		if strings.HasPrefix(s, "0b") || strings.HasPrefix(s, "0o") {
			base := 2
			if s[1] == 'o' {
				base = 8
			}
			if _, err := strconv.ParseInt(s[2:], base, 64); err == nil {
				return TypeInt
			}
		}
	}
	return TypeString
}

// yamlFloat is the syntax of the floats yaml.v3 reads with a digit or a sign first.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// timestampLayouts are the timestamps yaml.v3 reads, tried in order.
var timestampLayouts = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp reports whether yaml.v3 reads s as a timestamp: four digits,
// a dash, and then one of timestampLayouts.
func isTimestamp(s string) bool {
	if len(s) < 5 || s[4] != '-' || skipDigits(s[:4]) != 4 {
		return false
	}
	for _, layout := range timestampLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

func skipDigits(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

func skipSpaces(l string, i int) int {
	for i < len(l) && l[i] == ' ' {
		i++
	}
	return i
}
