package kustomize

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// jsonOp is one operation of a JSON 6902 patch.
type jsonOp struct {
	Op, Path, From string
	Value          *yaml.Node
}

func readOp(n *yaml.Node) jsonOp {
	return jsonOp{Op: str(n, "op"), Path: str(n, "path"), From: str(n, "from"), Value: get(n, "value")}
}

// pointer splits a JSON pointer (RFC 6901) into its reference tokens.
func pointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("JSON pointer %q does not start with /", p)
	}
	tokens := strings.Split(p[1:], "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens, nil
}

// formatPointer joins reference tokens into a JSON pointer.
func formatPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// resolve returns the node at tokens under n, or nil.
func resolve(n *yaml.Node, tokens []string) *yaml.Node {
	for _, t := range tokens {
		switch n.Kind {
		case yaml.MappingNode:
			n = get(n, t)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// applyOp applies one JSON 6902 operation to the object doc, as kustomize's JSON patch
// library does.
func applyOp(doc *yaml.Node, op jsonOp) error {
	path, err := pointer(op.Path)
	if err != nil {
		return err
	}
	switch op.Op {
	case "add", "replace", "test":
		if op.Value == nil {
			return fmt.Errorf("%s %s: no value", op.Op, op.Path)
		}
	}
	switch op.Op {
	case "add":
		return add(doc, path, yaml.CopyYNode(op.Value), false)
	case "replace":
		return add(doc, path, yaml.CopyYNode(op.Value), true)
	case "remove":
		_, err := remove(doc, path)
		return err
	case "test":
		if n := resolve(doc, path); n == nil || !equal(n, op.Value) {
			return fmt.Errorf("test %s failed", op.Path)
		}
		return nil
	case "move", "copy":
		from, err := pointer(op.From)
		if err != nil {
			return err
		}
		var v *yaml.Node
		if op.Op == "move" {
			v, err = remove(doc, from)
		} else if v = resolve(doc, from); v == nil {
			err = fmt.Errorf("copy from %s: not found", op.From)
		} else {
			v = yaml.CopyYNode(v)
		}
		if err != nil {
			return err
		}
		return add(doc, path, v, false)
	}
	return fmt.Errorf("unknown operation %q", op.Op)
}

// add sets the value at path: a mapping key is set, a sequence index inserts before it
// ("-" appends); replace requires the value to exist and overwrites it.
func add(doc *yaml.Node, path []string, v *yaml.Node, replace bool) error {
	if len(path) == 0 {
		*doc = *v
		return nil
	}
	parent := resolve(doc, path[:len(path)-1])
	last := path[len(path)-1]
	if parent == nil {
		return fmt.Errorf("%s: parent not found", formatPointer(path))
	}
	switch parent.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == last {
				parent.Content[i+1] = v
				return nil
			}
		}
		if replace {
			return fmt.Errorf("replace %s: not found", formatPointer(path))
		}
		parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, v)
		return nil
	case yaml.SequenceNode:
		if last == "-" && !replace {
			parent.Content = append(parent.Content, v)
			return nil
		}
		i, err := strconv.Atoi(last)
		if err != nil || i < 0 || i > len(parent.Content) || (replace && i == len(parent.Content)) {
			return fmt.Errorf("%s: index out of range", formatPointer(path))
		}
		if replace {
			parent.Content[i] = v
			return nil
		}
		parent.Content = append(parent.Content[:i], append([]*yaml.Node{v}, parent.Content[i:]...)...)
		return nil
	}
	return fmt.Errorf("%s: parent is a scalar", formatPointer(path))
}

// remove deletes the value at path and returns it.
func remove(doc *yaml.Node, path []string) (*yaml.Node, error) {
	if len(path) == 0 {
		return nil, fmt.Errorf("cannot remove the whole object")
	}
	parent := resolve(doc, path[:len(path)-1])
	last := path[len(path)-1]
	if parent != nil {
		switch parent.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(parent.Content); i += 2 {
				if parent.Content[i].Value == last {
					v := parent.Content[i+1]
					parent.Content = append(parent.Content[:i], parent.Content[i+2:]...)
					return v, nil
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(parent.Content) {
				v := parent.Content[i]
				parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
				return v, nil
			}
		}
	}
	return nil, fmt.Errorf("remove %s: not found", formatPointer(path))
}
