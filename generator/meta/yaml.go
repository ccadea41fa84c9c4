package meta

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func decodeYAML(data []byte) (*Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErr(err)
	}
	if doc.Kind == 0 { // empty document
		return nil, nil
	}
	count := 0
	return fromYAML(&doc, 0, &count)
}

func yamlErr(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return &SyntaxError{Line: line, Msg: "invalid YAML front matter: " + msg}
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
