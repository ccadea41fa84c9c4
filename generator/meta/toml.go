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
		node, err := fromTOML(v, line, 0, lines.tables(k[0]))
		if err != nil {
			return nil, err
		}
		root.Keys = append(root.Keys, k[0])
		root.Values = append(root.Values, node)
	}
	return root, nil
}

// tomlIndex finds the lines top-level keys and [[array]] tables were written on;
// the TOML decoder does not report positions, so a light scan of the text does.
type tomlIndex struct {
	keys   map[string]int
	arrays map[string][]int
}

var (
	tomlKey   = regexp.MustCompile(`^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=`)
	tomlTable = regexp.MustCompile(`^\s*(\[\[?)\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)`)
)

func tomlLines(data []byte) tomlIndex {
	idx := tomlIndex{keys: map[string]int{}, arrays: map[string][]int{}}
	inTable := false
	for i, l := range bytes.Split(data, []byte("\n")) {
		line := i + 1
		if m := tomlTable.FindSubmatch(l); m != nil {
			name := strings.Trim(string(m[2]), `"'`)
			inTable = true
			if string(m[1]) == "[[" {
				idx.arrays[name] = append(idx.arrays[name], line)
			}
			if _, ok := idx.keys[name]; !ok {
				idx.keys[name] = line
			}
			continue
		}
		if m := tomlKey.FindSubmatch(l); m != nil && !inTable {
			name := strings.Trim(string(m[1]), `"'`)
			if _, ok := idx.keys[name]; !ok {
				idx.keys[name] = line
			}
		}
	}
	return idx
}

func (t tomlIndex) key(k string) int {
	if l, ok := t.keys[k]; ok {
		return l
	}
	return 1
}

func (t tomlIndex) tables(k string) []int { return t.arrays[k] }

func fromTOML(v any, line, depth int, itemLines []int) (*Node, error) {
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
			l := line
			if i < len(itemLines) {
				l = itemLines[i]
			}
			item, err := fromTOML(m, l, depth+1, nil)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, item)
		}
	case []any:
		n.Kind = List
		for i, e := range t {
			l := line
			if i < len(itemLines) {
				l = itemLines[i]
			}
			item, err := fromTOML(e, l, depth+1, nil)
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
		for _, k := range keys {
			item, err := fromTOML(t[k], line, depth+1, nil)
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
