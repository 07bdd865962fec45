package kustomize

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// equal reports whether two trees hold the same data, as parsed: mappings compared as
// sets of keys, sequences in order, scalars by resolved tag and value. Comments, styles and
// key order do not count.
func equal(a, b *yaml.Node) bool { return difference(a, b) == "" }

// difference returns the path of the first place where a and b hold different data, or "".
func difference(a, b *yaml.Node) string {
	return diffAt(unwrap(a), unwrap(b), ".")
}

func unwrap(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func diffAt(a, b *yaml.Node, at string) string {
	a, b = unwrap(a), unwrap(b)
	switch {
	case a == nil || b == nil:
		if a == b {
			return ""
		}
		return at
	case a.Kind != b.Kind:
		return at
	}
	switch a.Kind {
	case yaml.ScalarNode:
		if a.ShortTag() != b.ShortTag() || (a.Value != b.Value && a.ShortTag() != "!!null") {
			return at
		}
	case yaml.SequenceNode:
		if len(a.Content) != len(b.Content) {
			return at
		}
		for i := range a.Content {
			if d := diffAt(a.Content[i], b.Content[i], at+"["+strconv.Itoa(i)+"]"); d != "" {
				return d
			}
		}
	case yaml.MappingNode:
		if len(a.Content) != len(b.Content) {
			for i := 0; i+1 < len(a.Content); i += 2 {
				if get(b, a.Content[i].Value) == nil {
					return join(at, a.Content[i].Value)
				}
			}
			for i := 0; i+1 < len(b.Content); i += 2 {
				if get(a, b.Content[i].Value) == nil {
					return join(at, b.Content[i].Value)
				}
			}
			return at
		}
		for i := 0; i+1 < len(a.Content); i += 2 {
			k := a.Content[i].Value
			if d := diffAt(a.Content[i+1], get(b, k), join(at, k)); d != "" {
				return d
			}
		}
	}
	return ""
}

func join(at, key string) string {
	if at == "." {
		return key
	}
	return at + "." + key
}
