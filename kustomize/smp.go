package kustomize

import (
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kyaml's strategic merge costs about a millisecond a merge, most of it in walking its
// OpenAPI schema and its generic list matching; a repository's plan makes hundreds. This is
// the same merge, step for step as kyaml's walker and merge2 visitor do it, for the shapes
// a strategic-merge patch of a workload has: mappings, scalars, lists replaced whole, and
// the associative lists of the pod spec merged by key, patch items first (kustomize's
// "prepend"). The result is identical to kyaml's, node for node, comments and styles
// included (TestFastMergeMatchesKyaml compares them over every repository of the tests).
// Whatever it does not handle (nulls, aliases, schema comments, a type without a known
// schema, lists of scalars merged as sets, a list item without its key, duplicate keys)
// it declines before anything is decided, and kyaml merges instead.

// fastMerge merges patch into dest, both mappings, as merge2.Merge with
// MergeOptionsListPrepend does, editing dest and taking nodes of patch into it; it reports
// false, with dest and patch in any state, for a shape it does not handle.
func fastMerge(dest, patch *yaml.Node) bool {
	schema := mergeSchemas[str(dest, "apiVersion")+"/"+str(dest, "kind")]
	if schema == nil || !mergeable(dest, true) || !mergeable(patch, true) {
		return false
	}
	m := merger{}
	m.mapping(dest, patch, schema)
	return !m.declined
}

// mergeable reports whether a tree holds none of what kyaml's merge treats apart: a null
// (which clears), an alias or anchor, a comment that may hold a field schema (kyaml reads
// JSON in comments), a key that is not a plain scalar or repeats, a directive, or, below the
// root, an embedded object (apiVersion and kind), whose type kyaml may look up.
func mergeable(n *yaml.Node, root bool) bool {
	if n.Kind == 0 || n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode || n.Anchor != "" || n.Tag == yaml.NodeTagNull ||
		strings.Contains(n.HeadComment, "{") || strings.Contains(n.LineComment, "{") || strings.Contains(n.FootComment, "{") {
		return false
	}
	if n.Kind == yaml.MappingNode {
		if len(n.Content)%2 != 0 || (!root && get(n, "apiVersion") != nil && get(n, "kind") != nil) {
			return false
		}
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || strings.HasPrefix(k.Value, "$") || !mergeable(k, false) {
				return false
			}
			for j := 0; j < i; j += 2 {
				if n.Content[j].Value == k.Value {
					return false
				}
			}
		}
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			continue
		}
		if !mergeable(c, false) {
			return false
		}
	}
	return true
}

type merger struct {
	declined bool
}

// value merges the patch's value s of a field into the object's value d (either may be
// missing) and returns the field's new value, and whether it is a new list node.
func (m *merger) value(d, s *yaml.Node, schema *mergeSchema) (*yaml.Node, bool) {
	if d != nil && s != nil && d.Kind != s.Kind {
		m.declined = true // kyaml fails there
		return d, false
	}
	var kind yaml.Kind
	if d != nil {
		kind = d.Kind
	} else {
		kind = s.Kind
	}
	switch {
	case kind == yaml.MappingNode:
		if d == nil {
			d = s // kyaml merges a new mapping with itself, which normalises it as below
		}
		m.mapping(d, s, schema)
		return d, false
	case kind == yaml.SequenceNode && schema != nil && schema.list:
		return m.list(d, s, schema)
	}
	if d != nil && s != nil {
		setComments(d, s)
		if kind == yaml.SequenceNode {
			setStyle(d, s)
		}
	}
	if s != nil {
		return s, false
	}
	return d, false
}

// mapping merges the mapping s into d (s may be nil, or d itself) field by field, in the
// order of their sorted names; d's fields keep their places, new ones are appended.
func (m *merger) mapping(d, s *yaml.Node, schema *mergeSchema) {
	if s != nil && s != d {
		setComments(d, s)
		setStyle(d, s)
	}
	names := keys(d)
	if s != nil && s != d {
		names = append(names, keys(s)...)
		slices.Sort(names)
		names = slices.Compact(names)
	} else {
		slices.Sort(names)
	}
	for _, name := range names {
		if m.declined {
			return
		}
		dv := get(d, name)
		var sk, sv *yaml.Node
		if s != nil {
			sk, sv = field(s, name)
		}
		v, fresh := m.value(dv, sv, schema.field(name))
		var keyStyle yaml.Style
		if sk != nil && !fresh {
			keyStyle = sk.Style
		}
		setField(d, name, v, keyStyle)
	}
}

// setField sets a field as kyaml's FieldSetter does: a string that YAML 1.1 would read as
// another type is quoted, an existing field's node takes the value but keeps its style, and
// a new field is appended with a new key.
func setField(m *yaml.Node, name string, v *yaml.Node, keyStyle yaml.Style) {
	if v.Kind == yaml.ScalarNode && (v.Tag == yaml.NodeTagString || v.Tag == "") && v.Style == 0 && yaml11NonString(v) {
		v.Style = yaml.DoubleQuotedStyle
	}
	if old := get(m, name); old != nil {
		v.Style = old.Style
		if old != v {
			*old = *v
		}
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name, Style: keyStyle}, v)
}

// yaml11NonString is kyaml's IsYaml1_1NonString, which parses the value with a YAML 1.1
// parser; a value that starts with a letter and holds only letters, digits and -_./ is a
// string there unless it is one of YAML 1.1's words for booleans and null.
func yaml11NonString(n *yaml.Node) bool {
	v := n.Value
	if v == "" || !isLetter(v[0]) {
		return yaml.IsYaml1_1NonString(n)
	}
	for i := 1; i < len(v); i++ {
		c := v[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.' && c != '/' {
			return yaml.IsYaml1_1NonString(n)
		}
	}
	switch strings.ToLower(v) {
	case "y", "yes", "n", "no", "on", "off", "true", "false", "null":
		return yaml.IsYaml1_1NonString(n)
	}
	return false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// list merges an associative list as kyaml's walker does with the prepend option: the items
// of s first, each merged with the item of d that has the same keys, then d's other items,
// in a new list node (fresh), unless neither has items.
func (m *merger) list(d, s *yaml.Node, schema *mergeSchema) (_ *yaml.Node, fresh bool) {
	if d != nil && s != nil {
		setComments(d, s)
		setStyle(d, s)
	}
	if d == nil {
		d = s
	}
	if s == d {
		s = nil // merged with itself: as without a patch
	}
	keys, ok := listKeys(d, s, schema.keys)
	if !ok {
		m.declined = true
		return d, false
	}
	if len(d.Content) == 0 && len(items(s)) == 0 {
		return d, false
	}
	patchItems := items(s)
	out := make([]*yaml.Node, 0, len(d.Content)+len(patchItems))
	var taken []*yaml.Node // d's items merged with one of s
	for _, si := range patchItems {
		di := match(d, si, keys)
		if di == nil {
			m.mapping(si, si, schema.elem)
			out = append(out, si)
			continue
		}
		m.mapping(di, si, schema.elem)
		out = append(out, di)
		taken = append(taken, di)
	}
	for _, di := range d.Content {
		if !slices.Contains(taken, di) {
			m.mapping(di, nil, schema.elem)
			out = append(out, di)
		}
	}
	return &yaml.Node{Kind: yaml.SequenceNode, Content: out}, true
}

// listKeys returns the keys kyaml matches the items of d and s by, or false when an item is
// not a mapping with them (as non-empty scalars) or two items of a list have the same. A
// list with several keys (ports) is handled only without a patch (s nil) and when every
// item has the same keys set, where kyaml keeps the items in order.
func listKeys(d, s *yaml.Node, schemaKeys []string) ([]string, bool) {
	if len(schemaKeys) == 0 || (len(schemaKeys) > 1 && s != nil) {
		return nil, false
	}
	var keys []string
	first := true
	for _, list := range []*yaml.Node{d, s} {
		for i, item := range items(list) {
			if item.Kind != yaml.MappingNode || len(item.Content) == 0 {
				return nil, false
			}
			var set []string
			for _, k := range schemaKeys {
				if v := get(item, k); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
					set = append(set, k)
				}
			}
			if first {
				keys, first = set, false
			}
			if len(set) == 0 || set[0] != schemaKeys[0] || !slices.Equal(set, keys) {
				return nil, false
			}
			for _, prev := range list.Content[:i] {
				if sameKeys(prev, item, keys) {
					return nil, false
				}
			}
		}
	}
	return keys, true
}

func sameKeys(a, b *yaml.Node, keys []string) bool {
	for _, k := range keys {
		if str(a, k) != str(b, k) {
			return false
		}
	}
	return true
}

// match returns the item of list with the keys of item, or nil.
func match(list, item *yaml.Node, keys []string) *yaml.Node {
	for _, c := range list.Content {
		if sameKeys(c, item, keys) {
			return c
		}
	}
	return nil
}

// setComments gives d the comments s has, as kyaml's merge does before merging them.
func setComments(d, s *yaml.Node) {
	if s.FootComment != "" {
		d.FootComment = s.FootComment
	}
	if s.HeadComment != "" {
		d.HeadComment = s.HeadComment
	}
	if s.LineComment != "" {
		d.LineComment = s.LineComment
	}
}

// setStyle gives an empty mapping or list of the object the style of the patch's.
func setStyle(d, s *yaml.Node) {
	if d.Kind != yaml.ScalarNode && len(d.Content) == 0 {
		d.Style = s.Style
	}
}

// keys returns the names of a mapping's fields.
func keys(m *yaml.Node) []string {
	out := make([]string, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		out = append(out, m.Content[i].Value)
	}
	return out
}

// field returns the key and value nodes of a mapping's field, or nils.
func field(m *yaml.Node, name string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}
