package meta

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

func decodeTOML(data []byte) (*Node, error) {
	var m map[string]any
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &SyntaxError{Line: pe.Position.Line, Msg: "invalid TOML front matter: " + pe.Message}
		}
		return nil, &SyntaxError{Line: 1, Msg: "invalid TOML front matter: " + err.Error()}
	}
	lines := tomlLines(data)
	root := &Node{Kind: Map, Line: 1}
	// Keep the keys in the order they were written.
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) == 0 || seen[k[0]] {
			continue
		}
		seen[k[0]] = true
		v, ok := m[k[0]]
		if !ok {
			continue
		}
		line := lines.key(k[0])
		node, err := fromTOML(v, line, 0, lines.tables[k[0]])
		if err != nil {
			return nil, err
		}
		root.Keys = append(root.Keys, k[0])
		root.Values = append(root.Values, node)
	}
	return root, nil
}

// tomlIndex holds the lines top-level keys and tables, and the keys directly
// under those tables, were written on: the TOML decoder does not report
// positions, so a light scan of the text finds them.
type tomlIndex struct {
	keys   map[string]int         // top-level key or table name → its line
	tables map[string][]tomlTable // top-level table name → each [name] or [[name]] header
}

// tomlTable is one [name] or [[name]] header and the keys written under it.
type tomlTable struct {
	line int
	keys map[string]int
}

var (
	// key = or dotted.key =
	tomlKey = regexp.MustCompile(`^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*[=.]`)
	// [table] or [[array]], alone on its line
	tomlHeader = regexp.MustCompile(`^\s*(\[\[?)\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*(\.?)[^\]]*\]\]?\s*(#.*)?$`)
)

func tomlLines(data []byte) tomlIndex {
	idx := tomlIndex{keys: map[string]int{}, tables: map[string][]tomlTable{}}
	top := true            // before the first header
	var cur map[string]int // keys under the current header; nil under [name.sub]
	open := ""             // the delimiter of the multi-line string the scan is in, if any
	first := func(keys map[string]int, name []byte, line int) {
		if k := strings.Trim(string(name), `"'`); keys != nil && keys[k] == 0 {
			keys[k] = line
		}
	}
	for i, l := range bytes.Split(data, []byte("\n")) {
		line := i + 1
		if open != "" { // text of a string, not keys
			if bytes.Contains(l, []byte(open)) {
				open = ""
			}
			continue
		}
		open = opensString(l)
		if m := tomlHeader.FindSubmatch(l); m != nil {
			top, cur = false, nil
			first(idx.keys, m[2], line)
			if len(m[3]) == 0 { // not [name.sub], whose keys keep the line of [name]
				cur = map[string]int{}
				name := strings.Trim(string(m[2]), `"'`)
				idx.tables[name] = append(idx.tables[name], tomlTable{line, cur})
			}
			continue
		}
		if m := tomlKey.FindSubmatch(l); m != nil {
			if top {
				first(idx.keys, m[1], line)
			} else {
				first(cur, m[1], line)
			}
		}
	}
	return idx
}

// opensString returns the delimiter of a multi-line string that l opens and
// leaves open, or "".
func opensString(l []byte) string {
	for _, d := range []string{`"""`, `'''`} {
		if bytes.Count(l, []byte(d))%2 == 1 {
			return d
		}
	}
	return ""
}

func (t tomlIndex) key(k string) int {
	if l, ok := t.keys[k]; ok {
		return l
	}
	return 1
}

// fromTOML turns a decoded value written on line into a Node; tables are
// the headers it was written under: one per item of an array of tables, or
// the one of a table.
func fromTOML(v any, line, depth int, tables []tomlTable) (*Node, error) {
	if depth > maxDepth {
		return nil, &SyntaxError{Line: line, Msg: "front matter is nested too deeply"}
	}
	n := &Node{Kind: Scalar, Line: line}
	switch t := v.(type) {
	case string:
		n.Type, n.Value = TypeString, t
	case bool:
		n.Type, n.Value = TypeBool, strconv.FormatBool(t)
	case int64:
		n.Type, n.Value = TypeInt, strconv.FormatInt(t, 10)
	case float64:
		n.Type, n.Value = TypeFloat, strconv.FormatFloat(t, 'g', -1, 64)
	case time.Time:
		// Local date-times carry a marker zone; write them without an offset so
		// they are read in the site's time zone, like "2006-01-02 15:04".
		n.Type = TypeTime
		switch t.Location().String() {
		case "datetime-local":
			n.Value = t.Format("2006-01-02T15:04:05")
		case "date-local":
			n.Value = t.Format("2006-01-02")
		case "time-local":
			n.Type, n.Value = TypeString, t.Format("15:04:05")
		default:
			n.Value = t.Format(time.RFC3339Nano)
		}
	case []map[string]any:
		n.Kind = List
		for i, m := range t {
			l, under := line, []tomlTable(nil)
			if i < len(tables) {
				l, under = tables[i].line, tables[i:i+1]
			}
			item, err := fromTOML(m, l, depth+1, under)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, item)
		}
	case []any:
		n.Kind = List
		for _, e := range t {
			item, err := fromTOML(e, line, depth+1, nil)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, item)
		}
	case map[string]any:
		n.Kind = Map
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var keyLines map[string]int
		if len(tables) == 1 {
			keyLines = tables[0].keys
		}
		for _, k := range keys {
			l := line
			if kl, ok := keyLines[k]; ok {
				l = kl
			}
			item, err := fromTOML(t[k], l, depth+1, nil)
			if err != nil {
				return nil, err
			}
			n.Keys = append(n.Keys, k)
			n.Values = append(n.Values, item)
		}
	default:
		return nil, &SyntaxError{Line: line, Msg: fmt.Sprintf("unsupported TOML value %T", v)}
	}
	return n, nil
}
