package meta

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser, as opposed to its
// scanner. The scanner names the line at fault, counted from 1; the parser
// names the line, counted from 0, where the enclosing block starts.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
}

// maxErrorSearch bounds how many lines parserLine reads again.
const maxErrorSearch = 200

func decodeYAML(data []byte) (*Node, error) {
	if n, ok := fastYAML(data); ok {
		return n, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErr(data, err)
	}
	if doc.Kind == 0 { // empty document
		return nil, nil
	}
	count := 0
	return fromYAML(&doc, 0, &count)
}

// yamlErr turns an error of yaml.v3 into a SyntaxError at the line of data at fault.
func yamlErr(data []byte, err error) error {
	line, msg := YAMLError(data, err)
	return &SyntaxError{Line: line, Msg: "invalid YAML front matter: " + msg}
}

// YAMLError locates an error yaml.v3 returned for data, a syntax error or a
// decoding (type) error: it returns the 1-based line of data at fault and the
// message without its "yaml: line N:" prefix.
func YAMLError(data []byte, err error) (line int, msg string) {
	line, msg = yamlProblem(err)
	if parserProblems[msg] {
		line = parserLine(data, line+1, msg)
	}
	return max(line, 1), msg
}

// yamlProblem splits an error of yaml.v3 into the line it names (0 when it
// names none) and its message.
func yamlProblem(err error) (int, string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// parserLine finds the line at fault for a parser error whose enclosing
// block starts on line from: it is the last line of the shortest prefix of
// data that fails with the same message.
func parserLine(data []byte, from int, msg string) int {
	end := 0
	for i, l := range bytes.SplitAfter(data, []byte("\n")) {
		end += len(l)
		line := i + 1
		if line < from {
			continue
		}
		if line >= from+maxErrorSearch {
			break
		}
		var n yaml.Node
		if err := yaml.Unmarshal(data[:end], &n); err != nil {
			if _, m := yamlProblem(err); m == msg {
				return line
			}
		}
	}
	return from
}

func fromYAML(y *yaml.Node, depth int, count *int) (*Node, error) {
	if depth > maxDepth {
		return nil, &SyntaxError{Line: y.Line, Msg: "front matter is nested too deeply"}
	}
	if *count++; *count > maxNodes {
		return nil, &SyntaxError{Line: y.Line, Msg: "front matter has too many values (are YAML aliases expanding?)"}
	}
	n := &Node{Line: y.Line}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return nil, nil
		}
		return fromYAML(y.Content[0], depth+1, count)
	case yaml.AliasNode:
		if y.Alias == nil {
			return nil, &SyntaxError{Line: y.Line, Msg: "unknown YAML alias"}
		}
		a, err := fromYAML(y.Alias, depth+1, count)
		if a != nil {
			a.Line = y.Line
		}
		return a, err
	case yaml.SequenceNode:
		n.Kind = List
		for _, c := range y.Content {
			v, err := fromYAML(c, depth+1, count)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, v)
		}
	case yaml.MappingNode:
		n.Kind = Map
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &SyntaxError{Line: k.Line, Msg: "a field name must be plain text"}
			}
			if k.Value == "<<" && k.Tag == "!!merge" {
				return nil, &SyntaxError{Line: k.Line, Msg: "YAML merge keys (<<) are not supported in front matter"}
			}
			val, err := fromYAML(v, depth+1, count)
			if err != nil {
				return nil, err
			}
			if val == nil {
				val = &Node{Line: v.Line}
			}
			n.Keys = append(n.Keys, k.Value)
			n.Values = append(n.Values, val)
		}
	case yaml.ScalarNode:
		n.Kind, n.Value = Scalar, y.Value
		switch y.ShortTag() {
		case "!!null":
			n.Kind = Null
		case "!!bool":
			n.Type = TypeBool
			b, _ := strconv.ParseBool(strings.ToLower(y.Value))
			n.Value = strconv.FormatBool(b)
			if low := strings.ToLower(y.Value); low == "yes" || low == "on" {
				n.Value = "true"
			}
		case "!!int":
			n.Type = TypeInt
		case "!!float":
			n.Type = TypeFloat
		case "!!timestamp":
			n.Type = TypeTime
		default:
			n.Type = TypeString
		}
	default:
		return nil, &SyntaxError{Line: y.Line, Msg: fmt.Sprintf("unexpected YAML node kind %d", y.Kind)}
	}
	return n, nil
}
